/**
 * `npm run start:browser -- --port <p> --data <dir> [--no-open]`: the app in a browser tab.
 * Stdout carries exactly one JSON line once listening (tools and tests read it); everything
 * else goes to stderr. The page is built first when it is missing. SIGTERM/SIGINT lock the
 * vault, stop the key server (and a build still running) and exit.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { argumentValues, commanderMessage, redact } from '../cli/safe-errors'
import { AppServices, kdfFromEnv } from '../services/app-services'
import { defaultDataFolder } from '../vault/paths'
import { rendererBuilt, startRendererBuild } from './build-renderer'
import { LAUNCH_CODE_TTL_MS } from './guard'
import { writeLaunchFile } from './launch-file'
import { openBrowser } from './open-browser'
import { settleMemoryAfterUnlock } from './settle-memory'
import { startBrowserServer } from './server'

/** Where the renderer build lives, relative to this source file. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url))

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError('takes a port from 0 to 65535.')
  return port
}

export interface BrowserModeOptions {
  port: number
  dataDir: string
  open: boolean
  /** Folder of the renderer build (default out/renderer). */
  rendererDir?: string
}

/**
 * Start browser mode: the core, the server, the one JSON line on stdout, the browser, and a
 * clean stop on SIGTERM/SIGINT. Resolves with the printed one-time URL once listening.
 */
export async function runBrowserMode(
  options: BrowserModeOptions,
): Promise<{ url: string; stop: () => void }> {
  const rendererDir = options.rendererDir ?? RENDERER_DIR
  if (!rendererBuilt(rendererDir))
    process.stderr.write(
      'keywarden: the renderer is not built yet (run `npm run build`); only the API is served.\n',
    )
  if (kdfFromEnv())
    process.stderr.write(
      'keywarden: KEYWARDEN_TEST_KDF=fast: new vaults get weak test Argon2id parameters; for tests only.\n',
    )
  const services = new AppServices({ dataDir: options.dataDir, mode: 'browser' })
  services.start()
  const stopSettling = settleMemoryAfterUnlock(services.events)
  const server = await startBrowserServer({ services, rendererDir, port: options.port })
  // Two codes: the printed link and the opened page each work once (guard.ts says why).
  const url = server.launchUrl()
  process.stdout.write(`${JSON.stringify({ event: 'listening', url })}\n`)
  const launch = options.open ? writeLaunchFile(server.launchUrl()) : null
  if (launch) {
    openBrowser(launch.path)
    // The browser has read it by then, or its code has expired anyway.
    setTimeout(() => launch.remove(), LAUNCH_CODE_TTL_MS).unref()
  }

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    launch?.remove()
    stopSettling()
    void (async () => {
      await server.close().catch(() => undefined)
      await services.close().catch(() => undefined)
      process.exit(0)
    })()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return { url, stop }
}

/** How often to look whether the process that started us is still there. */
const PARENT_CHECK_MS = 1000

/**
 * Stop when the parent goes away. `npm run` starts us through a shell that does not pass
 * SIGTERM on, so a stopped npm would leave this server running as an orphan; noticing the
 * new parent (we are re-parented to init or a subreaper) ends it cleanly instead.
 */
function stopWithParent(stop: () => void): void {
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) stop()
  }, PARENT_CHECK_MS).unref()
}

/**
 * Build the page when it is missing. A stop signal during the build kills the build and
 * exits; a failed build is reported and browser mode does not start without its page.
 */
async function ensureRenderer(dir: string): Promise<void> {
  if (rendererBuilt(dir)) return
  process.stderr.write('keywarden: building the page (first start)…\n')
  const build = startRendererBuild(dir)
  const abort = (): void => {
    build.child.kill('SIGTERM')
    process.exit(130)
  }
  process.once('SIGTERM', abort)
  process.once('SIGINT', abort)
  const ok = await build.done
  process.off('SIGTERM', abort)
  process.off('SIGINT', abort)
  if (!ok) {
    process.stderr.write(
      'keywarden: the page could not be built; run `npm run build` to see why.\n',
    )
    process.exit(1)
  }
}

/** Parse the command line, build the page if needed, and run browser mode. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('keywarden-browser')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 0)
    .option('--data <dir>', 'data folder (vault and key server)')
    .option('--no-open', 'do not open the system browser')
    .addOption(new Option('--renderer <dir>', 'folder of the page build').hideHelp())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stderr.write(s),
      writeErr: (s) => process.stderr.write(s),
      // Rewritten below without the value given (safe-errors.ts says why).
      outputError: () => undefined,
    })
  try {
    program.parse(argv)
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error
    if (error.exitCode !== 0) {
      const message = redact(
        commanderMessage(error, program),
        argumentValues(argv.slice(2), program),
      )
      process.stderr.write(`keywarden: ${message}\n`)
    }
    process.exit(error.exitCode)
  }
  const options = program.opts<{ port: number; data?: string; open: boolean; renderer?: string }>()
  const rendererDir = resolve(options.renderer ?? RENDERER_DIR)
  await ensureRenderer(rendererDir)
  const { stop } = await runBrowserMode({
    port: options.port,
    dataDir: resolve(options.data ?? defaultDataFolder()),
    open: options.open,
    rendererDir,
  })
  stopWithParent(stop)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code
    process.stderr.write(
      `keywarden: ${code === 'EADDRINUSE' ? 'that port is already in use' : 'browser mode could not start'}\n`,
    )
    process.exit(1)
  })
}
