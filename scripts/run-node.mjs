#!/usr/bin/env node
/**
 * `node scripts/run-node.mjs <entry> [args…]`: run a compiled entry point from dist-node/
 * (`keyserver/cli`, `browser-mode/cli`, `launcher/start`), rebuilding it first if a source
 * changed since the last build. The npm scripts use this so that a checkout being edited never
 * runs stale code, and so that the entry runs in this same process: signals reach it directly,
 * with no shell or second Node in between.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ENTRIES, OUT_DIR, buildNode, nodeBuildStale } from './build-node.mjs'

const [name, ...args] = process.argv.slice(2)
if (!name || !(name in ENTRIES)) {
  process.stderr.write(`usage: run-node.mjs <${Object.keys(ENTRIES).join('|')}> [args…]\n`)
  process.exit(2)
}
if (nodeBuildStale()) await buildNode()
const entry = resolve(OUT_DIR, `${name}.mjs`)
// The entry checks process.argv[1] to know it is the script being run, as it would be if it
// had been started directly.
process.argv = [process.argv[0], entry, ...args]
await import(pathToFileURL(entry).href)
