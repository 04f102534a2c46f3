/**
 * A representative subset of the fault matrix (`__tests__/faults/`, run whole by `npm run test:faults`), so that
 * `npm test` proves its mechanisms on every run: a host job (migrate, and a manual rollback's switch back and
 * step-back) finished by the host after SIGKILL, followed again after a dropped connection, and a cancel by
 * signal that undoes the run, releases the lock and exits within GitHub's grace. sqlite, one trial per lane. (A
 * rollback's dropped connection and a cancel during its hook: host-job.test.ts and cancel.test.ts, and the matrix.)
 */
import { faultSuite, type Trial } from '../faults/suite.js'

const SUBSET: Trial[] = [
  ['deploy', 'migrate', 'SIGKILL'],
  ['deploy', 'migrate', 'drop'],
  ['deploy', 'smoke', 'SIGTERM'],
  ['rollback', 'step back', 'SIGKILL']
]

// A lane per trial: they run side by side (trials mostly wait for the lock TTL or the watchdog).
faultSuite('sqlite', SUBSET, SUBSET.length)
