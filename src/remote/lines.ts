/** Turns output chunks into complete lines per stream, keeping the full text too. */

/** Collects stdout and stderr, calling `onLine` for each complete line; `flush` ends partial lines. */
export function lineCollector(onLine?: (line: string, stream: 'stdout' | 'stderr') => void) {
  const text = { stdout: '', stderr: '' }
  const partial = { stdout: '', stderr: '' }
  return {
    text,
    take: (stream: 'stdout' | 'stderr') => (data: Buffer) => {
      const chunk = data.toString('utf8')
      text[stream] += chunk
      if (!onLine) return
      const lines = (partial[stream] + chunk).split('\n')
      partial[stream] = lines.pop() ?? ''
      for (const line of lines) onLine(line, stream)
    },
    flush: () => {
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream] && onLine) onLine(partial[stream], stream)
    }
  }
}
