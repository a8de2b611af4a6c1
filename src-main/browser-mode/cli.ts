/**
 * `npm run start:browser -- --port <p> --data <dir> [--no-open]`: the app in a browser tab.
 * Stdout carries exactly one JSON line once listening (tools and tests read it); everything
 * else goes to stderr. SIGTERM/SIGINT lock the vault, stop the key server and exit.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, InvalidArgumentError } from 'commander'
import { AppServices, kdfFromEnv } from '../services/app-services'
import { defaultDataFolder } from '../vault/paths'
import { openBrowser } from './open-browser'
import { startBrowserServer } from './server'

/** Where the renderer build lives, relative to this source file. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url))

function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port from 0 to 65535')
  return port
}

export interface BrowserModeOptions {
  port: number
  dataDir: string
  open: boolean
}

/**
 * Start browser mode: the core, the server, the one JSON line on stdout, the browser, and a
 * clean stop on SIGTERM/SIGINT. Resolves with the URL once listening.
 */
export async function runBrowserMode(options: BrowserModeOptions): Promise<{ url: string }> {
  if (!existsSync(resolve(RENDERER_DIR, 'index.html')))
    process.stderr.write(
      'keywarden: the renderer is not built yet (run `npm run build`); only the API is served.\n',
    )
  if (kdfFromEnv())
    process.stderr.write(
      'keywarden: KEYWARDEN_TEST_KDF=fast: new vaults get weak test Argon2id parameters; for tests only.\n',
    )
  const services = new AppServices({ dataDir: options.dataDir, mode: 'browser' })
  services.start()
  const server = await startBrowserServer({
    services,
    rendererDir: RENDERER_DIR,
    port: options.port,
  })
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url })}\n`)
  if (options.open) openBrowser(server.url)

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void (async () => {
      await server.close().catch(() => undefined)
      await services.close().catch(() => undefined)
      process.exit(0)
    })()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  return { url: server.url }
}

/** Parse the command line and run browser mode. */
export async function main(argv: string[]): Promise<void> {
  const options = new Command()
    .name('keywarden-browser')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 0)
    .option('--data <dir>', 'data folder (vault and key server)')
    .option('--no-open', 'do not open the system browser')
    .configureOutput({
      writeOut: (s) => process.stderr.write(s),
      writeErr: (s) => process.stderr.write(s),
    })
    .parse(argv)
    .opts<{ port: number; data?: string; open: boolean }>()
  await runBrowserMode({
    port: options.port,
    dataDir: resolve(options.data ?? defaultDataFolder()),
    open: options.open,
  })
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
