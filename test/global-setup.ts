/**
 * Vitest global setup: compile the Node entry points (dist-node/) before any test runs, so the
 * tests that start the CLI, the key server, browser mode or the launcher as child processes run
 * the JavaScript users run, built from the sources under test. Skipped when no source changed
 * since the last build, so a second test run does not swap the folder under a first one.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

export default function setup(): void {
  const root = resolve(import.meta.dirname, '..')
  const built = spawnSync(
    process.execPath,
    [resolve(root, 'scripts/build-node.mjs'), '--if-stale'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  )
  if (built.status !== 0)
    throw new Error(`the Node build failed:\n${built.stderr || built.error?.message || ''}`)
}
