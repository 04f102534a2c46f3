/**
 * Shell commands as data. A command is a small tree — argv, `&&`/`||`/`|` chains, `if`, shell text with
 * quoted holes (`sh`), and raw text — that {@link render} alone turns into shell text; render is the only
 * caller of {@link quote}. User-written hook commands are the only raw shell text, marked with {@link raw}.
 */

/** A piece of shell text passed through unquoted (a user's hook command, an operator, `"$var"`). */
export interface Raw {
  readonly raw: string
}

/** A command as data. */
export type Command =
  | Raw
  | { readonly argv: ReadonlyArray<string | Raw> }
  | { readonly join: '&&' | '||' | '|' | ';'; readonly parts: readonly Command[] }
  | { readonly test: Command; readonly then: readonly Command[]; readonly else?: readonly Command[] }
  | { readonly strings: readonly string[]; readonly holes: ReadonlyArray<string | Command> }

/** Marks shell text that must not be quoted. */
export function raw(text: string): Raw {
  return { raw: text }
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quotes one value for a POSIX shell: single quotes, with embedded quotes closed and escaped. */
export function quote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell value cannot contain a NUL byte')
  if (value !== '' && SAFE.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** Shell text with holes: a string hole is a value (quoted when rendered), a command hole is rendered in place. */
export function sh(strings: TemplateStringsArray, ...holes: Array<string | Command>): Command {
  return { strings: [...strings], holes }
}

/** One command from argv: every string is a value, {@link Raw} parts pass through. */
export function cmd(...argv: Array<string | Raw>): Command {
  return { argv }
}

/** `a && b && c` */
export function and(...parts: Command[]): Command {
  return { join: '&&', parts }
}

/** `a || b` */
export function or(...parts: Command[]): Command {
  return { join: '||', parts }
}

/** `a | b` */
export function pipe(...parts: Command[]): Command {
  return { join: '|', parts }
}

/** `a; b; c` (in a `{ …; }` group or a subshell, for a pipe) */
export function seq(...parts: Command[]): Command {
  return { join: ';', parts }
}

/** `if test; then a; b; [else c;] fi` */
export function when(test: Command, then: Command[], otherwise?: Command[]): Command {
  return { test, then, else: otherwise }
}

/** The shell text of a command: the one place values are quoted. */
export function render(c: Command): string {
  if ('raw' in c) return c.raw
  if ('argv' in c) return c.argv.map((part) => (typeof part === 'string' ? quote(part) : part.raw)).join(' ')
  if ('join' in c) return c.parts.map(render).join(c.join === ';' ? '; ' : ` ${c.join} `)
  if ('test' in c) return `if ${render(c.test)}; then ${c.then.map(render).join('; ')};${c.else ? ` else ${c.else.map(render).join('; ')};` : ''} fi`
  return c.strings.map((s, i) => s + (i < c.holes.length ? hole(c.holes[i]) : '')).join('')
}

function hole(h: string | Command): string {
  return typeof h === 'string' ? quote(h) : render(h)
}

/** Runs a command in a directory (a value, or shell text such as `"$dir"`), in a subshell so the caller's directory is unchanged. */
export function inDir(dir: string | Raw, command: Command): Command {
  return sh`(cd ${dir} && ${command})`
}

/** `printf '%s\n' <text>`: prints one value and a newline, the format kept on one line. */
export function printLine(text: string): Command {
  return cmd('printf', raw(`'%s\\n'`), text)
}

/**
 * Sets shell variable `name` to the first line of a file (empty when the file is missing), with bash's `read`
 * builtin: no process is started, unlike `$(cat file)`. `name` is a fixed identifier chosen in code, never a value.
 */
export function readFirstLine(name: string, path: string): Command {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`)
  return sh`${raw(`${name}=`)}; { IFS= read -r ${raw(name)} < ${path}; } 2>/dev/null || true`
}

/** Creates directories (and their parents) unless they exist: the test is a builtin, `mkdir` a process. */
export function mkdirs(...paths: string[]): Command {
  return sh`${raw(paths.map((p) => `[ -d ${quote(p)} ]`).join(' && '))} || ${cmd('mkdir', '-p', ...paths)}`
}

/** Writes text to a file atomically: a temporary file in the same directory renamed over it. */
export function writeFile(path: string, text: string): Command {
  const tmp = `${path}.tmp`
  return and(sh`${printLine(text)} > ${tmp}`, cmd('mv', '-f', tmp, path))
}

/** Appends one line to a file. */
export function appendLine(path: string, line: string): Command {
  return sh`${printLine(line)} >> ${path}`
}

/**
 * Waiting and telling time without starting a process (a host's loops turn every second while a run lasts, and a
 * process start costs milliseconds of CPU on a busy host). `NAPPER` opens fd 5 on a pipe that nobody writes to, so
 * `nap(s)` — a `read` with a time limit on it — just waits (`s`: seconds, or `"$t"` for a time the script chose). `NOW` is the time in seconds (bash 5's clock, else `date`).
 */
export const NAPPER = raw('exec 5<> <(:)')

export function nap(seconds: number | '"$t"'): Raw {
  return raw(`read -rt ${seconds} -u 5 _ || :`)
}

export const NOW = raw('${EPOCHSECONDS:-$(date +%s)}')
