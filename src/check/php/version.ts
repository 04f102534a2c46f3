import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The Laravel major version the rules apply, and where it was read (said in the findings that depend on it). */
export interface LaravelVersion {
  /** Major version; undefined when unknown (the rules then assume the newest semantics). */
  major: number | undefined
  /** `laravel/framework v11.9.0 in composer.lock`, `check.laravel: 10`, or `version unknown`. */
  source: string
}

/** The Laravel version of the app in `dir`, from composer.lock (else composer.json's requirement); undefined when neither says. */
export function detectLaravel(dir: string): LaravelVersion | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(dir, 'composer.lock'), 'utf8')) as { packages?: Array<{ name?: string; version?: string }> }
    const pkg = lock.packages?.find((p) => p.name === 'laravel/framework')
    const major = /^v?(\d+)\./.exec(pkg?.version ?? '')
    if (major) return { major: Number(major[1]), source: `laravel/framework ${pkg?.version ?? ''} in composer.lock` }
  } catch { /* no lock file: try composer.json */ }
  try {
    const json = JSON.parse(readFileSync(join(dir, 'composer.json'), 'utf8')) as { require?: Record<string, string> }
    const constraint = json.require?.['laravel/framework']
    // Composer installs the highest major the constraint allows (`^10.0|^11.0` → 11).
    const majors = [...(constraint ?? '').matchAll(/(?:^|[^\d.])(\d+)/g)].map((m) => Number(m[1]))
    if (majors.length > 0) return { major: Math.max(...majors), source: `laravel/framework "${constraint ?? ''}" in composer.json` }
  } catch { /* unknown */ }
  return undefined
}
