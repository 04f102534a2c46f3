/** Malformed specs, part 1: paths, hosts, host keys, smoke checks, timeouts, migrations. */
import { add, BASE, swap, type Row } from './harness.js'

const root = (value: string, says: string): Row => ({ name: `path: ${value}`, spec: swap('path: $ROOT', `path: ${value}`), key: 'path', at: `path: ^${value}`, says })

const deployRoots: Row[] = [
  root('/', 'is the filesystem root'),
  root("'//'", 'is the filesystem root'),
  root('var/www', 'is not an absolute path'),
  root('""', 'is not an absolute path'),
  root('/var/../etc', 'has a ".." component'),
  root('/srv/app/..', 'has a ".." component'),
  root('/var/./www', 'has a "." component'),
  root('"/srv/a\\0b"', 'contains a NUL character (\\0)'),
  root('"/srv/a\\nb"', 'contains a control character (\\n)'),
  root('42', '"42" is not an absolute path'),
  root('[a]', 'expected a string, found a list'),
  { name: 'path missing', spec: swap('path: $ROOT\n', ''), key: 'path', at: '1:1', says: 'missing required key "path"' }
]

const relKeys: Array<[string, (v: string) => string, string]> = [
  ['shared.files[0]', (v) => `shared: { files: [${v}] }`, 'shared: { files: ['],
  ['shared.dirs[0]', (v) => `shared: { dirs: [${v}] }`, 'shared: { dirs: ['],
  ['writable[0]', (v) => `writable: [${v}]`, 'writable: ['],
  ['copy_from_previous[0]', (v) => `copy_from_previous: [${v}]`, 'copy_from_previous: [']
]
const relValues: Array<[string, string]> = [
  ['../x', 'has a ".." component and would leave the release directory'],
  ['a/../b', 'has a ".." component'],
  ['/etc', 'is absolute; these paths are relative to the release directory'],
  ['.', 'is the release directory itself'],
  ['./x', 'has an empty or "." component'],
  ['a//b', 'has an empty or "." component'],
  ['a/', 'has an empty or "." component'],
  ['""', 'the path is empty'],
  ['.slipway-keep.tsv', 'is reserved'],
  ['"a\\0b"', 'contains a NUL character'],
  ['"a\\tb"', 'contains a control character (\\t)']
]
const releasePaths: Row[] = relKeys.flatMap(([key, yaml, prefix]) =>
  relValues.map(([value, says]) => ({ name: `${key} = ${value}`, spec: add(yaml(value)), key, at: `${prefix}^${value}`, says })))

const host = (field: string, value: string, says: string): Row => ({ name: `hosts[0].${field}: ${value}`, spec: swap(field === 'host' ? 'host: 127.0.0.1' : field === 'user' ? 'user: slipway' : 'port: $PORT', `${field}: ${value}`), key: `hosts[0].${field}`, at: `${field}: ^${value}`, says })
const noKh = swap('known_hosts: $KH\n', '')

const hosts: Row[] = [
  host('host', '""', 'the host is empty'),
  host('host', '" "', 'the host is empty'),
  host('host', '"-oProxyCommand=touch /tmp/x"', 'is not a host name or address'),
  host('host', '"a b"', 'is not a host name or address'),
  host('user', '""', 'the user is empty'),
  host('user', '"-x"', 'is not a login name'),
  host('user', 'a@b', 'is not a login name'),
  host('port', '0', 'is below the minimum 1'),
  host('port', '70000', 'is above the maximum 65535'),
  host('port', '22a', 'expected a whole number'),
  { name: 'hosts[0].user missing', spec: swap('    user: slipway\n', ''), key: 'hosts[0].user', at: '  - ^host:', says: 'missing required key "user"' },
  { name: 'hosts[0].host missing', spec: swap('  - host: 127.0.0.1\n    port', '  - port'), key: 'hosts[0].host', at: '  - ^port:', says: 'missing required key "host"' },
  { name: 'hosts: []', spec: swap('hosts:\n  - host: 127.0.0.1\n    port: $PORT\n    user: slipway\n    identity: $KEY\n', 'hosts: []\n'), key: 'hosts', at: 'hosts: ^[]', says: 'no hosts to deploy to' },
  { name: 'hosts is a mapping', spec: swap('hosts:\n  - host: 127.0.0.1\n    port: $PORT\n    user: slipway\n    identity: $KEY\n', 'hosts: { a: 1 }\n'), key: 'hosts', at: 'hosts: ^{', says: 'expected a list' },
  { name: 'duplicate host', spec: swap('known_hosts:', '  - { host: 127.0.0.1, port: $PORT, user: slipway, identity: $KEY }\nknown_hosts:'), key: 'hosts[1]', at: '  - ^{ host', says: 'is listed twice (same name as hosts[0])' },
  { name: 'host_key malformed', spec: swap('    identity: $KEY', '    identity: $KEY\n    host_key: nope'), key: 'hosts[0].host_key', at: 'host_key: ^nope', says: '"nope" is not valid' }
]

const keys: Row[] = [
  { name: 'known_hosts missing', spec: noKh, key: 'known_hosts', at: '  - ^host:', says: 'host keys cannot be verified' },
  { name: 'insecure with known_hosts', spec: add('insecure_skip_host_key_check: true'), key: 'insecure_skip_host_key_check', at: 'insecure_skip_host_key_check: ^true', says: 'insecure_skip_host_key_check: true contradicts known_hosts' },
  { name: 'insecure with host_key', spec: swap('    identity: $KEY\nknown_hosts: $KH\n', `    identity: $KEY\n    host_key: "SHA256:${'A'.repeat(43)}"\ninsecure_skip_host_key_check: true\n`), key: 'insecure_skip_host_key_check', at: 'insecure_skip_host_key_check: ^true', says: 'contradicts hosts[0].host_key' },
  { name: 'known_hosts file missing', spec: swap('known_hosts: $KH', 'known_hosts: ./no_such_file'), key: 'known_hosts', at: 'known_hosts: ^./no', says: 'cannot be read (ENOENT)' },
  { name: 'known_hosts file empty', spec: swap('known_hosts: $KH', 'known_hosts: ./kh'), files: { kh: '# nothing\n' }, key: 'known_hosts', at: 'known_hosts: ^./kh', says: 'has no host key lines' },
  { name: 'identity missing', spec: swap('identity: $KEY', 'identity: ./nope'), key: 'hosts[0].identity', at: 'identity: ^./nope', says: 'cannot be read (ENOENT)' },
  { name: 'identity is a .pub', spec: swap('identity: $KEY', 'identity: $KEY.pub'), key: 'hosts[0].identity', at: 'identity: ^/', says: 'is a public key; SSH logs in with the private half' },
  { name: 'identity is not a key', spec: swap('identity: $KEY', 'identity: ./notes.txt'), files: { 'notes.txt': 'hello\n' }, key: 'hosts[0].identity', at: 'identity: ^./notes', says: 'is not a private key' },
  { name: 'identity is a directory', spec: swap('identity: $KEY', 'identity: ./app'), key: 'hosts[0].identity', at: 'identity: ^./app', says: 'cannot be read (not a file)' },
  { name: 'no identity, no env key', spec: swap('    identity: $KEY\n', ''), key: 'hosts[0].identity', at: '  - ^host:', says: 'no SSH key for slipway@127.0.0.1' }
]

const smoke = (check: string, key: string, at: string, says: string): Row => ({ name: `smoke ${check}`, spec: add(`smoke:\n  - { ${check} }`), key, at, says })
const checks: Row[] = [
  smoke('http: "-K/etc/passwd", from: host', 'smoke[0].http', 'http: ^"-K', 'is not an http(s) URL'),
  smoke('http: "ftp://x/"', 'smoke[0].http', 'http: ^"ftp', 'is not an http(s) URL'),
  smoke('http: "file:///etc/passwd"', 'smoke[0].http', 'http: ^"file', 'is not an http(s) URL'),
  smoke('http: "http://"', 'smoke[0].http', 'http: ^"http', 'is not an http(s) URL'),
  smoke('http: "http://a b/"', 'smoke[0].http', 'http: ^"http', 'contains a space or control character'),
  smoke('http: "http://x/", method: "GET\\nX-Evil: 1"', 'smoke[0].method', 'method: ^"GET', 'is not an HTTP method'),
  smoke('http: "http://x/", method: "G E T"', 'smoke[0].method', 'method: ^"G E', 'is not an HTTP method'),
  smoke('http: "http://x/", header: "X-A\\r\\nB: c"', 'smoke[0].header', 'header: ^"X-A', 'is not a header name'),
  smoke('http: "http://x/", header: "Bad Name: x"', 'smoke[0].header', 'header: ^"Bad', 'is not a header name'),
  smoke('http: "http://x/", header: ": x"', 'smoke[0].header', 'header: ^": x', 'is not a header name'),
  smoke('http: "http://x/", status: 99', 'smoke[0].status', 'status: ^99', 'is below the minimum 100'),
  smoke('http: "http://x/", timeout: 0', 'smoke[0].timeout', 'timeout: ^0', 'is below the minimum 1'),
  smoke('http: "http://x/", deadline: 999999', 'smoke[0].deadline', 'deadline: ^999999', 'is above the maximum 86400'),
  smoke('http: "http://x/", retries: 1000', 'smoke[0].retries', 'retries: ^1000', 'is above the maximum 100'),
  smoke('name: x', 'smoke[0]', '  - ^{ name', 'expected one of: An http or run check.'),
  smoke('run: "true", timeout: 100000', 'smoke[0].timeout', 'timeout: ^100000', 'is above the maximum 86400')
]

const limits: Row[] = [
  { name: 'timeouts.command huge', spec: add('timeouts: { command: 9999999999 }'), key: 'timeouts.command', at: 'command: ^9999', says: 'is above the maximum 86400' },
  { name: 'timeouts.idle 0', spec: add('timeouts: { idle: 0 }'), key: 'timeouts.idle', at: 'idle: ^0', says: 'is below the minimum 1' },
  { name: 'timeouts.connect huge', spec: add('timeouts: { connect: 100000 }'), key: 'timeouts.connect', at: 'connect: ^100000', says: 'is above the maximum 3600' },
  { name: 'timeouts.command fraction', spec: add('timeouts: { command: 1.5 }'), key: 'timeouts.command', at: 'command: ^1.5', says: 'expected a whole number' },
  { name: 'keep_releases huge', spec: add('keep_releases: 100000'), key: 'keep_releases', at: 'keep_releases: ^100000', says: 'is above the maximum 1000' },
  { name: 'migrate without driver', spec: add('migrate: { step_back: auto }'), key: 'migrate', at: 'migrate: ^{', says: 'no migration driver' },
  { name: 'migrate.on unknown host', spec: add('migrate: { preset: laravel, on: nohost }'), key: 'migrate.on', at: 'on: ^nohost', says: 'no host named "nohost"' },
  { name: 'migrate.preset unknown', spec: add('migrate: { preset: rails }'), key: 'migrate.preset', at: 'preset: ^rails', says: '"rails" is not one of laravel' },
  { name: 'migrate.commands without run', spec: add('migrate: { commands: { status: x } }'), key: 'migrate.commands.run', at: 'commands: ^{', says: 'missing required key "run"' }
]

/** Every row of part 1. */
export const specRows: Row[] = [...deployRoots, ...releasePaths, ...hosts, ...keys, ...checks, ...limits]
export { BASE }
