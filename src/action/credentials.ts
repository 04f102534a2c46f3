/**
 * SSH credentials from inputs: the private key goes to a 0600 file in a 0700 temporary directory
 * (the post step needs it too, and removes it), every secret is masked, and the spec is pointed at them.
 */
import * as core from '@actions/core'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Spec } from '../spec/types.js'
import type { Settings } from './inputs.js'

/** Masks a secret and each of its lines (the runner masks line by line, so a multi-line value needs both). */
export function maskSecret(secret: string | undefined): void {
  if (!secret) return
  core.setSecret(secret)
  if (!secret.trim().includes('\n')) return
  for (const line of secret.split('\n')) {
    const l = line.trim()
    if (l.length >= 8 && !/^-----(BEGIN|END) /.test(l)) core.setSecret(l)
  }
}

/** Writes the key to `<RUNNER_TEMP>/slipway-XXXXXX/id_key` (mode 0600); returns the directory and the file. */
export function writeKeyFile(key: string, env: NodeJS.ProcessEnv = process.env): { dir: string; file: string } {
  const dir = mkdtempSync(join(env.RUNNER_TEMP || tmpdir(), 'slipway-'))
  const file = join(dir, 'id_key')
  writeFileSync(file, key, { mode: 0o600 })
  return { dir, file }
}

/**
 * The spec with the input credentials applied: every host uses the key file. The `known-hosts` input always wins,
 * as action.yml promises: it replaces the spec's known_hosts and every pinned host_key, and host keys are verified
 * (loading refuses a spec that also says insecure_skip_host_key_check, so this is a second guard).
 */
export function withCredentials(spec: Spec, keyFile: string | undefined, knownHosts: string | undefined): Spec {
  const hosts = spec.hosts.map((h) => {
    const { host_key: _pinned, ...rest } = h
    return { ...(knownHosts ? rest : h), ...(keyFile ? { identity: keyFile } : {}) }
  })
  if (!knownHosts) return { ...spec, hosts }
  return { ...spec, hosts, known_hosts: knownHosts, insecure_skip_host_key_check: false }
}

/** Masks the secret inputs. */
export function maskInputs(settings: Settings): void {
  maskSecret(settings.sshKey)
  maskSecret(settings.token)
}

/** Removes temporary paths; returns a warning per path that could not be removed. */
export function removePaths(paths: string[]): string[] {
  const problems: string[] = []
  for (const p of paths) {
    try {
      rmSync(p, { recursive: true, force: true })
    } catch (error) {
      problems.push(`could not remove ${p}: ${(error as Error).message}`)
    }
  }
  return problems
}
