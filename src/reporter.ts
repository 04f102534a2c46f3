/** How the engine tells the world what it does: the CLI prints, the Action writes log groups. */

/** Progress and output sink for one operation. */
export interface Reporter {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  debug(message: string): void
  /** One line of remote output from a host. */
  line(host: string, text: string, stream: 'stdout' | 'stderr'): void
  /** Runs `fn` inside a titled, collapsible section. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
}

/** A reporter that writes plain lines to two sinks (stdout-like and stderr-like). */
export function consoleReporter(out: (s: string) => void = (s) => process.stdout.write(s + '\n'), err: (s: string) => void = (s) => process.stderr.write(s + '\n'), verbose = false): Reporter {
  return {
    info: (m) => out(m),
    warn: (m) => err(`warning: ${m}`),
    error: (m) => err(`error: ${m}`),
    debug: (m) => verbose && err(`debug: ${m}`),
    line: (host, text) => out(`  [${host}] ${text}`),
    group: async (title, fn) => {
      out(`==> ${title}`)
      return fn()
    }
  }
}

/** A reporter that drops everything (library default). */
export const silentReporter: Reporter = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  line: () => {},
  group: (_title, fn) => fn()
}
