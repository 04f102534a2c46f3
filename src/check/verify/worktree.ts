/** The base revision checked out next to the repository with `git worktree`, for --verify-rollback. */
import { execFile } from 'node:child_process'
import { mkdtemp, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { CheckInputError } from '../errors.js'

const exec = promisify(execFile)

/** A checkout of the base revision; `app` is the Laravel app's directory inside it. */
export interface BaseCheckout { commit: string; app: string; remove(): Promise<void> }

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await exec('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout.trim()
  } catch (e) {
    const err = e as { stderr?: string; message?: string }
    throw new CheckInputError(`--verify-rollback: git ${args[0]} failed: ${(err.stderr || err.message || '').trim()}`)
  }
}

/**
 * Checks out the merge base of `base` and HEAD (the code that runs in production before the PR's release, and
 * after a code rollback) in a temporary worktree of the repository holding `app`.
 */
export async function checkoutBase(app: string, base: string): Promise<BaseCheckout> {
  const top = await git(app, ['rev-parse', '--show-toplevel'])
  const commit = await git(app, ['merge-base', `${base}^{commit}`, 'HEAD'])
  const dir = join(await mkdtemp(join(tmpdir(), 'slipway-base-')), 'tree')
  await git(top, ['worktree', 'add', '--detach', '--quiet', dir, commit])
  return {
    commit,
    app: join(dir, relative(top, await realpath(app))),
    async remove() {
      await git(top, ['worktree', 'remove', '--force', dir]).catch(() => undefined)
      await rm(join(dir, '..'), { recursive: true, force: true })
      await git(top, ['worktree', 'prune']).catch(() => undefined)
    }
  }
}
