/** Test support: the Sqitch fixture (a real migration tool on sqlite) as a deploy source, and its database on the host. */
import { execFileSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hostWrite } from './lab.js'

/** A fresh copy of the Sqitch app, an empty database under `root`'s shared/, and the spec's migrate section for it. */
export function sqitchApp(root: string, run = '') {
  const source = mkdtempSync(join(tmpdir(), 'slipway-sqitch-'))
  cpSync(join(process.cwd(), '__tests__/fixtures/sqitch-app'), source, { recursive: true })
  const db = join(root, 'shared/app.db')
  const registry = join(root, 'shared/sqitch.db')
  hostWrite(db, '')
  const migrate = [
    'migrate:',
    '  step_back: auto',
    '  commands:',
    `    run: sqitch deploy db:sqlite:${db}${run}`,
    `    status: if [ -f ${registry} ]; then sqlite3 ${registry} "select change from changes where project = 'shop' order by committed_at"; fi`,
    `    step_back: sqitch revert -y --to @HEAD^{count} db:sqlite:${db}`
  ].join('\n')
  /** The changes applied, oldest first, as Sqitch's registry records them. */
  const changes = () => execFileSync('sqlite3', [registry, "select change from changes where project = 'shop' order by committed_at"], { encoding: 'utf8' }).trim().split('\n')
  /** Adds a second change, `prices`, with its revert and verify scripts. */
  const addPrices = () => {
    appendFileSync(join(source, 'sqitch.plan'), 'prices 2024-01-02T00:00:00Z Slipway Tests <tests@example.invalid> # prices\n')
    writeFileSync(join(source, 'deploy/prices.sql'), 'BEGIN;\nCREATE TABLE prices (item_id INTEGER, cents INTEGER);\nCOMMIT;\n')
    writeFileSync(join(source, 'revert/prices.sql'), 'BEGIN;\nDROP TABLE prices;\nCOMMIT;\n')
    writeFileSync(join(source, 'verify/prices.sql'), 'SELECT item_id FROM prices WHERE 0;\n')
  }
  return { source, migrate, changes, addPrices }
}
