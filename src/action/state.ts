/**
 * What the main step leaves for the post step (GITHUB_STATE → STATE_* env): temporary files to remove,
 * and enough to find and release a deploy lock the main step may still hold if it was killed.
 */
import * as core from '@actions/core'
import type { HeldLock } from '../deploy/release-lock.js'

/** The lock the main step took, and how to reach its hosts again. */
export interface LockState {
  held: HeldLock
  spec: string
  environment?: string
  /** The private key file the hosts are reached with, if the key came from an input. */
  keyFile?: string
  knownHosts?: string
}

/** Everything the post step reads. */
export interface PostState {
  /** Temporary files and directories to remove. */
  paths: string[]
  /** Set while an operation holds (or may hold) a lock; cleared when the library released it. */
  lock?: LockState
}

const PATHS = 'slipway_paths'
const LOCK = 'slipway_lock'

/**
 * Saves one value for the post step: GITHUB_STATE for the runner (which starts the post step as a new process with
 * STATE_<name>), and STATE_<name> in this process for a post step run in the same process (`@github/local-action --post`).
 */
function save(name: string, value: string): void {
  core.saveState(name, value)
  process.env[`STATE_${name}`] = value
}

/** Records the temporary paths (saved at once: the step may be killed any time after). */
export function saveTempPaths(paths: string[]): void {
  save(PATHS, JSON.stringify(paths))
}

/** Records (or, with undefined, clears) the lock this step may hold. */
export function saveLock(lock: LockState | undefined): void {
  save(LOCK, lock ? JSON.stringify(lock) : '')
}

/** Reads the state the main step saved; missing or damaged values read as empty. */
export function readPostState(get: (name: string) => string = core.getState): PostState {
  const parse = <T>(text: string, fallback: T): T => {
    try {
      return text ? (JSON.parse(text) as T) : fallback
    } catch {
      return fallback
    }
  }
  const lock = parse<LockState | undefined>(get(LOCK), undefined)
  return { paths: parse<string[]>(get(PATHS), []), ...(lock ? { lock } : {}) }
}
