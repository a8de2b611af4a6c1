/**
 * Headless key server: `npm run keyserver -- --port <p> --data <dir>` and `keywarden keyserver`
 * share this one implementation. Once listening it prints exactly one JSON line on stdout and
 * nothing else; SIGTERM or SIGINT closes it cleanly (counters and the request log are flushed).
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Command, CommanderError } from 'commander'
import { CliError } from '../cli/io'

export interface HeadlessOptions {
  port: string | number
  data: string
  host?: string
}

/** Check the --port value: a whole number 0–65535 (0 picks a free port). */
export function parsePort(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value)
  if (!/^\d+$/.test(String(value)) || !Number.isInteger(n) || n < 0 || n > 65_535)
    throw new CliError('--port must be a whole number from 0 to 65535.')
  return n
}

/** Run until SIGTERM/SIGINT; resolves after a clean close. */
export async function serveHeadless(options: HeadlessOptions): Promise<void> {
  const port = parsePort(options.port)
  if (!options.data) throw new CliError('--data <dir> is required.')
  // Loaded here, not at the top: `keywarden` registers this command on every run, and fastify
  // and SQLite are only needed once the server starts.
  const [{ startKeyServer }, { DatabaseFromNewerVersionError }] = await Promise.all([
    import('./index'),
    import('../db/sqlite'),
  ])
  const handle = await startKeyServer({
    dataDir: resolve(options.data),
    port,
    host: options.host,
  }).catch((error: unknown) => {
    // Known failures get a sentence a user can act on; anything else stays generic (no detail
    // that could carry data from the folder).
    if (error instanceof DatabaseFromNewerVersionError) throw new CliError(error.message)
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CliError(`Port ${port} is already in use; choose another one or 0 for a free one.`)
    throw error
  })
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: handle.url, adminTokenFile: handle.adminTokenFile })}\n`,
  )
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      handle.close().then(done, (error: unknown) => {
        process.stderr.write(
          `keyserver: close failed (${error instanceof Error ? error.name : 'error'})\n`,
        )
        done()
      })
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}

/** Options shared by the standalone script and the `keywarden keyserver` subcommand. */
export function addHeadlessOptions(command: Command): Command {
  return command
    .requiredOption('--data <dir>', 'data folder (database, HMAC secret, admin token)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
}

async function main(argv: string[]): Promise<number> {
  const program = addHeadlessOptions(
    new Command().name('keyserver').description('Run the local key server headless').exitOverride(),
  ).action(async (opts: HeadlessOptions) => serveHeadless(opts))
  try {
    await program.parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message =
      error instanceof CliError
        ? error.message
        : error instanceof Error && 'code' in error
          ? error.message
          : 'unexpected error'
    process.stderr.write(`keyserver: ${message}\n`)
    return 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv)
}
