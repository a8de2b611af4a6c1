import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, expectIssueRefused, startFixture, type Fixture } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

const OUT_OF_CREDITS = {
  meta: {
    status: 'Error',
    error_code: 403,
    error_message: 'Invalid API Key or out of data credits',
  },
}

async function expectInvalid(path: string, headers: Record<string, string> = {}) {
  const res = await call(fx, path, headers)
  expect(res.status).toBe(401)
  expect(res.type).toMatch(/^text\/plain/)
  expect(res.text).toBe('invalid API key')
}

describe('Similarweb', () => {
  it('answers /capabilities and /user-capabilities for a REST key (query or v5 header), free of credits', async () => {
    await fx.admin('PUT', '/admin/v1/policy/ana', { similarwebRestCredits: 10_000 })
    const key = await fx.issue({ style: 'similarweb', owner: 'ana' })
    expect(key.credential).toMatch(/^[0-9a-f]{32}$/)
    const caps = await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)
    expect(caps.status).toBe(200)
    expect(caps.json()).toMatchObject({ remaining_hits: 10_000 })
    for (const f of ['web_desktop_data', 'web_mobile_data', 'app_data', 'app_engagement_data'])
      expect(caps.json()[f]).toBeTypeOf('object')
    const viaHeader = await call(fx, '/similarweb/user-capabilities', { 'api-key': key.credential })
    expect(viaHeader.json()).toEqual({ allowance: 10_000, user_remaining: 10_000 })
  })

  it('spends one REST credit per data call, per user across keys; errors cost none; out of credits is 403', async () => {
    await fx.admin('PUT', '/admin/v1/policy/bo', { similarwebRestCredits: 2 })
    const a = await fx.issue({ style: 'similarweb', owner: 'bo' })
    const b = await fx.issue({ style: 'similarweb', owner: 'bo' })
    const visits = (k: string) =>
      call(
        fx,
        `/similarweb/v1/website/example.com/total-traffic-and-engagement/visits?api_key=${k}`,
      )
    const first = await visits(a.credential)
    expect(first.status).toBe(200)
    expect(first.json().visits[0]).toMatchObject({
      date: expect.any(String),
      visits: expect.any(Number),
    })
    expect((await visits('0'.repeat(32))).status).toBe(401)
    expect((await visits(b.credential)).status).toBe(200)
    const out = await visits(a.credential)
    expect(out.status).toBe(403)
    expect(out.json()).toEqual(OUT_OF_CREDITS)
    const uc = await call(fx, `/similarweb/user-capabilities?api_key=${b.credential}`)
    expect(uc.json()).toEqual({ allowance: 2, user_remaining: 0 })
  })

  it('keeps REST and Batch apart: each key only on its own API, credits per API', async () => {
    await fx.admin('PUT', '/admin/v1/policy/cy', { similarwebBatchCredits: 500 })
    const rest = await fx.issue({ style: 'similarweb', owner: 'cy' })
    const batch = await fx.issue({ style: 'similarweb', owner: 'cy', apiType: 'batch' })
    const credits = await call(fx, '/similarweb/v3/batch/credits', { 'api-key': batch.credential })
    expect(credits.status).toBe(200)
    expect(credits.json()).toEqual({ credits: 500 })
    await expectInvalid('/similarweb/v3/batch/credits', { 'api-key': rest.credential })
    await expectInvalid(`/similarweb/capabilities?api_key=${batch.credential}`)
  })

  it('refuses missing, invalid, inactive and revoked keys with 401 "invalid API key"', async () => {
    await expectInvalid('/similarweb/capabilities')
    await expectInvalid('/similarweb/capabilities?api_key=nope')
    const key = await fx.issue({ style: 'similarweb', owner: 'di' })
    await fx.admin('POST', `/admin/v1/keys/${key.id}/deactivate`)
    await expectInvalid(`/similarweb/capabilities?api_key=${key.credential}`)
    await fx.admin('POST', `/admin/v1/keys/${key.id}/activate`)
    expect((await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)).status).toBe(200)
    await fx.admin('POST', `/admin/v1/keys/${key.id}/revoke`)
    await expectInvalid(`/similarweb/capabilities?api_key=${key.credential}`)
    const inactive = await fx.issue({ style: 'similarweb', owner: 'di', active: false })
    await expectInvalid(`/similarweb/capabilities?api_key=${inactive.credential}`)
  })

  it('allows 3 active keys per user: a 4th, or activating a 4th, is refused', async () => {
    for (let i = 0; i < 3; i++) await fx.issue({ style: 'similarweb', owner: 'eve' })
    await expectIssueRefused(
      fx,
      { style: 'similarweb', owner: 'eve' },
      409,
      /up to 3 active API keys per user/,
    )
    const parked = await fx.issue({ style: 'similarweb', owner: 'eve', active: false })
    const activate = await fx.admin('POST', `/admin/v1/keys/${parked.id}/activate`)
    expect(activate.status).toBe(409)
  })

  it('never lets a key expire', async () => {
    await expectIssueRefused(fx, { style: 'similarweb', expiresInDays: 30 }, 400, /never expire/)
  })

  it('removing a user revokes their keys', async () => {
    const key = await fx.issue({ style: 'similarweb', owner: 'fay' })
    const del = await fx.admin('DELETE', '/admin/v1/users/fay')
    expect(del.body).toEqual({ deleted: 'fay', revokedKeys: 1 })
    await expectInvalid(`/similarweb/capabilities?api_key=${key.credential}`)
    expect((await fx.admin('GET', `/admin/v1/keys/${key.id}`)).body.status).toBe('revoked')
  })

  it('answers more than 10 requests in a second with 429 "Too many requests"', async () => {
    const key = await fx.issue({ style: 'similarweb', owner: 'gus' })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push((await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)).status)
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    const limited = await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)
    expect(limited.status).toBe(429)
    expect(limited.json().meta.error_message).toBe('Too many requests')
    fx.clock.t += 1000
    expect((await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)).status).toBe(200)
  })

  it('rotates to a new key and revokes the old one', async () => {
    const old = await fx.issue({ style: 'similarweb', owner: 'hal' })
    const next = await fx.admin('POST', `/admin/v1/keys/${old.id}/rotate`)
    expect(next.status).toBe(200)
    await expectInvalid(`/similarweb/capabilities?api_key=${old.credential}`)
    fx.clock.t += 1000
    expect(
      (await call(fx, `/similarweb/capabilities?api_key=${next.body.credential}`)).status,
    ).toBe(200)
  })

  it('never writes the query-string key into the request log', async () => {
    const key = await fx.issue({ style: 'similarweb', owner: 'ivy' })
    fx.clock.t += 1000
    await call(fx, `/similarweb/capabilities?api_key=${key.credential}`)
    const log = fx.server.recentLog(5)
    expect(log.at(-1)).toMatchObject({
      path: '/similarweb/capabilities',
      style: 'similarweb',
      keyId: key.id,
      status: 200,
    })
    expect(JSON.stringify(fx.server.recentLog(1000))).not.toContain(key.credential)
  })
})
