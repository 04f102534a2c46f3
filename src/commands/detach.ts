/**
 * Host jobs: commands the host runs to the end on its own, detached from the SSH session (`setsid`: a session of its own, no terminal to hang up; output
 * to a log on the host, the exit status to a file), keeping the run's lock alive while they run. The phase that
 * starts a job then follows its log, so the runner reads the job's step and data lines as if they ran inline; a
 * dropped connection or a dead runner stops only the following, never the job. Following again (after a
 * reconnect) replays the log from its start.
 */
import { posix } from 'node:path'
import { claim, fire } from './claim.js'
import type { Layout } from './layout.js'
import { heartbeat, holding, lockAge, type LockOwner } from './lock.js'
import { cmd, mkdirs, nap, NAPPER, printLine, raw, readFirstLine, render, seq, sh, when, type Command } from './shell.js'

/** Exit code of a follower that finds no such job on the host (it was never started). */
export const NO_JOB = 78

/** Exit code of a follower (or a claim) when the job's guard has already undone what the job did. */
export const GUARDED = 74

/** A job's files. `name` is chosen in code (a release id or a token plus a fixed word), never a user's value. */
export function jobFiles(l: Layout, name: string): { script: string; log: string; err: string; status: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`not a job name: ${name}`)
  const base = posix.join(l.jobs, name)
  return { script: `${base}.sh`, log: `${base}.log`, err: `${base}.err`, status: `${base}.status` }
}

/**
 * The job's own script: `beat` every second in the background while `commands` run under strict mode in a
 * subshell; then their exit status is written (atomically) for the follower.
 */
export function jobScript(l: Layout, name: string, commands: Command[], beat: Command): string {
  const f = jobFiles(l, name)
  return [
    `( ${render(NAPPER)}; while :; do ${render(beat)} || true; ${render(nap(1))}; done ) </dev/null >/dev/null 2>&1 &`,
    'beat=$!',
    '(',
    'set -euo pipefail',
    ...commands.map(render),
    ')',
    'rc=$?',
    'kill "$beat" 2>/dev/null || true',
    render(sh`printf '%s\\n' "$rc" > ${`${f.status}.tmp`} && mv -f ${`${f.status}.tmp`} ${f.status}`),
    // Housekeeping after the status, so that nobody following the job waits for it: job files older than a day.
    render(sh`find ${l.jobs} -type f -mmin +1440 -delete 2>/dev/null || true`),
    ''
  ].join('\n')
}

/** Starts job `name` and follows it to its end, in one phase: the phase exits with the job's status. */
export function runJob(l: Layout, name: string, commands: Command[], beat: Command, guard: Command): Command[] {
  return [...startJob(l, name, commands, beat, guard), ...followJob(l, name)]
}

/**
 * Starts job `name`, only while `guard` holds (a host script that outlived its run must not start what that run
 * no longer owns), and returns at once. `first` runs inline on the same condition, before the job starts.
 */
export function startJob(l: Layout, name: string, commands: Command[], beat: Command, guard: Command, first: Command[] = []): Command[] {
  const f = jobFiles(l, name)
  const refused = [sh`${printLine(`job ${name} not started: this run no longer holds the deploy lock`)} >&2`, raw('exit 1')]
  return [
    when(sh`! ${guard}`, refused),
    ...first,
    // Tests before processes: a job's start is on the path of every deploy and rollback.
    mkdirs(l.jobs),
    sh`${printLine(jobScript(l, name, commands, beat))} > ${f.script}`,
    sh`[ ! -e ${f.status} ] || rm -f ${f.status}`,
    sh`: > ${f.log}`,
    sh`: > ${f.err}`,
    // stdout and stderr to files of their own: in one file a stderr write (a PHP deprecation notice) can land in the
    // middle of a long data line, which the runner would then misread.
    sh`setsid bash ${f.script} </dev/null >${f.log} 2>${f.err} &`
  ]
}

/**
 * Prints job `name`'s log (and its stderr, to stderr) from its start as they grow, until its status is written and both are read to their end;
 * exits with the job's status ({@link NO_JOB} when there is no such job).
 */
export function followJob(l: Layout, name: string): Command[] {
  const f = jobFiles(l, name)
  return [
    when(sh`[ ! -e ${f.log} ]`, [sh`${printLine(`no job ${name} on this host`)} >&2`, raw(`exit ${NO_JOB}`)]),
    sh`[ -e ${f.err} ] || : > ${f.err}`,
    sh`exec 3< ${f.log} 4< ${f.err}`,
    NAPPER,
    // Turns of 10 ms for the first second (most jobs of a rollback end within it), then of 50 ms.
    raw('part= epart= turn=0'),
    sh`while :; do fin=0; [ ! -e ${f.status} ] || fin=1; while IFS= read -r l <&3 || { part+=$l; false; }; do printf '%s\\n' "$part$l"; part=; done; while IFS= read -r l <&4 || { epart+=$l; false; }; do printf '%s\\n' "$epart$l" >&2; epart=; done; [ "$fin" = 0 ] || break; t=0.05; [ $((++turn)) -gt 100 ] || t=0.01; ${nap('"$t"')}; done`,
    raw(`[ -z "$part" ] || printf '%s\\n' "$part"`),
    raw(`[ -z "$epart" ] || printf '%s\\n' "$epart" >&2`),
    // The job's outcome is read: its guard, if it has one, stands down (or has already undone the job).
    claimGuard(l, name),
    readFirstLine('rc', f.status),
    raw('exit "$rc"')
  ]
}

/** Waits until job `name` has ended (its status written), when it was started at all. */
export function awaitJob(l: Layout, name: string): Command {
  const f = jobFiles(l, name)
  return seq(NAPPER, sh`while [ -e ${f.log} ] && [ ! -e ${f.status} ]; do ${nap(0.2)}; done`)
}

const guardFile = (l: Layout, name: string) => posix.join(l.watchdog, `${name}.guard`)

/**
 * Guards job `name`: when nobody has read the job's outcome (its follower claims the guard as it ends) and the run
 * has stopped — the lock no longer beats for `grace` seconds while `owner` holds it (a job beats while it runs, the
 * runner every few seconds) — the guard claims itself and runs `undo` as host job `<name>.guard`. A claim is an
 * atomic rename, so exactly one side acts.
 */
export function armGuard(l: Layout, name: string, grace: number, undo: Command[], owner: LockOwner): Command[] {
  const file = guardFile(l, name)
  const job = jobFiles(l, `${name}.guard`)
  const wait = seq(NAPPER, sh`while :; do [ -e ${file} ] || exit 0; ${holding(l, owner)} || exit 0; ${lockAge(l)}; [ "$age" -le ${String(grace)} ] || break; ${nap(1)}; done`)
  const run = fire(file, [sh`bash ${job.script} >${job.log} 2>${job.err}`])
  return [
    mkdirs(l.watchdog, l.jobs),
    sh`${printLine(jobScript(l, `${name}.guard`, undo, heartbeat(l, owner)))} > ${job.script}`,
    sh`: > ${file}`,
    sh`setsid ${cmd('bash', '-c', render(seq(wait, run)))} </dev/null >/dev/null 2>&1 &`
  ]
}

/** Claims job `name`'s guard; exits {@link GUARDED} when the guard has already fired. A job never guarded is claimed as is. */
export function claimGuard(l: Layout, name: string): Command {
  return claim(guardFile(l, name), `the host's guard of job ${name} had already undone it: the run had sent no heartbeat for too long`, GUARDED)
}
