/** Each step builder's exact command text, as the host receives it (the way Kamal tests its commands). */
import { hooksFor } from '../../src/spec/roles.js'
import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { layout } from '../../src/commands/layout.js'
import { acquire, heartbeat, readOwner, release } from '../../src/commands/lock.js'
import { advance, readState, writeRecord, type ReleaseRecord } from '../../src/commands/history.js'
import { checkSharedFiles, clearRelease, copyFromPrevious, guardPaths, hooks, linkShared, makeWritable, unpack, UNSAFE_PATH } from '../../src/commands/release.js'
import { render, type Command } from '../../src/commands/shell.js'
import { activate } from '../../src/commands/switch.js'
import { restorePhase } from '../../src/deploy/steps/restore-phase.js'
import { parseSpec } from '../../src/spec/load.js'

const l = layout('/srv/my app')
const m = { marker: '@@m@@' }
const text = (cs: Command[]) => cs.map(render)
const owner = { token: 't', app: 'shop', by: 'ci', operation: 'deploy', since: '2026-01-01T00:00:00Z' }
const rec: ReleaseRecord = { id: '20260101000000', state: 'live', created_at: 'c', updated_at: 'u', by: 'ci' }

describe('command builders', () => {
  test('lock: mkdir is the lock; a lock with no sign of life for 30 s is renamed away (atomic) and taken; release and heartbeat check the owner first', () => {
    expect(text(acquire(m, l, owner))).toEqual([
      `[ -d '/srv/my app/.slipway/releases' ] || mkdir -p '/srv/my app/.slipway/releases'`,
      `if ! mkdir '/srv/my app/.slipway/lock' 2>/dev/null; then age=$(( \${EPOCHSECONDS:-$(date +%s)} - $(stat -c %Y '/srv/my app/.slipway/lock/heartbeat' 2>/dev/null || stat -c %Y '/srv/my app/.slipway/lock/owner.json' 2>/dev/null || stat -c %Y '/srv/my app/.slipway/lock' 2>/dev/null || echo \${EPOCHSECONDS:-$(date +%s)}) )); ` +
        `if [ "$age" -gt 30 ] && mv -T '/srv/my app/.slipway/lock' '/srv/my app/.slipway/lock.dead.t' 2>/dev/null; then printf '%s%s\\n' @@m@@data:takeover: "$age $(cat '/srv/my app/.slipway/lock.dead.t'/owner.json 2>/dev/null || echo unknown)"; rm -rf '/srv/my app/.slipway/lock.dead.t'; ` +
        `if ! mkdir '/srv/my app/.slipway/lock' 2>/dev/null; then exec 5<> <(:); for _ in {1..40}; do [ -s '/srv/my app/.slipway/lock/owner.json' ] && break; read -rt 0.05 -u 5 _ || :; done; printf '%s%s\\n' @@m@@data:holder: "$(cat '/srv/my app/.slipway/lock/owner.json' 2>/dev/null || echo unknown)"; exit 75; fi; else exec 5<> <(:); for _ in {1..40}; do [ -s '/srv/my app/.slipway/lock/owner.json' ] && break; read -rt 0.05 -u 5 _ || :; done; printf '%s%s\\n' @@m@@data:holder: "$(cat '/srv/my app/.slipway/lock/owner.json' 2>/dev/null || echo unknown)"; exit 75; fi; fi`,
      `printf %s '{"token":"t","app":"shop","by":"ci","operation":"deploy","since":"2026-01-01T00:00:00Z"}' > '/srv/my app/.slipway/lock/owner.json'`
    ])
    expect(render(release(l, owner))).toBe(`holder=; { IFS= read -r holder < '/srv/my app/.slipway/lock/owner.json'; } 2>/dev/null || true; if [ "$holder" = '{"token":"t","app":"shop","by":"ci","operation":"deploy","since":"2026-01-01T00:00:00Z"}' ]; then mv -T '/srv/my app/.slipway/lock' '/srv/my app/.slipway/lock.released.t' && { rm -rf '/srv/my app/.slipway/lock.released.t' 2>/dev/null || true; }; fi`)
    expect(render(heartbeat(l, owner))).toBe(`holder=; { IFS= read -r holder < '/srv/my app/.slipway/lock/owner.json'; } 2>/dev/null || true; if [ "$holder" = '{"token":"t","app":"shop","by":"ci","operation":"deploy","since":"2026-01-01T00:00:00Z"}' ]; then : > '/srv/my app/.slipway/lock/heartbeat'; fi`)
    expect(render(readOwner(m, l, 'owner'))).toBe(`if [ -d '/srv/my app/.slipway/lock' ]; then printf '%s%s\\n' @@m@@data:owner: "$(cat '/srv/my app/.slipway/lock'/owner.json 2>/dev/null || echo unknown)"; fi`)
  })

  test('history: records are read as data lines and written atomically', () => {
    expect(text(readState(m, l))[0]).toBe(`for f in '/srv/my app/.slipway/releases'/*.json; do [ -e "$f" ] || continue; IFS= read -r rec < "$f" || true; printf '%s%s\\n' @@m@@data:record: "$rec"; done`)
    expect(render(writeRecord(l, advance(rec, 'healthy')))).toBe(`printf '%s\\n' '{"id":"20260101000000","state":"healthy","created_at":"c","updated_at":"u","by":"ci"}' > '/srv/my app/.slipway/releases/20260101000000.json.tmp' && mv -f '/srv/my app/.slipway/releases/20260101000000.json.tmp' '/srv/my app/.slipway/releases/20260101000000.json'`)
    expect(() => advance(advance(rec, 'failed'), 'healthy')).toThrow('cannot go from failed to healthy')
  })

  test('switch: a new link renamed over current, never ln -sfn', () => {
    expect(render(activate(l, '20260101000000'))).toBe(`ln -sfT releases/20260101000000 '/srv/my app/current.next' && mv -T -f '/srv/my app/current.next' '/srv/my app/current'`)
  })

  test('release: unpack, shared links, writable dirs, copies from the live release, hooks', () => {
    const dir = '/srv/my app/releases/20260101000000'
    expect(render(unpack(l, '20260101000000'))).toBe(`mkdir -p '${dir}' && tar -x -f - -C '${dir}' --no-same-owner -m`)
    expect(render(clearRelease(l, '20260101000000'))).toBe(`rm -rf -- '${dir}'`)
    expect(text(linkShared(l, '20260101000000', { files: ['.env'], dirs: ['storage'] }))).toEqual([
      `if [ ! -d '/srv/my app/shared/storage' ]; then mkdir -p -- '/srv/my app/shared'; if [ -d '${dir}/storage' ] && [ ! -L '${dir}/storage' ]; then cp -a -- '${dir}/storage' '/srv/my app/shared/storage'; else mkdir -p -- '/srv/my app/shared/storage'; fi; fi`,
      `rm -rf -- '${dir}/storage' && mkdir -p -- '${dir}' && ln -s -- ../../shared/storage '${dir}/storage'`,
      `rm -rf -- '${dir}/.env' && mkdir -p -- '${dir}' && ln -s -- ../../shared/.env '${dir}/.env'`
    ])
    expect(text(makeWritable(l, '20260101000000', ['bootstrap/cache']))).toEqual([`mkdir -p -- '${dir}/bootstrap/cache' && chmod -R ug+rwX -- '${dir}/bootstrap/cache'`])
    expect(text(copyFromPrevious(l, '20260101000000', '20251231000000', ['vendor']))).toEqual([`if [ -d '/srv/my app/releases/20251231000000/vendor' ] && [ ! -e '${dir}/vendor' ]; then mkdir -p -- '${dir}' && cp -a -- '/srv/my app/releases/20251231000000/vendor' '${dir}/vendor'; fi`])
    expect(text(checkSharedFiles(l, ['.env'], 'ssh deploy@web'))).toEqual([`if [ ! -f '/srv/my app/shared/.env' ]; then printf '%s\\n' 'shared file /srv/my app/shared/.env is missing on the host. Create it once before deploying, e.g.: ssh deploy@web '\\''mkdir -p '\\''\\'\\'''\\''/srv/my app/shared'\\''\\'\\'''\\'' && cat > '\\''\\'\\'''\\''/srv/my app/shared/.env'\\''\\'\\'''\\'''\\'' < .env' >&2; exit 3; fi`])
    expect(text(hooks(m, 'build', dir, ['composer install']))).toEqual([`printf '%s\\n' '@@m@@step:build 1: composer install'`, `(cd '${dir}' && composer install)`])
  })

  test('the host-side path guard refuses a symlinked component before anything is touched, and passes plain dirs', () => {
    const base = mkdtempSync(join(tmpdir(), 'slipway-guard-'))
    const canary = join(base, 'canary')
    mkdirSync(canary)
    writeFileSync(join(canary, '.env'), 'keep me\n')
    const root = layout(join(base, 'srv app'))
    const rel = join(root.releases, '20260101000000')
    mkdirSync(join(rel, 'plain'), { recursive: true })
    symlinkSync(canary, join(rel, 'config'))
    const run = (paths: string[]) => spawnSync('bash', ['-c', ['set -euo pipefail', ...text(guardPaths(root, '20260101000000', paths)), 'echo passed'].join('\n')], { encoding: 'utf8' })
    const bad = run(['config/.env', 'plain/x'])
    expect(bad.status).toBe(UNSAFE_PATH)
    expect(bad.stderr).toBe('refusing to touch config/… in the release: config is a symlink or leads outside the release on the host; nothing was written. Fix: make config a plain directory in the source\n')
    expect(run(['plain/x', '.env', 'missing/deeper/y']).stdout).toBe('passed\n')
    expect(readFileSync(join(canary, '.env'), 'utf8')).toBe('keep me\n')
  })

  test('restore: switch back, records, audit, rollback hooks in the restored release, unlock — in that order', () => {
    const spec = parseSpec('app: shop\npath: /srv/my app\nhosts: [{ host: h, user: u }]\ninsecure_skip_host_key_check: true\nrollback_hooks: [php artisan queue:restart]\n', '/tmp/s.yml')
    const out = text(restorePhase({ ...m, host: spec.hosts[0] }, l, spec, '20251231000000', [advance(rec, 'failed', { note: 'smoke' })], 'audit line', owner))
    expect(out.map((c) => c.split(' ')[0])).toEqual(['printf', 'ln', 'printf', 'printf', 'printf', '(cd', 'holder=;'])
    expect(out[1]).toBe(`ln -sfT releases/20251231000000 '/srv/my app/current.next' && mv -T -f '/srv/my app/current.next' '/srv/my app/current'`)
    expect(out[5]).toBe(`(cd '/srv/my app/releases/20251231000000' && php artisan queue:restart)`)
  })

  test('roles: a hook given roles runs only on hosts with one of them; plain hooks run everywhere', () => {
    const hooks = ['a', { run: 'b', roles: ['worker'] }, { run: 'c', roles: ['web', 'cron'] }]
    expect(hooksFor([], hooks)).toEqual(['a'])
    expect(hooksFor(['worker'], hooks)).toEqual(['a', 'b'])
    expect(hooksFor(['cron', 'worker'], hooks)).toEqual(['a', 'b', 'c'])
    const spec = parseSpec('app: shop\npath: /srv/app\nhosts: [{ host: h, user: u, roles: [worker] }, { host: h2, user: u, roles: [web] }]\ninsecure_skip_host_key_check: true\nrollback_hooks: [x, { run: y, roles: [web] }, { run: z, roles: [worker] }]\n', '/tmp/s.yml')
    const out = text(restorePhase({ ...m, host: spec.hosts[0] }, l, spec, '20251231000000', [], 'audit line', owner))
    expect(out.filter((c) => c.startsWith('(cd'))).toEqual([`(cd '/srv/my app/releases/20251231000000' && x)`, `(cd '/srv/my app/releases/20251231000000' && z)`])
  })
})
