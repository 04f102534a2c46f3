import { createRequire as __slipwayCreateRequire } from 'node:module'
import { fileURLToPath as __slipwayPath } from 'node:url'
const __filename = __slipwayPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '')
const __slipwayRequire = __slipwayCreateRequire(import.meta.url)
// ssh2's native add-ons are never loaded: the same pure-JS code runs on every machine.
const require = (id) => { if (/cpu-features|\.node$/.test(id)) throw new Error('native add-on left out of the bundle: ' + id); return __slipwayRequire(id) }
import { k as releaseIdFrom, m as dataMark, n as sh, w as when, q as writeFile, t as recordFile, u as appendLine, v as raw, o as operation, a as openSessions, s as sshConnector, b as onEach, r as runPhase, f as describeHolder, e as closeSessions, x as breakLock, A as ALIVE, I as InputError, y as firstPhase, z as SpecError, B as render, C as cmd, D as seq, E as printLine, S as SlipwayError, F as inDir, G as releaseDir, H as stepMark, J as dataPrefix, K as journalFile, i as isReleaseId, M as and, d as release, N as releaseLocks, O as StepError, P as LOCKED, L as LockedError, Q as acquire, R as heartbeat, T as lockOwner, U as keepAlive, V as forceable, W as stepLabels, X as holdChannels } from './run.js';
import { createReadStream, promises, statSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { c as commonjsGlobal } from './_commonjsHelpers.js';
import events from 'events';
import { setTimeout } from 'node:timers/promises';
import { createHash } from 'node:crypto';

/** Release history on the host: one JSON record per release, plus an audit log. */
/** The states a release may move to from each state (staying is always allowed: a note or migrations change). */
const NEXT = {
    building: ['ready', 'failed'],
    ready: ['live', 'failed'],
    live: ['healthy', 'failed', 'rolled-back'],
    healthy: ['rolled-back', 'failed'],
    'rolled-back': [],
    failed: []
};
/** The record moved to `state` (with the given changes); throws on a transition the lifecycle does not allow. */
function advance(r, state, changes = {}) {
    if (state !== r.state && !NEXT[r.state].includes(state))
        throw new Error(`release ${r.id} cannot go from ${r.state} to ${state}`);
    return { ...r, ...changes, state };
}
/** Writes (or replaces) a release record atomically: the only writer of release records. */
function writeRecord(l, record) {
    return writeFile(recordFile(l, record.id), JSON.stringify(record));
}
/** Appends a line to the host's audit log. */
function audit(l, line) {
    return appendLine(l.audit, line);
}
/** Reports every release record, the `current` target and the lock owner as data lines. */
function readState(m, l) {
    return [
        sh `for f in ${l.records}/*.json; do [ -e "$f" ] || continue; ${dataMark(m, 'record', raw('$(cat "$f")'))}; done`,
        when(sh `[ -L ${l.current} ]`, [dataMark(m, 'current', sh `$(readlink ${l.current})`)]),
        when(sh `[ -d ${l.lock} ]`, [dataMark(m, 'lock', sh `$(cat ${l.lock}/owner.json 2>/dev/null || true)`)]),
        sh `for f in ${l.journal}/*.log; do [ -e "$f" ] || continue; ${dataMark(m, 'journal', raw(`$(basename "$f" .log) $(grep -a -m1 -o 'data:before:.*' "$f" | cut -c13- | base64 -w0)`))}; done`
    ];
}
/** Parses the data lines of {@link readState}. */
function parseState(data) {
    const records = (data.record ?? []).map((line) => JSON.parse(line)).map((r) => ({ ...r, id: releaseIdFrom(r.id) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const target = data.current?.[0];
    const journals = Object.fromEntries((data.journal ?? []).map((line) => [releaseIdFrom(line.split(' ')[0]), Buffer.from(line.split(' ')[1] ?? '', 'base64').toString('utf8')]));
    return { records, current: target ? releaseIdFrom(target) : undefined, lock: data.lock?.[0], manifest: data.manifest ?? [], journals };
}

/** Reading the release history, and breaking a stale lock. */
/** Lists the releases on every host (one read-only round trip per host; no lock taken). */
async function listReleases(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        const hosts = await onEach(sessions, async (s) => {
            const state = parseState((await runPhase(s, op.spec, op.reporter, 'read history', readState(s, s.layout))).data);
            const releases = state.records.map((r) => ({ ...r, current: r.id === state.current })).reverse();
            return { host: s.host.name, releases, lock: state.lock ? describeHolder(state.lock) : undefined };
        });
        return { hosts };
    }
    finally {
        await closeSessions(sessions);
    }
}
/**
 * Breaks the deploy lock on every host; returns who held it and how long ago it last showed life, per host
 * (undefined where none). A holder that is alive is left alone (an {@link InputError}) unless `evenIfAlive`.
 */
async function unlock(options) {
    const op = operation(options);
    const sessions = await openSessions(op.spec, options.connect ?? sshConnector, op.reporter);
    try {
        const held = await onEach(sessions, async (s) => {
            const r = await runPhase(s, op.spec, op.reporter, 'unlock', breakLock(s, s.layout, options.evenIfAlive), { okCodes: [ALIVE] });
            const holder = r.data.holder?.[0];
            const seen = `last sign of life ${r.data.age?.[0] ?? '?'} s ago`;
            if (r.code === ALIVE)
                throw new InputError(`${s.host.name}: the lock is held by a live run: ${describeHolder(holder ?? '')} (${seen}). Breaking it would let two deploys run at once. Fix: wait for it to finish; if you know it is dead, run slipway unlock --force`);
            return holder ? `${describeHolder(holder)} (${seen})` : undefined;
        });
        return Object.fromEntries(sessions.map((s, i) => [s.host.name, held[i]]));
    }
    finally {
        await closeSessions(sessions);
    }
}

/** Cancelling an operation from process signals, the way CI cancels a job (GitHub: SIGINT, then SIGTERM 7.5 s later). */
/** Listens to SIGINT and SIGTERM for the rest of the process; `say` tells the user what the first one does. */
function cancelOnSignals(say) {
    const first = new AbortController();
    const second = new AbortController();
    let code;
    for (const [name, exit] of [['SIGINT', 130], ['SIGTERM', 143]]) {
        process.on(name, () => {
            if (code !== undefined)
                return second.abort(name);
            code = exit;
            say(`${name}: finishing the step in flight, then undoing this run and releasing the lock (a second signal: release the lock and stop at once)`);
            first.abort(name);
        });
    }
    return { signal: first.signal, force: second.signal, exitCode: () => code };
}

/** One line per thing a rollback leaves as it is. */
function notReverted(spec) {
    const out = [
        'the database: schema changes and data written by the newer release stay (use forward-compatible, expand→migrate→contract migrations; step back migrations explicitly if needed)'
    ];
    if (spec.shared.files.length)
        out.push(`shared files (${spec.shared.files.join(', ')}): edits made for the newer release stay`);
    if (spec.shared.dirs.length)
        out.push(`shared directories (${spec.shared.dirs.join(', ')}): uploads and files written there stay`);
    out.push('queued jobs serialized by the newer code may fail on the older code: restart workers (e.g. php artisan queue:restart) and watch failed jobs');
    out.push(`caches shared between releases (the application cache, Redis/Memcached, opcache) keep what the newer code wrote: clear them and reload PHP-FPM${spec.rollback_hooks.length ? ` — rollback_hooks ran: ${spec.rollback_hooks.join('; ')}` : ' (add rollback_hooks to do it automatically)'}`);
    return out;
}

/** Splits a channel's stdin into phases; calls `onPhase` with each (and its marker) as it completes. */
function splitPhases(stdin, onPhase) {
    let text = '';
    let inUpload = false;
    return new Promise((resolve, reject) => {
        stdin.on('data', (chunk) => {
            if (inUpload)
                return;
            text += chunk.toString();
            for (let p = firstPhase(text); p && !inUpload; p = firstPhase(text)) {
                text = text.slice(p.script.length);
                inUpload = p.readsStdin;
                onPhase({ script: p.script, upload: inUpload }, p.marker);
            }
        });
        stdin.on('end', () => resolve());
        stdin.on('error', reject);
    });
}
/** A host that records what it is sent. */
class RecordingRemote {
    name;
    phases = [];
    constructor(name) {
        this.name = name;
    }
    async exec(_command, options = {}) {
        const stdin = options.stdin;
        if (stdin === undefined || typeof stdin === 'string')
            throw new Error('the recorder expects scripts on a stream');
        await splitPhases(stdin, (phase, marker) => {
            this.phases.push(phase);
            setImmediate(() => options.onLine?.(`${marker}end:0`, 'stdout'));
        });
        return { code: 0, stdout: '', stderr: '' };
    }
    async close() { }
}

var tarStream$1 = {};

var _default;
var hasRequired_default;

function require_default () {
	if (hasRequired_default) return _default;
	hasRequired_default = 1;
	_default = events;
	return _default;
}

var fixedSize;
var hasRequiredFixedSize;

function requireFixedSize () {
	if (hasRequiredFixedSize) return fixedSize;
	hasRequiredFixedSize = 1;
	fixedSize = class FixedFIFO {
	  constructor (hwm) {
	    if (!(hwm > 0) || ((hwm - 1) & hwm) !== 0) throw new Error('Max size for a FixedFIFO should be a power of two')
	    this.buffer = new Array(hwm);
	    this.mask = hwm - 1;
	    this.top = 0;
	    this.btm = 0;
	    this.next = null;
	  }

	  clear () {
	    this.top = this.btm = 0;
	    this.next = null;
	    this.buffer.fill(undefined);
	  }

	  push (data) {
	    if (this.buffer[this.top] !== undefined) return false
	    this.buffer[this.top] = data;
	    this.top = (this.top + 1) & this.mask;
	    return true
	  }

	  shift () {
	    const last = this.buffer[this.btm];
	    if (last === undefined) return undefined
	    this.buffer[this.btm] = undefined;
	    this.btm = (this.btm + 1) & this.mask;
	    return last
	  }

	  peek () {
	    return this.buffer[this.btm]
	  }

	  isEmpty () {
	    return this.buffer[this.btm] === undefined
	  }
	};
	return fixedSize;
}

var fastFifo;
var hasRequiredFastFifo;

function requireFastFifo () {
	if (hasRequiredFastFifo) return fastFifo;
	hasRequiredFastFifo = 1;
	const FixedFIFO = requireFixedSize();

	fastFifo = class FastFIFO {
	  constructor (hwm) {
	    this.hwm = hwm || 16;
	    this.head = new FixedFIFO(this.hwm);
	    this.tail = this.head;
	    this.length = 0;
	  }

	  clear () {
	    this.head = this.tail;
	    this.head.clear();
	    this.length = 0;
	  }

	  push (val) {
	    this.length++;
	    if (!this.head.push(val)) {
	      const prev = this.head;
	      this.head = prev.next = new FixedFIFO(2 * this.head.buffer.length);
	      this.head.push(val);
	    }
	  }

	  shift () {
	    if (this.length !== 0) this.length--;
	    const val = this.tail.shift();
	    if (val === undefined && this.tail.next) {
	      const next = this.tail.next;
	      this.tail.next = null;
	      this.tail = next;
	      return this.tail.shift()
	    }

	    return val
	  }

	  peek () {
	    const val = this.tail.peek();
	    if (val === undefined && this.tail.next) return this.tail.next.peek()
	    return val
	  }

	  isEmpty () {
	    return this.length === 0
	  }
	};
	return fastFifo;
}

var b4a;
var hasRequiredB4a;

function requireB4a () {
	if (hasRequiredB4a) return b4a;
	hasRequiredB4a = 1;
	function isBuffer(value) {
	  return Buffer.isBuffer(value) || value instanceof Uint8Array
	}

	function isEncoding(encoding) {
	  return Buffer.isEncoding(encoding)
	}

	function alloc(size, fill, encoding) {
	  return Buffer.alloc(size, fill, encoding)
	}

	function allocUnsafe(size) {
	  return Buffer.allocUnsafe(size)
	}

	function allocUnsafeSlow(size) {
	  return Buffer.allocUnsafeSlow(size)
	}

	function byteLength(string, encoding) {
	  return Buffer.byteLength(string, encoding)
	}

	function compare(a, b) {
	  return Buffer.compare(a, b)
	}

	function concat(buffers, totalLength) {
	  return Buffer.concat(buffers, totalLength)
	}

	function copy(source, target, targetStart, start, end) {
	  return toBuffer(source).copy(target, targetStart, start, end)
	}

	function equals(a, b) {
	  return toBuffer(a).equals(b)
	}

	function fill(buffer, value, offset, end, encoding) {
	  return toBuffer(buffer).fill(value, offset, end, encoding)
	}

	function from(value, encodingOrOffset, length) {
	  return Buffer.from(value, encodingOrOffset, length)
	}

	function includes(buffer, value, byteOffset, encoding) {
	  return toBuffer(buffer).includes(value, byteOffset, encoding)
	}

	function indexOf(buffer, value, byfeOffset, encoding) {
	  return toBuffer(buffer).indexOf(value, byfeOffset, encoding)
	}

	function lastIndexOf(buffer, value, byteOffset, encoding) {
	  return toBuffer(buffer).lastIndexOf(value, byteOffset, encoding)
	}

	function swap16(buffer) {
	  return toBuffer(buffer).swap16()
	}

	function swap32(buffer) {
	  return toBuffer(buffer).swap32()
	}

	function swap64(buffer) {
	  return toBuffer(buffer).swap64()
	}

	function toBuffer(buffer) {
	  if (Buffer.isBuffer(buffer)) return buffer
	  return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength)
	}

	function toString(buffer, encoding, start, end) {
	  return toBuffer(buffer).toString(encoding, start, end)
	}

	function toHex(buffer, start, end) {
	  return toBuffer(buffer).toString('hex', start, end)
	}

	function write(buffer, string, offset, length, encoding) {
	  return toBuffer(buffer).write(string, offset, length, encoding)
	}

	function readDoubleBE(buffer, offset) {
	  return toBuffer(buffer).readDoubleBE(offset)
	}

	function readDoubleLE(buffer, offset) {
	  return toBuffer(buffer).readDoubleLE(offset)
	}

	function readFloatBE(buffer, offset) {
	  return toBuffer(buffer).readFloatBE(offset)
	}

	function readFloatLE(buffer, offset) {
	  return toBuffer(buffer).readFloatLE(offset)
	}

	function readInt32BE(buffer, offset) {
	  return toBuffer(buffer).readInt32BE(offset)
	}

	function readInt32LE(buffer, offset) {
	  return toBuffer(buffer).readInt32LE(offset)
	}

	function readUInt32BE(buffer, offset) {
	  return toBuffer(buffer).readUInt32BE(offset)
	}

	function readUInt32LE(buffer, offset) {
	  return toBuffer(buffer).readUInt32LE(offset)
	}

	function writeDoubleBE(buffer, value, offset) {
	  return toBuffer(buffer).writeDoubleBE(value, offset)
	}

	function writeDoubleLE(buffer, value, offset) {
	  return toBuffer(buffer).writeDoubleLE(value, offset)
	}

	function writeFloatBE(buffer, value, offset) {
	  return toBuffer(buffer).writeFloatBE(value, offset)
	}

	function writeFloatLE(buffer, value, offset) {
	  return toBuffer(buffer).writeFloatLE(value, offset)
	}

	function writeInt32BE(buffer, value, offset) {
	  return toBuffer(buffer).writeInt32BE(value, offset)
	}

	function writeInt32LE(buffer, value, offset) {
	  return toBuffer(buffer).writeInt32LE(value, offset)
	}

	function writeUInt32BE(buffer, value, offset) {
	  return toBuffer(buffer).writeUInt32BE(value, offset)
	}

	function writeUInt32LE(buffer, value, offset) {
	  return toBuffer(buffer).writeUInt32LE(value, offset)
	}

	b4a = {
	  isBuffer,
	  isEncoding,
	  alloc,
	  allocUnsafe,
	  allocUnsafeSlow,
	  byteLength,
	  compare,
	  concat,
	  copy,
	  equals,
	  fill,
	  from,
	  includes,
	  indexOf,
	  lastIndexOf,
	  swap16,
	  swap32,
	  swap64,
	  toBuffer,
	  toString,
	  toHex,
	  write,
	  readDoubleBE,
	  readDoubleLE,
	  readFloatBE,
	  readFloatLE,
	  readInt32BE,
	  readInt32LE,
	  readUInt32BE,
	  readUInt32LE,
	  writeDoubleBE,
	  writeDoubleLE,
	  writeFloatBE,
	  writeFloatLE,
	  writeInt32BE,
	  writeInt32LE,
	  writeUInt32BE,
	  writeUInt32LE
	};
	return b4a;
}

var passThroughDecoder;
var hasRequiredPassThroughDecoder;

function requirePassThroughDecoder () {
	if (hasRequiredPassThroughDecoder) return passThroughDecoder;
	hasRequiredPassThroughDecoder = 1;
	const b4a = requireB4a();

	passThroughDecoder = class PassThroughDecoder {
	  constructor(encoding) {
	    this.encoding = encoding;
	  }

	  get remaining() {
	    return 0
	  }

	  decode(data) {
	    return b4a.toString(data, this.encoding)
	  }

	  flush() {
	    return ''
	  }
	};
	return passThroughDecoder;
}

var utf8Decoder;
var hasRequiredUtf8Decoder;

function requireUtf8Decoder () {
	if (hasRequiredUtf8Decoder) return utf8Decoder;
	hasRequiredUtf8Decoder = 1;
	const b4a = requireB4a();

	/**
	 * https://encoding.spec.whatwg.org/#utf-8-decoder
	 */
	utf8Decoder = class UTF8Decoder {
	  constructor() {
	    this._reset();
	  }

	  get remaining() {
	    return this.bytesSeen
	  }

	  decode(data) {
	    if (data.byteLength === 0) return ''

	    if (this.bytesNeeded === 0 && trailingIncomplete(data, 0) === 0) {
	      this.bytesSeen = trailingBytesSeen(data);
	      return b4a.toString(data, 'utf8')
	    }

	    let result = '';
	    let start = 0;

	    if (this.bytesNeeded > 0) {
	      while (start < data.byteLength) {
	        const byte = data[start];

	        if (byte < this.lowerBoundary || byte > this.upperBoundary) {
	          result += '\ufffd';
	          this._reset();
	          break
	        }

	        this.lowerBoundary = 0x80;
	        this.upperBoundary = 0xbf;
	        this.codePoint = (this.codePoint << 6) | (byte & 0x3f);
	        this.bytesSeen++;
	        start++;

	        if (this.bytesSeen === this.bytesNeeded) {
	          result += String.fromCodePoint(this.codePoint);
	          this._reset();
	          break
	        }
	      }

	      if (this.bytesNeeded > 0) return result
	    }

	    const trailing = trailingIncomplete(data, start);
	    const end = data.byteLength - trailing;

	    if (end > start) result += b4a.toString(data, 'utf8', start, end);

	    for (let i = end; i < data.byteLength; i++) {
	      const byte = data[i];

	      if (this.bytesNeeded === 0) {
	        if (byte <= 0x7f) {
	          this.bytesSeen = 0;
	          result += String.fromCharCode(byte);
	        } else if (byte >= 0xc2 && byte <= 0xdf) {
	          this.bytesNeeded = 2;
	          this.bytesSeen = 1;
	          this.codePoint = byte & 0x1f;
	        } else if (byte >= 0xe0 && byte <= 0xef) {
	          if (byte === 0xe0) this.lowerBoundary = 0xa0;
	          else if (byte === 0xed) this.upperBoundary = 0x9f;
	          this.bytesNeeded = 3;
	          this.bytesSeen = 1;
	          this.codePoint = byte & 0xf;
	        } else if (byte >= 0xf0 && byte <= 0xf4) {
	          if (byte === 0xf0) this.lowerBoundary = 0x90;
	          else if (byte === 0xf4) this.upperBoundary = 0x8f;
	          this.bytesNeeded = 4;
	          this.bytesSeen = 1;
	          this.codePoint = byte & 0x7;
	        } else {
	          this.bytesSeen = 1;
	          result += '\ufffd';
	        }

	        continue
	      }

	      if (byte < this.lowerBoundary || byte > this.upperBoundary) {
	        result += '\ufffd';
	        i--;
	        this._reset();

	        continue
	      }

	      this.lowerBoundary = 0x80;
	      this.upperBoundary = 0xbf;

	      this.codePoint = (this.codePoint << 6) | (byte & 0x3f);
	      this.bytesSeen++;

	      if (this.bytesSeen === this.bytesNeeded) {
	        result += String.fromCodePoint(this.codePoint);
	        this._reset();
	      }
	    }

	    return result
	  }

	  flush() {
	    const result = this.bytesNeeded > 0 ? '\ufffd' : '';
	    this._reset();
	    return result
	  }

	  _reset() {
	    this.codePoint = 0;
	    this.bytesNeeded = 0;
	    this.bytesSeen = 0;
	    this.lowerBoundary = 0x80;
	    this.upperBoundary = 0xbf;
	  }
	};

	function trailingIncomplete(data, start) {
	  const len = data.byteLength;
	  if (len <= start) return 0

	  const limit = Math.max(start, len - 4);

	  let i = len - 1;
	  while (i > limit && (data[i] & 0xc0) === 0x80) i--;

	  if (i < start) return 0

	  const byte = data[i];

	  let needed;
	  if (byte <= 0x7f) return 0
	  if (byte >= 0xc2 && byte <= 0xdf) needed = 2;
	  else if (byte >= 0xe0 && byte <= 0xef) needed = 3;
	  else if (byte >= 0xf0 && byte <= 0xf4) needed = 4;
	  else return 0

	  const available = len - i;
	  return available < needed ? available : 0
	}

	function trailingBytesSeen(data) {
	  const len = data.byteLength;
	  if (len === 0) return 0

	  const last = data[len - 1];

	  if (last <= 0x7f) return 0
	  if ((last & 0xc0) !== 0x80) return 1

	  const limit = Math.max(0, len - 4);

	  let i = len - 2;
	  while (i >= limit && (data[i] & 0xc0) === 0x80) i--;

	  if (i < 0) return 1

	  const first = data[i];

	  let needed;
	  if (first >= 0xc2 && first <= 0xdf) needed = 2;
	  else if (first >= 0xe0 && first <= 0xef) needed = 3;
	  else if (first >= 0xf0 && first <= 0xf4) needed = 4;
	  else return 1

	  if (len - i !== needed) return 1

	  if (needed >= 3) {
	    const second = data[i + 1];
	    if (first === 0xe0 && second < 0xa0) return 1
	    if (first === 0xed && second > 0x9f) return 1
	    if (first === 0xf0 && second < 0x90) return 1
	    if (first === 0xf4 && second > 0x8f) return 1
	  }

	  return 0
	}
	return utf8Decoder;
}

var textDecoder;
var hasRequiredTextDecoder;

function requireTextDecoder () {
	if (hasRequiredTextDecoder) return textDecoder;
	hasRequiredTextDecoder = 1;
	const PassThroughDecoder = requirePassThroughDecoder();
	const UTF8Decoder = requireUtf8Decoder();

	textDecoder = class TextDecoder {
	  constructor(encoding = 'utf8') {
	    this.encoding = normalizeEncoding(encoding);

	    switch (this.encoding) {
	      case 'utf8':
	        this.decoder = new UTF8Decoder();
	        break
	      case 'utf16le':
	      case 'base64':
	        throw new Error('Unsupported encoding: ' + this.encoding)
	      default:
	        this.decoder = new PassThroughDecoder(this.encoding);
	    }
	  }

	  get remaining() {
	    return this.decoder.remaining
	  }

	  push(data) {
	    if (typeof data === 'string') return data
	    return this.decoder.decode(data)
	  }

	  // For Node.js compatibility
	  write(data) {
	    return this.push(data)
	  }

	  end(data) {
	    let result = '';
	    if (data) result = this.push(data);
	    result += this.decoder.flush();
	    return result
	  }
	};

	function normalizeEncoding(encoding) {
	  encoding = encoding.toLowerCase();

	  switch (encoding) {
	    case 'utf8':
	    case 'utf-8':
	      return 'utf8'
	    case 'ucs2':
	    case 'ucs-2':
	    case 'utf16le':
	    case 'utf-16le':
	      return 'utf16le'
	    case 'latin1':
	    case 'binary':
	      return 'latin1'
	    case 'base64':
	    case 'ascii':
	    case 'hex':
	      return encoding
	    default:
	      throw new Error('Unknown encoding: ' + encoding)
	  }
	}
	return textDecoder;
}

var errors;
var hasRequiredErrors;

function requireErrors () {
	if (hasRequiredErrors) return errors;
	hasRequiredErrors = 1;
	errors = class StreamError extends Error {
	  constructor(msg, code, fn = StreamError) {
	    super(msg);

	    this.code = code;

	    if (Error.captureStackTrace) {
	      Error.captureStackTrace(this, fn);
	    }
	  }

	  static isStreamDestroyed(err) {
	    return err && err.code === 'STREAM_DESTROYED'
	  }

	  static isPrematureClose(err) {
	    return err && err.code === 'PREMATURE_CLOSE'
	  }

	  static isAborted(err) {
	    return err && err.code === 'ABORTED'
	  }

	  static isBadArgument(err) {
	    return err && err.code === 'BAD_ARGUMENT'
	  }

	  get name() {
	    return 'StreamError'
	  }

	  static STREAM_DESTROYED() {
	    return new StreamError('Stream was destroyed', 'STREAM_DESTROYED', StreamError.STREAM_DESTROYED)
	  }

	  static PREMATURE_CLOSE(msg = 'Premature close') {
	    return new StreamError(msg, 'PREMATURE_CLOSE', StreamError.PREMATURE_CLOSE)
	  }

	  static ABORTED() {
	    return new StreamError('Stream aborted', 'ABORTED', StreamError.ABORTED)
	  }

	  static BAD_ARGUMENT(msg = 'Bad argument') {
	    return new StreamError(msg, 'BAD_ARGUMENT', StreamError.BAD_ARGUMENT)
	  }
	};
	return errors;
}

var streamx;
var hasRequiredStreamx;

function requireStreamx () {
	if (hasRequiredStreamx) return streamx;
	hasRequiredStreamx = 1;
	const { EventEmitter } = require_default();
	const FIFO = requireFastFifo();
	const TextDecoder = requireTextDecoder();

	const StreamError = requireErrors();

	// if we do a future major, expect queue microtask to be there always, for now a bit defensive
	const qmt =
	  typeof queueMicrotask === 'undefined' ? (fn) => commonjsGlobal.process.nextTick(fn) : queueMicrotask;

	// 29 bits used total (4 from shared, 14 from read, and 11 from write)
	const MAX = (1 << 29) - 1;

	// Shared state
	const OPENING = 0b0001;
	const PREDESTROYING = 0b0010;
	const DESTROYING = 0b0100;
	const DESTROYED = 0b1000;

	const NOT_OPENING = MAX ^ OPENING;
	const NOT_PREDESTROYING = MAX ^ PREDESTROYING;

	// Read state (4 bit offset from shared state)
	const READ_ACTIVE = 0b00000000000001 << 4;
	const READ_UPDATING = 0b00000000000010 << 4;
	const READ_PRIMARY = 0b00000000000100 << 4;
	const READ_QUEUED = 0b00000000001000 << 4;
	const READ_RESUMED = 0b00000000010000 << 4;
	const READ_PIPE_DRAINED = 0b00000000100000 << 4;
	const READ_ENDING = 0b00000001000000 << 4;
	const READ_EMIT_DATA = 0b00000010000000 << 4;
	const READ_EMIT_READABLE = 0b00000100000000 << 4;
	const READ_EMITTED_READABLE = 0b00001000000000 << 4;
	const READ_DONE = 0b00010000000000 << 4;
	const READ_NEXT_TICK = 0b00100000000000 << 4;
	const READ_NEEDS_PUSH = 0b01000000000000 << 4;
	const READ_READ_AHEAD = 0b10000000000000 << 4;

	// Combined read state
	const READ_FLOWING = READ_RESUMED | READ_PIPE_DRAINED;
	const READ_ACTIVE_AND_NEEDS_PUSH = READ_ACTIVE | READ_NEEDS_PUSH;
	const READ_PRIMARY_AND_ACTIVE = READ_PRIMARY | READ_ACTIVE;
	const READ_EMIT_READABLE_AND_QUEUED = READ_EMIT_READABLE | READ_QUEUED;
	const READ_RESUMED_READ_AHEAD = READ_RESUMED | READ_READ_AHEAD;

	const READ_NOT_ACTIVE = MAX ^ READ_ACTIVE;
	const READ_NON_PRIMARY = MAX ^ READ_PRIMARY;
	const READ_NON_PRIMARY_AND_PUSHED = MAX ^ (READ_PRIMARY | READ_NEEDS_PUSH);
	const READ_PUSHED = MAX ^ READ_NEEDS_PUSH;
	const READ_PAUSED = MAX ^ READ_RESUMED;
	const READ_NOT_QUEUED = MAX ^ (READ_QUEUED | READ_EMITTED_READABLE);
	const READ_NOT_ENDING = MAX ^ READ_ENDING;
	const READ_PIPE_NOT_DRAINED = MAX ^ READ_FLOWING;
	const READ_NOT_NEXT_TICK = MAX ^ READ_NEXT_TICK;
	const READ_NOT_UPDATING = MAX ^ READ_UPDATING;
	const READ_NO_READ_AHEAD = MAX ^ READ_READ_AHEAD;
	const READ_PAUSED_NO_READ_AHEAD = MAX ^ READ_RESUMED_READ_AHEAD;

	// Write state (18 bit offset, 4 bit offset from shared state and 14 from read state)
	const WRITE_ACTIVE = 0b00000000001 << 18;
	const WRITE_UPDATING = 0b00000000010 << 18;
	const WRITE_PRIMARY = 0b00000000100 << 18;
	const WRITE_QUEUED = 0b00000001000 << 18;
	const WRITE_UNDRAINED = 0b00000010000 << 18;
	const WRITE_DONE = 0b00000100000 << 18;
	const WRITE_EMIT_DRAIN = 0b00001000000 << 18;
	const WRITE_NEXT_TICK = 0b00010000000 << 18;
	const WRITE_WRITING = 0b00100000000 << 18;
	const WRITE_FINISHING = 0b01000000000 << 18;
	const WRITE_CORKED = 0b10000000000 << 18;

	const WRITE_NOT_ACTIVE = MAX ^ (WRITE_ACTIVE | WRITE_WRITING);
	const WRITE_NON_PRIMARY = MAX ^ WRITE_PRIMARY;
	const WRITE_NOT_FINISHING = MAX ^ (WRITE_ACTIVE | WRITE_FINISHING);
	const WRITE_DRAINED = MAX ^ WRITE_UNDRAINED;
	const WRITE_NOT_QUEUED = MAX ^ WRITE_QUEUED;
	const WRITE_NOT_NEXT_TICK = MAX ^ WRITE_NEXT_TICK;
	const WRITE_NOT_UPDATING = MAX ^ WRITE_UPDATING;
	const WRITE_NOT_CORKED = MAX ^ WRITE_CORKED;

	// Combined shared state
	const ACTIVE = READ_ACTIVE | WRITE_ACTIVE;
	const NOT_ACTIVE = MAX ^ ACTIVE;
	const DONE = READ_DONE | WRITE_DONE;
	const DESTROY_STATUS = DESTROYING | DESTROYED | PREDESTROYING;
	const OPEN_STATUS = DESTROY_STATUS | OPENING;
	const AUTO_DESTROY = DESTROY_STATUS | DONE;
	const NON_PRIMARY = WRITE_NON_PRIMARY & READ_NON_PRIMARY;
	const ACTIVE_OR_TICKING = WRITE_NEXT_TICK | READ_NEXT_TICK;
	const TICKING = ACTIVE_OR_TICKING & NOT_ACTIVE;
	const IS_OPENING = OPEN_STATUS | TICKING;

	// Combined shared state and read state
	const READ_PRIMARY_STATUS = OPEN_STATUS | READ_ENDING | READ_DONE;
	const READ_STATUS = OPEN_STATUS | READ_DONE | READ_QUEUED;
	const READ_ENDING_STATUS = OPEN_STATUS | READ_ENDING | READ_QUEUED;
	const READ_READABLE_STATUS = OPEN_STATUS | READ_EMIT_READABLE | READ_QUEUED | READ_EMITTED_READABLE;
	const SHOULD_NOT_READ =
	  OPEN_STATUS | READ_ACTIVE | READ_ENDING | READ_DONE | READ_NEEDS_PUSH | READ_READ_AHEAD;
	const READ_BACKPRESSURE_STATUS = DESTROY_STATUS | READ_ENDING | READ_DONE;
	const READ_UPDATE_SYNC_STATUS = READ_UPDATING | OPEN_STATUS | READ_NEXT_TICK | READ_PRIMARY;
	const READ_NEXT_TICK_OR_OPENING = READ_NEXT_TICK | OPENING;

	// Combined write state
	const WRITE_PRIMARY_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_DONE;
	const WRITE_QUEUED_AND_UNDRAINED = WRITE_QUEUED | WRITE_UNDRAINED;
	const WRITE_QUEUED_AND_ACTIVE = WRITE_QUEUED | WRITE_ACTIVE;
	const WRITE_DRAIN_STATUS = WRITE_QUEUED | WRITE_UNDRAINED | OPEN_STATUS | WRITE_ACTIVE;
	const WRITE_STATUS = OPEN_STATUS | WRITE_ACTIVE | WRITE_QUEUED | WRITE_CORKED;
	const WRITE_PRIMARY_AND_ACTIVE = WRITE_PRIMARY | WRITE_ACTIVE;
	const WRITE_ACTIVE_AND_WRITING = WRITE_ACTIVE | WRITE_WRITING;
	const WRITE_FINISHING_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_QUEUED_AND_ACTIVE | WRITE_DONE;
	const WRITE_BACKPRESSURE_STATUS = WRITE_UNDRAINED | DESTROY_STATUS | WRITE_FINISHING | WRITE_DONE;
	const WRITE_UPDATE_SYNC_STATUS = WRITE_UPDATING | OPEN_STATUS | WRITE_NEXT_TICK | WRITE_PRIMARY;
	const WRITE_DROP_DATA = WRITE_FINISHING | WRITE_DONE | DESTROY_STATUS;

	const asyncIterator = Symbol.asyncIterator || Symbol('asyncIterator');

	class WritableState {
	  constructor(
	    stream,
	    { highWaterMark = 16384, map = null, mapWritable, byteLength, byteLengthWritable } = {}
	  ) {
	    this.stream = stream;
	    this.queue = new FIFO();
	    this.highWaterMark = highWaterMark;
	    this.buffered = 0;
	    this.error = null;
	    this.pipeline = null;
	    this.drains = null; // if we add more seldomly used helpers we might them into a subobject so its a single ptr
	    this.byteLength = byteLengthWritable || byteLength || defaultByteLength;
	    this.map = mapWritable || map;
	    this.afterWrite = afterWrite.bind(this);
	    this.afterUpdateNextTick = updateWriteNT.bind(this);
	  }

	  get ending() {
	    return (this.stream._duplexState & WRITE_FINISHING) !== 0
	  }

	  get ended() {
	    return (this.stream._duplexState & WRITE_DONE) !== 0
	  }

	  push(data) {
	    if ((this.stream._duplexState & WRITE_DROP_DATA) !== 0) return false
	    if (this.map !== null) data = this.map(data);

	    this.buffered += this.byteLength(data);
	    this.queue.push(data);

	    if (this.buffered < this.highWaterMark) {
	      this.stream._duplexState |= WRITE_QUEUED;
	      return true
	    }

	    this.stream._duplexState |= WRITE_QUEUED_AND_UNDRAINED;
	    return false
	  }

	  shift() {
	    const data = this.queue.shift();

	    this.buffered -= this.byteLength(data);
	    if (this.buffered === 0) this.stream._duplexState &= WRITE_NOT_QUEUED;

	    return data
	  }

	  end(data) {
	    if (typeof data === 'function') {
	      this.stream.once('finish', data);
	    } else if (data !== undefined && data !== null) {
	      this.push(data);
	    }

	    this.stream._duplexState = (this.stream._duplexState | WRITE_FINISHING) & WRITE_NON_PRIMARY;
	  }

	  autoBatch(data, cb) {
	    const buffer = [];
	    const stream = this.stream;

	    buffer.push(data);
	    while ((stream._duplexState & WRITE_STATUS) === WRITE_QUEUED_AND_ACTIVE) {
	      buffer.push(stream._writableState.shift());
	    }

	    if ((stream._duplexState & OPEN_STATUS) !== 0) return cb(null)
	    stream._writev(buffer, cb);
	  }

	  update() {
	    const stream = this.stream;

	    stream._duplexState |= WRITE_UPDATING;

	    do {
	      while ((stream._duplexState & WRITE_STATUS) === WRITE_QUEUED) {
	        const data = this.shift();
	        stream._duplexState |= WRITE_ACTIVE_AND_WRITING;
	        stream._write(data, this.afterWrite);
	      }

	      if ((stream._duplexState & WRITE_PRIMARY_AND_ACTIVE) === 0) this.updateNonPrimary();
	    } while (this.continueUpdate() === true)

	    stream._duplexState &= WRITE_NOT_UPDATING;
	  }

	  updateNonPrimary() {
	    const stream = this.stream;

	    if ((stream._duplexState & WRITE_FINISHING_STATUS) === WRITE_FINISHING) {
	      stream._duplexState = stream._duplexState | WRITE_ACTIVE;
	      stream._final(afterFinal.bind(this));
	      return
	    }

	    if ((stream._duplexState & DESTROY_STATUS) === DESTROYING) {
	      if ((stream._duplexState & ACTIVE_OR_TICKING) === 0) {
	        stream._duplexState |= ACTIVE;
	        stream._destroy(afterDestroy.bind(this));
	      }
	      return
	    }

	    if ((stream._duplexState & IS_OPENING) === OPENING) {
	      stream._duplexState = (stream._duplexState | ACTIVE) & NOT_OPENING;
	      stream._open(afterOpen.bind(this));
	    }
	  }

	  continueUpdate() {
	    if ((this.stream._duplexState & WRITE_NEXT_TICK) === 0) return false
	    this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
	    return true
	  }

	  updateCallback() {
	    if ((this.stream._duplexState & WRITE_UPDATE_SYNC_STATUS) === WRITE_PRIMARY) {
	      this.update();
	    } else {
	      this.updateNextTick();
	    }
	  }

	  updateNextTick() {
	    if ((this.stream._duplexState & WRITE_NEXT_TICK) !== 0) return
	    this.stream._duplexState |= WRITE_NEXT_TICK;
	    if ((this.stream._duplexState & WRITE_UPDATING) === 0) qmt(this.afterUpdateNextTick);
	  }
	}

	class ReadableState {
	  constructor(
	    stream,
	    { highWaterMark = 16384, map = null, mapReadable, byteLength, byteLengthReadable } = {}
	  ) {
	    this.stream = stream;
	    this.queue = new FIFO();
	    this.highWaterMark = highWaterMark === 0 ? 1 : highWaterMark;
	    this.buffered = 0;
	    this.readAhead = highWaterMark > 0;
	    this.error = null;
	    this.pipeline = null;
	    this.byteLength = byteLengthReadable || byteLength || defaultByteLength;
	    this.map = mapReadable || map;
	    this.pipeTo = null;
	    this.afterRead = afterRead.bind(this);
	    this.afterUpdateNextTick = updateReadNT.bind(this);
	  }

	  get ending() {
	    return (this.stream._duplexState & READ_ENDING) !== 0
	  }

	  get ended() {
	    return (this.stream._duplexState & READ_DONE) !== 0
	  }

	  pipe(pipeTo, cb) {
	    if (this.pipeTo !== null) throw StreamError.BAD_ARGUMENT('Can only pipe to one destination')
	    if (typeof cb !== 'function') cb = null;

	    this.stream._duplexState |= READ_PIPE_DRAINED;
	    this.pipeTo = pipeTo;
	    this.pipeline = new Pipeline(this.stream, pipeTo, cb);

	    if (cb) this.stream.on('error', noop); // We already error handle this so supress crashes

	    if (isStreamx(pipeTo)) {
	      pipeTo._writableState.pipeline = this.pipeline;
	      if (cb) pipeTo.on('error', noop); // We already error handle this so supress crashes
	      pipeTo.on('finish', this.pipeline.finished.bind(this.pipeline)); // TODO: just call finished from pipeTo itself
	    } else {
	      const onerror = this.pipeline.done.bind(this.pipeline, pipeTo);
	      const onclose = this.pipeline.done.bind(this.pipeline, pipeTo, null); // onclose has a weird bool arg
	      pipeTo.on('error', onerror);
	      pipeTo.on('close', onclose);
	      pipeTo.on('finish', this.pipeline.finished.bind(this.pipeline));
	    }

	    pipeTo.on('drain', afterDrain.bind(this));
	    this.stream.emit('piping', pipeTo);
	    pipeTo.emit('pipe', this.stream);
	  }

	  push(data) {
	    const stream = this.stream;

	    if (data === null) {
	      this.highWaterMark = 0;
	      stream._duplexState = (stream._duplexState | READ_ENDING) & READ_NON_PRIMARY_AND_PUSHED;
	      return false
	    }

	    if (this.map !== null) {
	      data = this.map(data);
	      if (data === null) {
	        stream._duplexState &= READ_PUSHED;
	        return this.buffered < this.highWaterMark
	      }
	    }

	    this.buffered += this.byteLength(data);
	    this.queue.push(data);

	    stream._duplexState = (stream._duplexState | READ_QUEUED) & READ_PUSHED;

	    return this.buffered < this.highWaterMark
	  }

	  shift() {
	    const data = this.queue.shift();

	    this.buffered -= this.byteLength(data);
	    if (this.buffered === 0) {
	      this.stream._duplexState &= READ_NOT_QUEUED;
	    }

	    return data
	  }

	  unshift(data) {
	    const pending = [this.map !== null ? this.map(data) : data];
	    while (this.buffered > 0) pending.push(this.shift());

	    for (let i = 0; i < pending.length - 1; i++) {
	      const data = pending[i];
	      this.buffered += this.byteLength(data);
	      this.queue.push(data);
	    }

	    this.push(pending[pending.length - 1]);
	  }

	  read() {
	    const stream = this.stream;

	    if ((stream._duplexState & READ_STATUS) === READ_QUEUED) {
	      const data = this.shift();

	      if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
	        stream._duplexState &= READ_PIPE_NOT_DRAINED;
	      }

	      if ((stream._duplexState & READ_EMIT_DATA) !== 0) {
	        stream.emit('data', data);
	      }

	      return data
	    }

	    if (this.readAhead === false) {
	      stream._duplexState |= READ_READ_AHEAD;
	      this.updateNextTick();
	    }

	    return null
	  }

	  drain() {
	    const stream = this.stream;

	    while (
	      (stream._duplexState & READ_STATUS) === READ_QUEUED &&
	      (stream._duplexState & READ_FLOWING) !== 0
	    ) {
	      const data = this.shift();

	      if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
	        stream._duplexState &= READ_PIPE_NOT_DRAINED;
	      }

	      if ((stream._duplexState & READ_EMIT_DATA) !== 0) {
	        stream.emit('data', data);
	      }
	    }
	  }

	  update() {
	    const stream = this.stream;

	    stream._duplexState |= READ_UPDATING;

	    do {
	      this.drain();

	      while (
	        this.buffered < this.highWaterMark &&
	        (stream._duplexState & SHOULD_NOT_READ) === READ_READ_AHEAD
	      ) {
	        stream._duplexState |= READ_ACTIVE_AND_NEEDS_PUSH;
	        stream._read(this.afterRead);
	        this.drain();
	      }

	      if ((stream._duplexState & READ_READABLE_STATUS) === READ_EMIT_READABLE_AND_QUEUED) {
	        stream._duplexState |= READ_EMITTED_READABLE;
	        stream.emit('readable');
	      }

	      if ((stream._duplexState & READ_PRIMARY_AND_ACTIVE) === 0) {
	        this.updateNonPrimary();
	      }
	    } while (this.continueUpdate() === true)

	    stream._duplexState &= READ_NOT_UPDATING;
	  }

	  updateNonPrimary() {
	    const stream = this.stream;

	    if ((stream._duplexState & READ_ENDING_STATUS) === READ_ENDING) {
	      stream._duplexState = (stream._duplexState | READ_DONE) & READ_NOT_ENDING;
	      stream.emit('end');

	      if ((stream._duplexState & AUTO_DESTROY) === DONE) {
	        stream._duplexState |= DESTROYING;
	      }

	      if (this.pipeTo !== null) {
	        this.pipeTo.end();
	      }
	    }

	    if ((stream._duplexState & DESTROY_STATUS) === DESTROYING) {
	      if ((stream._duplexState & ACTIVE_OR_TICKING) === 0) {
	        stream._duplexState |= ACTIVE;
	        stream._destroy(afterDestroy.bind(this));
	      }
	      return
	    }

	    if ((stream._duplexState & IS_OPENING) === OPENING) {
	      stream._duplexState = (stream._duplexState | ACTIVE) & NOT_OPENING;
	      stream._open(afterOpen.bind(this));
	    }
	  }

	  continueUpdate() {
	    if ((this.stream._duplexState & READ_NEXT_TICK) === 0) return false
	    this.stream._duplexState &= READ_NOT_NEXT_TICK;
	    return true
	  }

	  updateCallback() {
	    if ((this.stream._duplexState & READ_UPDATE_SYNC_STATUS) === READ_PRIMARY) {
	      this.update();
	    } else {
	      this.updateNextTick();
	    }
	  }

	  updateNextTickIfOpen() {
	    if ((this.stream._duplexState & READ_NEXT_TICK_OR_OPENING) !== 0) return
	    this.stream._duplexState |= READ_NEXT_TICK;
	    if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
	  }

	  updateNextTick() {
	    if ((this.stream._duplexState & READ_NEXT_TICK) !== 0) return
	    this.stream._duplexState |= READ_NEXT_TICK;
	    if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
	  }
	}

	class TransformState {
	  constructor(stream) {
	    this.data = null;
	    this.afterTransform = afterTransform.bind(stream);
	    this.afterFinal = null;
	  }
	}

	class Pipeline {
	  constructor(src, dst, cb) {
	    this.from = src;
	    this.to = dst;
	    this.afterPipe = cb;
	    this.error = null;
	    this.pipeToFinished = false;
	  }

	  finished() {
	    this.pipeToFinished = true;
	  }

	  done(stream, err) {
	    if (err) this.error = err;

	    if (stream === this.to) {
	      this.to = null;

	      if (this.from !== null) {
	        if ((this.from._duplexState & READ_DONE) === 0 || !this.pipeToFinished) {
	          this.from.destroy(this.error || StreamError.PREMATURE_CLOSE('Writable stream closed'));
	        }
	        return
	      }
	    }

	    if (stream === this.from) {
	      this.from = null;

	      if (this.to !== null) {
	        if ((stream._duplexState & READ_DONE) === 0) {
	          this.to.destroy(this.error || StreamError.PREMATURE_CLOSE('Readable stream closed'));
	        }
	        return
	      }
	    }

	    if (this.afterPipe !== null) this.afterPipe(this.error);
	    this.to = this.from = this.afterPipe = null;
	  }
	}

	function afterDrain() {
	  this.stream._duplexState |= READ_PIPE_DRAINED;
	  this.updateCallback();
	}

	function afterFinal(err) {
	  const stream = this.stream;
	  if (err) stream.destroy(err);

	  if ((stream._duplexState & DESTROY_STATUS) === 0) {
	    stream._duplexState |= WRITE_DONE;
	    stream.emit('finish');
	  }

	  if ((stream._duplexState & AUTO_DESTROY) === DONE) {
	    stream._duplexState |= DESTROYING;
	  }

	  stream._duplexState &= WRITE_NOT_FINISHING;

	  // no need to wait the extra tick here, so we short circuit that
	  if ((stream._duplexState & WRITE_UPDATING) === 0) {
	    this.update();
	  } else {
	    this.updateNextTick();
	  }
	}

	function afterDestroy(err) {
	  const stream = this.stream;

	  if (!err && !StreamError.isStreamDestroyed(this.error)) err = this.error;
	  if (err) stream.emit('error', err);

	  stream._duplexState |= DESTROYED;
	  stream.emit('close');

	  const rs = stream._readableState;
	  const ws = stream._writableState;

	  if (rs !== null && rs.pipeline !== null) {
	    rs.pipeline.done(stream, err);
	  }

	  if (ws !== null) {
	    while (ws.drains !== null && ws.drains.length > 0) {
	      ws.drains.shift().resolve(false);
	    }

	    if (ws.pipeline !== null) {
	      ws.pipeline.done(stream, err);
	    }
	  }
	}

	function afterWrite(err) {
	  const stream = this.stream;

	  if (err) stream.destroy(err);
	  stream._duplexState &= WRITE_NOT_ACTIVE;

	  if (this.drains !== null) tickDrains(this.drains);

	  if ((stream._duplexState & WRITE_DRAIN_STATUS) === WRITE_UNDRAINED) {
	    stream._duplexState &= WRITE_DRAINED;

	    if ((stream._duplexState & WRITE_EMIT_DRAIN) === WRITE_EMIT_DRAIN) {
	      stream.emit('drain');
	    }
	  }

	  this.updateCallback();
	}

	function afterRead(err) {
	  if (err) this.stream.destroy(err);
	  this.stream._duplexState &= READ_NOT_ACTIVE;

	  if (this.readAhead === false && (this.stream._duplexState & READ_RESUMED) === 0) {
	    this.stream._duplexState &= READ_NO_READ_AHEAD;
	  }

	  this.updateCallback();
	}

	function updateReadNT() {
	  if ((this.stream._duplexState & READ_UPDATING) === 0) {
	    this.stream._duplexState &= READ_NOT_NEXT_TICK;
	    this.update();
	  }
	}

	function updateWriteNT() {
	  if ((this.stream._duplexState & WRITE_UPDATING) === 0) {
	    this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
	    this.update();
	  }
	}

	function tickDrains(drains) {
	  for (let i = 0; i < drains.length; i++) {
	    // drains.writes are monotonic, so if one is 0 its always the first one
	    if (--drains[i].writes === 0) {
	      drains.shift().resolve(true);
	      i--;
	    }
	  }
	}

	function afterOpen(err) {
	  const stream = this.stream;

	  if (err) stream.destroy(err);

	  if ((stream._duplexState & DESTROYING) === 0) {
	    if ((stream._duplexState & READ_PRIMARY_STATUS) === 0) {
	      stream._duplexState |= READ_PRIMARY;
	    }

	    if ((stream._duplexState & WRITE_PRIMARY_STATUS) === 0) {
	      stream._duplexState |= WRITE_PRIMARY;
	    }

	    stream.emit('open');
	  }

	  stream._duplexState &= NOT_ACTIVE;

	  if (stream._writableState !== null) {
	    stream._writableState.updateCallback();
	  }

	  if (stream._readableState !== null) {
	    stream._readableState.updateCallback();
	  }
	}

	function afterTransform(err, data) {
	  if (data !== undefined && data !== null) this.push(data);
	  this._writableState.afterWrite(err);
	}

	function newListener(name) {
	  if (this._readableState !== null) {
	    if (name === 'data') {
	      this._duplexState |= READ_EMIT_DATA | READ_RESUMED_READ_AHEAD;
	      this._readableState.updateNextTick();
	    }
	    if (name === 'readable') {
	      this._duplexState |= READ_EMIT_READABLE;
	      this._readableState.updateNextTick();
	    }
	  }

	  if (this._writableState !== null) {
	    if (name === 'drain') {
	      this._duplexState |= WRITE_EMIT_DRAIN;
	      this._writableState.updateNextTick();
	    }
	  }
	}

	class Stream extends EventEmitter {
	  constructor(opts) {
	    super();

	    this._duplexState = 0;
	    this._readableState = null;
	    this._writableState = null;

	    if (opts) {
	      if (opts.open) this._open = opts.open;
	      if (opts.destroy) this._destroy = opts.destroy;
	      if (opts.predestroy) this._predestroy = opts.predestroy;
	      if (opts.signal) opts.signal.addEventListener('abort', abort.bind(this));
	    }

	    this.on('newListener', newListener);
	  }

	  _open(cb) {
	    cb(null);
	  }

	  _destroy(cb) {
	    cb(null);
	  }

	  _predestroy() {
	    // does nothing
	  }

	  get readable() {
	    return this._readableState !== null ? true : undefined
	  }

	  get writable() {
	    return this._writableState !== null ? true : undefined
	  }

	  get destroyed() {
	    return (this._duplexState & DESTROYED) !== 0
	  }

	  get destroying() {
	    return (this._duplexState & DESTROY_STATUS) !== 0
	  }

	  destroy(err) {
	    if ((this._duplexState & DESTROY_STATUS) === 0) {
	      if (!err) err = StreamError.STREAM_DESTROYED();
	      this._duplexState = (this._duplexState | DESTROYING) & NON_PRIMARY;

	      if (this._readableState !== null) {
	        this._readableState.highWaterMark = 0;
	        this._readableState.error = err;
	      }

	      if (this._writableState !== null) {
	        this._writableState.highWaterMark = 0;
	        this._writableState.error = err;
	      }

	      this._duplexState |= PREDESTROYING;
	      this._predestroy();
	      this._duplexState &= NOT_PREDESTROYING;

	      if (this._readableState !== null) {
	        this._readableState.updateNextTick();
	      }

	      if (this._writableState !== null) {
	        this._writableState.updateNextTick();
	      }
	    }
	  }
	}

	class Readable extends Stream {
	  constructor(opts) {
	    super(opts);

	    this._duplexState |= OPENING | WRITE_DONE | READ_READ_AHEAD;
	    this._readableState = new ReadableState(this, opts);

	    if (opts) {
	      if (this._readableState.readAhead === false) this._duplexState &= READ_NO_READ_AHEAD;
	      if (opts.read) this._read = opts.read;
	      if (opts.eagerOpen) this._readableState.updateNextTick();
	      if (opts.encoding) this.setEncoding(opts.encoding);
	    }
	  }

	  static deferred(fn, opts) {
	    const out = new PassThrough(opts);

	    fn()
	      .then((src) => {
	        if (src === null) return out.end()
	        if (out.destroying) return
	        pipeline(src, out, noop);
	      })
	      .catch((err) => out.destroy(err));

	    return out
	  }

	  setEncoding(encoding) {
	    const dec = new TextDecoder(encoding);
	    const map = this._readableState.map || echo;
	    this._readableState.map = mapOrSkip;
	    return this

	    function mapOrSkip(data) {
	      const next = dec.push(data);
	      return next === '' && (data.byteLength !== 0 || dec.remaining > 0) ? null : map(next)
	    }
	  }

	  _read(cb) {
	    cb(null);
	  }

	  pipe(dest, cb) {
	    this._readableState.updateNextTick();
	    this._readableState.pipe(dest, cb);
	    return dest
	  }

	  read() {
	    this._readableState.updateNextTick();
	    return this._readableState.read()
	  }

	  push(data) {
	    this._readableState.updateNextTickIfOpen();
	    return this._readableState.push(data)
	  }

	  unshift(data) {
	    this._readableState.updateNextTickIfOpen();
	    return this._readableState.unshift(data)
	  }

	  resume() {
	    this._duplexState |= READ_RESUMED_READ_AHEAD;
	    this._readableState.updateNextTick();
	    return this
	  }

	  pause() {
	    this._duplexState &=
	      this._readableState.readAhead === false ? READ_PAUSED_NO_READ_AHEAD : READ_PAUSED;
	    return this
	  }

	  static _fromAsyncIterator(ite, opts) {
	    let destroy;

	    const rs = new Readable({
	      ...opts,
	      read(cb) {
	        ite.next().then(push).then(cb.bind(null, null)).catch(cb);
	      },
	      predestroy() {
	        destroy = ite.return();
	      },
	      destroy(cb) {
	        if (!destroy) return cb(null)
	        destroy.then(cb.bind(null, null)).catch(cb);
	      }
	    });

	    return rs

	    function push(data) {
	      if (data.done) rs.push(null);
	      else rs.push(data.value);
	    }
	  }

	  static from(data, opts) {
	    if (isReadStreamx(data)) return data
	    if (data[asyncIterator]) return this._fromAsyncIterator(data[asyncIterator](), opts)
	    if (!Array.isArray(data)) data = data === undefined ? [] : [data];

	    let i = 0;
	    return new Readable({
	      ...opts,
	      read(cb) {
	        this.push(i === data.length ? null : data[i++]);
	        cb(null);
	      }
	    })
	  }

	  static isBackpressured(rs) {
	    return (
	      (rs._duplexState & READ_BACKPRESSURE_STATUS) !== 0 ||
	      rs._readableState.buffered >= rs._readableState.highWaterMark
	    )
	  }

	  static isPaused(rs) {
	    return (rs._duplexState & READ_RESUMED) === 0
	  }

	  [asyncIterator]() {
	    const stream = this;

	    let error = null;
	    let promiseResolve = null;
	    let promiseReject = null;

	    this.on('error', (err) => {
	      error = err;
	    });
	    this.on('readable', onreadable);
	    this.on('close', onclose);

	    return {
	      [asyncIterator]() {
	        return this
	      },
	      next() {
	        return new Promise(function (resolve, reject) {
	          promiseResolve = resolve;
	          promiseReject = reject;
	          const data = stream.read();
	          if (data !== null) ondata(data);
	          else if ((stream._duplexState & DESTROYED) !== 0) ondata(null);
	        })
	      },
	      return() {
	        return destroy(null)
	      },
	      throw(err) {
	        return destroy(err)
	      }
	    }

	    function onreadable() {
	      if (promiseResolve !== null) ondata(stream.read());
	    }

	    function onclose() {
	      if (promiseResolve !== null) ondata(null);
	    }

	    function ondata(data) {
	      if (promiseReject === null) return
	      if (error) {
	        promiseReject(error);
	      } else if (data === null && (stream._duplexState & READ_DONE) === 0) {
	        promiseReject(StreamError.STREAM_DESTROYED());
	      } else {
	        promiseResolve({ value: data, done: data === null });
	      }
	      promiseReject = promiseResolve = null;
	    }

	    function destroy(err) {
	      stream.destroy(err);
	      return new Promise((resolve, reject) => {
	        if (stream._duplexState & DESTROYED) return resolve({ value: undefined, done: true })
	        stream.once('close', function () {
	          if (err) reject(err);
	          else resolve({ value: undefined, done: true });
	        });
	      })
	    }
	  }
	}

	class Writable extends Stream {
	  constructor(opts) {
	    super(opts);

	    this._duplexState |= OPENING | READ_DONE;
	    this._writableState = new WritableState(this, opts);

	    if (opts) {
	      if (opts.writev) this._writev = opts.writev;
	      if (opts.write) this._write = opts.write;
	      if (opts.final) this._final = opts.final;
	      if (opts.eagerOpen) this._writableState.updateNextTick();
	    }
	  }

	  cork() {
	    this._duplexState |= WRITE_CORKED;
	  }

	  uncork() {
	    this._duplexState &= WRITE_NOT_CORKED;
	    this._writableState.updateNextTick();
	  }

	  _writev(batch, cb) {
	    cb(null);
	  }

	  _write(data, cb) {
	    this._writableState.autoBatch(data, cb);
	  }

	  _final(cb) {
	    cb(null);
	  }

	  static isBackpressured(ws) {
	    return (ws._duplexState & WRITE_BACKPRESSURE_STATUS) !== 0
	  }

	  static drained(ws) {
	    if (ws.destroyed) return Promise.resolve(false)

	    const state = ws._writableState;
	    const pending = isWritev(ws) ? Math.min(1, state.queue.length) : state.queue.length;
	    const writes = pending + (ws._duplexState & WRITE_WRITING ? 1 : 0);
	    if (writes === 0) return Promise.resolve(true)

	    if (state.drains === null) state.drains = [];
	    return new Promise((resolve) => {
	      state.drains.push({ writes, resolve });
	    })
	  }

	  write(data) {
	    this._writableState.updateNextTick();
	    return this._writableState.push(data)
	  }

	  end(data) {
	    this._writableState.updateNextTick();
	    this._writableState.end(data);
	    return this
	  }
	}

	class Duplex extends Readable {
	  // and Writable
	  constructor(opts) {
	    super(opts);

	    this._duplexState = OPENING | (this._duplexState & READ_READ_AHEAD);
	    this._writableState = new WritableState(this, opts);

	    if (opts) {
	      if (opts.writev) this._writev = opts.writev;
	      if (opts.write) this._write = opts.write;
	      if (opts.final) this._final = opts.final;
	    }
	  }

	  cork() {
	    this._duplexState |= WRITE_CORKED;
	  }

	  uncork() {
	    this._duplexState &= WRITE_NOT_CORKED;
	    this._writableState.updateNextTick();
	  }

	  _writev(batch, cb) {
	    cb(null);
	  }

	  _write(data, cb) {
	    this._writableState.autoBatch(data, cb);
	  }

	  _final(cb) {
	    cb(null);
	  }

	  write(data) {
	    this._writableState.updateNextTick();
	    return this._writableState.push(data)
	  }

	  end(data) {
	    this._writableState.updateNextTick();
	    this._writableState.end(data);
	    return this
	  }
	}

	class Transform extends Duplex {
	  constructor(opts) {
	    super(opts);
	    this._transformState = new TransformState(this);

	    if (opts) {
	      if (opts.transform) this._transform = opts.transform;
	      if (opts.flush) this._flush = opts.flush;
	    }
	  }

	  _write(data, cb) {
	    if (this._readableState.buffered >= this._readableState.highWaterMark) {
	      this._transformState.data = data;
	    } else {
	      this._transform(data, this._transformState.afterTransform);
	    }
	  }

	  _read(cb) {
	    if (this._transformState.data !== null) {
	      const data = this._transformState.data;
	      this._transformState.data = null;
	      cb(null);
	      this._transform(data, this._transformState.afterTransform);
	    } else {
	      cb(null);
	    }
	  }

	  destroy(err) {
	    super.destroy(err);
	    if (this._transformState.data !== null) {
	      this._transformState.data = null;
	      this._transformState.afterTransform();
	    }
	  }

	  _transform(data, cb) {
	    cb(null, data);
	  }

	  _flush(cb) {
	    cb(null);
	  }

	  _final(cb) {
	    this._transformState.afterFinal = cb;
	    this._flush(transformAfterFlush.bind(this));
	  }
	}

	class PassThrough extends Transform {}

	function transformAfterFlush(err, data) {
	  const cb = this._transformState.afterFinal;
	  if (err) return cb(err)

	  if (data !== null && data !== undefined) this.push(data);
	  this.push(null);
	  cb(null);
	}

	function pipelinePromise(...streams) {
	  return new Promise((resolve, reject) => {
	    return pipeline(...streams, (err) => {
	      if (err) return reject(err)
	      resolve();
	    })
	  })
	}

	function pipeline(stream, ...streams) {
	  const all = Array.isArray(stream) ? [...stream, ...streams] : [stream, ...streams];
	  const done = all.length && typeof all[all.length - 1] === 'function' ? all.pop() : null;

	  if (all.length < 2) throw StreamError.BAD_ARGUMENT('Pipeline requires at least 2 streams')

	  let src = all[0];
	  let dest = null;
	  let error = null;

	  for (let i = 1; i < all.length; i++) {
	    dest = all[i];

	    if (isStreamx(src)) {
	      src.pipe(dest, onerror);
	    } else {
	      errorHandle(src, true, i > 1, onerror);
	      src.pipe(dest);
	    }

	    src = dest;
	  }

	  if (done) {
	    let fin = false;

	    const autoDestroy =
	      isStreamx(dest) || !!(dest._writableState && dest._writableState.autoDestroy);

	    dest.on('error', (err) => {
	      if (error === null) error = err;
	    });

	    dest.on('finish', () => {
	      fin = true;
	      if (!autoDestroy) done(error);
	    });

	    if (autoDestroy) {
	      dest.on('close', () => done(error || (fin ? null : StreamError.PREMATURE_CLOSE())));
	    }
	  }

	  return dest

	  function errorHandle(s, rd, wr, onerror) {
	    s.on('error', onerror);
	    s.on('close', onclose);

	    function onclose() {
	      if (s._readableState && !s._readableState.ended) {
	        return onerror(StreamError.PREMATURE_CLOSE())
	      }
	      if (wr && s._writableState && !s._writableState.ended) {
	        return onerror(StreamError.PREMATURE_CLOSE())
	      }
	    }
	  }

	  function onerror(err) {
	    if (!err || error) return
	    error = err;

	    for (const s of all) {
	      s.destroy(err);
	    }
	  }
	}

	function echo(s) {
	  return s
	}

	function isStream(stream) {
	  return !!stream._readableState || !!stream._writableState
	}

	function isStreamx(stream) {
	  return typeof stream._duplexState === 'number' && isStream(stream)
	}

	function isEnding(stream) {
	  return !!stream._readableState && stream._readableState.ending
	}

	function isEnded(stream) {
	  return !!stream._readableState && stream._readableState.ended
	}

	function isFinishing(stream) {
	  return !!stream._writableState && stream._writableState.ending
	}

	function isFinished(stream) {
	  return !!stream._writableState && stream._writableState.ended
	}

	function getStreamError(stream, opts = {}) {
	  const err =
	    (stream._readableState && stream._readableState.error) ||
	    (stream._writableState && stream._writableState.error);

	  // avoid implicit errors by default
	  return !opts.all && StreamError.isStreamDestroyed(err) ? null : err
	}

	function isReadStreamx(stream) {
	  return isStreamx(stream) && stream.readable
	}

	function isDisturbed(stream) {
	  return (
	    (stream._duplexState & OPENING) !== OPENING ||
	    (stream._duplexState & DESTROYING) === DESTROYING ||
	    (stream._duplexState & ACTIVE_OR_TICKING) !== 0
	  )
	}

	function isTypedArray(data) {
	  return typeof data === 'object' && data !== null && typeof data.byteLength === 'number'
	}

	function defaultByteLength(data) {
	  return isTypedArray(data) ? data.byteLength : 1024
	}

	function noop() {}

	function abort() {
	  this.destroy(StreamError.ABORTED());
	}

	function isWritev(s) {
	  return s._writev !== Writable.prototype._writev && s._writev !== Duplex.prototype._writev
	}

	streamx = {
	  pipeline,
	  pipelinePromise,
	  isStream,
	  isStreamx,
	  isEnding,
	  isEnded,
	  isFinishing,
	  isFinished,
	  isDisturbed,
	  getStreamError,
	  Stream,
	  Writable,
	  Readable,
	  Duplex,
	  Transform,
	  // Export PassThrough for compatibility with Node.js core's stream module
	  PassThrough
	};
	return streamx;
}

var headers = {};

var hasRequiredHeaders;

function requireHeaders () {
	if (hasRequiredHeaders) return headers;
	hasRequiredHeaders = 1;
	const b4a = requireB4a();

	const ZEROS = '0000000000000000000';
	const SEVENS = '7777777777777777777';
	const ZERO_OFFSET = '0'.charCodeAt(0);
	const USTAR_MAGIC = b4a.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x00]); // ustar\x00
	const USTAR_VER = b4a.from([ZERO_OFFSET, ZERO_OFFSET]);
	const GNU_MAGIC = b4a.from([0x75, 0x73, 0x74, 0x61, 0x72, 0x20]); // ustar\x20
	const GNU_VER = b4a.from([0x20, 0x00]);
	const MASK = 0o7777;
	const MAGIC_OFFSET = 257;
	const VERSION_OFFSET = 263;

	headers.decodeLongPath = function decodeLongPath (buf, encoding) {
	  return decodeStr(buf, 0, buf.length, encoding)
	};

	headers.encodePax = function encodePax (opts) { // TODO: encode more stuff in pax
	  let result = '';
	  if (opts.name) result += addLength(' path=' + opts.name + '\n');
	  if (opts.linkname) result += addLength(' linkpath=' + opts.linkname + '\n');
	  const pax = opts.pax;
	  if (pax) {
	    for (const key in pax) {
	      result += addLength(' ' + key + '=' + pax[key] + '\n');
	    }
	  }
	  return b4a.from(result)
	};

	headers.decodePax = function decodePax (buf) {
	  const result = {};

	  while (buf.length) {
	    let i = 0;
	    while (i < buf.length && buf[i] !== 32) i++;
	    const len = parseInt(b4a.toString(buf.subarray(0, i)), 10);
	    if (!len) return result

	    const b = b4a.toString(buf.subarray(i + 1, len - 1));
	    const keyIndex = b.indexOf('=');
	    if (keyIndex === -1) return result
	    result[b.slice(0, keyIndex)] = b.slice(keyIndex + 1);

	    buf = buf.subarray(len);
	  }

	  return result
	};

	headers.encode = function encode (opts) {
	  const buf = b4a.alloc(512);
	  let name = opts.name;
	  let prefix = '';

	  if (opts.typeflag === 5 && name[name.length - 1] !== '/') name += '/';
	  if (b4a.byteLength(name) !== name.length) return null // utf-8

	  while (b4a.byteLength(name) > 100) {
	    const i = name.indexOf('/');
	    if (i === -1) return null
	    prefix += prefix ? '/' + name.slice(0, i) : name.slice(0, i);
	    name = name.slice(i + 1);
	  }

	  if (b4a.byteLength(name) > 100 || b4a.byteLength(prefix) > 155) return null
	  if (opts.linkname && b4a.byteLength(opts.linkname) > 100) return null

	  b4a.write(buf, name);
	  b4a.write(buf, encodeOct(opts.mode & MASK, 6), 100);
	  b4a.write(buf, encodeOct(opts.uid, 6), 108);
	  b4a.write(buf, encodeOct(opts.gid, 6), 116);
	  encodeSize(opts.size, buf, 124);
	  b4a.write(buf, encodeOct((opts.mtime.getTime() / 1000) | 0, 11), 136);

	  buf[156] = ZERO_OFFSET + toTypeflag(opts.type);

	  if (opts.linkname) b4a.write(buf, opts.linkname, 157);

	  b4a.copy(USTAR_MAGIC, buf, MAGIC_OFFSET);
	  b4a.copy(USTAR_VER, buf, VERSION_OFFSET);
	  if (opts.uname) b4a.write(buf, opts.uname, 265);
	  if (opts.gname) b4a.write(buf, opts.gname, 297);
	  b4a.write(buf, encodeOct(opts.devmajor || 0, 6), 329);
	  b4a.write(buf, encodeOct(opts.devminor || 0, 6), 337);

	  if (prefix) b4a.write(buf, prefix, 345);

	  b4a.write(buf, encodeOct(cksum(buf), 6), 148);

	  return buf
	};

	headers.decode = function decode (buf, filenameEncoding, allowUnknownFormat) {
	  let typeflag = buf[156] === 0 ? 0 : buf[156] - ZERO_OFFSET;

	  let name = decodeStr(buf, 0, 100, filenameEncoding);
	  const mode = decodeOct(buf, 100, 8);
	  const uid = decodeOct(buf, 108, 8);
	  const gid = decodeOct(buf, 116, 8);
	  const size = decodeOct(buf, 124, 12);
	  const mtime = decodeOct(buf, 136, 12);
	  const type = toType(typeflag);
	  const linkname = buf[157] === 0 ? null : decodeStr(buf, 157, 100, filenameEncoding);
	  const uname = decodeStr(buf, 265, 32);
	  const gname = decodeStr(buf, 297, 32);
	  const devmajor = decodeOct(buf, 329, 8);
	  const devminor = decodeOct(buf, 337, 8);

	  const c = cksum(buf);

	  // checksum is still initial value if header was null.
	  if (c === 8 * 32) return null

	  // valid checksum
	  if (c !== decodeOct(buf, 148, 8)) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?')

	  if (isUSTAR(buf)) {
	    // ustar (posix) format.
	    // prepend prefix, if present.
	    if (buf[345]) name = decodeStr(buf, 345, 155, filenameEncoding) + '/' + name;
	  } else if (isGNU(buf)) ; else {
	    if (!allowUnknownFormat) {
	      throw new Error('Invalid tar header: unknown format.')
	    }
	  }

	  // to support old tar versions that use trailing / to indicate dirs
	  if (typeflag === 0 && name && name[name.length - 1] === '/') typeflag = 5;

	  return {
	    name,
	    mode,
	    uid,
	    gid,
	    size,
	    byteOffset: 0,
	    mtime: new Date(1000 * mtime),
	    type,
	    linkname,
	    uname,
	    gname,
	    devmajor,
	    devminor,
	    pax: null
	  }
	};

	function isUSTAR (buf) {
	  return b4a.equals(USTAR_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6))
	}

	function isGNU (buf) {
	  return b4a.equals(GNU_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6)) &&
	    b4a.equals(GNU_VER, buf.subarray(VERSION_OFFSET, VERSION_OFFSET + 2))
	}

	function clamp (index, len, defaultValue) {
	  if (typeof index !== 'number') return defaultValue
	  index = ~~index; // Coerce to integer.
	  if (index >= len) return len
	  if (index >= 0) return index
	  index += len;
	  if (index >= 0) return index
	  return 0
	}

	function toType (flag) {
	  switch (flag) {
	    case 0:
	      return 'file'
	    case 1:
	      return 'link'
	    case 2:
	      return 'symlink'
	    case 3:
	      return 'character-device'
	    case 4:
	      return 'block-device'
	    case 5:
	      return 'directory'
	    case 6:
	      return 'fifo'
	    case 7:
	      return 'contiguous-file'
	    case 72:
	      return 'pax-header'
	    case 55:
	      return 'pax-global-header'
	    case 27:
	      return 'gnu-long-link-path'
	    case 28:
	    case 30:
	      return 'gnu-long-path'
	  }

	  return null
	}

	function toTypeflag (flag) {
	  switch (flag) {
	    case 'file':
	      return 0
	    case 'link':
	      return 1
	    case 'symlink':
	      return 2
	    case 'character-device':
	      return 3
	    case 'block-device':
	      return 4
	    case 'directory':
	      return 5
	    case 'fifo':
	      return 6
	    case 'contiguous-file':
	      return 7
	    case 'pax-header':
	      return 72
	  }

	  return 0
	}

	function indexOf (block, num, offset, end) {
	  for (; offset < end; offset++) {
	    if (block[offset] === num) return offset
	  }
	  return end
	}

	function cksum (block) {
	  let sum = 8 * 32;
	  for (let i = 0; i < 148; i++) sum += block[i];
	  for (let j = 156; j < 512; j++) sum += block[j];
	  return sum
	}

	function encodeOct (val, n) {
	  val = val.toString(8);
	  if (val.length > n) return SEVENS.slice(0, n) + ' '
	  return ZEROS.slice(0, n - val.length) + val + ' '
	}

	function encodeSizeBin (num, buf, off) {
	  buf[off] = 0x80;
	  for (let i = 11; i > 0; i--) {
	    buf[off + i] = num & 0xff;
	    num = Math.floor(num / 0x100);
	  }
	}

	function encodeSize (num, buf, off) {
	  if (num.toString(8).length > 11) {
	    encodeSizeBin(num, buf, off);
	  } else {
	    b4a.write(buf, encodeOct(num, 11), off);
	  }
	}

	/* Copied from the node-tar repo and modified to meet
	 * tar-stream coding standard.
	 *
	 * Source: https://github.com/npm/node-tar/blob/51b6627a1f357d2eb433e7378e5f05e83b7aa6cd/lib/header.js#L349
	 */
	function parse256 (buf) {
	  // first byte MUST be either 80 or FF
	  // 80 for positive, FF for 2's comp
	  let positive;
	  if (buf[0] === 0x80) positive = true;
	  else if (buf[0] === 0xFF) positive = false;
	  else return null

	  // build up a base-256 tuple from the least sig to the highest
	  const tuple = [];
	  let i;
	  for (i = buf.length - 1; i > 0; i--) {
	    const byte = buf[i];
	    if (positive) tuple.push(byte);
	    else tuple.push(0xFF - byte);
	  }

	  let sum = 0;
	  const l = tuple.length;
	  for (i = 0; i < l; i++) {
	    sum += tuple[i] * Math.pow(256, i);
	  }

	  return positive ? sum : -1 * sum
	}

	function decodeOct (val, offset, length) {
	  val = val.subarray(offset, offset + length);
	  offset = 0;

	  // If prefixed with 0x80 then parse as a base-256 integer
	  if (val[offset] & 0x80) {
	    return parse256(val)
	  } else {
	    // Older versions of tar can prefix with spaces
	    while (offset < val.length && val[offset] === 32) offset++;
	    const end = clamp(indexOf(val, 32, offset, val.length), val.length, val.length);
	    while (offset < end && val[offset] === 0) offset++;
	    if (end === offset) return 0
	    return parseInt(b4a.toString(val.subarray(offset, end)), 8)
	  }
	}

	function decodeStr (val, offset, length, encoding) {
	  return b4a.toString(val.subarray(offset, indexOf(val, 0, offset, offset + length)), encoding)
	}

	function addLength (str) {
	  const len = b4a.byteLength(str);
	  let digits = Math.floor(Math.log(len) / Math.log(10)) + 1;
	  if (len + digits >= Math.pow(10, digits)) digits++;

	  return (len + digits) + str
	}
	return headers;
}

var extract;
var hasRequiredExtract;

function requireExtract () {
	if (hasRequiredExtract) return extract;
	hasRequiredExtract = 1;
	const { Writable, Readable, getStreamError } = requireStreamx();
	const FIFO = requireFastFifo();
	const b4a = requireB4a();
	const headers = requireHeaders();

	const EMPTY = b4a.alloc(0);
	const MAX_HEADER_SIZE = 4 * 1024 * 1024; // arbitrary big number

	class BufferList {
	  constructor () {
	    this.buffered = 0;
	    this.shifted = 0;
	    this.queue = new FIFO();

	    this._offset = 0;
	  }

	  push (buffer) {
	    this.buffered += buffer.byteLength;
	    this.queue.push(buffer);
	  }

	  shiftFirst (size) {
	    return this.buffered === 0 ? null : this._next(size)
	  }

	  shift (size) {
	    if (size > this.buffered) return null
	    if (size === 0) return EMPTY

	    let chunk = this._next(size);

	    if (size === chunk.byteLength) return chunk // likely case

	    const chunks = [chunk];

	    while ((size -= chunk.byteLength) > 0) {
	      chunk = this._next(size);
	      chunks.push(chunk);
	    }

	    return b4a.concat(chunks)
	  }

	  _next (size) {
	    const buf = this.queue.peek();
	    const rem = buf.byteLength - this._offset;

	    if (size >= rem) {
	      const sub = this._offset ? buf.subarray(this._offset, buf.byteLength) : buf;
	      this.queue.shift();
	      this._offset = 0;
	      this.buffered -= rem;
	      this.shifted += rem;
	      return sub
	    }

	    this.buffered -= size;
	    this.shifted += size;

	    return buf.subarray(this._offset, (this._offset += size))
	  }
	}

	class Source extends Readable {
	  constructor (self, header, offset) {
	    super();

	    this.header = header;
	    this.offset = offset;

	    this._parent = self;
	  }

	  _read (cb) {
	    if (this.header.size === 0) {
	      this.push(null);
	    }
	    if (this._parent._stream === this) {
	      this._parent._update();
	    }
	    cb(null);
	  }

	  _predestroy () {
	    this._parent.destroy(getStreamError(this));
	  }

	  _detach () {
	    if (this._parent._stream === this) {
	      this._parent._stream = null;
	      this._parent._missing = overflow(this.header.size);
	      this._parent._update();
	    }
	  }

	  _destroy (cb) {
	    this._detach();
	    cb(null);
	  }
	}

	class Extract extends Writable {
	  constructor (opts) {
	    super(opts);

	    if (!opts) opts = {};

	    this._buffer = new BufferList();
	    this._offset = 0;
	    this._header = null;
	    this._stream = null;
	    this._missing = 0;
	    this._longHeader = false;
	    this._callback = noop;
	    this._locked = false;
	    this._finished = false;
	    this._pax = null;
	    this._paxGlobal = null;
	    this._gnuLongPath = null;
	    this._gnuLongLinkPath = null;
	    this._filenameEncoding = opts.filenameEncoding || 'utf-8';
	    this._allowUnknownFormat = !!opts.allowUnknownFormat;
	    this._unlockBound = this._unlock.bind(this);
	  }

	  _unlock (err) {
	    this._locked = false;

	    if (err) {
	      this.destroy(err);
	      this._continueWrite(err);
	      return
	    }

	    this._update();
	  }

	  _consumeHeader () {
	    if (this._locked) return false

	    this._offset = this._buffer.shifted;

	    try {
	      this._header = headers.decode(this._buffer.shift(512), this._filenameEncoding, this._allowUnknownFormat);
	    } catch (err) {
	      this._continueWrite(err);
	      return false
	    }

	    if (!this._header) return true

	    this._header.byteOffset = this._buffer.shifted;

	    switch (this._header.type) {
	      case 'gnu-long-path':
	      case 'gnu-long-link-path':
	      case 'pax-global-header':
	      case 'pax-header':
	        this._longHeader = true;
	        this._missing = this._header.size;
	        if (this._missing > MAX_HEADER_SIZE) {
	          this._continueWrite(new Error('Header exceeds max size'));
	          return false
	        }
	        return true
	    }

	    this._locked = true;
	    this._applyLongHeaders();

	    if (!(this._header.size >= 0)) {
	      this._continueWrite(new Error('Invalid header'));
	      return false
	    }

	    if (this._header.size === 0 || this._header.type === 'directory') {
	      this.emit('entry', this._header, this._createStream(), this._unlockBound);
	      return true
	    }

	    this._stream = this._createStream();
	    this._missing = this._header.size;

	    this.emit('entry', this._header, this._stream, this._unlockBound);
	    return true
	  }

	  _applyLongHeaders () {
	    if (this._gnuLongPath) {
	      this._header.name = this._gnuLongPath;
	      this._gnuLongPath = null;
	    }

	    if (this._gnuLongLinkPath) {
	      this._header.linkname = this._gnuLongLinkPath;
	      this._gnuLongLinkPath = null;
	    }

	    if (this._pax) {
	      if (this._pax.path) this._header.name = this._pax.path;
	      if (this._pax.linkpath) this._header.linkname = this._pax.linkpath;
	      if (this._pax.size) this._header.size = parseInt(this._pax.size, 10);
	      this._header.pax = this._pax;
	      this._pax = null;
	    }
	  }

	  _decodeLongHeader (buf) {
	    switch (this._header.type) {
	      case 'gnu-long-path':
	        this._gnuLongPath = headers.decodeLongPath(buf, this._filenameEncoding);
	        break
	      case 'gnu-long-link-path':
	        this._gnuLongLinkPath = headers.decodeLongPath(buf, this._filenameEncoding);
	        break
	      case 'pax-global-header':
	        this._paxGlobal = headers.decodePax(buf);
	        break
	      case 'pax-header':
	        this._pax = this._paxGlobal === null
	          ? headers.decodePax(buf)
	          : Object.assign({}, this._paxGlobal, headers.decodePax(buf));
	        break
	    }
	  }

	  _consumeLongHeader () {
	    this._longHeader = false;
	    this._missing = overflow(this._header.size);

	    const buf = this._buffer.shift(this._header.size);

	    try {
	      this._decodeLongHeader(buf);
	    } catch (err) {
	      this._continueWrite(err);
	      return false
	    }

	    return true
	  }

	  _consumeStream () {
	    const buf = this._buffer.shiftFirst(this._missing);
	    if (buf === null) return false

	    this._missing -= buf.byteLength;
	    const drained = this._stream.push(buf);

	    if (this._missing === 0) {
	      this._stream.push(null);
	      if (drained) this._stream._detach();
	      return drained && this._locked === false
	    }

	    return drained
	  }

	  _createStream () {
	    return new Source(this, this._header, this._offset)
	  }

	  _update () {
	    while (this._buffer.buffered > 0 && !this.destroying) {
	      if (this._missing > 0) {
	        if (this._stream !== null) {
	          if (this._consumeStream() === false) return
	          continue
	        }

	        if (this._longHeader === true) {
	          if (this._missing > this._buffer.buffered) break
	          if (this._consumeLongHeader() === false) return false
	          continue
	        }

	        const ignore = this._buffer.shiftFirst(this._missing);
	        if (ignore !== null) this._missing -= ignore.byteLength;
	        continue
	      }

	      if (this._buffer.buffered < 512) break
	      if (this._stream !== null || this._consumeHeader() === false) return
	    }

	    this._continueWrite(null);
	  }

	  _continueWrite (err) {
	    const cb = this._callback;
	    this._callback = noop;
	    cb(err);
	  }

	  _write (data, cb) {
	    this._callback = cb;
	    this._buffer.push(data);
	    this._update();
	  }

	  _final (cb) {
	    this._finished = this._missing === 0 && this._buffer.buffered === 0;
	    cb(this._finished ? null : new Error('Unexpected end of data'));
	  }

	  _predestroy () {
	    this._continueWrite(null);
	  }

	  _destroy (cb) {
	    if (this._stream) this._stream.destroy(getStreamError(this));
	    cb(null);
	  }

	  [Symbol.asyncIterator] () {
	    let error = null;

	    let promiseResolve = null;
	    let promiseReject = null;

	    let entryStream = null;
	    let entryCallback = null;

	    const extract = this;

	    this.on('entry', onentry);
	    this.on('error', (err) => { error = err; });
	    this.on('close', onclose);

	    return {
	      [Symbol.asyncIterator] () {
	        return this
	      },
	      next () {
	        return new Promise(onnext)
	      },
	      return () {
	        return destroy(null)
	      },
	      throw (err) {
	        return destroy(err)
	      }
	    }

	    function consumeCallback (err) {
	      if (!entryCallback) return
	      const cb = entryCallback;
	      entryCallback = null;
	      cb(err);
	    }

	    function onnext (resolve, reject) {
	      if (error) {
	        return reject(error)
	      }

	      if (entryStream) {
	        resolve({ value: entryStream, done: false });
	        entryStream = null;
	        return
	      }

	      promiseResolve = resolve;
	      promiseReject = reject;

	      consumeCallback(null);

	      if (extract._finished && promiseResolve) {
	        promiseResolve({ value: undefined, done: true });
	        promiseResolve = promiseReject = null;
	      }
	    }

	    function onentry (header, stream, callback) {
	      entryCallback = callback;
	      stream.on('error', noop); // no way around this due to tick sillyness

	      if (promiseResolve) {
	        promiseResolve({ value: stream, done: false });
	        promiseResolve = promiseReject = null;
	      } else {
	        entryStream = stream;
	      }
	    }

	    function onclose () {
	      consumeCallback(error);
	      if (!promiseResolve) return
	      if (error) promiseReject(error);
	      else promiseResolve({ value: undefined, done: true });
	      promiseResolve = promiseReject = null;
	    }

	    function destroy (err) {
	      extract.destroy(err);
	      consumeCallback(err);
	      return new Promise((resolve, reject) => {
	        if (extract.destroyed) return resolve({ value: undefined, done: true })
	        extract.once('close', function () {
	          if (err) reject(err);
	          else resolve({ value: undefined, done: true });
	        });
	      })
	    }
	  }
	}

	extract = function extract (opts) {
	  return new Extract(opts)
	};

	function noop () {}

	function overflow (size) {
	  size &= 511;
	  return size && 512 - size
	}
	return extract;
}

var constants = {exports: {}};

var hasRequiredConstants;

function requireConstants () {
	if (hasRequiredConstants) return constants.exports;
	hasRequiredConstants = 1;
	const constants$1 = { // just for envs without fs
	  S_IFMT: 61440,
	  S_IFDIR: 16384,
	  S_IFCHR: 8192,
	  S_IFBLK: 24576,
	  S_IFIFO: 4096,
	  S_IFLNK: 40960
	};

	try {
	  constants.exports = require('fs').constants || constants$1;
	} catch {
	  constants.exports = constants$1;
	}
	return constants.exports;
}

var pack;
var hasRequiredPack;

function requirePack () {
	if (hasRequiredPack) return pack;
	hasRequiredPack = 1;
	const { Readable, Writable, getStreamError } = requireStreamx();
	const b4a = requireB4a();

	const constants = requireConstants();
	const headers = requireHeaders();

	const DMODE = 0o755;
	const FMODE = 0o644;

	const END_OF_TAR = b4a.alloc(1024);

	class Sink extends Writable {
	  constructor (pack, header, callback) {
	    super({ mapWritable, eagerOpen: true });

	    this.written = 0;
	    this.header = header;

	    this._callback = callback;
	    this._linkname = null;
	    this._isLinkname = header.type === 'symlink' && !header.linkname;
	    this._isVoid = header.type !== 'file' && header.type !== 'contiguous-file';
	    this._finished = false;
	    this._pack = pack;
	    this._openCallback = null;

	    if (this._pack._stream === null) this._pack._stream = this;
	    else this._pack._pending.push(this);
	  }

	  _open (cb) {
	    this._openCallback = cb;
	    if (this._pack._stream === this) this._continueOpen();
	  }

	  _continuePack (err) {
	    if (this._callback === null) return

	    const callback = this._callback;
	    this._callback = null;

	    callback(err);
	  }

	  _continueOpen () {
	    if (this._pack._stream === null) this._pack._stream = this;

	    const cb = this._openCallback;
	    this._openCallback = null;
	    if (cb === null) return

	    if (this._pack.destroying) return cb(new Error('pack stream destroyed'))
	    if (this._pack._finalized) return cb(new Error('pack stream is already finalized'))

	    this._pack._stream = this;

	    if (!this._isLinkname) {
	      this._pack._encode(this.header);
	    }

	    if (this._isVoid) {
	      this._finish();
	      this._continuePack(null);
	    }

	    cb(null);
	  }

	  _write (data, cb) {
	    if (this._isLinkname) {
	      this._linkname = this._linkname ? b4a.concat([this._linkname, data]) : data;
	      return cb(null)
	    }

	    if (this._isVoid) {
	      if (data.byteLength > 0) {
	        return cb(new Error('No body allowed for this entry'))
	      }
	      return cb()
	    }

	    this.written += data.byteLength;
	    if (this._pack.push(data)) return cb()
	    this._pack._drain = cb;
	  }

	  _finish () {
	    if (this._finished) return
	    this._finished = true;

	    if (this._isLinkname) {
	      this.header.linkname = this._linkname ? b4a.toString(this._linkname, 'utf-8') : '';
	      this._pack._encode(this.header);
	    }

	    overflow(this._pack, this.header.size);

	    this._pack._done(this);
	  }

	  _final (cb) {
	    if (this.written !== this.header.size) { // corrupting tar
	      return cb(new Error('Size mismatch'))
	    }

	    this._finish();
	    cb(null);
	  }

	  _getError () {
	    return getStreamError(this) || new Error('tar entry destroyed')
	  }

	  _predestroy () {
	    this._pack.destroy(this._getError());
	  }

	  _destroy (cb) {
	    this._pack._done(this);

	    this._continuePack(this._finished ? null : this._getError());

	    cb();
	  }
	}

	class Pack extends Readable {
	  constructor (opts) {
	    super(opts);
	    this._drain = noop;
	    this._finalized = false;
	    this._finalizing = false;
	    this._pending = [];
	    this._stream = null;
	  }

	  entry (header, buffer, callback) {
	    if (this._finalized || this.destroying) throw new Error('already finalized or destroyed')

	    if (typeof buffer === 'function') {
	      callback = buffer;
	      buffer = null;
	    }

	    if (!callback) callback = noop;

	    if (!header.size || header.type === 'symlink') header.size = 0;
	    if (!header.type) header.type = modeToType(header.mode);
	    if (!header.mode) header.mode = header.type === 'directory' ? DMODE : FMODE;
	    if (!header.uid) header.uid = 0;
	    if (!header.gid) header.gid = 0;
	    if (!header.mtime) header.mtime = new Date();

	    if (typeof buffer === 'string') buffer = b4a.from(buffer);

	    const sink = new Sink(this, header, callback);

	    if (b4a.isBuffer(buffer)) {
	      header.size = buffer.byteLength;
	      sink.write(buffer);
	      sink.end();
	      return sink
	    }

	    if (sink._isVoid) {
	      return sink
	    }

	    return sink
	  }

	  finalize () {
	    if (this._stream || this._pending.length > 0) {
	      this._finalizing = true;
	      return
	    }

	    if (this._finalized) return
	    this._finalized = true;

	    this.push(END_OF_TAR);
	    this.push(null);
	  }

	  _done (stream) {
	    if (stream !== this._stream) return

	    this._stream = null;

	    if (this._finalizing) this.finalize();
	    if (this._pending.length) this._pending.shift()._continueOpen();
	  }

	  _encode (header) {
	    if (!header.pax) {
	      const buf = headers.encode(header);
	      if (buf) {
	        this.push(buf);
	        return
	      }
	    }
	    this._encodePax(header);
	  }

	  _encodePax (header) {
	    const paxHeader = headers.encodePax({
	      name: header.name,
	      linkname: header.linkname,
	      pax: header.pax
	    });

	    const newHeader = {
	      name: 'PaxHeader',
	      mode: header.mode,
	      uid: header.uid,
	      gid: header.gid,
	      size: paxHeader.byteLength,
	      mtime: header.mtime,
	      type: 'pax-header',
	      linkname: header.linkname && 'PaxHeader',
	      uname: header.uname,
	      gname: header.gname,
	      devmajor: header.devmajor,
	      devminor: header.devminor
	    };

	    this.push(headers.encode(newHeader));
	    this.push(paxHeader);
	    overflow(this, paxHeader.byteLength);

	    newHeader.size = header.size;
	    newHeader.type = header.type;
	    this.push(headers.encode(newHeader));
	  }

	  _doDrain () {
	    const drain = this._drain;
	    this._drain = noop;
	    drain();
	  }

	  _predestroy () {
	    const err = getStreamError(this);

	    if (this._stream) this._stream.destroy(err);

	    while (this._pending.length) {
	      const stream = this._pending.shift();
	      stream.destroy(err);
	      stream._continueOpen();
	    }

	    this._doDrain();
	  }

	  _read (cb) {
	    this._doDrain();
	    cb();
	  }
	}

	pack = function pack (opts) {
	  return new Pack(opts)
	};

	function modeToType (mode) {
	  switch (mode & constants.S_IFMT) {
	    case constants.S_IFBLK: return 'block-device'
	    case constants.S_IFCHR: return 'character-device'
	    case constants.S_IFDIR: return 'directory'
	    case constants.S_IFIFO: return 'fifo'
	    case constants.S_IFLNK: return 'symlink'
	  }

	  return 'file'
	}

	function noop () {}

	function overflow (self, size) {
	  size &= 511;
	  if (size) self.push(END_OF_TAR.subarray(0, 512 - size));
	}

	function mapWritable (buf) {
	  return b4a.isBuffer(buf) ? buf : b4a.from(buf)
	}
	return pack;
}

var hasRequiredTarStream;

function requireTarStream () {
	if (hasRequiredTarStream) return tarStream$1;
	hasRequiredTarStream = 1;
	tarStream$1.extract = requireExtract();
	tarStream$1.pack = requirePack();
	return tarStream$1;
}

var tarStreamExports = requireTarStream();

/** The local side of an upload: which files go, streamed as one tar, and the git commit. */
/** A glob as tokens: `**` (and a `/` after it) crosses directories, `*` and `?` do not; runs of `*` collapse. */
function tokens(glob) {
    const out = [];
    for (let i = 0; i < glob.length; i++) {
        if (glob[i] !== '*') {
            out.push(glob[i] === '?' ? { kind: 'one' } : { kind: 'char', ch: glob[i] });
            continue;
        }
        let j = i;
        while (glob[j + 1] === '*')
            j++;
        const slash = j > i;
        if (slash && glob[j + 1] === '/')
            j++;
        const last = out[out.length - 1];
        if (last?.kind === 'star')
            last.slash ||= slash;
        else
            out.push({ kind: 'star', slash });
        i = j;
    }
    return out;
}
/**
 * A glob matcher that runs in O(path × pattern) time whatever the input (a set-of-states walk, no backtracking).
 * With `prefixes`, it also matches when the glob matches a leading part of the path that ends at a `/`.
 */
function matcher(glob) {
    const t = tokens(glob);
    const close = (on) => {
        for (let i = 0; i < t.length; i++)
            if (on[i] && t[i].kind === 'star')
                on[i + 1] = 1;
        return on;
    };
    const step = (on, c) => {
        const next = new Uint8Array(t.length + 1);
        let alive = false;
        for (let i = 0; i < t.length; i++) {
            const tok = t[i];
            if (!on[i])
                continue;
            const to = tok.kind === 'star' ? (tok.slash || c !== '/' ? i : -1) : (tok.kind === 'one' ? c !== '/' : tok.ch === c) ? i + 1 : -1;
            if (to >= 0)
                next[to] = 1;
            alive ||= to >= 0;
        }
        return alive ? close(next) : undefined;
    };
    return (path, prefixes) => {
        let on = close(new Uint8Array(t.length + 1).fill(1, 0, 1));
        for (let k = 0; on; k++) {
            const boundary = k === path.length || (prefixes && path[k] === '/');
            if (boundary && on[t.length])
                return true;
            if (k === path.length)
                return false;
            on = step(on, path[k]);
        }
        return false;
    };
}
/** A predicate for exclude patterns: a bare name matches at any depth, a path with "/" from the root. */
function excluder(patterns) {
    const rules = patterns.map((p) => {
        const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
        return { anchored: clean.includes('/'), match: matcher(clean) };
    });
    return (path) => {
        const parts = path.split('/');
        return rules.some(({ anchored, match }) => (anchored ? match(path, true) : parts.some((seg) => match(seg, false))));
    };
}
/** Lists what will be uploaded from `dir`, in a stable order, leaving out excluded paths. */
async function listSource(dir, exclude) {
    const skip = excluder(exclude);
    const out = [];
    async function walk(rel) {
        const names = (await promises.readdir(join(dir, rel))).sort();
        for (const name of names) {
            const path = rel ? `${rel}/${name}` : name;
            if (skip(path))
                continue;
            const st = await promises.lstat(join(dir, path));
            if (st.isSymbolicLink())
                out.push({ path, type: 'symlink', mode: st.mode & 0o7777, size: 0, mtime: st.mtime, linkTarget: await promises.readlink(join(dir, path)) });
            else if (st.isDirectory()) {
                out.push({ path, type: 'dir', mode: st.mode & 0o7777, size: 0, mtime: st.mtime });
                await walk(path);
            }
            else if (st.isFile())
                out.push({ path, type: 'file', mode: st.mode & 0o7777, size: st.size, mtime: st.mtime });
        }
    }
    await walk('');
    return out;
}
/** Streams the entries as a tar archive, reading one file at a time; `extra` files (name → text) go first. */
function tarStream(dir, entries, extra = {}) {
    const tar = tarStreamExports.pack();
    (async () => {
        for (const [name, text] of Object.entries(extra))
            tar.entry({ name, mode: 0o600 }, text);
        for (const e of entries) {
            const header = { name: e.path, mode: e.mode, mtime: e.mtime };
            if (e.type === 'dir')
                tar.entry({ ...header, type: 'directory' });
            else if (e.type === 'symlink')
                tar.entry({ ...header, type: 'symlink', linkname: e.linkTarget });
            else {
                await new Promise((resolve, reject) => {
                    const sink = tar.entry({ ...header, size: e.size }, (err) => (err ? reject(err) : resolve()));
                    createReadStream(join(dir, e.path)).on('error', reject).pipe(sink);
                });
            }
        }
        tar.finalize();
    })().catch((err) => tar.destroy(err));
    return tar;
}
/** The git commit checked out in `dir`, or undefined outside a repository. */
async function gitCommit(dir) {
    try {
        const { stdout } = await promisify(execFile)('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 10000 });
        return stdout.trim() || undefined;
    }
    catch {
        return undefined;
    }
}

/**
 * Checks of the local source tree before anything connects: the source dir exists, no symlink points outside
 * it (unless `source.allow_external_symlinks`), no shared/writable path goes through a symlink, no reserved name.
 */
/** Names at the release root that Slipway writes itself (the upload list, the keep list, ...). */
const RESERVED_PREFIX = '.slipway-';
const pos = (spec, path) => spec.where?.(path) ?? { line: 1, col: 1 };
/** The source dir's problems, or undefined when it can be listed. */
function sourceDirProblem(spec) {
    const fix = 'set source.dir to the directory to upload (relative to the spec file), or create it';
    try {
        if (statSync(spec.source.dir).isDirectory())
            return undefined;
        return { ...pos(spec, 'source.dir'), path: 'source.dir', message: `${spec.source.dir} is not a directory`, fix };
    }
    catch (error) {
        return { ...pos(spec, 'source.dir'), path: 'source.dir', message: `${spec.source.dir} cannot be read (${error.code ?? error})`, fix };
    }
}
/** Where a symlink in the tree points, relative to the tree root; undefined when it leaves the tree. */
function linkInside(entry) {
    const target = entry.linkTarget ?? '';
    if (target.startsWith('/'))
        return undefined;
    const joined = posix.normalize(posix.join(posix.dirname(entry.path), target));
    return joined === '..' || joined.startsWith('../') ? undefined : joined;
}
const show = (s) => JSON.stringify(s);
/** Every problem of the source tree (lists it once; the deploy lists it again after taking the lock). */
async function treeProblems(spec) {
    const dir = sourceDirProblem(spec);
    if (dir)
        return { problems: [dir], entries: [] };
    const entries = await listSource(spec.source.dir, spec.source.exclude);
    const problems = [];
    const at = pos(spec, 'source.dir');
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const e of entries) {
        if (!e.path.includes('/') && e.path.startsWith(RESERVED_PREFIX)) {
            problems.push({ ...at, path: 'source.dir', message: `${show(e.path)} in the source dir has a reserved name: ${RESERVED_PREFIX}* at the release root is Slipway's own (its upload and keep lists)`, fix: `rename it, or add "${e.path}" to source.exclude` });
        }
        if (e.type === 'symlink' && !spec.source.allow_external_symlinks && linkInside(e) === undefined) {
            problems.push({ ...at, path: 'source.dir', message: `${show(e.path)} is a symlink to ${show(e.linkTarget ?? '')}, outside the source dir; on the host it would point outside the release`, fix: `replace the link with what it points to, add "${e.path}" to source.exclude, or set source.allow_external_symlinks: true if the target exists on every host on purpose` });
        }
    }
    const keys = [['shared.files', spec.shared.files], ['shared.dirs', spec.shared.dirs], ['writable', spec.writable], ['copy_from_previous', spec.copy_from_previous]];
    for (const [key, paths] of keys) {
        paths.forEach((p, i) => {
            const parts = p.split('/');
            for (let n = 1; n <= parts.length; n++) {
                const link = byPath.get(parts.slice(0, n).join('/'));
                if (link?.type !== 'symlink')
                    continue;
                problems.push({ ...pos(spec, `${key}[${i}]`), path: `${key}[${i}]`, message: `${show(p)} goes through ${show(link.path)}, a symlink in the source dir (to ${show(link.linkTarget ?? '')}); linking or making it writable on the host would follow the link`, fix: `make ${show(link.path)} a real directory or file in the source, or add it to source.exclude` });
                break;
            }
        });
    }
    return { problems, entries };
}

/**
 * Everything about a deploy that can be checked on the runner before connecting: the source tree, the key and
 * known_hosts files. A problem is an exit-2 {@link SpecError} naming file:line:col, key and fix; nothing is touched.
 */
/** Throws a {@link SpecError} listing every local problem; else returns the source listing it checked (with `source`). */
async function preflight(spec, options = {}) {
    const problems = [];
    if (options.credentials)
        problems.push(...credentialProblems(spec, options.warn ?? (() => undefined), options.env ?? process.env));
    const tree = options.source ? await treeProblems(spec) : undefined;
    problems.push(...(tree?.problems ?? []));
    if (problems.length)
        throw new SpecError(spec.file, problems);
    return tree?.entries;
}
const PUBLIC = /^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/;
/** Problems with identity files, the env key and the known_hosts file; warns about keys readable by others. */
function credentialProblems(spec, warn, env) {
    const problems = [];
    const at = (path) => spec.where?.(path) ?? { line: 1, col: 1 };
    const checked = new Set();
    spec.hosts.forEach((h, i) => {
        const key = `hosts[${i}].identity`;
        if (!h.identity) {
            if (!env.SLIPWAY_SSH_KEY)
                problems.push({ ...at(`hosts[${i}]`), path: key, message: `no SSH key for ${h.name}: no identity and env SLIPWAY_SSH_KEY is empty`, fix: 'set hosts[].identity to a private key file, or env SLIPWAY_SSH_KEY to the key text' });
            return;
        }
        const file = resolve(spec.baseDir, h.identity);
        if (checked.has(file))
            return;
        checked.add(file);
        const problem = identityProblem(file, warn);
        if (problem)
            problems.push({ ...at(key), path: key, ...problem });
    });
    const kh = spec.known_hosts;
    if (kh && !kh.includes('\n') && !/\s(ssh-|ecdsa-|sk-)/.test(kh)) {
        const file = resolve(spec.baseDir, kh);
        const text = readable(file);
        if (typeof text !== 'string')
            problems.push({ ...at('known_hosts'), path: 'known_hosts', message: `known_hosts file ${file} cannot be read (${text.code})`, fix: 'create it (ssh-keyscan -p PORT HOST > known_hosts, checked by hand) or paste the lines inline' });
        else if (!text.split('\n').some((l) => l.trim() && !l.trim().startsWith('#')))
            problems.push({ ...at('known_hosts'), path: 'known_hosts', message: `known_hosts file ${file} has no host key lines`, fix: 'fill it with the output of ssh-keyscan -p PORT HOST, checked by hand' });
    }
    return problems;
}
function readable(file) {
    try {
        if (!statSync(file).isFile())
            return { code: 'not a file' };
        return readFileSync(file, 'utf8');
    }
    catch (error) {
        return { code: error.code ?? String(error) };
    }
}
function identityProblem(file, warn) {
    const text = readable(file);
    if (typeof text !== 'string')
        return { message: `identity file ${file} cannot be read (${text.code})`, fix: 'point hosts[].identity at the private key file, or put the key text in env SLIPWAY_SSH_KEY' };
    if (PUBLIC.test(text.trim()) || (file.endsWith('.pub') && !text.includes('PRIVATE KEY'))) {
        const priv = file.replace(/\.pub$/, '');
        return { message: `identity file ${file} is a public key; SSH logs in with the private half`, fix: `use the private key file${priv !== file ? ` (${priv})` : ''}; the .pub line belongs in ~/.ssh/authorized_keys on the host` };
    }
    if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text))
        return { message: `identity file ${file} is not a private key (no BEGIN ... PRIVATE KEY line)`, fix: 'point hosts[].identity at an OpenSSH or PEM private key file' };
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
        warn(`identity file ${file} is readable by ${mode & 0o007 ? 'others' : 'group'} (mode ${mode.toString(8).padStart(4, '0')}); OpenSSH would refuse it. Fix: chmod 600 ${file}`);
    return undefined;
}

/**
 * A driver for any framework from three commands: `run`, `status` (prints one applied migration
 * name per line, oldest first) and `step_back` (with {count} and {migrations} filled in).
 */
/** Builds a driver from user commands. Without `status` nothing can be tracked, so nothing is stepped back. */
function customDriver(c) {
    return {
        name: 'custom',
        // The status lines travel base64-encoded on one line; without batches, every name is batch 0.
        state: () => (c.status ? sh `(${raw(c.status)}) | base64 -w0` : raw('true')),
        parse: (line) => ({ ran: Buffer.from(line ?? '', 'base64').toString('utf8').split('\n').map((n) => n.trim()).filter(Boolean).map((n) => [n, 0]), pending: [], undo: {} }),
        run: () => raw(c.run),
        hasPending: () => raw('true'),
        stepBack: (names) => raw((c.step_back ?? 'false').replaceAll('{count}', String(names.length)).replaceAll('{migrations}', render(cmd(...names))))
    };
}

/**
 * The PHP that Slipway runs in a Laravel release (php -r) to read the `migrations` table and inspect
 * migration classes. It boots the app with its own config, so it sees the same database artisan uses.
 *
 *   php -r CODE state            prints the state as one JSON line
 *   php -r CODE migrate BEFORE AFTER   prints BEFORE.state (BEFORE is the data-line prefix), runs Laravel's own `migrate --force`
 *                                in the same process (one framework boot, not three) when something is
 *                                pending, prints AFTER.state, and exits with migrate's code (prefixes from src/commands/protocol.ts)
 *
 * Boots the Laravel 8-10 layout (bootstrap/app.php binds App\Console\Kernel) and the 11+ one
 * (Application::configure()->create(), no console Kernel class of the app's own) the same way: through the
 * Console Kernel contract. A release without vendor/autoload.php or bootstrap/app.php exits 3 with a
 * `slipway: vendor/autoload.php is missing in the release: run composer install in build (in <dir>)` line on stderr instead of a PHP fatal error.
 *
 * A state is {version, driver, ran: [[name, batch]...], pending: [names], undo: {name: "ok"|"none"|"empty"}}
 * where `undo` says, for each applied migration whose file is in this release, whether its down() can undo it.
 */
const LARAVEL_PHP = String.raw `
error_reporting(E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED);
foreach (['vendor/autoload.php' => 'run composer install in build', 'bootstrap/app.php' => 'check source.dir and source.exclude in the spec'] as $need => $fix) {
  if (!is_file(getcwd() . '/' . $need)) { fwrite(STDERR, "slipway: $need is missing in the release: $fix (in " . getcwd() . ")\n"); exit(3); }
}
require getcwd() . '/vendor/autoload.php';
$app = require getcwd() . '/bootstrap/app.php';
if (!$app instanceof Illuminate\Foundation\Application) { fwrite(STDERR, "slipway: bootstrap/app.php did not return the application (Laravel 8-10: return \$app; 11+: Application::configure(...)->create())\n"); exit(3); }
$kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
$kernel->bootstrap();
function slipway_class($name, $file) {
  static $seen = [];
  if (isset($seen[$name])) { return $seen[$name]; }
  if (preg_match('/return\s+new\s+class\b/', file_get_contents($file))) { return $seen[$name] = new ReflectionClass(require $file); }
  $class = Illuminate\Support\Str::studly(implode('_', array_slice(explode('_', $name), 4)));
  if (!class_exists($class, false)) { require_once $file; }
  return $seen[$name] = class_exists($class, false) ? new ReflectionClass($class) : null;
}
function slipway_undo(ReflectionClass $r) {
  if (!$r->hasMethod('down') || $r->getMethod('down')->getDeclaringClass()->getName() !== $r->getName()) { return 'none'; }
  $m = $r->getMethod('down');
  $src = implode('', array_slice(file($m->getFileName()), $m->getStartLine() - 1, $m->getEndLine() - $m->getStartLine() + 1));
  $body = substr($src, strpos($src, '{') + 1, strrpos($src, '}') - strpos($src, '{') - 1);
  $body = preg_replace('~//[^\n]*|#[^\n\[]*|/\*.*?\*/~s', '', $body);
  return trim($body) === '' ? 'empty' : 'ok';
}
function slipway_state($app) {
  $db = $app['db']->connection();
  $files = [];
  foreach (glob($app->databasePath('migrations') . '/*.php') as $f) { $files[basename($f, '.php')] = $f; }
  ksort($files);
  $ran = [];
  if ($db->getSchemaBuilder()->hasTable('migrations')) {
    foreach ($db->table('migrations')->orderBy('batch')->orderBy('migration')->get() as $row) { $ran[] = [$row->migration, (int) $row->batch]; }
  }
  $done = array_column($ran, 0);
  $undo = [];
  foreach ($done as $name) {
    if (!isset($files[$name])) { continue; }
    $r = slipway_class($name, $files[$name]);
    if ($r) { $undo[$name] = slipway_undo($r); }
  }
  return ['version' => $app->version(), 'driver' => $db->getDriverName(), 'ran' => $ran, 'pending' => array_values(array_diff(array_keys($files), $done)), 'undo' => $undo];
}
if (($argv[1] ?? 'state') === 'state') { echo json_encode(slipway_state($app)), "\n"; exit(0); }
$before_prefix = $argv[2];
$after_prefix = $argv[3];
$before = slipway_state($app);
echo $before_prefix, json_encode($before), "\n";
$code = 0;
if ($before['pending']) {
  try {
    $code = $kernel->call('migrate', ['--force' => true], new Symfony\Component\Console\Output\ConsoleOutput());
  } catch (Throwable $e) {
    fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
    $code = 1;
  }
  $app['db']->purge();
  echo $after_prefix, json_encode(slipway_state($app)), "\n";
} else {
  echo $after_prefix, json_encode($before), "\n";
}
exit($code);
`;

/** Parses a JSON state line; throws with the text when it is not the expected JSON. */
function parseJsonState(line) {
    try {
        const s = JSON.parse(line ?? '');
        return { version: s.version, driver: s.driver, ran: s.ran ?? [], pending: s.pending ?? [], undo: s.undo ?? {} };
    }
    catch {
        throw new Error(`could not read the migration state (got: ${JSON.stringify((line ?? '').slice(0, 300))})`);
    }
}

/** The Laravel migration driver: artisan to run and step back, a PHP probe to read the migrations table. */
/** Laravel 10+ can roll back one batch by number; older versions count steps. */
function supportsBatchRollback(version) {
    return Number((version ?? '0').split('.')[0]) >= 10;
}
/** The artisan arguments that step back `names` (batch `batch`), and a sentence saying why, from the version read on the host. */
function stepBackArgs(names, batch, version) {
    const laravel = version ? `Laravel ${version}` : 'Laravel (version not read)';
    if (supportsBatchRollback(version)) {
        const args = ['migrate:rollback', `--batch=${batch}`, '--force', '--no-interaction'];
        return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (10+ rolls back one batch by its number)` };
    }
    const args = ['migrate:rollback', `--step=${names.length}`, '--force', '--no-interaction'];
    return { args, how: `${laravel}: php artisan ${args.slice(0, 2).join(' ')} (no --batch before 10: the newest ${names.length}, checked to be exactly batch ${batch})` };
}
/** Builds the Laravel driver. */
function laravelDriver(options = {}) {
    const php = options.php ?? 'php';
    return {
        name: 'laravel',
        parse: parseJsonState,
        hasPending: (variable) => raw(`[[ "$${variable}" != *'"pending":[]'* ]]`),
        state: () => cmd(php, '-r', LARAVEL_PHP, 'state'),
        ...(options.run ? {} : { runTracked: (before, after) => cmd(php, '-r', LARAVEL_PHP, 'migrate', before, after) }),
        run: () => (options.run ? raw(options.run) : cmd(php, 'artisan', 'migrate', '--force', '--no-interaction')),
        stepBack: (names, batch, state) => cmd(php, 'artisan', ...stepBackArgs(names, batch, state.version).args),
        describeStepBack: (names, batch, state) => stepBackArgs(names, batch, state.version).how
    };
}

/** The spec's driver, or undefined when the spec has no migrate section. */
function driverFor(spec) {
    const m = spec.migrate;
    if (!m)
        return undefined;
    if (m.preset === 'laravel')
        return laravelDriver({ run: m.commands?.run });
    return m.commands ? customDriver(m.commands) : undefined;
}
/** Index of the host that runs migrations: migrate.on, else the first. */
function migrateHostIndex(spec) {
    const on = spec.migrate?.on;
    const i = on ? spec.hosts.findIndex((h) => h.name === on || h.host === on) : 0;
    return Math.max(0, i);
}

/**
 * Confirm or revert, on the host: at the switch a detached watchdog is armed with the commands that revert
 * the release; unless the run claims the release first (to confirm it, or to revert it itself), the watchdog
 * claims it when its time is up and runs them. A claim is an atomic rename, so exactly one side acts.
 */
/** Exit code of a claim when the watchdog has already reverted the release. */
const REVERTED = 76;
const armed = (l, id) => posix.join(l.watchdog, id);
/**
 * Arms the watchdog of release `id`: after `seconds`, unless claimed, it runs `revert` (best effort, every command).
 * While it waits it runs `beat` every second (the run's lock heartbeat): the lock of a run that died after its
 * switch stays with the watchdog, so no other operation takes it over and deploys before the watchdog has decided.
 */
function armWatchdog(l, id, seconds, revert, beat) {
    const file = armed(l, id);
    const wait = sh `end=$(( $(date +%s) + ${String(seconds)} )); while [ "$(date +%s)" -lt "$end" ]; do [ -e ${file} ] || exit 0; ${beat}; sleep 1; done`;
    const script = render(seq(wait, when(sh `mv -T ${file} ${`${file}.fired`} 2>/dev/null`, revert)));
    return [cmd('mkdir', '-p', l.watchdog), sh `: > ${file}`, sh `setsid nohup ${cmd('bash', '-c', script)} </dev/null >/dev/null 2>&1 &`];
}
/** Claims release `id` before its watchdog does; exits {@link REVERTED} when the watchdog already has. A release never armed is claimed as is. */
function claimRelease(l, id) {
    const file = armed(l, id);
    const late = [sh `${printLine(`the host's watchdog had already reverted release ${id}: the run did not confirm it in time`)} >&2`, raw(`exit ${REVERTED}`)];
    return when(sh `mv -T ${file} ${`${file}.claimed`} 2>/dev/null`, [cmd('rm', '-f', `${file}.claimed`)], [when(sh `[ -e ${`${file}.fired`} ]`, late)]);
}

/** What a deploy reports: its result, and the error that carries the result of a failed one. */
/** A deploy that failed; `result` says how far it got (and whether it was rolled back). */
class DeployError extends SlipwayError {
    result;
    constructor(message, result) {
        super(message);
        this.result = result;
        this.name = 'DeployError';
    }
}
/** The report's last line about migrations: stepped back, or still applied and why. */
function stepBackNote(result) {
    const m = result.migrations;
    if (!m || !m.ran.length)
        return '';
    if (m.steppedBack.length)
        return `\nmigrations stepped back: ${m.steppedBack.join(', ')}`;
    return `\nmigrations NOT stepped back (still applied): ${m.ran.join(', ')}${m.refused ? ` — ${m.refused}` : ''}`;
}

/** `<time> <operation> <release> by <who> [run <id>] [commit <sha>]: <outcome>` */
function auditLine(op, operation, release, commit, outcome) {
    return `${op.now().toISOString()} ${op.spec.app} ${operation} ${release} by ${op.by}${op.run ? ` run ${op.run}` : ''}${commit ? ` commit ${commit.slice(0, 12)}` : ''}: ${outcome}`;
}

/**
 * Optional backup, then: state → data `before`; when something is pending, migrate (exit code kept) and
 * state → data `after`; exit with migrate's code. Nothing pending: no second framework boot at all.
 * The run's output is also kept in the release's journal, so a run that stops half-way leaves, on the host,
 * what was applied before it (the next operation steps back the rest).
 */
function runMigrations(m, l, id, driver, backup) {
    const dir = releaseDir(l, id);
    const first = backup ? [stepMark(m, 'backup'), inDir(l.root, raw(backup.replaceAll('{release}', id)))] : [];
    const run = driver.runTracked ? [stepMark(m, 'migrate'), inDir(dir, driver.runTracked(dataPrefix(m, 'before'), dataPrefix(m, 'after')))] : tracked(m, dir, driver);
    return [...first, cmd('mkdir', '-p', l.journal), sh `{ ${seq(...run)}; } | tee ${journalFile(l, id)}`];
}
/** Migrating with the state read before and after by the driver's own commands. */
function tracked(m, dir, driver) {
    return [
        stepMark(m, 'read migration state'),
        sh `before=$( ${inDir(dir, driver.state())} )`,
        dataMark(m, 'before', raw('$before')),
        stepMark(m, 'migrate'),
        raw('rc=0; after=$before'),
        when(driver.hasPending('before'), [sh `${inDir(dir, driver.run())} || rc=$?`, sh `after=$( ${inDir(dir, driver.state())} ) || after=''`]),
        dataMark(m, 'after', raw('$after')),
        raw('[ "$rc" -eq 0 ] || exit "$rc"')
    ];
}
/** Reads the migration state in a release's directory, as data `state`. */
function readMigrationState(m, l, id, driver) {
    return [sh `state=$( ${inDir(releaseDir(l, id), driver.state())} )`, dataMark(m, 'state', raw('$state'))];
}
/**
 * Steps back one release's migrations from that release's own directory (only it has those
 * files), writes the record that matches the outcome, and reports `ok|failed` as data
 * `stepback` and the state afterwards as data `verify`.
 */
function stepBack(m, l, releaseId, command, driver, ok, failed) {
    const dir = releaseDir(l, releaseId);
    return [
        stepMark(m, `step back migrations of ${releaseId}`),
        when(inDir(dir, command), [writeRecord(l, ok), dataMark(m, 'stepback', raw(`${releaseId} ok`))], [writeRecord(l, failed), dataMark(m, 'stepback', raw(`${releaseId} failed`))]),
        sh `state=$( ${inDir(dir, driver.state())} ) || state=''`,
        dataMark(m, 'verify', raw('$state'))
    ];
}

/** What a migrate run did, from the states read before and after it. */
function ranBetween(driverName, before, after, failed) {
    const had = new Set(before.ran.map(([n]) => n));
    const fresh = after.ran.filter(([n]) => !had.has(n));
    const batches = [...new Set(fresh.map(([, b]) => b))];
    return {
        driver: driverName,
        ...(batches.length === 1 ? { batch: batches[0] } : {}),
        ran: fresh.map(([n]) => n),
        ...(failed && after.pending.length ? { failed: after.pending[0] } : {})
    };
}
/**
 * Refuses what would not restore the schema: migrations spread over several batches, a batch
 * that is no longer the newest (stepping back would undo someone else's), or a migration whose
 * down() is missing or empty (Laravel would delete its row and undo nothing).
 */
function canStepBack(record, state) {
    if (!record.ran.length)
        return { ok: false, reason: 'this release ran no migrations' };
    const applied = state.ran.filter(([n]) => record.ran.includes(n));
    if (!applied.length)
        return { ok: false, reason: 'its migrations are no longer applied' };
    if (state.ran.every(([, b]) => b === 0)) {
        // No batches (a custom driver): this release's migrations must be the newest ones applied, in order.
        const tail = state.ran.slice(-applied.length).map(([n]) => n);
        if (tail.join('\n') !== applied.map(([n]) => n).join('\n'))
            return { ok: false, reason: `its migrations are not the newest applied (newest: ${tail.join(', ')}): later migrations would be undone too` };
        return { ok: true, names: tail, batch: 0 };
    }
    const batches = [...new Set(applied.map(([, b]) => b))];
    if (batches.length > 1)
        return { ok: false, reason: `its migrations are in more than one batch (${batches.join(', ')}); step back by hand` };
    const newest = Math.max(...state.ran.map(([, b]) => b));
    if (batches[0] !== newest)
        return { ok: false, reason: `its batch ${batches[0]} is not the newest (${newest}): later migrations would be undone too` };
    const inBatch = state.ran.filter(([, b]) => b === batches[0]).map(([n]) => n);
    const foreign = inBatch.filter((n) => !record.ran.includes(n));
    if (foreign.length)
        return { ok: false, reason: `batch ${batches[0]} also holds migrations this release did not run: ${foreign.join(', ')}` };
    const bad = inBatch.filter((n) => state.undo[n] !== undefined && state.undo[n] !== 'ok');
    if (bad.length)
        return { ok: false, reason: bad.map((n) => `${n} has ${state.undo[n] === 'none' ? 'no' : 'an empty'} down()`).join('; ') + ': stepping back would delete its row without undoing it' };
    const unknown = inBatch.filter((n) => state.undo[n] === undefined);
    if (unknown.length && Object.keys(state.undo).length)
        return { ok: false, reason: `the migration files for ${unknown.join(', ')} are not in this release` };
    return { ok: true, names: inBatch, batch: batches[0] };
}
/** The state after a step back, for checking it worked. */
function stillApplied(record, state) {
    const names = new Set(state.ran.map(([n]) => n));
    return record.ran.filter((n) => names.has(n));
}

/** What ran, from the `before`/`after` data of the migrate commands (`failed` when the phase failed while migrating). */
function outcome(op, driver, data, failed) {
    const before = driver.parse(data.before?.[0]);
    const after = data.after?.[0] ? driver.parse(data.after[0]) : before;
    const record = ranBetween(driver.name, before, after, failed);
    op.reporter.info(`migrations: ${record.ran.length ? `ran ${record.ran.join(', ')}${record.batch !== undefined ? ` (batch ${record.batch})` : ''}` : 'none to run'}`);
    if (record.failed) {
        record.note = `migration ${record.failed} failed: ${failureMeaning(after.driver)}`;
        op.reporter.error(record.note);
    }
    return { record, after, failed };
}
/**
 * What a failed migration leaves behind. Laravel wraps a migration in a transaction only where the schema
 * grammar supports transactional DDL (PostgreSQL, SQL Server), and a migration can opt out.
 */
function failureMeaning(driver) {
    if (driver === 'pgsql' || driver === 'sqlsrv')
        return `on ${driver} Laravel runs a migration in a transaction (unless it sets $withinTransaction = false), so its changes were most likely rolled back`;
    return `on ${driver ?? 'this database'} Laravel does not run migrations in a transaction, so the statements it ran before failing stay applied (its schema changes may be PARTLY APPLIED); inspect the tables it touches before retrying`;
}
/** The step-back commands for a release's migrations, or the reason it is refused. */
function planStepBack(s, driver, release, state, stamp) {
    const m = release.migrations;
    if (!m)
        return { refused: 'this release ran no migrations' };
    const verdict = canStepBack(m, state);
    if (!verdict.ok)
        return { refused: verdict.reason };
    const ok = { ...release, migrations: { ...m, stepped_back: verdict.names, stepped_back_at: stamp } };
    const failed = { ...release, note: `${release.note ?? ''}${release.note ? '; ' : ''}migration step-back failed` };
    return { commands: stepBack(s, s.layout, release.id, driver.stepBack(verdict.names, verdict.batch, state), driver, ok, failed), names: verdict.names, how: driver.describeStepBack?.(verdict.names, verdict.batch, state) };
}
/** Reads the outcome of step-back commands: names still applied after an `ok`, or a failure. */
function checkStepBack(op, driver, data, record) {
    const ok = (data.stepback ?? []).every((line) => line.endsWith(' ok')) && (data.stepback ?? []).length > 0;
    const verify = data.verify?.length ? driver.parse(data.verify[data.verify.length - 1]) : undefined;
    const left = verify ? stillApplied(record, verify) : record.ran;
    if (!ok || left.length)
        op.reporter.error(`stepping back migrations did not complete: still applied: ${left.join(', ') || '(unknown)'}`);
    return { ok: ok && left.length === 0, stillApplied: left };
}

/**
 * The one rollback brain: which release to go back to, which records change, and which releases are
 * rolled over. Manual rollbacks (one host or many), automatic ones and dry-runs all decide here, in
 * TypeScript, on the history read from the host; the host only executes what it is sent.
 */
/** Picks the rollback target from one host's history, or explains why there is none. */
function pickTarget(state, to) {
    const current = state.current;
    if (to !== undefined) {
        const found = state.records.find((r) => r.id === to);
        if (!found)
            throw new InputError(`release ${to} is not in the history. Fix: pick one of: ${state.records.map((r) => r.id).join(', ') || '(none)'} (slipway releases)`);
        if (found.id === current)
            throw new InputError(`release ${to} is already current`);
        if (found.state === 'failed')
            throw new InputError(`release ${to} is marked failed (${found.note ?? 'no note'}); rollback skips failed releases. Fix: choose a healthy release (slipway releases)`);
        return found;
    }
    if (!current)
        throw new InputError('there is no current release to roll back from');
    const target = state.records.filter((r) => r.id < current && r.state === 'healthy').pop();
    if (!target)
        throw new InputError(`no healthy release older than ${current} to roll back to. Fix: deploy a fixed release instead`);
    return target;
}
/** Plans a rollback on one host's history. */
function planRollback(state, request) {
    const left = state.records.find((r) => r.id === state.current);
    if ('automatic' in request) {
        const updates = left ? [advance(left, 'failed', { note: request.note, updated_at: request.stamp })] : [];
        return { target: request.previous, from: state.current, updates, over: [] };
    }
    if (request.to !== undefined && !isReleaseId(request.to))
        throw new InputError(`"${request.to}" is not a release id (UTC YYYYMMDDHHMMSS, optionally .NN). Fix: pick one from slipway releases`);
    const target = pickTarget(state, request.to).id;
    const note = `rolled back to ${target} by ${request.by}`;
    const updates = left ? [advance(left, left.state === 'failed' ? 'failed' : 'rolled-back', { note, updated_at: request.stamp })] : [];
    const from = state.current;
    const over = from ? rolledOver(state, target, from) : [];
    return { target, from, updates, over };
}
/** The releases between the target and the one left, newest first, whose migrations are still applied. */
function rolledOver(state, target, from) {
    return state.records.filter((r) => r.id > target && r.id <= from && r.state !== 'failed' && r.migrations?.ran.length && !r.migrations.stepped_back?.length).reverse();
}
/** Every host must go back to the same release: the plans agree, or this says where they do not. */
function agreeOnTarget(plans, hosts, states) {
    const target = plans[0].target;
    states.forEach((st, i) => {
        if (target && !st.records.some((r) => r.id === target))
            throw new InputError(`${hosts[i]}: release ${target} is not on this host`);
    });
    return target;
}

/** Building a release on the host: directory, upload, shared links, writable dirs, build steps. */
/** Exit code of the shared-files check when one is missing. */
const MISSING_SHARED = 3;
/** The command that unpacks a tar stream (on stdin) into a fresh release directory. */
function unpack(l, id) {
    const dir = releaseDir(l, id);
    return and(cmd('mkdir', '-p', dir), cmd('tar', '-x', '-f', '-', '-C', dir, '--no-same-owner', '-m'));
}
/** A relative link target from `from` (a path inside the release) to `to` (under shared/). */
function relativeTarget(linkPath, target) {
    return posix.relative(posix.dirname(linkPath), target);
}
/**
 * Fails (exit {@link MISSING_SHARED}) before anything else when a shared file is missing,
 * with the command that creates it.
 */
function checkSharedFiles(l, files, ssh) {
    return files.map((f) => {
        const path = posix.join(l.shared, f);
        const create = render(sh `${raw(ssh)} ${render(and(cmd('mkdir', '-p', posix.dirname(path)), sh `cat > ${path}`))} < ${posix.basename(f)}`);
        const help = `shared file ${path} is missing on the host. Create it once before deploying, e.g.: ${create}`;
        return when(sh `[ ! -f ${path} ]`, [sh `${printLine(help)} >&2`, raw(`exit ${MISSING_SHARED}`)]);
    });
}
/** Links shared files and directories into the release (dirs are created, seeded from the release the first time). */
function linkShared(l, id, shared) {
    const dir = releaseDir(l, id);
    const out = [];
    for (const d of shared.dirs) {
        const inShared = posix.join(l.shared, d);
        const inRelease = posix.join(dir, d);
        const seed = when(sh `[ -d ${inRelease} ] && [ ! -L ${inRelease} ]`, [cmd('cp', '-a', '--', inRelease, inShared)], [cmd('mkdir', '-p', '--', inShared)]);
        out.push(when(sh `[ ! -d ${inShared} ]`, [cmd('mkdir', '-p', '--', posix.dirname(inShared)), seed]));
        out.push(link(inRelease, inShared));
    }
    for (const f of shared.files)
        out.push(link(posix.join(dir, f), posix.join(l.shared, f)));
    return out;
}
function link(inRelease, inShared) {
    return and(cmd('rm', '-rf', '--', inRelease), cmd('mkdir', '-p', '--', posix.dirname(inRelease)), cmd('ln', '-s', '--', relativeTarget(inRelease, inShared), inRelease));
}
/** Exit code when a path of the spec leads through a symlink or out of the release on the host. */
const UNSAFE_PATH = 4;
/**
 * Before anything is written, deleted or chmod'ed: each spec path's parent in the release must resolve to itself
 * under the resolved release dir — no symlinked component, nothing outside the release — or the step exits
 * {@link UNSAFE_PATH}, naming the path.
 */
function guardPaths(l, id, paths) {
    const dir = releaseDir(l, id);
    const parents = [...new Set(paths.map((p) => posix.dirname(posix.normalize(p))).filter((d) => d !== '.'))];
    return parents.map((d) => {
        const why = `refusing to touch ${d}/… in the release: ${d} is a symlink or leads outside the release on the host; nothing was written. Fix: make ${d} a plain directory in the source`;
        return when(sh `[ "$(realpath -m -- ${posix.join(dir, d)})" != "$(realpath -m -- ${dir})"/${d} ]`, [sh `${printLine(why)} >&2`, raw(`exit ${UNSAFE_PATH}`)]);
    });
}
/** Creates the writable directories and makes them group-writable. */
function makeWritable(l, id, dirs) {
    return dirs.map((d) => {
        const path = posix.join(releaseDir(l, id), d);
        return and(cmd('mkdir', '-p', '--', path), cmd('chmod', '-R', 'ug+rwX', '--', path));
    });
}
/** Copies directories from the live release into the new one (a copy, so the old release never changes). */
function copyFromPrevious(l, id, previous, dirs) {
    if (!previous)
        return [];
    return dirs.map((d) => {
        const from = posix.join(releaseDir(l, previous), d);
        const to = posix.join(releaseDir(l, id), d);
        return when(sh `[ -d ${from} ] && [ ! -e ${to} ]`, [and(cmd('mkdir', '-p', '--', posix.dirname(to)), cmd('cp', '-a', '--', from, to))]);
    });
}
/** User commands run in a directory, each announced as a step `<phase> N: <command>`. */
function hooks(m, phase, dir, commands) {
    return commands.flatMap((c, i) => [stepMark(m, `${phase} ${i + 1}: ${c}`), inDir(dir, raw(c))]);
}

/** Atomically points `current` at releases/<id> (relative link, `mv -T` rename); `id` may be shell text such as `"$target"`. */
function activate(l, id) {
    const tmp = `${l.current}.next`;
    const target = typeof id === 'string' ? `releases/${id}` : raw(`releases/${id.raw}`);
    return and(cmd('rm', '-f', tmp), cmd('ln', '-s', target, tmp), cmd('mv', '-T', '-f', tmp, l.current));
}

/** The host side of any rollback, automatic or manual: switch back, records, step-back, audit, hooks, unlock. */
/**
 * Switches `current` back to `target` (or removes it when there was no live release; not at all
 * with `switchBack` false, for a deploy that failed before its switch), records
 * the new states, steps back migrations (commands that write their own records), audits, runs the rollback hooks in the restored release, and unlocks.
 */
function restorePhase(m, l, spec, target, updates, auditLine, owner, stepBack = [], switchBack = true) {
    return [
        ...(switchBack ? [stepMark(m, 'switch back'), target ? activate(l, target) : cmd('rm', '-f', l.current)] : []),
        ...updates.map((r) => writeRecord(l, r)),
        ...stepBack,
        audit(l, auditLine),
        ...(switchBack && target ? hooks(m, 'rollback hook', releaseDir(l, target), spec.rollback_hooks) : []),
        release(l, owner)
    ];
}

/**
 * Step `restore`, the one failure path of a deploy: the new release marked failed; after a switch, every
 * host switched back (the target chosen by the rollback brain); this deploy's migrations stepped back
 * when allowed; an audit line; the lock released — one round trip per host.
 */
/** Deploys with smoke checks have a time between switch and confirmation for a runner to die in: the host watches it. */
function watched(run) {
    return run.spec.smoke.length > 0;
}
/** This deploy's step-back, or why not; undefined when it ran no migrations. Pure: the watchdog uses it too. */
function stepBackPlan(run, failed, switched, stamp) {
    const { driver, migrated, op } = run;
    if (!driver || !migrated?.record.ran.length)
        return undefined;
    // A failed migrate run is always undone (the deploy never went live); after a switch, only with step_back: auto.
    const allowed = !switched || op.spec.migrate?.step_back === 'auto';
    return allowed ? planStepBack(run.sessions[run.at], driver, failed, migrated.after, stamp) : { refused: 'migrate.step_back is never' };
}
/** The step-back commands for this deploy's migrations, or none (with the refusal recorded in the result). */
function stepBackCommands(run, failed, switched, stamp) {
    const plan = stepBackPlan(run, failed, switched, stamp);
    if (!plan)
        return [];
    if ('commands' in plan) {
        if (plan.how)
            run.op.reporter.info(`stepping back the migrations of ${failed.id}: ${plan.how}`);
        return plan.commands;
    }
    run.result.migrations.refused = plan.refused;
    run.op.reporter.error(`migrations of ${failed.id} are NOT stepped back (${plan.refused}); still applied: ${run.migrated.record.ran.join(', ')}`);
    return [];
}
/** What undoes this deploy on host `i`: the runner's restore and the host's watchdog send the same commands. */
function revertCommands(run, i, note, stamp, stepBack, switched, by = 'automatic') {
    const { op, id } = run;
    const s = run.sessions[i];
    const p = run.plans[i];
    const state = { records: [...run.states[i].records, p.record], current: switched ? id : p.previous};
    const plan = switched ? planRollback(state, { automatic: true, previous: p.previous, note, stamp }) : { target: undefined, updates: [advance(p.record, 'failed', { note, updated_at: stamp })] };
    const line = switched
        ? auditLine(op, 'rollback', p.previous ?? '(none)', undefined, `${by}, from ${id}: ${note}`)
        : auditLine(op, 'deploy', id, run.commit, 'failed before switch');
    return restorePhase(s, s.layout, op.spec, plan.target, plan.updates, line, run.owner, [...(i === run.at ? stepBack : []), cmd('rm', '-f', journalFile(s.layout, id))], switched);
}
/** Undoes a deploy that failed: `switched` says whether `current` may have moved. */
async function restore(run, note, switched) {
    const { op, id } = run;
    const stamp = op.now().toISOString();
    const failed = advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp });
    const stepBack = stepBackCommands(run, failed, switched, stamp);
    await op.reporter.group(`Roll back ${id}`, () => onEach(run.sessions, async (s, i) => {
        const claim = switched && watched(run) ? [claimRelease(s.layout, id)] : [];
        const r = await runPhase(s, op.spec, op.reporter, switched ? 'roll back' : 'record failure', [...claim, ...revertCommands(run, i, note, stamp, stepBack, switched)]);
        if (i === run.at && stepBack.length && run.migrated) {
            const check = checkStepBack(op, run.driver, r.data, run.migrated.record);
            run.result.migrations.steppedBack = check.ok ? run.migrated.record.ran : [];
            run.result.migrations.stillApplied = check.stillApplied;
        }
    }));
    run.result.rolledBack = switched;
}

/** Smoke checks that run on a host: an HTTP request with curl, or a command in the live release. */
/** Requests a URL from the host; reports `<curl exit> <base64 of headers+body>` as data `http`. */
function httpFromHost(m, url, method, timeout) {
    return [
        sh `out=$(${cmd('curl', '-sS', '-i', '--max-time', String(timeout), '-X', method, url)} 2>&1) && rc=0 || rc=$?`,
        dataMark(m, 'http', raw('$rc $(printf %s "$out" | tail -c 65536 | base64 -w0)'))
    ];
}
/** Runs a command in a directory with a time limit; reports `<exit> <base64 of output tail>` as data `run`. */
function runInRelease(m, dir, command, timeout) {
    return [
        sh `out=$(${and(cmd('cd', dir), cmd('timeout', String(timeout), 'bash', '-c', command))} 2>&1) && rc=0 || rc=$?`,
        dataMark(m, 'run', raw('$rc $(printf %s "$out" | tail -n 20 | base64 -w0)'))
    ];
}
/** Splits a data value `<code> <base64>` from the commands above. */
function parseCoded(value) {
    const [code, b64] = (value ?? '255 ').split(' ');
    return { code: Number(code), text: Buffer.from(b64 ?? '', 'base64').toString('utf8') };
}

/** Smoke checks after the switch: HTTP from the runner or the host, and commands on the host. */
/** Why a response fails a check, or undefined when it passes. */
function judgeHttp(check, r) {
    if (r.status !== check.status)
        return `expected status ${check.status}, got ${r.status}`;
    if (check.contains !== undefined && !r.body.includes(check.contains))
        return `body does not contain ${JSON.stringify(check.contains)}`;
    if (check.header) {
        const [name, ...rest] = check.header.split(':');
        const want = rest.join(':').trim();
        const got = r.headers[name.trim().toLowerCase()];
        if (got === undefined)
            return `header ${name.trim()} is missing`;
        if (want && !got.includes(want))
            return `header ${name.trim()} is "${got}", expected "${want}"`;
    }
    return undefined;
}
/** Parses `curl -i` output into a response. */
function parseCurl(text) {
    const split = text.search(/\r?\n\r?\n/);
    const head = split < 0 ? text : text.slice(0, split);
    const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
    const [statusLine, ...lines] = head.split(/\r?\n/);
    const headers = {};
    for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0)
            headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body };
}
/** The last lines of some output after `label`, or `none` when there was no output (no dangling `: `). */
const tail = (label, text, none) => (text.trim() ? `${label}${text.trimEnd().split('\n').slice(-10).join('\n').slice(-1500)}` : none);
/** Retries `attempt` with a growing wait (1s, 2s, 4s…) until it passes, retries run out, or the deadline. */
async function withRetries(check, attempt, signal) {
    const deadline = Date.now() + check.deadline * 1000;
    let failure;
    let n = 0;
    for (;;) {
        n++;
        failure = await attempt();
        if (!failure || n > check.retries)
            break;
        const wait = Math.min(1000 * 2 ** (n - 1), deadline - Date.now());
        if (wait <= 0 || signal?.aborted)
            break;
        await setTimeout(wait, undefined, { signal }).catch(() => undefined);
    }
    return { failure, attempts: n };
}
async function fromRunner(check, signal) {
    const { failure, attempts } = await withRetries(check, async () => {
        try {
            const res = await fetch(check.http, { method: check.method, signal: AbortSignal.timeout(check.timeout * 1000), redirect: 'manual' });
            const r = { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
            const why = judgeHttp(check, r);
            return why && `${why}${tail('; response: ', r.body, '; empty response')}`;
        }
        catch (error) {
            return `request failed: ${error.message}`;
        }
    }, signal);
    return { name: check.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` };
}
async function fromHost(op, s, check) {
    const { failure, attempts } = await withRetries(check, async () => {
        const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check));
        const { code, text } = parseCoded(r.data.http?.[0]);
        if (code !== 0)
            return `curl on the host failed (exit ${code})${tail(': ', text, ', no output')}`;
        const res = parseCurl(text);
        const why = judgeHttp(check, res);
        return why && `${why}${tail('; response: ', res.body, '; empty response')}`;
    }, op.signal);
    return { name: check.name, host: s.host.name, ok: !failure, attempts, detail: failure ?? `HTTP ${check.status}` };
}
async function onHost(op, s, check) {
    const r = await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check));
    const { code, text } = parseCoded(r.data.run?.[0]);
    return { name: check.name, host: s.host.name, ok: code === 0, attempts: 1, detail: code === 0 ? 'exit 0' : `exit ${code}${code === 124 ? ' (timed out)' : ''}${tail(': ', text, ', no output')}` };
}
/** The commands of a check that runs on a host. */
function hostCheck(s, check) {
    const commands = 'run' in check ? runInRelease(s, s.layout.current, check.run, check.timeout) : httpFromHost(s, check.http, check.method, check.timeout);
    return [stepMark(s, `smoke ${check.name}`), ...commands];
}
/** A dry run: host checks are sent once (to the recorder), runner checks only described; nothing is judged. */
async function dryCheck(op, sessions, check) {
    if (!('run' in check) && check.from !== 'host')
        return [{ name: check.name, ok: true, attempts: 0, detail: `from the runner: ${check.method} ${check.http}, expect ${check.status}` }];
    return Promise.all(sessions.map(async (s) => {
        await runPhase(s, op.spec, op.reporter, `smoke ${check.name}`, hostCheck(s, check));
        return { name: check.name, host: s.host.name, ok: true, attempts: 0, detail: 'not judged (dry run)' };
    }));
}
/** Runs every smoke check; host-side checks on every host. Never throws for a failing check. */
async function runSmoke(op, sessions, checks, dry = false) {
    const results = [];
    for (const check of checks) {
        const batch = dry ? await dryCheck(op, sessions, check) : 'run' in check
            ? await Promise.all(sessions.map((s) => onHost(op, s, check)))
            : check.from === 'host' ? await Promise.all(sessions.map((s) => fromHost(op, s, check))) : [await fromRunner(check, op.signal)];
        for (const r of batch)
            op.reporter[r.ok ? 'info' : 'error'](`smoke ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.host ? ` on ${r.host}` : ''}: ${r.detail}`);
        results.push(...batch);
    }
    return results;
}

/** Step `smoke` (runner): the smoke checks after the switch; a failure switches back unless rollback.on_smoke_failure is false. */
/** Smoke checks failed (the pipeline switches back). */
class SmokeFailed extends Error {
}
/** rollback.on_smoke_failure false: the release stays live with the reason in its record; audit, unlock. */
async function keepLive(run, why) {
    const line = auditLine(run.op, 'deploy', run.id, run.commit, 'live, smoke failed, not rolled back (rollback.on_smoke_failure: false)');
    await onEach(run.sessions, (s, i) => {
        const p = run.plans[i];
        return runPhase(s, run.spec, run.op.reporter, 'record failure', [writeRecord(p.layout, advance(p.record, 'live', { note: why })), audit(p.layout, line), release(p.layout, run.owner)]);
    });
    throw new DeployError(`deploy of ${run.id} is live but its ${why}\nrollback.on_smoke_failure is false: roll back by hand with slipway rollback`, run.result);
}
const smoke = {
    name: 'smoke',
    where: 'runner',
    onFailure: 'switch back',
    when: (run) => run.spec.smoke.length > 0,
    run: async (run) => {
        run.result.smoke = await run.op.reporter.group('Smoke tests', () => runSmoke(run.op, run.sessions, run.spec.smoke, run.dry));
        const failed = run.result.smoke.filter((r) => !r.ok);
        if (!failed.length)
            return;
        const why = `smoke check failed: ${failed.map((f) => `${f.name}${f.host ? ` on ${f.host}` : ''}: ${f.detail}`).join('; ')}`;
        if (!run.spec.rollback.on_smoke_failure)
            await keepLive(run, why);
        throw new SmokeFailed(why);
    }
};

/**
 * Runs a list of steps: consecutive host steps share a round trip (one script per host) until a step
 * needs what every host reported before it; runner steps run in between. Every failure goes through one
 * hook, which undoes as much as the failed step's `onFailure` says.
 */
/** Groups the steps that take part in this run into round trips (pure: depends on the spec and the hosts). */
function groupTrips(steps, run) {
    const trips = [];
    for (const step of steps) {
        if (step.when && !step.when(run))
            continue;
        const last = trips[trips.length - 1];
        if (step.where === 'runner')
            trips.push({ kind: 'runner', step });
        else if (last?.kind === 'hosts' && !step.barrier?.(run))
            last.steps.push(step);
        else
            trips.push({ kind: 'hosts', steps: [step] });
    }
    return trips;
}
const SEVERITY = ['unlock', 'mark failed', 'switch back'];
/** What a failure in this trip means: the most that any of its steps asks to undo. */
function onFailure(trip) {
    const modes = trip.kind === 'runner' ? [trip.step.onFailure] : trip.steps.map((s) => s.onFailure);
    return modes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a));
}
/** Runs one round trip: each host gets the commands of the steps that run there, as one script. */
async function runTrip(run, steps) {
    await onEach(run.sessions, async (s, i) => {
        const mine = steps.filter((st) => st.where === 'each' || i === run.at);
        if (!mine.length)
            return;
        const commands = mine.flatMap((st) => [stepMark(s, st.name), ...st.commands(run, i)]);
        const stdin = mine.find((st) => st.stdin)?.stdin?.(run, i);
        let result;
        let error;
        try {
            result = await runPhase(s, run.spec, run.op.reporter, mine.map((st) => st.name).join(', '), commands, { stdin, okCodes: mine.flatMap((st) => st.okCodes ?? []) });
        }
        catch (e) {
            if (!(e instanceof StepError))
                throw e;
            error = e;
            result = { code: e.code, step: e.step, data: e.data, tail: e.tail };
        }
        for (const st of mine)
            st.read?.(run, i, result, error !== undefined);
        if (error)
            throw error;
    });
}
/** The operation was cancelled (SIGINT, SIGTERM, or the embedder's AbortSignal). */
class Cancelled extends Error {
    reason;
    constructor(reason) {
        super(`cancelled by ${reason}`);
        this.reason = reason;
        this.name = 'Cancelled';
    }
}
/**
 * Runs the steps in order; a failure is undone as its step says, then thrown as a {@link DeployError}.
 * A cancel is seen between round trips: the one in flight finishes, then what the finished ones did is undone.
 */
async function execute(run, steps, title) {
    let done = 'unlock';
    for (const trip of groupTrips(steps, run)) {
        const signal = run.op.signal;
        if (signal?.aborted)
            await fail(run, done, new Cancelled(String(signal.reason ?? 'abort')));
        try {
            if (trip.kind === 'runner') {
                run.op.reporter.debug(`runner: step ${trip.step.name}`);
                await trip.step.run(run);
            }
            else
                await run.op.reporter.group(title(trip), () => runTrip(run, trip.steps));
        }
        catch (error) {
            await fail(run, onFailure(trip), error);
        }
        done = onFailure(trip);
    }
}
/** The one failure hook. */
async function fail(run, mode, error) {
    if (error instanceof DeployError)
        throw error;
    if (mode === 'unlock') {
        await releaseLocks(run.op, run.sessions, run.owner);
        if (error instanceof Cancelled)
            throw new DeployError(`deploy was ${error.message} before anything was written; the lock is released`, run.result);
        throw error;
    }
    const message = error.message;
    const first = message.split('\n')[0];
    const migrating = run.migrated?.failed === true;
    const switched = mode === 'switch back';
    const note = error instanceof SmokeFailed || error instanceof Cancelled ? message : migrating ? `migration failed: ${first}` : switched ? `switch or activate hook failed: ${first}` : first;
    const { id, result } = run;
    const back = result.previous ?? '(no release)';
    const late = new DeployError(`deploy of ${id} was not confirmed in time, and the host's watchdog reverted it to ${back} (see its audit line); this run undid nothing itself.\n${message}`, result);
    if (error instanceof StepError && error.code === REVERTED)
        throw late;
    try {
        await restore(run, note, switched);
    }
    catch (undo) {
        if (undo instanceof StepError && undo.code === REVERTED)
            throw late;
        await releaseLocks(run.op, run.sessions, run.owner);
        const why = undo.message.split('\n')[0];
        throw new DeployError(`deploy of ${id} failed${switched ? ' after the switch' : ''}, and undoing it did NOT complete (${why}). Check every host with: slipway releases\n${message}`, result);
    }
    if (error instanceof Cancelled)
        throw new DeployError(`deploy of ${id} was ${message}${switched ? ` after the switch and was rolled back to ${back}` : '; current is unchanged'}; the lock is released${stepBackNote(result)}`, result);
    if (error instanceof SmokeFailed)
        throw new DeployError(`deploy of ${id} was rolled back to ${back}: ${message}${stepBackNote(result)}`, result);
    if (switched)
        throw new DeployError(`deploy of ${id} failed after the switch and was rolled back to ${back}.\n${message}${stepBackNote(result)}`, result);
    if (migrating)
        throw new DeployError(`deploy of ${id} failed while migrating; current is unchanged.\n${run.migrated.record.note ?? ''}\n${message}${stepBackNote(result)}`, result);
    throw new DeployError(`deploy of ${id} failed before the switch; current is unchanged.\n${message}`, result);
}

/** Step `activate`: the spec's activate hooks in the new current release. */
const activateHooks = {
    name: 'activate',
    where: 'each',
    onFailure: 'switch back',
    when: (run) => run.spec.activate.length > 0,
    commands: (run, i) => hooks(run.sessions[i], 'activate', releaseDir(run.plans[i].layout, run.id), run.spec.activate)
};

/** Step `build`: the spec's build commands in the new release; the release is then ready. */
const build = {
    name: 'build',
    where: 'each',
    onFailure: 'mark failed',
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'ready');
        return [...hooks(run.sessions[i], 'build', releaseDir(p.layout, p.id), run.spec.build), writeRecord(p.layout, p.record)];
    }
};

/** Step `finish`: the release marked healthy, an audit line, the lock released. */
const finish = {
    name: 'finish',
    where: 'each',
    onFailure: 'switch back',
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'healthy');
        return [writeRecord(p.layout, p.record), cmd('rm', '-f', journalFile(p.layout, run.id)), audit(p.layout, auditLine(run.op, 'deploy', run.id, run.commit, 'ok')), release(p.layout, run.owner)];
    }
};

/**
 * Host side of a delta upload: the tar on stdin carries the changed entries and `.slipway-upload.tsv`;
 * unchanged paths are copied (real copies, never hard links) from the live release, and the new
 * release's manifest is written from the old one plus the changes.
 */
/** Name of the upload list inside the tar stream. */
const UPLOAD_LIST = '.slipway-upload.tsv';
/** Where a release's manifest is kept. */
function manifestFile(l, id) {
    return posix.join(l.meta, 'manifests', `${id}.tsv`);
}
/** After unpacking: copy unchanged entries from `previous` (when given) and write this release's manifest. */
function completeUpload(l, id, previous) {
    const dir = releaseDir(l, id);
    const list = posix.join(dir, UPLOAD_LIST);
    const keep = posix.join(dir, '.slipway-keep.tsv');
    const out = manifestFile(l, id);
    const tab = raw(`$'\\t'`);
    if (!previous) {
        return [cmd('mkdir', '-p', posix.dirname(out)), sh `awk -F'\\t' '$1 != "X"' ${list} > ${out}`, cmd('rm', '-f', list)];
    }
    const prevDir = releaseDir(l, previous);
    return [
        cmd('mkdir', '-p', posix.dirname(out)),
        sh `awk -F'\\t' 'NR==FNR { seen[$4] = 1; next } !($4 in seen)' ${list} ${manifestFile(l, previous)} > ${keep}`,
        sh `cut -f4 ${keep} | (cd ${prevDir} && tar -c -f - --no-recursion --verbatim-files-from -T -) | tar -x -f - -C ${dir} --no-same-owner`,
        sh `{ cat ${keep}; awk -F'\\t' '$1 != "X"' ${list}; } | sort -t ${tab} -k4,4 > ${out}`,
        cmd('rm', '-f', list, keep)
    ];
}
/** Reports the manifest of the live release (if it has one) as data lines `manifest`. */
function readLiveManifest(m, l) {
    const prefix = dataPrefix(m, 'manifest');
    const print = when(raw('[ -f "$m" ]'), [sh `sed -e ${`s/^/${prefix.replace(/[/&\\]/g, '\\$&')}/`} "$m"`]);
    return when(sh `[ -L ${l.current} ]`, [sh `m=${posix.join(l.meta, 'manifests')}/$(basename "$(readlink ${l.current})").tsv`, print]);
}

/** Step `lock`: take the deploy lock (an atomic mkdir) and read the history and the live manifest, in one round trip. */
/** The lock step's commands on one host (the live manifest only where an upload follows). */
function lockCommands(s, owner, manifest = true) {
    return [...acquire(s, s.layout, owner), ...readState(s, s.layout), ...(manifest ? [readLiveManifest(s, s.layout)] : [])];
}
/** The history a lock round trip read; throws {@link LockedError} when the lock is held by another. */
function lockedState(op, s, r) {
    if (r.code === LOCKED)
        throw new LockedError(s.host.name, r.data.holder?.[0] ?? '');
    const taken = r.data.takeover?.[0];
    if (taken) {
        const [age, ...owner] = taken.split(' ');
        op.reporter.warn(`${s.host.name}: took over the deploy lock of a run that stopped without releasing it (no sign of life for ${age} s): ${describeHolder(owner.join(' '))}`);
    }
    return parseState(r.data);
}
/** Takes the lock on one host and reads its history. */
async function lockAndRead(op, s, owner, manifest = true) {
    return lockedState(op, s, await runPhase(s, op.spec, op.reporter, 'lock', lockCommands(s, owner, manifest), { okCodes: [LOCKED] }));
}
const lock = {
    name: 'lock',
    where: 'each',
    onFailure: 'unlock',
    okCodes: [LOCKED],
    commands: (run, i) => lockCommands(run.sessions[i], run.owner),
    read: (run, i, r) => {
        run.states[i] = lockedState(run.op, run.sessions[i], r);
    }
};

/**
 * Step `migrate`: on the migrating host, in the new release, before the switch (optional backup first).
 * With one host it rides on the prepare round trip; with several it waits until every host is ready.
 */
const migrate = {
    name: 'migrate',
    where: 'migrating',
    onFailure: 'mark failed',
    when: (run) => run.driver !== undefined,
    barrier: (run) => run.sessions.length > 1,
    commands: (run, i) => runMigrations(run.sessions[i], run.plans[i].layout, run.id, run.driver, run.spec.migrate?.backup),
    read: (run, _i, r, failed) => {
        if (run.dry || !r.data.before)
            return;
        run.migrated = outcome(run.op, run.driver, r.data, failed);
        for (const p of run.plans)
            p.record = { ...p.record, migrations: run.migrated.record };
        run.result.migrations = { ran: run.migrated.record.ran, steppedBack: [], failed: run.migrated.record.failed };
    }
};

/** Release ids: UTC YYYYMMDDHHMMSS, with a .NN suffix when that second (or a later one) is taken. */
/** The id for a deploy at `now` that sorts after every id in `existing`. */
function nextReleaseId(now, existing) {
    const base = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    const newest = [...existing].sort().pop();
    if (!newest || newest < base)
        return base;
    const [prefix, suffix] = newest.split('.');
    const n = Number(suffix ?? 0) + 1;
    return `${prefix}.${String(n).padStart(2, '0')}`;
}

/**
 * Release manifests: one line per uploaded path (`type \t hash \t mode \t path`), kept on the host
 * per release, so a redeploy sends only what changed and the host copies the rest from the live release.
 */
/** The manifest line of an entry (files hashed with SHA-256, links by their target). */
async function manifestLine(dir, e) {
    const mode = e.mode.toString(8);
    if (e.type === 'dir')
        return `D\t-\t${mode}\t${e.path}`;
    if (e.type === 'symlink')
        return `L\t${createHash('sha256').update(e.linkTarget ?? '').digest('hex').slice(0, 32)}\t${mode}\t${e.path}`;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(dir, e.path)))
        hash.update(chunk);
    return `F\t${hash.digest('hex').slice(0, 32)}\t${mode}\t${e.path}`;
}
/** Manifest lines for every entry, in entry order. */
async function buildManifest(dir, entries) {
    const out = new Array(entries.length);
    let next = 0;
    const worker = async () => {
        while (next < entries.length) {
            const i = next++;
            out[i] = await manifestLine(dir, entries[i]);
        }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return out;
}
const pathOf = (line) => line.slice(line.lastIndexOf('\t') + 1);
/** True when a path can be written into a manifest line (no tab, newline or CR, which would split the line). */
function manifestSafe(path) {
    return !/[\t\n\r]/.test(path);
}
/**
 * Paths that can take part in a delta. A tree with a name that cannot be a manifest line goes up whole: such names
 * are sent every time and never written into a manifest, so they cannot corrupt the next deploy's.
 */
function deltaSafe(entries) {
    return entries.every((e) => manifestSafe(e.path));
}
const LINE = /^[FLD]\t(-|[0-9a-f]{32})\t[0-7]{1,6}\t[^\t\n\r]+$/;
/**
 * True when the live release's manifest (as read from the host) can be trusted for a delta: not empty, every
 * line well formed, no path twice. Anything else (missing, cut short, written by a version that let a newline
 * into a path) means a full upload, never a failure.
 */
function usableManifest(lines) {
    if (!lines.length)
        return false;
    const paths = new Set();
    for (const line of lines) {
        if (!LINE.test(line))
            return false;
        const path = pathOf(line);
        if (paths.has(path))
            return false;
        paths.add(path);
    }
    return true;
}
/**
 * Compares the local manifest with the live release's; entries under `always` (shared paths,
 * replaced by links on the host) are always sent and never copied, and so are names that cannot be a manifest
 * line (they never enter the upload list, so the host never writes them into a manifest).
 */
function diffManifest(entries, local, previous, always) {
    const before = new Map(previous.map((l) => [pathOf(l), l]));
    const send = [];
    const upload = [];
    const seen = new Set();
    entries.forEach((e, i) => {
        seen.add(e.path);
        if (always(e.path) || !manifestSafe(e.path)) {
            send.push(e);
            return;
        }
        if (before.get(e.path) !== local[i]) {
            send.push(e);
            upload.push(local[i]);
        }
    });
    for (const path of before.keys())
        if (!seen.has(path) || always(path))
            upload.push(`X\t-\t-\t${path}`);
    return { send, upload };
}

/** Per host: what to send, the upload list, and whether it is a delta against the live release. */
async function planUploads(spec, entries, states) {
    const local = await buildManifest(spec.source.dir, entries);
    const shared = [...spec.shared.files, ...spec.shared.dirs];
    const always = (path) => shared.some((s) => path === s || path.startsWith(`${s}/`));
    const safe = deltaSafe(entries);
    return states.map((st) => {
        const delta = safe && usableManifest(st.manifest);
        const d = diffManifest(entries, local, delta ? st.manifest : [], always);
        return { send: d.send, list: d.upload, delta };
    });
}
const plan = {
    name: 'plan',
    where: 'runner',
    onFailure: 'unlock',
    run: async (run) => {
        const { op, spec, sessions, states } = run;
        const { entries } = run;
        const commit = await gitCommit(spec.source.dir);
        run.commit = commit;
        run.id = nextReleaseId(op.now(), states.flatMap((st) => st.records.map((r) => r.id)));
        const stamp = op.now().toISOString();
        const record = { id: run.id, state: 'building', commit, created_at: stamp, updated_at: stamp, by: op.by, run: op.run };
        run.uploads = await planUploads(spec, entries, states);
        run.plans = sessions.map((s, i) => ({ spec, host: s.host, layout: s.layout, id: run.id, owner: run.owner, previous: states[i].current, delta: run.uploads[i].delta, record }));
        Object.assign(run.result, { release: run.id, previous: states[0].current, commit, uploaded: Object.fromEntries(sessions.map((s, i) => [s.host.name, { sent: run.uploads[i].send.length, delta: run.uploads[i].delta }])) });
        const how = sessions.map((s, i) => `${s.host.name}: ${run.uploads[i].delta ? `delta, ${run.uploads[i].send.length} sent` : 'full upload'}`);
        op.reporter.info(`Release ${run.id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}: ${entries.length} entries; ${how.join(', ')}`);
    }
};

/** Whether a release counts toward keep_releases: one that went live and passed (a rollback target). */
const countsTowardKeep = (r) => r.state === 'healthy';
/**
 * The releases keep_releases removes (newest id first). Healthy releases are kept first, newest first; failed,
 * rolled-back and unfinished ones only fill the slots that are left, so they are pruned first and never push
 * out a healthy one. `current` and the newest healthy release other than it (the rollback target of last
 * resort) are never removed.
 */
function pickExpired(records, keep, current) {
    const newest = [...records].sort((a, b) => (a.id < b.id ? 1 : -1));
    const ranked = [...newest.filter(countsTowardKeep), ...newest.filter((r) => !countsTowardKeep(r))];
    const lastHealthy = newest.find((r) => countsTowardKeep(r) && r.id !== current)?.id;
    return ranked.slice(keep).map((r) => r.id).filter((id) => id !== current && id !== lastHealthy).sort((a, b) => (a < b ? 1 : -1));
}
/** Deletes releases and their records. */
function removeReleases(l, ids) {
    return ids.map((id) => cmd('rm', '-rf', '--', releaseDir(l, id), recordFile(l, id), manifestFile(l, id)));
}

/** Step `prune`: releases beyond keep_releases removed, chosen from the history (never current, never the last healthy one). */
const prune = {
    name: 'prune',
    where: 'each',
    onFailure: 'switch back',
    commands: (run, i) => {
        const p = run.plans[i];
        const expired = pickExpired([...run.states[i].records, { ...p.record, state: 'healthy' }], run.spec.keep_releases, run.id);
        run.result.removed[run.sessions[i].host.name] = expired;
        return removeReleases(p.layout, expired);
    }
};

/**
 * Step `repair` (runner, right after the lock): a release left `building` or `ready` belongs to a run that
 * stopped (only a lock holder builds, and we hold the lock). It is marked failed, and the migrations its run
 * applied — the difference between the state its journal recorded before migrating and the state now —
 * are stepped back from its own directory, with the same guards as any step-back. Then the journal goes.
 */
const interrupted = (r) => r.state === 'building' || r.state === 'ready';
/** Step-back commands for the migrations an interrupted release's run applied, and what was decided. */
async function stepBackFor(op, s, state, failed, stamp) {
    const driver = driverFor(op.spec);
    const before = state.journals?.[failed.id];
    if (!driver || before === undefined)
        return { commands: [], said: 'it had not started migrating' };
    try {
        const now = driver.parse((await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, failed.id, driver))).data.state?.[0]);
        const record = ranBetween(driver.name, driver.parse(before), now, false);
        if (!record.ran.length)
            return { commands: [], said: 'its run applied no migration' };
        const plan = planStepBack(s, driver, { ...failed, migrations: record }, now, stamp);
        if ('refused' in plan)
            return { commands: [], said: `its migrations ${record.ran.join(', ')} stay applied: ${plan.refused}` };
        return { commands: plan.commands, said: `stepping back its migrations ${plan.names.join(', ')}` };
    }
    catch (error) {
        return { commands: [], said: `its migrations could not be read (${error.message.split('\n')[0]}); they may stay applied` };
    }
}
/** Repairs what interrupted runs left on the hosts; `states` are updated to what was written. */
async function repairInterrupted(op, sessions, states) {
    const stuck = [...new Set(states.flatMap((st) => st.records.filter(interrupted).map((r) => r.id)))];
    if (!stuck.length)
        return;
    const stamp = op.now().toISOString();
    const note = `interrupted: the run that built it stopped before finishing (repaired by ${op.by})`;
    const at = migrateHostIndex(op.spec);
    const steps = [];
    const said = [];
    for (const id of stuck) {
        const record = states[at].records.find((r) => r.id === id);
        const found = record ? await stepBackFor(op, sessions[at], states[at], advance(record, 'failed', { note, updated_at: stamp }), stamp) : { commands: [], said: 'not on the migrating host' };
        steps.push(...found.commands);
        said.push(`${id}: marked failed; ${found.said}`);
    }
    op.reporter.warn(`repairing what an interrupted run left: ${said.join('; ')}`);
    await op.reporter.group('Repair an interrupted run', () => onEach(sessions, async (s, i) => {
        const failed = states[i].records.filter(interrupted).map((r) => advance(r, 'failed', { note, updated_at: stamp }));
        const line = auditLine(op, 'repair', stuck.join(' '), undefined, said.join('; '));
        await runPhase(s, op.spec, op.reporter, 'repair', [...failed.map((r) => writeRecord(s.layout, r)), ...(i === at ? steps : []), ...stuck.map((id) => cmd('rm', '-f', journalFile(s.layout, id))), audit(s.layout, line)]);
        states[i] = { ...states[i], records: states[i].records.map((r) => failed.find((f) => f.id === r.id) ?? r) };
    }));
}
const repair = {
    name: 'repair',
    where: 'runner',
    onFailure: 'unlock',
    run: (run) => (run.dry ? Promise.resolve() : repairInterrupted(run.op, run.sessions, run.states))
};

/** Step `shared`: shared files must exist; shared files and dirs linked in, writable dirs made, dirs seeded from the live release. */
const shared = {
    name: 'shared files',
    where: 'each',
    onFailure: 'mark failed',
    commands: (run, i) => {
        const { spec, layout: l, id, host, previous } = run.plans[i];
        return [
            ...guardPaths(l, id, [...spec.shared.files, ...spec.shared.dirs, ...spec.writable, ...spec.copy_from_previous]),
            ...checkSharedFiles(l, spec.shared.files, `ssh${host.port === 22 ? '' : ` -p ${host.port}`} ${host.user}@${host.host}`),
            ...linkShared(l, id, spec.shared),
            ...makeWritable(l, id, spec.writable),
            ...copyFromPrevious(l, id, previous, spec.copy_from_previous)
        ];
    }
};

/** Step `switch`: `current` renamed atomically to the new release (every host ready first); the release is live. */
const switchRelease = {
    name: 'switch',
    where: 'each',
    onFailure: 'switch back',
    // Every host ready first: a round trip of its own, unless the watchdog armed before it has started one.
    barrier: (run) => !watched(run),
    commands: (run, i) => {
        const p = run.plans[i];
        p.record = advance(p.record, 'live');
        return [activate(p.layout, p.id), writeRecord(p.layout, p.record)];
    }
};

/** Step `upload`: the tar on stdin unpacked into releases/<id>, unchanged files copied from the live release, the manifest written. */
const upload = {
    name: 'upload',
    where: 'each',
    onFailure: 'mark failed',
    stdin: (run, i) => tarStream(run.spec.source.dir, run.uploads[i].send, { [UPLOAD_LIST]: run.uploads[i].list.join('\n') + '\n' }),
    commands: (run, i) => {
        const p = run.plans[i];
        return [writeRecord(p.layout, p.record), unpack(p.layout, p.id), raw('exec </dev/null'), ...completeUpload(p.layout, p.id, p.delta ? p.previous : undefined)];
    }
};

/**
 * Steps `watchdog` (with the switch) and `confirm` (after the smoke checks pass): a runner that dies after the
 * switch can never leave an unverified release live — the host reverts it with the same commands the runner's
 * own restore would send (switch back, mark failed, step back this deploy's migrations, audit, hooks, unlock).
 */
/** Seconds the host waits for the run to confirm: rollback.confirm_within, else the smoke checks' limits plus 120. */
function confirmWithin(spec) {
    return spec.rollback.confirm_within ?? spec.smoke.reduce((sum, c) => sum + ('run' in c ? c.timeout : c.deadline), 120);
}
/** Armed just before the switch, in its round trip: a run that dies between the two still leaves a watched host. */
const watchdog = {
    name: 'watchdog',
    where: 'each',
    onFailure: 'switch back',
    when: watched,
    barrier: () => true,
    commands: (run, i) => {
        const seconds = confirmWithin(run.spec);
        const stamp = run.op.now().toISOString();
        const note = `not confirmed within ${seconds} s (the run stopped before confirming it); reverted by the host's watchdog`;
        const plan = stepBackPlan(run, advance(run.plans[run.at].record, 'failed', { note, updated_at: stamp }), true, stamp);
        const stepBack = plan && 'commands' in plan ? plan.commands : [];
        const l = run.plans[i].layout;
        return armWatchdog(l, run.id, seconds, revertCommands(run, i, note, stamp, stepBack, true, 'watchdog'), heartbeat(l, run.owner));
    }
};
const confirm = {
    name: 'confirm',
    where: 'each',
    onFailure: 'switch back',
    when: watched,
    commands: (run, i) => [claimRelease(run.plans[i].layout, run.id)]
};

/** The deploy: its list of steps, run by the pipeline; `--dry-run` runs the same steps against a recorder. */
/** A deploy, in order. Failures before `watchdog` (armed with the switch) mark the release failed; from there on they switch back. */
const DEPLOY = [lock, repair, plan, upload, shared, build, migrate, watchdog, switchRelease, activateHooks, smoke, confirm, prune, finish];
const TITLES = {
    lock: () => 'Lock and read history',
    upload: (run) => `Prepare release ${run.id}`,
    migrate: (run) => `Migrate on ${run.sessions[run.at].host.name}`,
    switch: (run) => `Switch to ${run.id}`,
    watchdog: (run) => `Switch to ${run.id}`,
    prune: () => 'Finish',
    confirm: () => 'Finish'
};
/** Deploys the spec's source to every host as a new release and switches to it atomically. */
async function deploy(options) {
    return (await runDeploy(options, options.connect ?? sshConnector, false)).result;
}
/**
 * The exact scripts each host would receive, from the same steps a deploy runs, against hosts that
 * report an empty history (a first deploy) and nothing else. Connects nowhere.
 */
async function planDeploy(options) {
    const remotes = new Map();
    const connect = async (host) => remotes.set(host.name, new RecordingRemote(host.name)).get(host.name);
    const run = await runDeploy(options, connect, true);
    const hosts = [...remotes.values()].map((r) => ({ host: r.name, phases: r.phases.map((p) => ({ phase: stepsOf(p.script) + (p.upload ? ' (then the upload, a tar, on stdin)' : ''), command: `bash -s <<'SCRIPT'\n${p.script}SCRIPT` })) }));
    const runner = run.result.smoke.filter((r) => !r.host).map((r) => ({ phase: `smoke ${r.name}`, command: r.detail }));
    return runner.length ? [...hosts, { host: 'runner', phases: runner }] : hosts;
}
/** The deploy steps a recorded script carries, from its step lines. */
function stepsOf(script) {
    const names = new Set(DEPLOY.map((s) => s.name).concat('smoke'));
    return [...new Set(stepLabels(script).map((label) => label.replace(/^smoke .*/, 'smoke')).filter((n) => names.has(n)))].join(', ');
}
async function runDeploy(options, connect, dry) {
    const op = operation(options);
    const entries = (await preflight(op.spec, { source: true, credentials: connect === sshConnector, warn: (m) => op.reporter.warn(m) })) ?? [];
    const sessions = await op.reporter.group('Connect', () => openSessions(op.spec, connect, op.reporter));
    const result = { release: '', hosts: sessions.map((s) => s.host.name), rolledBack: false, removed: {}, smoke: [], uploaded: {} };
    const run = { op, spec: op.spec, owner: lockOwner(op, 'deploy'), sessions, dry, states: [], id: '', entries, uploads: [], plans: [], driver: driverFor(op.spec), at: migrateHostIndex(op.spec), result };
    const stop = dry ? () => undefined : keepAlive(op, sessions, run.owner);
    try {
        const steps = execute(run, DEPLOY, (trip) => (trip.kind === 'hosts' ? TITLES[trip.steps[0].name]?.(run) ?? trip.steps[0].name : trip.step.name));
        await forceable(op, sessions, run.owner, steps, (why) => new DeployError(`deploy ${run.id} stopped at once (${why}, a second time): the lock is released, nothing was undone — the release may be unfinished and this run's migrations may stay applied; check with: slipway releases`, result));
        op.reporter.info(`${dry ? 'Planned' : 'Deployed'} ${run.id} to ${result.hosts.join(', ')}`);
        return run;
    }
    finally {
        stop();
        await closeSessions(sessions);
    }
}

/** Pads columns to the widest cell. */
function textTable(header, rows) {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
/** The rows of the release table: id, commit, time, state, by, current marker, note. */
function releaseRows(listing) {
    return listing.releases.map((r) => [r.current ? '*' : '', r.id, r.commit?.slice(0, 12) ?? '-', r.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), r.state, r.by, migrationCell(r), r.note ?? '']);
}
/** "2 ran", "2 ran, stepped back", or "-". */
function migrationCell(r) {
    const m = r.migrations;
    if (!m?.ran.length)
        return m?.failed ? `failed: ${m.failed}` : '-';
    return `${m.ran.length} ran${m.stepped_back?.length ? ', stepped back' : ''}${m.failed ? `, failed: ${m.failed}` : ''}`;
}
/** Column names for {@link releaseRows}. */
const releaseHeader = ['cur', 'release', 'commit', 'time (UTC)', 'state', 'by', 'migrations', 'note'];
/** The release table of every host, for a terminal. */
function formatReleases(listing) {
    return listing.hosts
        .map((h) => `${h.host}${h.lock ? `  (locked: ${h.lock})` : ''}\n${h.releases.length ? textTable(releaseHeader, releaseRows(h)) : '(no releases)'}`)
        .join('\n\n');
}

/** Activates an earlier release on every host (atomic switch), marks the one it replaces rolled-back, runs rollback_hooks. */
async function rollback(options) {
    const op = operation(options);
    const { spec, reporter } = op;
    const owner = lockOwner(op, 'rollback');
    const sessions = await openSessions(spec, options.connect ?? sshConnector, reporter);
    holdChannels(sessions, spec, reporter);
    const stop = keepAlive(op, sessions, owner);
    try {
        return await forceable(op, sessions, owner, rollbackOn(op, sessions, owner, options), (why) => new SlipwayError(`rollback stopped at once (${why}, a second time): the lock is released; check with: slipway releases`));
    }
    catch (error) {
        await releaseLocks(op, sessions, owner);
        throw error instanceof SlipwayError ? error : new SlipwayError(String(error));
    }
    finally {
        stop();
        await closeSessions(sessions);
    }
}
/** The rollback on connected hosts, each holding one channel. */
async function rollbackOn(op, sessions, owner, options) {
    const { spec, reporter } = op;
    const states = await onEach(sessions, (s) => lockAndRead(op, s, owner, false));
    await repairInterrupted(op, sessions, states);
    const stamp = op.now().toISOString();
    const plans = states.map((st) => planRollback(st, { to: options.to, by: op.by, stamp }));
    const target = agreeOnTarget(plans, sessions.map((s) => s.host.name), states);
    const from = plans[0].from ?? '(none)';
    const at = migrateHostIndex(spec);
    const over = plans[at].over;
    const steps = options.migrations && over.length ? await planMigrationSteps(op, sessions[at], plans[at], stamp) : { commands: [], names: [] };
    if (op.signal?.aborted)
        throw new SlipwayError(`rollback was cancelled by ${String(op.signal.reason)} before it switched anything; the lock is released`);
    reporter.info(`Rolling back ${from} → ${target} on ${sessions.length} host(s)`);
    const line = auditLine(op, 'rollback', target, undefined, `manual, from ${from}${steps.names.length ? `, migrations stepped back: ${steps.names.join(' ')}` : ''}`);
    await reporter.group(`Roll back to ${target}`, () => onEach(sessions, async (s, i) => {
        const r = await runPhase(s, spec, reporter, 'roll back', restorePhase(s, s.layout, spec, target, plans[i].updates, line, owner, i === at ? steps.commands : []));
        if (i === at && steps.names.length) {
            const check = checkStepBack(op, driverFor(spec), r.data, { ran: steps.names });
            if (!check.ok)
                throw new SlipwayError(`code rolled back to ${target}, but migrations are still applied: ${check.stillApplied.join(', ')}`);
        }
    }));
    return report(op, sessions, target, from, over, steps.names);
}
/**
 * Step-back commands for the migrations of the releases rolled back over, newest first, each from
 * its own release directory; refuses (nothing touched) when any of them cannot be undone.
 */
async function planMigrationSteps(op, s, plan, stamp) {
    const driver = driverFor(op.spec);
    if (!driver)
        throw new InputError('--migrations needs a migrate section in the spec');
    const read = await runPhase(s, op.spec, op.reporter, 'read migration state', readMigrationState(s, s.layout, plan.over[0].id, driver));
    let db = driver.parse(read.data.state?.[0]);
    const commands = [];
    const names = [];
    for (const r of plan.over) {
        const base = plan.updates.find((u) => u.id === r.id) ?? r;
        const step = planStepBack(s, driver, base, db, stamp);
        if ('refused' in step)
            throw new SlipwayError(`cannot step back the migrations of ${r.id} (${r.migrations.ran.join(', ')}): ${step.refused}. Nothing was changed; roll back without --migrations, or step back by hand`);
        if (step.how)
            op.reporter.info(`stepping back the migrations of ${r.id}: ${step.how}`);
        commands.push(...step.commands);
        names.push(...step.names);
        db = { ...db, ran: db.ran.filter(([n]) => !step.names.includes(n)) };
    }
    return { commands, names };
}
/** Tells what happened and what was not reverted, and builds the result. */
function report(op, sessions, target, from, over, steppedBack) {
    const kept = over.flatMap((r) => r.migrations.ran).filter((n) => !steppedBack.includes(n));
    const caveats = notReverted(op.spec);
    op.reporter.info(`Rolled back ${from} → ${target} on ${sessions.map((s) => s.host.name).join(', ')}`);
    if (kept.length)
        op.reporter.warn(`migrations that stay applied (run with --migrations to step them back): ${kept.join(', ')}`);
    if (steppedBack.length)
        op.reporter.info(`migrations stepped back: ${steppedBack.join(', ')}`);
    op.reporter.warn(`A code rollback does not revert:\n${caveats.map((c) => `  - ${c}`).join('\n')}`);
    return { release: target, from, hosts: sessions.map((s) => s.host.name), notReverted: caveats, migrations: { steppedBack, kept } };
}

export { DeployError as D, pickTarget as a, preflight as b, cancelOnSignals as c, deploy as d, formatReleases as f, listReleases as l, notReverted as n, planDeploy as p, rollback as r, unlock as u };
