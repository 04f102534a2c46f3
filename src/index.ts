/**
 * Slipway's library API: zero-downtime, release-based deploys over SSH.
 *
 * ```ts
 * import { loadSpec, deploy, rollback, listReleases } from 'slipway'
 * const spec = loadSpec('slipway.yml', { env: 'production' })
 * const result = await deploy({ spec, reporter })
 * ```
 * The CLI and the GitHub Action are thin faces over these functions.
 */
export { loadSpec, parseSpec, SpecError, type LoadOptions } from './spec/load.js'
export type { Spec, HostSpec, SmokeCheck, HttpCheck, RunCheck } from './spec/types.js'
export { deploy, DeployError, type DeployOptions, type DeployResult } from './deploy/deploy.js'
export { rollback, type RollbackOptions, type RollbackResult } from './deploy/rollback.js'
export { pickTarget, planRollback, planFleetRollback, type RollbackPlan, type FleetRollback } from './deploy/rollback-plan.js'
export { selectHosts, type HostSelection } from './spec/select.js'
export { listReleases, unlock, type ReleaseListing, type ReleaseRow, type HostListing } from './deploy/releases.js'
export { planDeploy, type PlannedHost } from './deploy/deploy.js'
export { notReverted, type RollbackFacts } from './deploy/caveats.js'
export { listPoints, restoreDatabase, type PointRow, type DbRestoreResult } from './deploy/db.js'
export { dbMode, type DbMode } from './deploy/rollback-db.js'
export { LockedError, type OperationOptions } from './deploy/run.js'
export { cancelOnSignals, type Cancel } from './deploy/signals.js'
export { releaseHeldLock, type HeldLock } from './deploy/release-lock.js'
export { StepError, sshConnector, type Connector } from './deploy/session.js'
export type { Remote, ExecOptions, ExecResult } from './remote/types.js'
export type { ReleaseRecord, ReleaseState, MigrationRecord, RestorePoint } from './commands/history.js'
export { consoleReporter, silentReporter, type Reporter } from './reporter.js'
export { SlipwayError, InputError } from './errors.js'
export { checkMigrations } from './check/index.js'
export type { CheckOptions, CheckResult, CheckConfig, Finding } from './check/types.js'
export { formatText, formatJson, formatSarif, formatGithub } from './check/index.js'
