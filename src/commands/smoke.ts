/** Smoke checks that run on a host: an HTTP request with curl, or a command in the live release. */
import { and, cmd, raw, sh, type Command } from './shell.js'
import { dataMark, type Markers } from './protocol.js'

/** Requests a URL from the host; reports `<curl exit> <base64 of headers+body>` as data `http`. */
export function httpFromHost(m: Markers, url: string, method: string, timeout: number): Command[] {
  return [
    sh`out=$(${cmd('curl', '-sS', '-i', '--max-time', String(timeout), '-X', method, url)} 2>&1) && rc=0 || rc=$?`,
    dataMark(m, 'http', raw('$rc $(printf %s "$out" | tail -c 65536 | base64 -w0)'))
  ]
}

/** Runs a command in a directory with a time limit; reports `<exit> <base64 of output tail>` as data `run`. */
export function runInRelease(m: Markers, dir: string, command: string, timeout: number): Command[] {
  return [
    sh`out=$(${and(cmd('cd', dir), cmd('timeout', String(timeout), 'bash', '-c', command))} 2>&1) && rc=0 || rc=$?`,
    dataMark(m, 'run', raw('$rc $(printf %s "$out" | tail -n 20 | base64 -w0)'))
  ]
}

/** Splits a data value `<code> <base64>` from the commands above. */
export function parseCoded(value: string | undefined): { code: number; text: string } {
  const [code, b64] = (value ?? '255 ').split(' ')
  return { code: Number(code), text: Buffer.from(b64 ?? '', 'base64').toString('utf8') }
}
