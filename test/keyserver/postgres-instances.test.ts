/**
 * Several key server instances on one real PostgreSQL database act as one server: a key issued
 * on one validates on another at once, a revoke or rotation anywhere is refused everywhere within
 * a second, namespaces, counters, rate limits and the HMAC key are shared, and the database URL's
 * password never shows.
 */
import { spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer, type KeyServerHandle } from '../../src-main/keyserver'
import type { Json } from './helpers'
import { PG_PASSWORD, startPostgres, type TestPostgres, adminOn } from './postgres-helper'

const TOKEN = 'test-admin-token-0123456789'
const root = resolve(import.meta.dirname, '../..')
let postgres: TestPostgres
const folders: string[] = []
const servers: KeyServerHandle[] = []

beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined)
  await postgres?.stop()
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'kw-ks-pg-'))
  folders.push(f)
  return f
}

/** One instance on `database` (its own data folder, as on its own machine). */
async function instance(database: string, extra: { now?: () => number } = {}) {
  const s = await startKeyServer({
    dataDir: folder(),
    adminToken: TOKEN,
    database,
    flushIntervalMs: 50,
    ...extra,
  })
  servers.push(s)
  return s
}

/** Two instances started at once on a fresh database (they must agree on the HMAC key). */
async function pair(extra: { now?: () => number } = {}) {
  const url = await postgres.newDatabase()
  const [a, b] = await Promise.all([instance(url, extra), instance(url, extra)])
  return { url, a, b }
}

function admin(
  s: KeyServerHandle,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  return adminOn(s, TOKEN, method, path, body)
}

async function issue(s: KeyServerHandle, body: object, query = ''): Promise<Json> {
  const res = await admin(s, 'POST', `/admin/v1/keys${query}`, { name: 'k', ...body })
  expect(res.status).toBe(201)
  return res.body
}

/** Wellows validation of a credential: the HTTP status. */
async function validate(s: KeyServerHandle, credential: string, prefix = ''): Promise<number> {
  const res = await fetch(`${s.url}${prefix}/wellows/api/v1/validate`, {
    headers: { 'x-api-key': credential },
  })
  await res.arrayBuffer()
  return res.status
}

/** Poll until `check` holds, or fail once `deadlineMs` has passed; returns the time it took. */
async function within(deadlineMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > deadlineMs) throw new Error(`not within ${deadlineMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('two instances on one PostgreSQL database', () => {
  it('issue on A, validate on B at once; revoke on B, refused on A within 1 s', async () => {
    const { a, b } = await pair()
    const key = await issue(a, { style: 'wellows' })
    expect(await validate(b, key.credential)).toBe(200)
    expect(await validate(a, key.credential)).toBe(200)
    expect((await admin(b, 'POST', `/admin/v1/keys/${key.id}/revoke`)).status).toBe(200)
    expect(await validate(b, key.credential)).toBe(401)
    await within(1000, async () => (await validate(a, key.credential)) === 401)
  })

  it('a rotation on A retires the old key on B within 1 s; the new one validates on B at once', async () => {
    const { a, b } = await pair()
    const old = await issue(a, { style: 'wellows' })
    expect(await validate(b, old.credential)).toBe(200)
    const rotated = await admin(a, 'POST', `/admin/v1/keys/${old.id}/rotate`, {})
    expect(rotated.status).toBe(200)
    expect(await validate(b, rotated.body.credential)).toBe(200)
    await within(1000, async () => (await validate(b, old.credential)) === 401)
    // The admin view on B follows too.
    await within(1000, async () => {
      const view = await admin(b, 'GET', `/admin/v1/keys/${old.id}`)
      return view.body.status === 'revoked'
    })
  })

  it('a namespace made on A is usable on B, and its keys stay in it', async () => {
    const { a, b } = await pair()
    expect((await admin(a, 'POST', '/admin/v1/namespaces', { name: 'job-4812' })).status).toBe(201)
    const key = await issue(a, { style: 'wellows' }, '?namespace=job-4812')
    expect(await validate(b, key.credential, '/ns/job-4812')).toBe(200)
    expect(await validate(b, key.credential)).toBe(401)
    expect((await admin(b, 'GET', '/admin/v1/namespaces/job-4812')).status).toBe(200)
    const onB = await issue(b, { style: 'wellows', owner: 'bob' }, '?namespace=job-4812')
    expect(await validate(a, onB.credential, '/ns/job-4812')).toBe(200)
    expect((await fetch(`${b.url}/ns/no-such-job/wellows/api/v1/validate`)).status).toBe(404)
  })

  it("a namespace's clock and fault rules set on A hold on B within 1 s", async () => {
    const { a, b } = await pair()
    expect((await admin(a, 'POST', '/admin/v1/namespaces', { name: 'job-9' })).status).toBe(201)
    const key = await issue(a, { style: 'wellows', expiresInDays: 30 }, '?namespace=job-9')
    expect(await validate(b, key.credential, '/ns/job-9')).toBe(200)
    const advanced = await admin(a, 'POST', '/admin/v1/namespaces/job-9/clock/advance', {
      seconds: 31 * 86_400,
    })
    expect(advanced.status).toBe(200)
    await within(1000, async () => (await validate(b, key.credential, '/ns/job-9')) === 401)
    const rules = [{ provider: 'wellows', everyNth: 1, kind: 'status', status: 503 }]
    expect((await admin(a, 'PUT', '/admin/v1/namespaces/job-9/faults', { rules })).status).toBe(200)
    await within(1000, async () => {
      const res = await fetch(`${b.url}/ns/job-9/wellows/api/v1/validate`)
      await res.arrayBuffer()
      return res.status === 503 && res.headers.get('x-keywarden-fault') === 'status-503; rule=0'
    })
  })

  it('counts requests on A and B in one shared total, and logs them in one log', async () => {
    const { a, b } = await pair()
    const key = await issue(a, { style: 'wellows' })
    for (let i = 0; i < 3; i++) expect(await validate(a, key.credential)).toBe(200)
    for (let i = 0; i < 4; i++) expect(await validate(b, key.credential)).toBe(200)
    for (const s of [a, b])
      await within(3000, async () => {
        const usage = await admin(s, 'GET', `/admin/v1/keys/${key.id}/usage`)
        return usage.body.counters.requests === 7
      })
    // The request log is shared too: A's admin API shows B's requests.
    await within(3000, async () => {
      const log = await admin(a, 'GET', '/admin/v1/log?limit=50')
      return log.body.entries.filter((e: Json) => e.keyId === key.id).length === 7
    })
  })

  it('shares rate limits: Similarweb allows 10 a second per key over both instances', async () => {
    // One frozen clock: every request falls in the same one-second window.
    const t = Date.UTC(2026, 0, 15, 12, 0, 0, 100)
    const { url, a, b } = await pair({ now: () => t })
    const key = await issue(a, { style: 'similarweb' })
    const hit = async (s: KeyServerHandle) => {
      const res = await fetch(
        `${s.url}/similarweb/v1/website/example.com/total-traffic-and-engagement/visits?api_key=${key.credential}`,
      )
      await res.arrayBuffer()
      return res.status
    }
    const onA = await Promise.all(Array.from({ length: 6 }, () => hit(a)))
    expect(onA.filter((s) => s === 200)).toHaveLength(6)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // A's flush has stored its six; B reads the window back at its next flush.
      await within(3000, async () => {
        const r = await client.query('SELECT sum(n)::int AS n FROM keywarden.rate_windows')
        return r.rows[0].n === 6
      })
      await new Promise((r) => setTimeout(r, 300))
      const onB: number[] = []
      for (let i = 0; i < 6; i++) onB.push(await hit(b))
      expect(onB.filter((s) => s === 200)).toHaveLength(4)
      expect(onB.filter((s) => s === 429)).toHaveLength(2)
    } finally {
      await client.end()
    }
  })

  it('a revoke reaches an instance whose notification connection dropped (the re-check)', async () => {
    const { url, a, b } = await pair()
    const key = await issue(a, { style: 'wellows' })
    expect(await validate(b, key.credential)).toBe(200)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const killed = await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
      )
      expect(killed.rowCount).toBe(2)
    } finally {
      await client.end()
    }
    expect((await admin(a, 'POST', `/admin/v1/keys/${key.id}/revoke`)).status).toBe(200)
    await within(3000, async () => (await validate(b, key.credential)) === 401)
  })

  it('serves a known key from memory while the database is unreachable, and counts it once it is back', async () => {
    const { url, a } = await pair()
    const key = await issue(a, { style: 'wellows' })
    expect(await validate(a, key.credential)).toBe(200)
    const name = new URL(url).pathname.slice(1)
    const client = new pg.Client({ connectionString: url.replace(`/${name}`, '/postgres') })
    await client.connect()
    try {
      await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      )
      for (let i = 0; i < 5; i++) expect(await validate(a, key.credential)).toBe(200)
      // An unknown credential cannot be looked up now: refused on what the instance knows.
      expect(await validate(a, 'wl_not-a-key-0000000000000000')).toBe(401)
    } finally {
      await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
      await client.end()
    }
    // The requests counted while the database was away are written once it is back.
    await within(5000, async () => {
      const usage = await admin(a, 'GET', `/admin/v1/keys/${key.id}/usage`)
      return usage.body.counters.requests === 6
    })
    const check = new pg.Client({ connectionString: url })
    await check.connect()
    try {
      await within(5000, async () => {
        const r = await check.query(
          "SELECT value::int AS n FROM keywarden.counters WHERE scope = $1 AND name = 'requests'",
          [`key:${key.id}`],
        )
        return r.rows[0]?.n === 6
      })
    } finally {
      await check.end()
    }
  })

  it('a write the database refuses (the same project made on both at once) is a 409, and both converge', async () => {
    const { a, b } = await pair()
    const made = await Promise.all([
      admin(a, 'POST', '/admin/v1/projects', { id: 77, owner: 'alice', name: 'from A' }),
      admin(b, 'POST', '/admin/v1/projects', { id: 77, owner: 'alice', name: 'from B' }),
    ])
    const statuses = made.map((m) => m.status).sort()
    expect(statuses[0]).toBe(201)
    // Refused by the database, or already known from the winner's notification: a conflict.
    expect(statuses[1]).toBe(409)
    const winner = made.find((m) => m.status === 201)!.body.name
    for (const s of [a, b])
      await within(3000, async () => {
        const list = await admin(s, 'GET', '/admin/v1/projects')
        return list.body.projects.length === 1 && list.body.projects[0].name === winner
      })
  })

  it('KEYWARDEN_HMAC_SECRET, when set, is the key every instance hashes with', async () => {
    const secret = 'ab'.repeat(32)
    process.env.KEYWARDEN_HMAC_SECRET = secret
    try {
      const url = await postgres.newDatabase()
      const a = await instance(url)
      const key = await issue(a, { style: 'wellows' })
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        const r = await client.query('SELECT key_hash FROM keywarden.keys WHERE id = $1', [key.id])
        const expected = createHmac('sha256', Buffer.from(secret, 'hex'))
          .update(key.credential)
          .digest('base64')
        expect(r.rows[0].key_hash).toBe(expected)
      } finally {
        await client.end()
      }
    } finally {
      delete process.env.KEYWARDEN_HMAC_SECRET
    }
  })
})

describe('database URL errors', () => {
  it('an unreachable database: a clear error without the password', async () => {
    const url = `postgres://kwtest:${PG_PASSWORD}@127.0.0.1:1/nothing`
    const error = await startKeyServer({
      dataDir: folder(),
      adminToken: TOKEN,
      database: url,
    }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/Cannot use the PostgreSQL database .*nothing is listening/)
    expect(error?.message).not.toContain(PG_PASSWORD)
  })

  it('a URL that is not postgres:// is refused before any connection', async () => {
    const error = await startKeyServer({
      dataDir: folder(),
      adminToken: TOKEN,
      database: `mysql://kwtest:${PG_PASSWORD}@127.0.0.1/x`,
    }).then(
      () => null,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(/postgres:\/\//)
    expect(error?.message).not.toContain(PG_PASSWORD)
  })
})

describe('the built CLI with --database', () => {
  function launch(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, ['src-main/cli/bin.mjs', 'keyserver', ...args], {
      cwd: root,
      env: { ...process.env, KEYWARDEN_CONFIG_DIR: folder(), KEYWARDEN_ADMIN_TOKEN: TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    return { child, exited, output: () => ({ stdout, stderr }) }
  }

  it('serves from PostgreSQL and prints the URL without its password (option or environment)', async () => {
    const url = await postgres.newDatabase()
    for (const [args, env] of [
      [['--database', url], {}],
      [[], { KEYWARDEN_DATABASE_URL: url }],
    ] as const) {
      const run = launch(['--port', '0', '--data', folder(), ...args], env)
      await within(15_000, async () => run.output().stdout.includes('\n'))
      const line = JSON.parse(run.output().stdout.split('\n')[0]!)
      expect(line).toMatchObject({ event: 'listening', storage: 'postgres' })
      expect(line.database).toContain('***')
      expect(run.output().stdout + run.output().stderr).not.toContain(PG_PASSWORD)
      const created = await fetch(`${line.url}/admin/v1/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ style: 'wellows', name: 'ci' }),
      })
      expect(created.status).toBe(201)
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
    }
  })

  it('an unreachable database: exit 1 and a sentence without the password', async () => {
    const run = launch([
      '--port',
      '0',
      '--data',
      folder(),
      '--database',
      `postgres://kwtest:${PG_PASSWORD}@127.0.0.1:1/nothing`,
    ])
    expect(await run.exited).toBe(1)
    const { stdout, stderr } = run.output()
    expect(stderr).toMatch(/Cannot use the PostgreSQL database/)
    expect(stdout + stderr).not.toContain(PG_PASSWORD)
  })
})
