/**
 * Rollback decided on the host, so a manual rollback of one host is one round trip: pick the
 * target (`--to`, or the newest healthy release older than current), switch, mark the release
 * left rolled-back, audit, and run the rollback hooks — all in the same script.
 */
import { type Layout } from './layout.js'
import { cmd, quote, raw, type Command } from './shell.js'
import { activate } from './switch.js'
import { dataMark, type Markers } from '../remote/script.js'

/** Exit code when there is no valid target; the reason is on stderr. */
export const NO_TARGET = 76

const fail = (message: string) => `{ printf '%s\\n' "${message}" >&2; exit ${NO_TARGET}; }`

/** Sets `$cur` and `$target` (reported as data `target`), or exits {@link NO_TARGET} with the reason. */
export function selectTarget(m: Markers, l: Layout, to: string | undefined): Command[] {
  const rec = quote(l.records)
  const common = [
    'export LC_ALL=C',
    `state_of() { grep -o '"state":"[a-z-]*"' ${rec}/"$1".json | head -n 1 | cut -d '"' -f 4; }`,
    `cur=''; if [ -L ${quote(l.current)} ]; then cur=$(basename "$(readlink ${quote(l.current)})"); fi`
  ]
  const pick = to !== undefined
    ? [
        `target=${quote(to)}`,
        `[ -f ${rec}/"$target".json ] || ${fail(`release $target is not in the history. Fix: pick one of: $(ls ${rec} | sed -n 's/[.]json$//p' | paste -sd ' ' -) (slipway releases)`)}`,
        `[ "$target" != "$cur" ] || ${fail('release $target is already current')}`,
        `[ "$(state_of "$target")" != failed ] || ${fail('release $target is marked failed; rollback skips failed releases. Fix: choose a healthy release (slipway releases)')}`
      ]
    : [
        `[ -n "$cur" ] || ${fail('there is no current release to roll back from')}`,
        `target=''; for id in $(ls ${rec} | sed -n 's/[.]json$//p' | sort -r); do if [[ "$id" < "$cur" ]] && [ "$(state_of "$id")" = healthy ]; then target=$id; break; fi; done`,
        `[ -n "$target" ] || ${fail('no healthy release older than $cur to roll back to. Fix: deploy a fixed release instead')}`
      ]
  return [...common, ...pick, `[ -d ${quote(l.releases)}/"$target" ] || ${fail('release $target is in the history but its directory is gone')}`, dataMark(m, 'target', '$target')]
}

/**
 * After {@link selectTarget}: switch to `$target`, mark `$cur` rolled-back in its record (unless it failed;
 * the record is compact JSON written by Slipway, so sed can set its state, note and time), and append
 * the audit line `<line.before>$target<line.after>$cur`.
 */
export function switchToTarget(l: Layout, by: string, stamp: string, line: { before: string; after: string }): Command[] {
  const bySed = JSON.stringify(by).slice(1, -1).replace(/[\\/&]/g, '\\$&')
  const file = `${quote(l.records)}/"$cur".json`
  const edit = [
    '-e', quote('s/"state":"[a-z-]*"/"state":"rolled-back"/'),
    '-e', quote('s/,"note":"([^"\\]|\\.)*"//'),
    '-e', quote(`s/"updated_at":"[^"]*"/"updated_at":"${stamp}"/`),
    '-e', quote('s/}$/,"note":"rolled back to ') + '"$target"' + quote(` by ${bySed}"}/`)
  ].join(' ')
  return [
    activate(l, raw('"$target"')),
    `if [ -n "$cur" ] && [ -f ${file} ] && [ "$(state_of "$cur")" != failed ]; then sed -E ${edit} ${file} > ${file}.tmp && mv -f ${file}.tmp ${file}; fi`,
    cmd('printf', '%s%s%s%s\n', line.before, raw('"$target"'), line.after, raw('"$cur"')) + ` >> ${quote(l.audit)}`
  ]
}
