#!/usr/bin/env node
// The `keywarden` command: the compiled CLI in dist-node/, which `npm install` builds (the
// `prepare` script). A checkout where it is missing builds it once, here, on first run.
// Only the compiled JavaScript runs: no TypeScript is compiled while a command runs.
import { existsSync } from 'node:fs'
import module from 'node:module'

// Node 22.1 and later keep the compiled code of the bundle between runs; older Node skips this.
module.enableCompileCache?.()

const entry = new URL('../../dist-node/cli/main.mjs', import.meta.url)
if (!existsSync(entry)) {
  const { buildNode } = await import('../../scripts/build-node.mjs')
  await buildNode({ onlyIfMissing: true })
}
const { runCli } = await import(entry.href)
process.exitCode = await runCli(process.argv)
