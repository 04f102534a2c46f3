/**
 * Shell commands as data. Every value that reaches a remote shell goes through {@link quote};
 * combinators join commands without re-parsing them. User-written hook commands are the only
 * raw shell text, and they are marked as such with {@link raw}.
 */

/** A command line ready for `bash -c`, built from quoted parts. */
export type Command = string

/** A piece of shell text that is passed through unquoted (a user's hook command, an operator). */
export interface Raw {
  readonly raw: string
}

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

/** Builds one command from argv, quoting every string and passing {@link Raw} parts through. */
export function cmd(...argv: Array<string | Raw>): Command {
  return argv.map((part) => (typeof part === 'string' ? quote(part) : part.raw)).join(' ')
}

/** `a && b && c` */
export function and(...commands: Command[]): Command {
  return commands.join(' && ')
}

/** `a || b` */
export function or(...commands: Command[]): Command {
  return commands.join(' || ')
}

/** `a | b` */
export function pipe(...commands: Command[]): Command {
  return commands.join(' | ')
}

/** Runs a command in a directory (a value, or shell text such as `"$dir"`), in a subshell so the caller's directory is unchanged. */
export function inDir(dir: string | Raw, command: Command): Command {
  return `(cd ${typeof dir === 'string' ? quote(dir) : dir.raw} && ${command})`
}

/** `printf '%s\n' <text>`: prints one value and a newline, the format kept on one line. */
export function printLine(text: string): Command {
  return cmd('printf', raw(`'%s\\n'`), text)
}

/** Writes text to a file atomically: a temporary file in the same directory renamed over it. */
export function writeFile(path: string, text: string): Command {
  const tmp = `${path}.tmp`
  return and(printLine(text) + ` > ${quote(tmp)}`, cmd('mv', '-f', tmp, path))
}

/** Appends one line to a file. */
export function appendLine(path: string, line: string): Command {
  return printLine(line) + ` >> ${quote(path)}`
}
