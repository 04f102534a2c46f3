import { expect, test } from '@jest/globals'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkMigrations, formatText } from '../../src/check/index.js'

// Laid out like a diesel project (migrations/<name>/up.sql + down.sql), a dbmate-style *.down.sql, and a vendored package.
async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-files-'))
  await mkdir(join(dir, 'migrations', '2024-01-01-000000_add_bio'), { recursive: true })
  await writeFile(join(dir, 'migrations', '2024-01-01-000000_add_bio', 'up.sql'), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN bio text;\n")
  await writeFile(join(dir, 'migrations', '2024-01-01-000000_add_bio', 'down.sql'), 'ALTER TABLE users DROP COLUMN bio;\n')
  await writeFile(join(dir, 'migrations', '002_tags.down.sql'), 'DROP TABLE tags;\n')
  await mkdir(join(dir, 'migrations', 'vendor', 'acme'), { recursive: true })
  await writeFile(join(dir, 'migrations', 'vendor', 'acme', '001.sql'), 'DROP TABLE users;\n')
  return dir
}

test('a directory walk leaves out rollback scripts and vendor directories, and says so', async () => {
  const dir = await project()
  const r = await checkMigrations({ cwd: dir, paths: ['migrations'] })
  expect(r.files).toEqual(['migrations/2024-01-01-000000_add_bio/up.sql'])
  expect(r.findings).toEqual([])
  expect(r.skipped).toEqual([
    { path: 'migrations/002_tags.down.sql', reason: 'rollback script (down.sql): not run on deploy; pass it explicitly to check it' },
    { path: 'migrations/2024-01-01-000000_add_bio/down.sql', reason: 'rollback script (down.sql): not run on deploy; pass it explicitly to check it' },
    { path: 'migrations/vendor', reason: 'directory of dependencies (vendor); pass it explicitly to check it' }
  ])
  expect(formatText(r)).toContain('skipped:\n  migrations/002_tags.down.sql  (rollback script (down.sql): not run on deploy; pass it explicitly to check it)\n')
})

test('a rollback script or vendor directory given explicitly is checked', async () => {
  const dir = await project()
  const r = await checkMigrations({ cwd: dir, paths: ['migrations/002_tags.down.sql', 'migrations/vendor'] })
  expect(r.files).toEqual(['migrations/002_tags.down.sql', 'migrations/vendor/acme/001.sql'])
  expect(r.findings.filter((f) => f.ruleId === 'pg-drop-table').map((f) => f.file)).toEqual(['migrations/002_tags.down.sql', 'migrations/vendor/acme/001.sql'])
  expect(r.skipped).toEqual([])
})
