/** What Laravel's Blueprint methods do to a table: which add columns, which drop them, index naming. */

const TYPES = `bigIncrements bigInteger binary boolean char dateTimeTz dateTime date decimal double enum float foreignId
 foreignIdFor foreignUlid foreignUuid geography geometry geometryCollection id increments integer integerIncrements ipAddress
 json jsonb lineString longText macAddress mediumIncrements mediumInteger mediumText morphs multiLineString multiPoint
 multiPolygon nullableMorphs nullableTimestamps nullableUlidMorphs nullableUuidMorphs point polygon rememberToken set
 smallIncrements smallInteger softDeletesTz softDeletes string text timeTz time timestampTz timestamp timestampsTz timestamps
 tinyIncrements tinyInteger tinyText unsignedBigInteger unsignedDecimal unsignedDouble unsignedFloat unsignedInteger
 unsignedMediumInteger unsignedSmallInteger unsignedTinyInteger ulidMorphs uuidMorphs ulid uuid year vector`

/** Blueprint methods that add a column. */
export const COLUMN_TYPES = new Set(TYPES.split(/\s+/).filter(Boolean))

/** Column types that fill themselves (auto-increment) or are nullable by construction. */
export const SELF_FILLING = new Set(['bigIncrements', 'id', 'increments', 'integerIncrements', 'mediumIncrements',
  'smallIncrements', 'tinyIncrements', 'nullableMorphs', 'nullableTimestamps', 'nullableUlidMorphs', 'nullableUuidMorphs',
  'rememberToken', 'softDeletes', 'softDeletesTz', 'timestamps', 'timestampsTz'])

/** Modifiers that give a new column a value for existing rows. */
export const FILLING_MODIFIERS = new Set(['nullable', 'default', 'useCurrent', 'autoIncrement', 'storedAs', 'virtualAs',
  'generatedAs', 'always'])

/** Modifiers that Laravel 11+ drops on ->change() unless restated. */
export const KEPT_MODIFIERS = ['nullable', 'default', 'unsigned', 'comment', 'charset', 'collation', 'autoIncrement',
  'useCurrent', 'useCurrentOnUpdate', 'storedAs', 'virtualAs', 'generatedAs', 'invisible']

/** Index kinds, as Laravel names them in generated index names. */
export type IndexType = 'index' | 'unique' | 'primary' | 'foreign' | 'fulltext' | 'spatialindex'

/** Blueprint methods (and column modifiers) that add an index, by the kind they add. */
export const INDEX_METHODS: Record<string, IndexType> = {
  index: 'index', unique: 'unique', primary: 'primary', foreign: 'foreign', fulltext: 'fulltext', fullText: 'fulltext',
  spatialIndex: 'spatialindex', constrained: 'foreign', references: 'foreign'
}

/** Blueprint methods that drop an index, by the kind they drop. */
export const DROP_INDEX_METHODS: Record<string, IndexType> = {
  dropIndex: 'index', dropUnique: 'unique', dropPrimary: 'primary', dropForeign: 'foreign', dropFullText: 'fulltext',
  dropSpatialIndex: 'spatialindex'
}

/** The columns a column-adding method creates, given its first literal argument. */
export function columnsOf(method: string, first: string | undefined): string[] {
  switch (method) {
    case 'id': return [first ?? 'id']
    case 'timestamps': case 'timestampsTz': case 'nullableTimestamps': return ['created_at', 'updated_at']
    case 'softDeletes': case 'softDeletesTz': return [first ?? 'deleted_at']
    case 'rememberToken': return ['remember_token']
    case 'uuid': return [first ?? 'uuid']
    case 'ulid': return [first ?? 'ulid']
    case 'morphs': case 'nullableMorphs': case 'uuidMorphs': case 'ulidMorphs': case 'nullableUuidMorphs': case 'nullableUlidMorphs':
      return first === undefined ? [] : [`${first}_type`, `${first}_id`]
    default: return first === undefined ? [] : [first]
  }
}

/** The columns a column-dropping method removes, or undefined when the method drops no column. */
export function droppedColumns(method: string, args: Array<string[] | undefined>): string[] | undefined {
  switch (method) {
    case 'dropColumn': case 'dropColumns': return args.flatMap((a) => a ?? [])
    case 'dropTimestamps': case 'dropTimestampsTz': return ['created_at', 'updated_at']
    case 'dropSoftDeletes': case 'dropSoftDeletesTz': return [args[0]?.[0] ?? 'deleted_at']
    case 'dropRememberToken': return ['remember_token']
    case 'dropMorphs': return args[0]?.[0] === undefined ? [] : [`${args[0][0]}_type`, `${args[0][0]}_id`]
    case 'dropConstrainedForeignId': return args[0] ?? []
    default: return undefined
  }
}

/** Laravel's generated index name: `{table}_{columns}_{type}`, lower-cased, `-` and `.` as `_`. */
export function indexName(table: string, columns: string[], type: IndexType): string {
  return `${table}_${columns.join('_')}_${type}`.replace(/[-.]/g, '_').toLowerCase()
}
