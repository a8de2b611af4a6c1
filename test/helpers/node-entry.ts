/**
 * The compiled entry points (dist-node/, built by test/global-setup.ts) that tests start as
 * child processes with plain `node`, as users run them: no TypeScript loader.
 */
import { resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')

/** `keywarden` itself: the bin script, which runs dist-node/cli/main.mjs. */
export const CLI_BIN = resolve(ROOT, 'src-main/cli/bin.mjs')
/** `npm run keyserver`. */
export const KEYSERVER_ENTRY = resolve(ROOT, 'dist-node/keyserver/cli.mjs')
/** `npm run start:browser`. */
export const BROWSER_MODE_ENTRY = resolve(ROOT, 'dist-node/browser-mode/cli.mjs')
/** `npm start`. */
export const LAUNCHER_ENTRY = resolve(ROOT, 'dist-node/launcher/start.mjs')
