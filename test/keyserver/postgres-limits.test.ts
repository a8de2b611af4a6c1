/**
 * Provider limits across instances: two key servers on one real PostgreSQL database, each sent
 * issue (or activate) calls for the same owner at the same moment, up to and past the limit,
 * must together allow exactly the limit; the rest get the provider's own limit error.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer, type KeyServerHandle } from '../../src-main/keyserver'
import type { Json } from './helpers'
import { startPostgres, type TestPostgres, adminOn } from './postgres-helper'

const TOKEN = 'test-admin-token-limits-0123456789'
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

/** Two instances on a fresh database, each with its own data folder (as on two machines). */
async function pair(): Promise<{ url: string; a: KeyServerHandle; b: KeyServerHandle }> {
  const url = await postgres.newDatabase()
  const start = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kw-ks-limits-'))
    folders.push(dataDir)
    const s = await startKeyServer({ dataDir, adminToken: TOKEN, database: url })
    servers.push(s)
    return s
  }
  const [a, b] = await Promise.all([start(), start()])
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

/** `n` calls on each instance, all in flight at once (interleaved A, B, A, B, …). */
function burst<T>(
  a: KeyServerHandle,
  b: KeyServerHandle,
  n: number,
  call: (s: KeyServerHandle, i: number) => Promise<T>,
) {
  return Promise.all(Array.from({ length: 2 * n }, (_, i) => call(i % 2 === 0 ? a : b, i)))
}

/** Rows in the shared database: keys of a style and owner, and how many are in a status. */
async function stored(url: string, style: string, owner: string, status?: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const r = await client.query(
      `SELECT count(*)::int AS n FROM keywarden.keys
       WHERE namespace = 'default' AND style = $1 AND owner = $2 AND ($3::text IS NULL OR status = $3)`,
      [style, owner, status ?? null],
    )
    return r.rows[0].n
  } finally {
    await client.end()
  }
}

/** The statuses of `results`, and the bodies of those that were refused. */
function tally(results: { status: number; body: Json }[]) {
  const ok = results.filter((r) => r.status === 201 || r.status === 200)
  const refused = results.filter((r) => r.status !== 201 && r.status !== 200)
  return { ok, refused }
}

describe('provider limits on two instances sharing one PostgreSQL database', () => {
  it('Userplane: 12 issues at once for one user over A and B, exactly 3 succeed', async () => {
    const { url, a, b } = await pair()
    const results = await burst(a, b, 6, (s, i) =>
      admin(s, 'POST', '/admin/v1/keys', { style: 'userplane', owner: 'ada', name: `k${i}` }),
    )
    const { ok, refused } = tally(results)
    expect(ok).toHaveLength(3)
    expect(ok.every((r) => r.status === 201 && typeof r.body.credential === 'string')).toBe(true)
    expect(refused).toHaveLength(9)
    for (const r of refused) {
      expect(r.status).toBe(409)
      expect(r.body.error).toBe('limit-exceeded')
      expect(r.body.message).toMatch(
        /^Userplane allows a maximum of 3 API keys per user; user "ada" already has 3\./,
      )
    }
    // The database holds exactly the three, which every instance then counts.
    expect(await stored(url, 'userplane', 'ada')).toBe(3)
    const again = await admin(b, 'POST', '/admin/v1/keys', {
      style: 'userplane',
      owner: 'ada',
      name: 'x',
    })
    expect(again.status).toBe(409)
    // Another user of the same namespace is not held by ada's limit or lock.
    const other = await admin(a, 'POST', '/admin/v1/keys', {
      style: 'userplane',
      owner: 'bo',
      name: 'y',
    })
    expect(other.status).toBe(201)
  })

  it('WebPageTest: 40 issues at once for one account over A and B, exactly 30 succeed', async () => {
    const { url, a, b } = await pair()
    const results = await burst(a, b, 20, (s, i) =>
      admin(s, 'POST', '/admin/v1/keys', { style: 'webpagetest', owner: 'acme', name: `k${i}` }),
    )
    const { ok, refused } = tally(results)
    expect(ok).toHaveLength(30)
    expect(refused).toHaveLength(10)
    for (const r of refused) {
      expect(r.status).toBe(409)
      expect(r.body.error).toBe('limit-exceeded')
      expect(r.body.message).toMatch(/^WebPageTest allows at most 30 API keys per account/)
    }
    expect(await stored(url, 'webpagetest', 'acme')).toBe(30)
  })

  it('Similarweb: activating 8 disabled keys at once over A and B leaves exactly 3 active', async () => {
    const { url, a, b } = await pair()
    const ids: string[] = []
    for (let i = 0; i < 8; i++) {
      const res = await admin(i % 2 ? b : a, 'POST', '/admin/v1/keys', {
        style: 'similarweb',
        owner: 'sam',
        name: `k${i}`,
        active: false,
      })
      expect(res.status).toBe(201)
      ids.push(res.body.id)
    }
    // Each instance must know every key before it can activate it (A's reach B by NOTIFY).
    for (const s of [a, b])
      for (const id of ids)
        for (
          let tries = 0;
          (await admin(s, 'GET', `/admin/v1/keys/${id}`)).status !== 200;
          tries++
        ) {
          if (tries > 100) throw new Error('key never reached the other instance')
          await new Promise((r) => setTimeout(r, 20))
        }
    const results = await Promise.all(
      ids.map((id, i) => admin(i % 2 ? a : b, 'POST', `/admin/v1/keys/${id}/activate`)),
    )
    const { ok, refused } = tally(results)
    expect(ok).toHaveLength(3)
    expect(refused).toHaveLength(5)
    for (const r of refused) {
      expect(r.status).toBe(409)
      expect(r.body.error).toBe('limit-exceeded')
      expect(r.body.message).toMatch(/^Similarweb allows up to 3 active API keys per user/)
    }
    expect(await stored(url, 'similarweb', 'sam', 'active')).toBe(3)
  })

  it('a limited issue the database refuses answers 503 and leaves no key behind in memory', async () => {
    const { url, a } = await pair()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // The refusal comes after the check passed and memory took the key: the commit fails.
      await client.query(`
        CREATE FUNCTION keywarden.refuse() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON keywarden.keys
          FOR EACH ROW EXECUTE FUNCTION keywarden.refuse();`)
      const refused = await admin(a, 'POST', '/admin/v1/keys', {
        style: 'userplane',
        owner: 'cy',
        name: 'k',
      })
      expect(refused.status).toBe(503)
      expect(refused.body.error).toBe('database-unavailable')
      expect(JSON.stringify(refused.body)).not.toContain('refused for the test')
      // Memory is read back from the database: the key it briefly held is gone.
      for (let tries = 0; ; tries++) {
        const list = await admin(a, 'GET', '/admin/v1/keys?owner=cy')
        if (list.body.keys.length === 0) break
        if (tries > 100) throw new Error('the refused key stayed in memory')
        await new Promise((r) => setTimeout(r, 20))
      }
      await client.query('DROP TRIGGER refuse ON keywarden.keys')
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          admin(a, 'POST', '/admin/v1/keys', { style: 'userplane', owner: 'cy', name: `k${i}` }),
        ),
      )
      expect(results.filter((r) => r.status === 201)).toHaveLength(3)
      expect(await stored(url, 'userplane', 'cy')).toBe(3)
    } finally {
      await client.end()
    }
  })
})
