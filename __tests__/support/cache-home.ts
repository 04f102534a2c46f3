/** Test deploys keep their hash caches (src/deploy/hash-cache.ts) under the temp directory, not in the user's ~/.cache. */
import { tmpdir } from 'node:os'
import { join } from 'node:path'

process.env.XDG_CACHE_HOME = join(tmpdir(), 'slipway-test-cache')
