/** Whether a module is the script node was started with (the runner's `node dist/index.js`), or was imported. */
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * True when `moduleUrl` (the caller's `import.meta.url`) is the file node was started with. The runner starts
 * `node dist/index.js`, so the step runs itself; a tool that imports the bundle and calls its exported `run()`
 * (`@github/local-action`) gets no second, unasked-for run.
 */
export function isEntry(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  if (!script) return false
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl))
  } catch {
    return false
  }
}
