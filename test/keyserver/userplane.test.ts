import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, call, expectIssueRefused, startFixture, type Fixture } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

const me = (key?: string, raw?: string) =>
  call(
    fx,
    '/userplane/api/v1/public/me',
    raw ? { authorization: raw } : key ? { authorization: `Bearer ${key}` } : {},
  )

async function expectError(res: Awaited<ReturnType<typeof me>>, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.json()).toEqual({ error: code, message: expect.any(String) })
}

describe('Userplane', () => {
  it('answers /me for a valid key', async () => {
    await fx.admin('POST', '/admin/v1/users', {
      name: 'uma',
      displayName: 'Uma Lee',
      email: 'uma@example.test',
    })
    const key = await fx.issue({ style: 'userplane', owner: 'uma', expiresInDays: 30 })
    expect(key.credential).toMatch(/^uspl_[A-Za-z0-9]{40}$/)
    expect(key.masked).toMatch(/^uspl_.{4}….{4}$/)
    const res = await me(key.credential)
    expect(res.status).toBe(200)
    const body = res.json()
    expect(body.data.user).toMatchObject({
      name: 'Uma Lee',
      email: 'uma@example.test',
      emailVerified: true,
      image: null,
    })
    expect(body.data.stats).toEqual({ workspaces: 1, recordings: 0, links: 0 })
    expect(typeof body.message).toBe('string')
  })

  it('refuses missing, invalid, expired, disabled and revoked keys with the provider codes', async () => {
    const missing = await me()
    await expectError(missing, 401, 'API_KEY_REQUIRED')
    expect(missing.json().message).toBe(
      'API key is required. Include it as Authorization: Bearer <your-api-key>.',
    )
    await expectError(await me('uspl_nope'), 401, 'API_KEY_INVALID')
    const key = await fx.issue({ style: 'userplane', owner: 'vic', expiresInDays: 7 })
    const start = fx.clock.t
    fx.clock.t = start + 7 * DAY + 1
    const expired = await me(key.credential)
    await expectError(expired, 401, 'API_KEY_EXPIRED')
    expect(expired.json().message).toBe('The API key has expired. Rotate or create a new key.')
    fx.clock.t = start
    await fx.admin('POST', `/admin/v1/keys/${key.id}/deactivate`)
    await expectError(await me(key.credential), 403, 'API_KEY_DISABLED')
    await fx.admin('POST', `/admin/v1/keys/${key.id}/activate`)
    expect((await me(key.credential)).status).toBe(200)
    await fx.admin('DELETE', `/admin/v1/keys/${key.id}`)
    await expectError(await me(key.credential), 401, 'API_KEY_INVALID')
  })

  it('allows only none/7/30/60/90-day expiry and 3 keys per user', async () => {
    await expectIssueRefused(
      fx,
      { style: 'userplane', owner: 'wes', expiresInDays: 91 },
      400,
      /at most 90 days/,
    )
    await expectIssueRefused(
      fx,
      { style: 'userplane', owner: 'wes', expiresInDays: 45 },
      400,
      /one of: none, 7, 30, 60, 90/,
    )
    for (const days of [undefined, 60, 90])
      await fx.issue({ style: 'userplane', owner: 'wes', expiresInDays: days })
    await expectIssueRefused(
      fx,
      { style: 'userplane', owner: 'wes' },
      409,
      /maximum of 3 API keys per user/,
    )
  })

  it('rotates in the slot: same record, old key dead at once, new name and expiry', async () => {
    const key = await fx.issue({ style: 'userplane', owner: 'xia', expiresInDays: 90 })
    const rotated = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`, {
      name: 'ci',
      expiresInDays: 7,
    })
    expect(rotated.status).toBe(200)
    expect(rotated.body).toMatchObject({ id: key.id, name: 'ci' })
    expect(Date.parse(rotated.body.expiresAt) - fx.clock.t).toBe(7 * DAY)
    await expectError(await me(key.credential), 401, 'API_KEY_INVALID')
    expect((await me(rotated.body.credential)).status).toBe(200)
    const overlap = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`, {
      overlapSeconds: 60,
    })
    expect(overlap.status).toBe(400)
  })

  it('rate-limits per user, shared by their keys: 120 per minute, then 429 RATE_LIMITED', async () => {
    const a = await fx.issue({ style: 'userplane', owner: 'yan' })
    const b = await fx.issue({ style: 'userplane', owner: 'yan' })
    fx.clock.t = Math.ceil(fx.clock.t / 60_000) * 60_000
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        me(i % 2 ? a.credential : b.credential).then((r) => r.status),
      ),
    )
    expect(results.every((s) => s === 200)).toBe(true)
    await expectError(await me(a.credential), 429, 'RATE_LIMITED')
    fx.clock.t += 60_000
    expect((await me(b.credential)).status).toBe(200)
  })

  it('enforces 10,000 requests per user per day, surviving a restart', async () => {
    const key = await fx.issue({ style: 'userplane', owner: 'zed' })
    // Fill the day without 10,000 round trips: the day count is an ordinary persisted counter.
    const day = Math.floor(fx.clock.t / DAY)
    await fx.restart()
    const counters = (await fx.admin('GET', '/admin/v1/usage')).body.counters
    expect(counters['user:zed']).toBeUndefined()
    fx.clock.t += 120_000
    expect((await me(key.credential)).status).toBe(200)
    // Simulate a long day through the public surface: 9,999 more requests would be slow, so
    // restart on a database whose counter says the day is full.
    await fx.server.close()
    const { openDatabase } = await import('../../src-main/db/sqlite')
    const { KEYSERVER_MIGRATIONS } = await import('../../src-main/keyserver/migrations')
    const { join } = await import('node:path')
    const db = openDatabase(join(fx.dataDir, 'keyserver.sqlite'), {
      migrations: KEYSERVER_MIGRATIONS,
    })
    expect(
      db
        .prepare("SELECT value FROM counters WHERE scope = 'user:zed' AND name = 'userplane.day'")
        .get(),
    ).toEqual({ value: day })
    db.prepare(
      "UPDATE counters SET value = 10000 WHERE scope = 'user:zed' AND name = 'userplane.dayCount'",
    ).run()
    db.close()
    await fx.restart()
    await expectError(await me(key.credential), 429, 'RATE_LIMITED')
    fx.clock.t = (day + 1) * DAY
    expect((await me(key.credential)).status).toBe(200)
  })
})
