/** keep_releases (pure): healthy releases are kept first; failed, rolled-back and unfinished ones are pruned first. */
import { describe, expect, test } from '@jest/globals'
import { pickExpired, removeReleases } from '../../src/commands/cleanup.js'
import type { ReleaseRecord } from '../../src/commands/history.js'
import { layout } from '../../src/commands/layout.js'
import { render } from '../../src/commands/shell.js'

const rec = (id: string, state: ReleaseRecord['state'] = 'healthy'): ReleaseRecord => ({ id, state, created_at: '', updated_at: '', by: 'x' })
const history = (spec: string): ReleaseRecord[] =>
  spec.split(' ').map((s, i) => rec(String(i + 1).padStart(2, '0'), ({ h: 'healthy', f: 'failed', r: 'rolled-back', b: 'building', l: 'live' } as const)[s as 'h']))

describe('pickExpired', () => {
  test('all healthy: the oldest beyond keep go, newest id first; current stays wherever it is', () => {
    const records = history('h h h h h h')
    expect(pickExpired(records, 3, '06')).toEqual(['03', '02', '01'])
    expect(pickExpired(records, 3, '02')).toEqual(['03', '01'])
    expect(pickExpired(records, 6, '06')).toEqual([])
  })

  test('3 failures after 5 healthy, then a healthy deploy, keep 5: the failures go, the 5 newest healthy stay', () => {
    // 01-05 healthy, 06-08 failed, 09 the release being finished (current)
    const records = history('h h h h h f f f h')
    expect(pickExpired(records, 5, '09')).toEqual(['08', '07', '06', '01'])
  })

  test('failed and rolled-back releases fill only the slots healthy ones leave', () => {
    expect(pickExpired(history('h f r h'), 5, '04')).toEqual([])
    expect(pickExpired(history('h f r h'), 3, '04')).toEqual(['02'])
    expect(pickExpired(history('h f r h'), 2, '04')).toEqual(['03', '02'])
    expect(pickExpired(history('f f h r f h'), 3, '06')).toEqual(['04', '02', '01'])
  })

  test('unfinished releases (building, ready, live) of interrupted runs rank with the failed ones', () => {
    expect(pickExpired(history('h b h l h'), 3, '05')).toEqual(['04', '02'])
  })

  test('never current, never the newest healthy release before it, even when keep is smaller', () => {
    expect(pickExpired(history('h f f f'), 2, '04')).toEqual(['03', '02'])
    expect(pickExpired(history('h h h'), 1, '03')).toEqual(['01'])
    // current is a release left live after a failed smoke check (rollback.on_smoke_failure: false)
    expect(pickExpired(history('h h h l'), 2, '04')).toEqual(['01'])
  })
})

describe('removeReleases', () => {
  test('removes the records, manifests and restore points at once, renames the release dirs into the trash and empties it detached, quoted', () => {
    const l = layout('/srv/my app')
    const files = (id: string) => `'/srv/my app/.slipway/releases/${id}.json' '/srv/my app/.slipway/manifests/${id}.tsv' '/srv/my app/.slipway/manifests/${id}.dirs' '/srv/my app/.slipway/points/${id}.sqlite' '/srv/my app/.slipway/points/${id}.pgdump' '/srv/my app/.slipway/points/${id}.sql' '/srv/my app/.slipway/points/${id}.point'`
    expect(removeReleases(l, ['02', '01'], 'ab-12').map(render)).toEqual([
      `rm -f -- ${files('02')} ${files('01')}`,
      "[ -d '/srv/my app/.slipway/trash' ] || mkdir -p '/srv/my app/.slipway/trash'",
      "[ ! -e '/srv/my app/releases/02' ] || mv -T -- '/srv/my app/releases/02' '/srv/my app/.slipway/trash/02.ab12'",
      "[ ! -e '/srv/my app/releases/01' ] || mv -T -- '/srv/my app/releases/01' '/srv/my app/.slipway/trash/01.ab12'",
      "setsid rm -rf -- '/srv/my app/.slipway/trash'/* </dev/null >/dev/null 2>&1 &"
    ])
    expect(removeReleases(l, [], 't')).toEqual([])
  })
})
