/** What a deploy step is: data the pipeline groups into round trips, runs, and prints for --dry-run. */
import type { Readable } from 'node:stream'
import type { HostState, ReleaseRecord } from '../../commands/history.js'
import type { Layout } from '../../commands/layout.js'
import type { LockOwner } from '../../commands/lock.js'
import type { Command } from '../../commands/shell.js'
import type { MigrationDriver, MigrationState } from '../../migrations/types.js'
import type { ScriptResult } from '../../remote/script.js'
import type { HostSpec, Spec } from '../../spec/types.js'
import type { MigrateOutcome } from '../migrate.js'
import type { TwoPhase } from '../phases.js'
import type { Operation } from '../run.js'
import type { Session } from '../session.js'
import type { DeployResult } from '../result.js'
import type { SourceEntry } from '../source.js'

/** Where a step runs: on every host, on the migrating host only, or on the runner. */
export type Where = 'each' | 'migrating' | 'runner'

/** What a failure of the step means: nothing to undo but the lock; mark the release failed; switch back. */
export type OnFailure = 'unlock' | 'mark failed' | 'switch back'

/** One host's part of a deploy. */
export interface HostPlan {
  spec: Spec
  host: HostSpec
  layout: Layout
  id: string
  owner: LockOwner
  /** The live release before this deploy, if any. */
  previous?: string
  /** Set when the upload is a delta against the live release's manifest. */
  delta?: boolean
  record: ReleaseRecord
}

/** The source's manifest as the runner computed it. */
export interface LocalManifest {
  /** One manifest line per entry, in entry order. */
  lines: string[]
  /** Directory digests of the lines a host keeps in its manifest; undefined when the tree cannot be a delta. */
  digests?: string[]
}

/** Per host: what to send, the upload list, and whether it is a delta against the live release. */
export interface Upload {
  send: SourceEntry[]
  list: string[]
  delta: boolean
  /** Copy the unchanged files on the host in two halves at once (a delta keeping at least SPLIT_COPY paths). */
  split: boolean
}

/** Everything a deploy knows so far; steps read it to build their commands and add what they learn. */
export interface DeployRun {
  op: Operation
  spec: Spec
  owner: LockOwner
  sessions: Session[]
  /** A dry run: nothing is judged or decided on what hosts report (they report nothing). */
  dry: boolean
  /** Per host, the owner text of another run's lock the lock step found (undefined where this run holds it, null where not tried). */
  holders: Array<string | undefined | null>
  /** Filled by the steps, in order. */
  states: HostState[]
  id: string
  /** `deploy --only-failed`: the release id to build again (on hosts that do not serve it) instead of a new one. */
  reuse?: string
  commit?: string
  /** The source listing preflight checked: what is uploaded. */
  entries: SourceEntry[]
  /** The source's manifest (lines in entry order) and the directory digests of its delta-able lines, hashed while connecting. */
  local?: LocalManifest
  uploads: Upload[]
  /** Tars packed once for several hosts (the pack step): per host, its file, if it shares one. */
  packed?: { dir: string; files: Array<string | undefined> }
  plans: HostPlan[]
  driver?: MigrationDriver
  /** Index of the migrating host. */
  at: number
  /** The migration state read in the new release before migrating (step `pending`), when the driver can plan a step-back ahead. */
  pending?: MigrationState
  /** Set when the migrate job's script is sent (its guard armed with it). */
  migrating?: boolean
  /** Set when the migrate job reported its state: the guard armed before it in the same script is on the host. */
  guardArmed?: boolean
  migrated?: MigrateOutcome
  /** What the deploy reports, filled in as it goes. */
  result: DeployResult
  /** The rollout (spec `strategy:`): batches of host indices, the one in progress, hosts switched so far, hosts dropped within max_failed. */
  rollout: Rollout
  /** The hosts the steps running now act on (a batch during the rollout; undefined: every host). */
  only?: number[]
  /** The hosts whose part of the last host round trip failed. */
  failedHosts?: number[]
  /** A two-phase deploy: its phase and release id. */
  two?: TwoPhase
}

/** Where a rollout is. */
export interface Rollout {
  batches: number[][]
  /** Index of the batch in progress (-1 before the first). */
  at: number
  /** Per host: its batch has started (its switch may have run). */
  entered: boolean[]
  /** Hosts that failed within max_failed: switched back alone, out of the rest of the deploy. */
  dropped: number[]
  /** What each batch did, in words, in order. */
  timeline: string[]
}

/** One step of a deploy. */
export interface Step {
  name: string
  where: Where
  onFailure: OnFailure
  /** Whether the step takes part in this deploy (default: yes). */
  when?: (run: DeployRun) => boolean
  /** Starts a new round trip: it needs what every host reported before it (default: no). */
  barrier?: (run: DeployRun) => boolean
  /** Host steps: exit codes that are answers, not failures. */
  okCodes?: number[]
  /** Host steps: the commands for host `i`. */
  commands?: (run: DeployRun, i: number) => Command[]
  /** Host steps: true when what earlier round trips read leaves the step nothing to do (it is left out then). */
  skip?: (run: DeployRun) => boolean
  /** Host steps whose commands run as a host job (see `src/commands/detach.ts`): its name, to follow it again after a lost connection. */
  job?: (run: DeployRun, i: number) => string
  /** Host steps that read the upload from stdin. */
  stdin?: (run: DeployRun, i: number) => Readable
  /** Host steps: takes what the round trip reported (`failed` when it ended non-zero). */
  read?: (run: DeployRun, i: number, r: ScriptResult, failed: boolean) => void
  /** Runner steps. */
  run?: (run: DeployRun) => Promise<void>
  /** Part of the rollout: runs once per batch of `strategy:`, on that batch's hosts. */
  rollout?: boolean
}
