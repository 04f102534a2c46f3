/** Malformed specs, part 2: YAML structure, limits, the source tree; and bad CLI arguments. */
import { add, BASE, swap, type Row } from './harness.js'

const manyRules = Array.from({ length: 25000 }, (_, i) => `    r${i}: off`).join('\n')

const yaml: Row[] = [
  { name: 'duplicate top-level key', spec: add('app: other'), key: 'app', at: '\n^app: other', says: 'duplicate key "app"' },
  { name: 'duplicate nested key', spec: swap('    user: slipway', '    user: slipway\n    port: 23'), key: 'hosts[0].port', at: '\n    ^port: 23', says: 'duplicate key "port"' },
  { name: 'unknown key with a near name', spec: add('shraed: {}'), key: 'shraed', at: '^shraed', says: 'did you mean "shared"?' },
  { name: 'undefined alias', spec: add('build: *nope'), key: 'build', at: 'build: ^*nope', says: 'alias *nope refers to no anchor' },
  { name: 'alias to the wrong shape', spec: add('rollback: &r { on_smoke_failure: true }\nbuild: *r'), key: 'build', at: 'build: ^*r', says: 'expected a list, found a mapping' },
  { name: 'aliases fanning out past the node cap', spec: add(`check:\n  rules: &big\n${manyRules.slice(0, 200000).replace(/\n[^\n]*$/, '')}\nenvironments:\n${Array.from({ length: 12 }, (_, i) => `  e${i}: { check: { rules: *big } }`).join('\n')}`), key: 'environments.e', prefix: true, at: '*', says: 'the spec has more than 20000 keys and values (aliases counted expanded)' },
  { name: 'too many keys', spec: add(`check:\n  rules:\n${manyRules}`), key: 'check.rules.r', prefix: true, at: '*', says: 'the spec has more than 20000 keys and values' },
  { name: 'unclosed quote', spec: swap('app: shop', 'app: "shop'), key: '(yaml)', at: 'app: ^"shop', says: 'this " quote is never closed. Fix: close the string with "' },
  { name: 'unclosed single quote', spec: add("build: ['echo hi]"), key: '(yaml)', at: "build: [^'echo", says: "this ' quote is never closed" },
  { name: 'tab indentation', spec: add('shared:\n\tfiles: [.env]'), key: '(yaml)', at: '*', says: 'correct the YAML syntax at this position' },
  { name: 'NUL byte in the file', spec: add('build: [ "a\u0000b" ]'), key: '(file)', at: 'build: [ "a^', says: 'contains a NUL byte: this is not a YAML text file' },
  { name: 'top level is a list', spec: '- a\n- b\n', key: '(top level)', at: '1:1', says: 'expected a mapping (key: value), found a list' },
  { name: 'keep_releases 0', spec: add('keep_releases: 0'), key: 'keep_releases', at: 'keep_releases: ^0', says: 'is below the minimum 1' },
  { name: 'app with spaces', spec: swap('app: shop', 'app: "bad name!"'), key: 'app', at: 'app: ^"bad', says: '"bad name!" is not valid (Application name, used in logs, audit lines and the lock owner). Fix: write a value that matches ^[A-Za-z0-9._-]+$' },
  { name: 'preset unknown', spec: add('preset: rails'), key: 'preset', at: 'preset: ^rails', says: 'is not one of laravel' },
  { name: 'build is a string', spec: add('build: composer install'), key: 'build', at: 'build: ^composer', says: 'expected a list, found "composer install"' },
  { name: 'environment typo', spec: add('environments:\n  staging: { paht: /x }'), key: 'environments.staging.paht', at: '{ ^paht', says: 'did you mean "path"?' },
  { name: 'environment unknown', spec: add('environments:\n  staging: { keep_releases: 2 }'), argv: ['deploy', '--env', 'prod'], key: 'environments', at: 'environments:\n  ^staging', says: 'no environment named "prod"' },
  { name: 'environment bad path', spec: add('environments:\n  staging: { path: relative }'), argv: ['deploy', '--env', 'staging'], key: 'environments.staging.path', at: '{ path: ^relative', says: 'is not an absolute path' },
  { name: 'environment empties hosts', spec: add('environments:\n  staging: { hosts: [] }'), argv: ['deploy', '--env', 'staging'], key: 'hosts', at: 'staging: { hosts: ^[]', says: 'no hosts to deploy to' },
  { name: 'allow_external_symlinks not a boolean', spec: swap('  exclude: [slipway.yml]', '  exclude: [slipway.yml]\n  allow_external_symlinks: yes please'), key: 'source.allow_external_symlinks', at: 'symlinks: ^yes', says: 'expected true or false' },
  { name: 'spec larger than 1 MiB', spec: add(`# ${'x'.repeat(1100000)}`), key: '(file)', at: '1:1', says: 'the spec is larger than 1048576 bytes' }
]

const tree = (name: string, files: Row['files'], extra: string, key: string, at: string, says: string): Row => ({ name, spec: extra ? add(extra) : BASE, files, key, at, says })
const trees: Row[] = [
  { name: 'source.dir missing', spec: swap('dir: app', 'dir: nope'), key: 'source.dir', at: 'dir: ^nope', says: 'cannot be read (ENOENT)' },
  { name: 'source.dir is a file', spec: swap('dir: app', 'dir: slipway.yml'), key: 'source.dir', at: 'dir: ^slipway.yml', says: 'is not a directory' },
  tree('symlink to an absolute path', { 'app/evil': { link: '/etc' } }, '', 'source.dir', 'dir: ^app', '"evil" is a symlink to "/etc", outside the source dir'),
  tree('symlink escaping with ..', { 'app/sub/up': { link: '../../canary' } }, '', 'source.dir', 'dir: ^app', '"sub/up" is a symlink to "../../canary", outside the source dir'),
  tree('reserved upload list name', { 'app/.slipway-upload.tsv': 'x' }, '', 'source.dir', 'dir: ^app', '".slipway-upload.tsv" in the source dir has a reserved name'),
  tree('reserved keep list name', { 'app/.slipway-keep.tsv': 'x' }, '', 'source.dir', 'dir: ^app', '".slipway-keep.tsv" in the source dir has a reserved name'),
  tree('shared file through a symlinked dir', { 'app/real/x': 'x', 'app/config': { link: 'real' } }, 'shared: { files: [config/.env] }', 'shared.files[0]', 'files: [^config', '"config/.env" goes through "config", a symlink in the source dir'),
  { name: 'writable through an allowed external link', spec: swap('  exclude: [slipway.yml]\n', '  exclude: [slipway.yml]\n  allow_external_symlinks: true\nwritable: [storage/logs]\n'), files: { 'app/storage': { link: '/tmp' } }, key: 'writable[0]', at: 'writable: [^storage', says: '"storage/logs" goes through "storage"' },
  tree('shared dir that is a symlink', { 'app/realdata/x': 'x', 'app/data': { link: 'realdata' } }, 'shared: { dirs: [data] }', 'shared.dirs[0]', 'dirs: [^data', '"data" goes through "data"'),
  tree('copy_from_previous through a symlink', { 'app/v2/x': 'x', 'app/vendor': { link: 'v2' } }, 'copy_from_previous: [vendor/lib]', 'copy_from_previous[0]', 'previous: [^vendor', 'goes through "vendor"')
]

const arg = (name: string, argv: string[], key: string, says: string): Row => ({ name, spec: BASE, argv, key, at: null, says })
const cli: Row[] = [
  arg('--to traversal', ['rollback', '--to', '../../../../tmp/x/evil'], '--to', 'is not a release id'),
  arg('--to too short', ['rollback', '--to', '2026'], '--to', 'is not a release id'),
  arg('--to with a command', ['rollback', '--to', '20260102030405;touch /tmp/x'], '--to', 'is not a release id'),
  arg('--to empty', ['rollback', '--to', ''], '--to', 'is not a release id'),
  arg('--to with a slash', ['rollback', '--to', '20260102030405/../x'], '--to', 'is not a release id'),
  arg('--to with a newline', ['rollback', '--to', '20260102030405\n'], '--to', 'is not a release id'),
  arg('--to on deploy', ['deploy', '--to', '20260102030405'], '--to', 'is only for rollback'),
  arg('--lock-wait not seconds', ['deploy', '--lock-wait', '10m'], '--lock-wait', 'is not a number of seconds'),
  arg('--lock-wait on releases', ['releases', '--lock-wait', '60'], '--lock-wait', 'is only for deploy and rollback'),
  arg('unknown option', ['deploy', '--bogus'], '--bogus', "Unknown option '--bogus'"),
  arg('unknown command', ['frobnicate'], 'frobnicate', 'unknown command "frobnicate"'),
  arg('missing spec file', ['deploy', '--spec', 'missing.yml'], 'missing.yml', 'cannot read the deploy spec (ENOENT)'),
  { name: 'releases with a missing identity', spec: swap('identity: $KEY', 'identity: ./nope'), argv: ['releases'], key: 'hosts[0].identity', at: 'identity: ^./nope', says: 'cannot be read' },
  { name: 'unlock with a missing known_hosts', spec: swap('known_hosts: $KH', 'known_hosts: ./nope'), argv: ['unlock'], key: 'known_hosts', at: 'known_hosts: ^./nope', says: 'cannot be read' },
  { name: 'rollback with a .pub identity', spec: swap('identity: $KEY', 'identity: $KEY.pub'), argv: ['rollback'], key: 'hosts[0].identity', at: 'identity: ^/', says: 'is a public key' },
  { name: 'dry run with an escaping symlink', spec: BASE, files: { 'app/evil': { link: '/etc/passwd' } }, argv: ['deploy', '--dry-run'], key: 'source.dir', at: 'dir: ^app', says: 'outside the source dir' }
]

/** Every row of part 2. */
export const moreRows: Row[] = [...yaml, ...trees, ...cli]
