import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SERVER_STYLES,
  interpretValidationResponse,
  validationRequest,
  type ServerStyle,
} from '../../src-main/providers'
import { CreateKeyBody, RotateKeyBody } from '../../src-main/keyserver/schemas'
import { ADMIN_TOKEN, call, startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

async function raw(path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${fx.server.url}${path}`, init)
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text) }
}

const jsonHeaders = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

describe('admin API: authentication', () => {
  it('answers a missing or wrong token with 401 JSON on every route, before reading the body', async () => {
    const bodies = JSON.stringify({ style: 'webpagetest', name: 'x' })
    for (const authorization of [
      undefined,
      'Bearer',
      'Bearer wrong',
      `Bearer ${ADMIN_TOKEN}x`,
      `Basic ${ADMIN_TOKEN}`,
      ADMIN_TOKEN,
    ]) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (authorization !== undefined) headers.authorization = authorization
      for (const [method, path] of [
        ['POST', '/admin/v1/keys'],
        ['GET', '/admin/v1/keys'],
        ['POST', '/admin/v1/reset'],
        ['GET', '/admin/openapi.json'],
      ] as const) {
        const res = await raw(path, {
          method,
          headers,
          body: method === 'POST' ? bodies : undefined,
        })
        expect(res.status).toBe(401)
        expect(res.body.error).toBe('unauthorized')
      }
    }
    expect((await fx.admin('GET', '/admin/v1/keys')).body.keys).toEqual([])
  })
})

describe('admin API: bodies', () => {
  it('answers an oversized body with 413 JSON and malformed JSON with 400 JSON', async () => {
    const big = JSON.stringify({ style: 'webpagetest', name: 'x'.repeat(70 * 1024) })
    const tooBig = await raw('/admin/v1/keys', { method: 'POST', headers: jsonHeaders, body: big })
    expect(tooBig).toEqual({
      status: 413,
      body: { error: 'body-too-large', message: expect.any(String) },
    })
    const secret = 'uspl_SECRETSECRETSECRET'
    const bad = await raw('/admin/v1/keys', {
      method: 'POST',
      headers: jsonHeaders,
      body: `{"name":"${secret}",`,
    })
    expect(bad).toEqual({
      status: 400,
      body: { error: 'malformed-json', message: 'The request body is not valid JSON.' },
    })
    const empty = await raw('/admin/v1/keys', { method: 'POST', headers: jsonHeaders, body: '' })
    expect(empty.status).toBe(400)
    const text = await raw('/admin/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' },
      body: 'hello',
    })
    expect(text.status).toBe(400)
    expect(text.body.error).toBe('invalid-body')
  })

  it('refuses unknown fields and bad values with 400 naming the field', async () => {
    const res = await fx.admin('POST', '/admin/v1/keys', { style: 'nope', name: 'x', extra: 1 })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid-body')
    expect(res.body.message).toMatch(/style/)
    const both = await fx.admin('POST', '/admin/v1/keys', {
      style: 'wellows',
      name: 'x',
      expiresInDays: 1,
      expiresAt: '2030-01-01T00:00:00Z',
    })
    expect(both.status).toBe(400)
  })

  it('answers a malformed URL with 400 JSON that does not echo it', async () => {
    const res = await call(fx, '/similarweb/%zz?api_key=abc')
    expect(res.status).toBe(400)
    expect(res.json()).toEqual({
      error: 'malformed-request',
      message: 'The request URL is not valid.',
    })
  })

  it('answers unknown routes and ids with 404 JSON', async () => {
    expect((await fx.admin('GET', '/admin/v1/keys/key_nope')).status).toBe(404)
    const res = await call(fx, '/nowhere?api_key=abc')
    expect(res.status).toBe(404)
    expect(res.json()).toEqual({ error: 'not-found', message: 'No route GET /nowhere' })
  })

  it('never answers a 5xx, whatever the body (fast-check)', async () => {
    const nearValid = fc.record(
      {
        style: fc.oneof(fc.constantFrom(...SERVER_STYLES), fc.string()),
        name: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
        owner: fc.oneof(fc.string({ maxLength: 5 }), fc.constant('fc')),
        expiresInDays: fc.oneof(
          fc.double(),
          fc.integer({ min: -5, max: 4000 }),
          fc.constantFrom(7, 30, 91),
        ),
        expiresAt: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        level: fc.oneof(fc.constantFrom('user', 'project'), fc.string()),
        projectId: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
        apiType: fc.constantFrom('rest', 'batch', 'x'),
        active: fc.oneof(fc.boolean(), fc.string()),
        readOnly: fc.boolean(),
        overlapSeconds: fc.integer({ min: -10, max: 10_000_000 }),
      },
      { requiredKeys: [] },
    )
    const body = fc.oneof(fc.jsonValue(), nearValid)
    const target = fc.constantFrom(
      ['POST', '/admin/v1/keys'],
      ['POST', '/admin/v1/users'],
      ['POST', '/admin/v1/projects'],
      ['PUT', '/admin/v1/policy/fc'],
      ['PUT', '/admin/v1/settings'],
      ['POST', '/admin/v1/keys/ROTATE/rotate'],
    )
    const victim = await fx.issue({ style: 'wellows', owner: 'fc-victim' })
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, path], value) => {
        const res = await fetch(`${fx.server.url}${path.replace('ROTATE', victim.id)}`, {
          method,
          headers: jsonHeaders,
          body: JSON.stringify(value),
        })
        const text = await res.text()
        expect(res.status).toBeLessThan(500)
        expect(() => JSON.parse(text)).not.toThrow()
        // Rotation may have replaced the victim; keep a live one around.
        if (path.endsWith('/rotate') && res.status === 200)
          victim.id = (JSON.parse(text) as { id: string }).id
      }),
      { numRuns: 300 },
    )
    await fx.admin('PUT', '/admin/v1/settings', { webpagetestGraceDays: 2, rateLimits: true })
  })
})

describe('admin API: documents and limits', () => {
  it('serves an OpenAPI 3.1 document generated from the same schemas', async () => {
    const doc = (await fx.admin('GET', '/admin/openapi.json')).body
    expect(doc.openapi).toBe('3.1.0')
    const create = doc.paths['/admin/v1/keys'].post.requestBody.content['application/json'].schema
    expect(create).toEqual(
      JSON.parse(
        JSON.stringify(z.toJSONSchema(CreateKeyBody, { target: 'draft-2020-12', io: 'input' })),
      ),
    )
    const rotate =
      doc.paths['/admin/v1/keys/{id}/rotate'].post.requestBody.content['application/json'].schema
    expect(rotate.properties.overlapSeconds).toBeDefined()
    expect(rotate).toEqual(
      JSON.parse(
        JSON.stringify(z.toJSONSchema(RotateKeyBody, { target: 'draft-2020-12', io: 'input' })),
      ),
    )
    expect(doc.paths['/admin/v1/keys/{id}/expire'].post.summary).toMatch(/Test affordance/)
  })

  it.each([
    ['userplane', 3],
    ['similarweb', 3],
    ['webpagetest', 30],
  ] as const)('100 parallel %s creates never exceed the limit of %i', async (style, limit) => {
    const owner = `parallel-${style}`
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fx.admin('POST', '/admin/v1/keys', { style, owner, name: `k${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(limit)
    expect(results.filter((r) => r.status === 409)).toHaveLength(100 - limit)
    const listed = (await fx.admin('GET', `/admin/v1/keys?style=${style}&owner=${owner}`)).body.keys
    expect(listed).toHaveLength(limit)
  })

  it('lists and gets keys masked only: the credential appears only at creation and rotation', async () => {
    const key = await fx.issue({ style: 'userplane', owner: 'mask' })
    const listed = JSON.stringify((await fx.admin('GET', '/admin/v1/keys')).body)
    const got = await fx.admin('GET', `/admin/v1/keys/${key.id}`)
    expect(listed).not.toContain(key.credential)
    expect(JSON.stringify(got.body)).not.toContain(key.credential)
    expect(got.body.masked).toBe(`${key.credential.slice(0, 9)}…${key.credential.slice(-4)}`)
    expect(got.body.credential).toBeUndefined()
  })
})

describe('every style refuses the keys of every other style', () => {
  it.each(SERVER_STYLES.map((s) => [s]))('a %s key', async (issued: ServerStyle) => {
    const key = await fx.issue({ style: issued, owner: `cross-${issued}` })
    const [id, secret] = key.credential.split(':')
    for (const style of SERVER_STYLES) {
      const credential =
        style === 'blazemeter' ? { key: id, secret: secret ?? id } : { key: key.credential }
      for (const apiType of ['rest', 'batch'] as const) {
        const req = validationRequest(style, credential, { apiType })
        const res = await call(fx, `/${style}${req.path}`, req.headers)
        const verdict = interpretValidationResponse(style, res.status, res.text)
        // Only its own style accepts a key (and a Similarweb REST key is refused on Batch).
        const own = style === issued && !(style === 'similarweb' && apiType === 'batch')
        expect(verdict, `${issued} key at ${style} (${apiType})`).toBe(own ? 'valid' : 'invalid')
      }
    }
  })
})

describe('a key validated a moment ago (its digest remembered) follows every change at once', () => {
  async function verdictOf(style: ServerStyle, credential: string): Promise<string> {
    const [key, secret] = credential.split(':') as [string, string | undefined]
    const req = validationRequest(style, { key, secret })
    const res = await call(fx, `/${style}${req.path}`, req.headers)
    return interpretValidationResponse(style, res.status, res.text)
  }

  it.each(SERVER_STYLES.map((s) => [s]))('%s: revoked, then the server reset', async (style) => {
    const key = await fx.issue({ style, owner: `memo-${style}` })
    const other = await fx.issue({ style, owner: `memo-${style}` })
    for (let i = 0; i < 3; i++) expect(await verdictOf(style, key.credential)).toBe('valid')
    expect(await verdictOf(style, other.credential)).toBe('valid')
    expect((await fx.admin('POST', `/admin/v1/keys/${key.id}/revoke`)).status).toBe(200)
    expect(await verdictOf(style, key.credential)).not.toBe('valid')
    expect(await verdictOf(style, other.credential)).toBe('valid')
    expect((await fx.admin('POST', '/admin/v1/reset')).status).toBe(200)
    expect(await verdictOf(style, other.credential)).toBe('invalid')
  })

  it('userplane: the old key dies the moment it is rotated in its slot', async () => {
    const key = await fx.issue({ style: 'userplane', owner: 'memo-rotate' })
    expect(await verdictOf('userplane', key.credential)).toBe('valid')
    const rotated = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`, {})
    expect(rotated.status).toBe(200)
    expect(await verdictOf('userplane', key.credential)).toBe('invalid')
    expect(await verdictOf('userplane', rotated.body.credential)).toBe('valid')
  })
})

describe('storage and persistence', () => {
  it('keeps keys, users, projects, policy, settings, counters and the log across a restart', async () => {
    await fx.admin('PUT', '/admin/v1/policy/persist', {
      webpagetestMonthlyTests: 50,
      blazemeterExpiryCap: '1-year',
    })
    await fx.admin('POST', '/admin/v1/projects', { owner: 'persist', name: 'P', id: 501 })
    await fx.admin('PUT', '/admin/v1/settings', { webpagetestGraceDays: 3 })
    const wpt = await fx.issue({ style: 'webpagetest', owner: 'persist' })
    const wel = await fx.issue({
      style: 'wellows',
      owner: 'persist',
      level: 'project',
      projectId: 501,
    })
    const bz = await fx.issue({ style: 'blazemeter', owner: 'persist' })
    const run = await call(fx, '/webpagetest/runtest.php?url=https://example.com&f=json&runs=2', {
      'X-WPT-API-KEY': wpt.credential,
    })
    expect(run.json().statusCode).toBe(200)
    const before = (await fx.admin('GET', `/admin/v1/keys/${wpt.id}`)).body
    expect(before.usage.requests).toBe(1)
    await fx.restart()
    const balance = await call(fx, '/webpagetest/testBalance.php', {
      'X-WPT-API-KEY': wpt.credential,
    })
    expect(balance.json()).toEqual({ data: { remaining: 48 } })
    expect((await fx.admin('GET', `/admin/v1/keys/${wpt.id}`)).body.usage.requests).toBe(2)
    const v = await call(fx, '/wellows/api/v1/validate', { 'X-API-Key': wel.credential })
    expect(v.json().data.project_id).toBe(501)
    expect((await fx.admin('GET', '/admin/v1/policy/persist')).body.blazemeterExpiryCap).toBe(
      '1-year',
    )
    expect((await fx.admin('GET', '/admin/v1/settings')).body.webpagetestGraceDays).toBe(3)
    expect(Date.parse(bz.expiresAt) - fx.clock.t).toBe(365 * 86_400_000)
    expect(
      fx.server
        .recentLog(1000)
        .some((e) => e.keyId === wpt.id && e.path === '/webpagetest/runtest.php'),
    ).toBe(true)
    await fx.admin('PUT', '/admin/v1/settings', { webpagetestGraceDays: 2 })
  })

  it('stores no key or secret in clear anywhere in the data folder; files are 0600', async () => {
    const keys = await Promise.all(SERVER_STYLES.map((style) => fx.issue({ style, owner: 'disk' })))
    await fx.restart() // every file is read below, the WAL included
    for (const file of readdirSync(fx.dataDir)) {
      const path = join(fx.dataDir, file)
      expect(statSync(path).mode & 0o777, file).toBe(0o600)
      const bytes = readFileSync(path).toString('latin1')
      for (const k of keys)
        for (const part of k.credential.split(':')) {
          if (k.style === 'blazemeter' && part.length === 24) continue // the key id is its record id
          expect(bytes.includes(part), `${k.style} credential in ${file}`).toBe(false)
        }
    }
    expect(statSync(fx.dataDir).mode & 0o777).toBe(0o700)
  })
})

describe('request log', () => {
  it('notifies listeners, unsubscribes, and never holds a key, a secret or a query string', async () => {
    const seen: string[] = []
    const off = fx.server.onLog((e) => seen.push(`${e.style} ${e.status} ${e.outcome}`))
    const up = await fx.issue({ style: 'userplane', owner: 'logger' })
    await call(fx, '/userplane/api/v1/public/me', { authorization: `Bearer ${up.credential}` })
    await call(fx, '/userplane/api/v1/public/me', { authorization: 'Bearer uspl_wrong' })
    off()
    await call(fx, '/userplane/api/v1/public/me', { authorization: `Bearer ${up.credential}` })
    expect(seen).toEqual(['userplane 200 ok', 'userplane 401 invalid-key'])
    const logged = await fx.admin('GET', '/admin/v1/log?limit=1000')
    const text = JSON.stringify(logged.body)
    expect(text).not.toContain(up.credential)
    expect(text).not.toContain('?')
  })

  it('reset clears everything', async () => {
    const key = await fx.issue({ style: 'userplane', owner: 'gone' })
    expect((await fx.admin('POST', '/admin/v1/reset')).status).toBe(200)
    expect((await fx.admin('GET', '/admin/v1/keys')).body.keys).toEqual([])
    expect((await fx.admin('GET', '/admin/v1/users')).body.users).toEqual([])
    const res = await call(fx, '/userplane/api/v1/public/me', {
      authorization: `Bearer ${key.credential}`,
    })
    expect(res.status).toBe(401)
    await fx.restart()
    expect((await fx.admin('GET', '/admin/v1/keys')).body.keys).toEqual([])
  })
})
