/** The schema comparison and the cleanup it decides: what a failed migration added, removed or changed, and the exact SQL that removes only what it added. */
import { describe, expect, test } from '@jest/globals'
import { judgeLeftovers, quoteIdent } from '../../src/migrations/schema-cleanup.js'
import { describeDiff, diffSchema, parseSchema, type Schema, type Table } from '../../src/migrations/schema.js'

const col = (type = 'integer', nullable = false, def: string | null = null) => ({ type, nullable, default: def })
const table = (t: Partial<Table> = {}): Table => ({ columns: { id: col() }, indexes: {}, foreign_keys: {}, ...t })
const items = table({ columns: { id: col(), name: col('varchar') } })
const schema = (driver: string, tables: Record<string, Table>): Schema => ({ driver, tables })

describe('diffSchema', () => {
  test('names added tables (with rows), and added, removed and changed columns, indexes and foreign keys of tables that existed', () => {
    const before = schema('mysql', { items, old: table() })
    const after = schema('mysql', {
      items: table({ columns: { id: col(), name: col('varchar', true), color: col('varchar', true) }, indexes: { items_color_index: { columns: ['color'], unique: false, constraint: false } } }),
      audits: table({ rows: 1, foreign_keys: { audits_item_id_foreign: { columns: ['item_id'], table: 'items', references: ['id'] } } })
    })
    expect(diffSchema(before, after)).toEqual({
      added: [{ kind: 'table', table: 'audits', name: 'audits', rows: 1 }, { kind: 'column', table: 'items', name: 'color' }, { kind: 'index', table: 'items', name: 'items_color_index' }],
      removed: [{ kind: 'table', table: 'old', name: 'old' }],
      changed: [{ kind: 'column', table: 'items', name: 'name' }]
    })
    expect(describeDiff(diffSchema(before, after))).toBe('added: table audits (1 row), column items.color, index items_color_index; removed: table old; changed: column items.name')
    expect(describeDiff(diffSchema(before, before))).toBe('no difference')
  })

  test('reads what PHP prints for an empty database ([] for an empty object) and refuses what is not a snapshot', () => {
    expect(parseSchema('{"driver":"sqlite","tables":[]}')).toEqual({ driver: 'sqlite', tables: {} })
    expect(parseSchema('{"driver":"pgsql","error":"PDOException: gone"}')).toEqual({ driver: 'pgsql', tables: {}, error: 'PDOException: gone' })
    expect(() => parseSchema('nope')).toThrow('could not read the schema snapshot (got: "nope")')
  })
})

describe('judgeLeftovers', () => {
  test('nothing left: none', () => {
    expect(judgeLeftovers(schema('pgsql', { items }), schema('pgsql', { items }))).toEqual({ kind: 'none' })
  })

  test('only additions: foreign keys, indexes, columns, then tables (a referenced table after the one referencing it), quoted for MariaDB', () => {
    const after = schema('mysql', {
      items: table({ columns: { ...items.columns, 'we`ird': col(), tag_id: col() }, indexes: { items_weird_index: { columns: ['we`ird'], unique: false, constraint: false } }, foreign_keys: { items_tag_id_foreign: { columns: ['tag_id'], table: 'tags', references: ['id'] } } }),
      tags: table(),
      audits: table({ foreign_keys: { audits_tag_id_foreign: { columns: ['tag_id'], table: 'tags', references: ['id'] } } })
    })
    const l = judgeLeftovers(schema('mysql', { items }), after)
    expect(l.kind === 'added' && l.sql).toEqual([
      'ALTER TABLE `items` DROP FOREIGN KEY `items_tag_id_foreign`',
      'ALTER TABLE `items` DROP INDEX `items_weird_index`',
      'ALTER TABLE `items` DROP COLUMN `we``ird`',
      'ALTER TABLE `items` DROP COLUMN `tag_id`',
      'DROP TABLE `audits`',
      'DROP TABLE `tags`'
    ])
  })

  test('PostgreSQL drops a constraint\'s index as a constraint; SQLite keeps what it cannot drop on its own', () => {
    const idx = { items_name_unique: { columns: ['name'], unique: true, constraint: true }, items_name_index: { columns: ['name'], unique: false, constraint: false } }
    const pg = judgeLeftovers(schema('pgsql', { items }), schema('pgsql', { items: { ...items, indexes: idx } }))
    expect(pg.kind === 'added' && pg.sql).toEqual(['ALTER TABLE "items" DROP CONSTRAINT "items_name_unique"', 'DROP INDEX "items_name_index"'])
    const fk = { '(tag_id) tags': { columns: ['tag_id'], table: 'tags', references: ['id'] } }
    const lite = judgeLeftovers(schema('sqlite', { items }), schema('sqlite', { items: { ...items, indexes: idx, foreign_keys: fk } }))
    expect(lite.kind === 'added' && [lite.sql, lite.kept]).toEqual([['DROP INDEX "items_name_index"'], [{ kind: 'foreign key', table: 'items', name: '(tag_id) tags' }, { kind: 'index', table: 'items', name: 'items_name_unique' }]])
  })

  test('anything removed or changed that existed: destroyed, and no statement at all (what it added may hold what it moved)', () => {
    const renamed = table({ columns: { id: col(), title: col('varchar') } })
    const l = judgeLeftovers(schema('sqlite', { items }), schema('sqlite', { items: renamed }))
    expect(l).toEqual({ kind: 'destroyed', diff: { added: [{ kind: 'column', table: 'items', name: 'title' }], removed: [{ kind: 'column', table: 'items', name: 'name' }], changed: [] } })
    expect('sql' in l).toBe(false)
  })

  test('identifiers are quoted by doubling the quote', () => {
    expect(quoteIdent('pgsql', 'a"b')).toBe('"a""b"')
    expect(quoteIdent('mariadb', 'a`b')).toBe('`a``b`')
  })
})
