/**
 * Headless key server: `npm run keyserver -- --port <p> --data <dir>` and `keywarden keyserver`
 * share this one implementation. Once listening it prints exactly one JSON line on stdout and
 * nothing else; SIGTERM or SIGINT closes it cleanly (counters and the request log are flushed).
 * Beyond loopback it warns on stderr and needs an admin token from the environment or a file.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Command, CommanderError } from 'commander'
import { CliError } from '../cli/io'
import { isLoopbackHost } from './hosts'

export interface HeadlessOptions {
  port: string | number
  data: string
  host?: string
  /** A file holding the admin token (read once; its content is never printed). */
  adminTokenFile?: string
  /** Serve the CI job's own namespace (from CI_JOB_ID or GITHUB_RUN_ID) and print its URLs. */
  namespaceFromEnv?: boolean
  /** A postgres:// URL shared by several instances (else KEYWARDEN_DATABASE_URL, else SQLite). */
  database?: string
}

/** The namespace of this CI job: `job-<CI_JOB_ID>` (GitLab) or `run-<GITHUB_RUN_ID>` (GitHub). */
export function namespaceFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const id = (env.CI_JOB_ID ?? '').trim()
  if (/^[A-Za-z0-9._-]{1,50}$/.test(id)) return `job-${id}`
  const run = (env.GITHUB_RUN_ID ?? '').trim()
  if (/^[A-Za-z0-9._-]{1,50}$/.test(run)) return `run-${run}`
  throw new CliError(
    '--namespace-from-env needs CI_JOB_ID or GITHUB_RUN_ID (letters, digits, ".", "-", "_").',
  )
}

/** The admin token from --admin-token-file; errors name the file, never its content. */
function readTokenFile(path: string): string {
  let token: string
  try {
    token = readFileSync(path, 'utf8').trim()
  } catch {
    throw new CliError(`Cannot read the admin token file ${path}.`)
  }
  if (token.length < 16 || /\s/.test(token))
    throw new CliError(
      `The admin token file ${path} must hold one token of at least 16 characters, without spaces.`,
    )
  return token
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
  const host = options.host ?? '127.0.0.1'
  const adminToken = options.adminTokenFile ? readTokenFile(options.adminTokenFile) : undefined
  const namespace = options.namespaceFromEnv ? namespaceFromEnv() : undefined
  if (!isLoopbackHost(host)) {
    if (!adminToken && !process.env.KEYWARDEN_ADMIN_TOKEN)
      throw new CliError(
        `--host ${host} exposes the key server to other machines: give the admin token in KEYWARDEN_ADMIN_TOKEN or --admin-token-file.`,
      )
    process.stderr.write(
      `keyserver: warning: listening on ${host}, not loopback. Anyone who can reach this address can use the keys it issues, and the admin API (issue, revoke, reset) is guarded only by the admin token; expose it only on a network you trust.\n`,
    )
  }
  // Loaded here, not at the top: `keywarden` registers this command on every run, and fastify
  // and SQLite are only needed once the server starts.
  const database = options.database || process.env.KEYWARDEN_DATABASE_URL || undefined
  const [{ startKeyServer }, { DatabaseFromNewerVersionError }, { StartupError }] =
    await Promise.all([import('./index'), import('../db/sqlite'), import('./errors')])
  const handle = await startKeyServer({
    dataDir: resolve(options.data),
    port,
    host,
    adminToken,
    database,
  }).catch((error: unknown) => {
    // Known failures get a sentence a user can act on; anything else stays generic (no detail
    // that could carry data from the folder). A StartupError never carries the password.
    if (error instanceof DatabaseFromNewerVersionError || error instanceof StartupError)
      throw new CliError(error.message)
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new CliError(`Port ${port} is already in use; choose another one or 0 for a free one.`)
    throw error
  })
  const line: Record<string, unknown> = {
    event: 'listening',
    url: handle.url,
    adminTokenFile: handle.adminTokenFile,
  }
  if (database) {
    const { redactUrl } = await import('./storage/postgres-schema')
    line.storage = 'postgres'
    line.database = redactUrl(database)
  }
  if (namespace) {
    line.namespace = namespace
    line.baseUrls = await handle.ensureNamespace(namespace)
  }
  process.stdout.write(`${JSON.stringify(line)}\n`)
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
    .option(
      '--host <host>',
      'address to listen on (beyond loopback needs an admin token)',
      '127.0.0.1',
    )
    .option(
      '--admin-token-file <path>',
      'file holding the admin token (else KEYWARDEN_ADMIN_TOKEN)',
    )
    .option(
      '--database <url>',
      'keep all state in this PostgreSQL database (postgres://…), shared by several instances (else KEYWARDEN_DATABASE_URL; default: SQLite in the data folder)',
    )
    .option(
      '--namespace-from-env',
      "serve this CI job's namespace (CI_JOB_ID or GITHUB_RUN_ID) and print its base URLs",
    )
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
