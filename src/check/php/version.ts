import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The Laravel major version of the app in `dir`, from composer.lock (else composer.json); undefined when unknown. */
export function detectLaravel(dir: string): number | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(dir, 'composer.lock'), 'utf8')) as { packages?: Array<{ name?: string; version?: string }> }
    const pkg = lock.packages?.find((p) => p.name === 'laravel/framework')
    const major = /^v?(\d+)/.exec(pkg?.version ?? '')
    if (major) return Number(major[1])
  } catch { /* no lock file: try composer.json */ }
  try {
    const json = JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8')) as { require?: Record<string, string> }
    const major = /(\d+)/.exec(json.require?.['laravel/framework'] ?? '')
    if (major) return Number(major[1])
  } catch { /* unknown */ }
  return undefined
}
