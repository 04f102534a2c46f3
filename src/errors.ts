/** Errors that carry the process exit code a user should see. */

/** A deploy, rollback or remote step failed: exit 1. */
export class SlipwayError extends Error {
  readonly exitCode: number = 1
  constructor(message: string) {
    super(message)
    this.name = 'SlipwayError'
  }
}

/** Bad input (spec, arguments, host key, auth): nothing was touched on any host; exit 2. */
export class InputError extends SlipwayError {
  override readonly exitCode: number = 2
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/**
 * The operation stopped before it changed anything on any host: a host could not be reached, or another run
 * holds the lock (what this run had taken is released); exit 3.
 */
export class UntouchedError extends SlipwayError {
  override readonly exitCode: number = 3
  constructor(message: string) {
    super(message)
    this.name = 'UntouchedError'
  }
}
