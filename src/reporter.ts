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

/** One line of `--events`: what a reporter was told, with the time, the log group it was in and the host, if any. */
export interface ReportEvent {
  time: string
  kind: 'group' | 'info' | 'warn' | 'error' | 'line'
  text: string
  group?: string
  host?: string
  stream?: 'stdout' | 'stderr'
}

/** A reporter that tells `inner` everything and also passes each message to `emit` as an event (debug excluded). */
export function withEvents(inner: Reporter, emit: (e: ReportEvent) => void, now: () => Date = () => new Date()): Reporter {
  let group: string | undefined
  const event = (kind: ReportEvent['kind'], text: string, more: Partial<ReportEvent> = {}) => emit({ time: now().toISOString(), kind, text, ...(group ? { group } : {}), ...more })
  return {
    info: (m) => { event('info', m); inner.info(m) },
    warn: (m) => { event('warn', m); inner.warn(m) },
    error: (m) => { event('error', m); inner.error(m) },
    debug: (m) => inner.debug(m),
    line: (host, text, stream) => { event('line', text, { host, stream }); inner.line(host, text, stream) },
    group: async (title, fn) => {
      const outer = group
      event('group', title)
      group = title
      try {
        return await inner.group(title, fn)
      } finally {
        group = outer
      }
    }
  }
}
