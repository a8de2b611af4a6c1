#!/usr/bin/env node
// The `keywarden` command. Runs the TypeScript CLI through tsx so `npm install` alone makes it
// usable (no build step); the desktop app bundles the same modules with electron-vite.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('./main.ts')
process.exitCode = await runCli(process.argv)
