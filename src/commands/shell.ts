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

/** Writes text to a file atomically: a temporary file in the same directory renamed over it. */
export function writeFile(path: string, text: string): Command {
  const tmp = `${path}.tmp`
  return and(cmd('printf', '%s\n', text) + ` > ${quote(tmp)}`, cmd('mv', '-f', tmp, path))
}

/** Appends one line to a file. */
export function appendLine(path: string, line: string): Command {
  return cmd('printf', '%s\n', line) + ` >> ${quote(path)}`
}

/**
 * A whole script for `bash -c`: strict mode, then the commands one per line. Standard input is
 * closed first unless the script reads it (an upload), so no command waits on it.
 */
export function script(commands: Command[], readsStdin = false): string {
  return ['set -euo pipefail', ...(readsStdin ? [] : ['exec </dev/null']), ...commands].join('\n')
}

/** The command that runs a script on the host: `bash -c '<script>'`. */
export function bash(body: string): Command {
  return cmd('bash', '-c', body)
}
