/**
 * The fault matrix as tests: one sshd, a few lanes (deploy roots) that run their trials one after the other,
 * side by side; one test per trial; the table of outcomes printed at the end.
 */
import { afterAll, expect, test } from '@jest/globals'
import { startLab, type Lab } from '../support/lab.js'
import { type Db, type Lane, runCli, startLane, stopLane } from './lane.js'
import { DEPLOY_POINTS, deployTrial, FAULTS, type Outcome, ROLLBACK_POINTS, rollbackTrial, row, table } from './matrix.js'

/** Lanes per database: trials wait for the lock TTL or the watchdog, so lanes overlap the waiting. */
const LANES = 3

/** Every (operation, step, fault) trial. */
export const TRIALS = [
  ...DEPLOY_POINTS.flatMap((step) => FAULTS.map((fault) => ['deploy', step, fault] as const)),
  ...ROLLBACK_POINTS.flatMap((step) => FAULTS.map((fault) => ['rollback', step, fault] as const))
]

/** One trial: the operation, the step it is interrupted at, and how. */
export type Trial = (typeof TRIALS)[number]

/** Registers the fault matrix on `db`: every trial, or those given (a subset, as `npm test` runs), on `lanes` lanes. */
export function faultSuite(db: Db, trials: readonly Trial[] = TRIALS, lanes = LANES): void {
  let lab: Lab | undefined
  let ready: Promise<Lane[]> | undefined
  const rows: Outcome[] = []
  const chains: Array<Promise<unknown>> = []
  // Concurrent tests may start before a beforeAll has run: the lab and lanes are set up by the first trial.
  const setup = () => (ready ??= (async () => {
    lab = await startLab()
    const all = await Promise.all(Array.from({ length: lanes }, (_, i) => startLane(lab!, db, `${db}${i}`)))
    await Promise.all(all.map(async (lane) => {
      const first = await runCli(lane, ['deploy'])
      if (first.code !== 0) throw new Error(`the first deploy of lane ${lane.name} failed:\n${first.out}`)
    }))
    return all
  })())

  afterAll(async () => {
    process.stdout.write(table(db, rows.filter(Boolean)))
    if (ready) (await ready.catch(() => [])).forEach(stopLane)
    lab?.stop()
  })

  test.concurrent.each(trials.map((t, i) => [...t, i] as const))('%s interrupted at %s by %s', async (op, step, fault, i) => {
    const lane = (await setup())[i % lanes]
    const run = (chains[i % lanes] ?? Promise.resolve()).then(() => (op === 'deploy' ? deployTrial(lane, step, fault) : rollbackTrial(lane, step, fault)))
    chains[i % lanes] = run.catch(() => undefined)
    const outcome = await run
    rows[i] = outcome
    process.stderr.write(`[faults ${db}] ${row(outcome)}\n`)
    expect(outcome.problems).toEqual([])
  }, 240000)
}
