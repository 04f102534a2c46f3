/** What every command of the Action works with: settings, log, the spec with credentials, deployment records, lock state. */
import { randomBytes } from 'node:crypto'
import { listReleases, type ReleaseListing } from '../deploy/releases.js'
import { cancelOnSignals, type Cancel } from '../deploy/signals.js'
import { selectHosts } from '../spec/select.js'
import type { Spec } from '../spec/types.js'
import { writeKeyFile } from './credentials.js'
import { deployments, type Deployments } from './deployments.js'
import type { Settings } from './inputs.js'
import type { ActionLog } from './log.js'
import { loadActionSpec } from './spec.js'
import { saveLock, saveTempPaths } from './state.js'

/** The outcome of one command: outputs to set, the job summary, and a failure message if it failed. */
export interface Outcome {
  outputs: Record<string, string>
  summary: string
  failure?: string
  /** Fail the step without an error annotation (the check's own annotations say why). */
  quiet?: boolean
}

/** Shared state of one step. */
export interface Context {
  settings: Settings
  log: ActionLog
  env: NodeJS.ProcessEnv
  /** Who acts and in which run: recorded in history and in the lock owner. */
  actor: string
  runId?: string
  /** The spec, with input credentials applied and narrowed to the inputs' host selection (loaded on first use: `check` needs none). */
  spec(): Spec
  /** Deployment records, when there is a token and a repository. */
  records?: Deployments
  /** Tells the post step an operation is about to take the lock. */
  /** The lock owner token this step's deploy/rollback uses, saved for the post step. */
  lockToken: string
  holdLock(operation: 'deploy' | 'rollback'): void
  /** Tells the post step the library released the lock. */
  lockReleased(): void
  /** Cancels deploy and rollback on SIGINT/SIGTERM (GitHub's cancel); listening starts on first use. */
  cancel(): Cancel
  /** The release table of every host, or undefined (with a warning) when it cannot be read. */
  listing(): Promise<ReleaseListing | undefined>
}

/** The spec narrowed to the inputs' host selection, said in the log. */
function narrowed(spec: Spec, settings: Settings, log: ActionLog): Spec {
  const picked = selectHosts(spec, settings.select)
  if (picked !== spec) log.warn(`working on ${picked.hosts.length} of ${spec.hosts.length} hosts: ${picked.hosts.map((h) => h.name).join(', ')}`)
  return picked
}

/** Builds the context: writes the key file (recorded for the post step at once). */
export function createContext(settings: Settings, log: ActionLog, env: NodeJS.ProcessEnv = process.env): Context {
  const key = settings.sshKey ? writeKeyFile(settings.sshKey, env) : undefined
  if (key) saveTempPaths([key.dir])
  let spec: Spec | undefined
  let cancel: Cancel | undefined
  const actor = env.GITHUB_ACTOR || 'github-actions'
  const runId = env.GITHUB_RUN_ID || undefined
  const ctx: Context = {
    settings, log, env, actor, runId,
    lockToken: randomBytes(8).toString('hex'),
    spec: () => (spec ??= narrowed(loadActionSpec(settings.spec, settings.environment, key?.file, settings.knownHosts), settings, log)),
    records: settings.token ? deployments({ token: settings.token, environment: settings.environment ?? 'production', env }, log) : undefined,
    holdLock(operation) {
      saveLock({
        held: { app: ctx.spec().app, by: actor, run: runId, operation, notBefore: new Date().toISOString(), token: ctx.lockToken },
        spec: settings.spec, environment: settings.environment, keyFile: key?.file, knownHosts: settings.knownHosts
      })
    },
    lockReleased: () => saveLock(undefined),
    cancel: () => (cancel ??= cancelOnSignals((m) => log.warn(m))),
    async listing() {
      try {
        return await log.group('Read the release history', () => listReleases({ spec: ctx.spec(), reporter: log, actor, runId }))
      } catch (error) {
        log.warn(`could not read the release history for the summary: ${(error as Error).message}`)
        return undefined
      }
    }
  }
  return ctx
}
