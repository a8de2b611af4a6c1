import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebPageTest from 'webpagetest'
import { DAY, call, expectIssueRefused, startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

/** The official client, promisified; its base URL must end with '/'. */
function client(key: string, base = `${fx.server.url}/webpagetest/`) {
  const wpt = new WebPageTest(base, key)
  return {
    balance: () =>
      new Promise<Json>((resolve, reject) =>
        wpt.getTestBalance((err: unknown, data: unknown) => (err ? reject(err) : resolve(data))),
      ),
    run: (url: string, options: Record<string, unknown> = {}) =>
      new Promise<Json>((resolve, reject) =>
        wpt.runTest(url, options, (err: unknown, data: unknown) =>
          err ? reject(err) : resolve(data),
        ),
      ),
  }
}

describe('WebPageTest with the official npm client', () => {
  it('reads the balance of a valid key', async () => {
    await fx.admin('PUT', '/admin/v1/policy/acme', { webpagetestMonthlyTests: 1175 })
    const key = await fx.issue({ style: 'webpagetest', owner: 'acme' })
    expect(key.credential).toMatch(/^A\.[0-9a-f]{32}$/)
    expect(await client(key.credential).balance()).toEqual({ data: { remaining: 1175 } })
  })

  it('answers an invalid key, an expired key and a revoked key with 200 and the error', async () => {
    expect(await client('A.00000000000000000000000000000000').balance()).toEqual({
      data: { error: 'Error validating API Key Account' },
    })
    const expired = await fx.issue({ style: 'webpagetest' })
    await fx.admin('POST', `/admin/v1/keys/${expired.id}/expire`)
    expect(await client(expired.credential).balance()).toEqual({
      data: { error: 'API key expired' },
    })
    const revoked = await fx.issue({ style: 'webpagetest' })
    await fx.admin('POST', `/admin/v1/keys/${revoked.id}/revoke`)
    expect(await client(revoked.credential).balance()).toEqual({
      data: { error: 'Error validating API Key Account' },
    })
  })

  it('runs a test and spends one unit per run; refuses one that exceeds the balance', async () => {
    await fx.admin('PUT', '/admin/v1/policy/small', { webpagetestMonthlyTests: 3 })
    const key = await fx.issue({ style: 'webpagetest', owner: 'small' })
    const wpt = client(key.credential)
    const ok = await wpt.run('https://example.com')
    expect(ok.statusCode).toBe(200)
    expect(ok.statusText).toBe('Ok')
    expect(ok.data.testId).toMatch(/_Kw_/)
    for (const field of ['jsonUrl', 'xmlUrl', 'userUrl', 'summaryCSV', 'detailCSV'])
      expect(ok.data[field]).toContain('/webpagetest/')
    expect(await wpt.balance()).toEqual({ data: { remaining: 2 } })
    const over = await wpt.run('https://example.com', { runs: 3 })
    expect(over).toEqual({
      statusCode: 400,
      statusText: 'The test request will exceed the remaining test balance for the given API key',
    })
    expect(await wpt.balance()).toEqual({ data: { remaining: 2 } })
  })

  it('refuses runtest with an invalid or expired key in the provider wording', async () => {
    const bad = await client('A.ffffffffffffffffffffffffffffffff').run('https://example.com')
    expect(bad.statusCode).toBe(400)
    expect(bad.statusText).toMatch(/^Invalid API key\. To continue running tests/)
    const expired = await fx.issue({ style: 'webpagetest' })
    await fx.admin('POST', `/admin/v1/keys/${expired.id}/expire`)
    expect(await client(expired.credential).run('https://example.com')).toEqual({
      statusCode: 400,
      statusText: 'API key expired',
    })
  })
})

describe('WebPageTest under a namespace, with the official npm client', () => {
  it('works unchanged with the namespace base URL; an outage fault is an HTTP error to it', async () => {
    const ns = 'wpt-job-1'
    expect((await fx.admin('POST', '/admin/v1/namespaces', { name: ns })).status).toBe(201)
    await fx.admin('PUT', `/admin/v1/policy/acme?namespace=${ns}`, { webpagetestMonthlyTests: 40 })
    const issued = await fx.admin('POST', `/admin/v1/keys?namespace=${ns}`, {
      style: 'webpagetest',
      owner: 'acme',
      name: 'ci',
    })
    const wpt = client(issued.body.credential, `${fx.server.url}/ns/${ns}/webpagetest/`)
    expect(await wpt.balance()).toEqual({ data: { remaining: 40 } })
    const ok = await wpt.run('https://example.com')
    expect(ok.statusCode).toBe(200)
    expect(ok.data.jsonUrl).toContain(`/ns/${ns}/webpagetest/jsonResult.php?test=`)
    // The same key at the default paths is unknown.
    expect(await client(issued.body.credential).balance()).toEqual({
      data: { error: 'Error validating API Key Account' },
    })
    await fx.admin('PUT', `/admin/v1/namespaces/${ns}/faults`, {
      rules: [{ provider: 'webpagetest', everyNth: 1, kind: 'status', status: 503 }],
    })
    await expect(wpt.balance()).rejects.toMatchObject({
      name: 'WPTAPIError',
      code: 503,
      message: 'Service Unavailable',
    })
  })
})

describe('WebPageTest wire rows', () => {
  it('answers a missing key on runtest with the missing-key message, 200 and application/json', async () => {
    const res = await call(fx, '/webpagetest/runtest.php?url=https://example.com&f=json&r=abc')
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^application\/json/)
    expect(res.json()).toEqual({
      statusCode: 400,
      statusText: expect.stringContaining('missing API key') as string,
      requestId: 'abc',
    })
  })

  it('accepts a POSTed form, a trimmed value and any header case; ignores k=', async () => {
    const key = await fx.issue({ style: 'webpagetest' })
    const res = await fetch(`${fx.server.url}/webpagetest/runtest.php`, {
      method: 'POST',
      headers: {
        'x-wpt-api-KEY': `  ${key.credential} `,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'url=https%3A%2F%2Fexample.com&f=json',
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(200)
    const viaQuery = await call(fx, `/webpagetest/testBalance.php?k=${key.credential}`)
    expect(viaQuery.json()).toEqual({ data: { error: 'Error validating API Key Account' } })
  })

  it('gives XML for f=xml', async () => {
    const key = await fx.issue({ style: 'webpagetest' })
    const res = await call(fx, '/webpagetest/testBalance.php?f=xml', {
      'X-WPT-API-KEY': key.credential,
    })
    expect(res.status).toBe(200)
    expect(res.text).toMatch(/<remaining>\d+<\/remaining>/)
  })

  it('honours an expired key for the 2-day grace, then refuses it', async () => {
    const key = await fx.issue({ style: 'webpagetest', expiresInDays: 1 })
    const start = fx.clock.t
    try {
      const balance = () =>
        call(fx, '/webpagetest/testBalance.php', { 'X-WPT-API-KEY': key.credential })
      fx.clock.t = start + 2 * DAY
      expect((await balance()).json().data.remaining).toBeTypeOf('number')
      fx.clock.t = start + 3 * DAY + 1
      expect((await balance()).json()).toEqual({ data: { error: 'API key expired' } })
      // The grace is a server setting.
      await fx.admin('PUT', '/admin/v1/settings', { webpagetestGraceDays: 5 })
      expect((await balance()).json().data.remaining).toBeTypeOf('number')
      await fx.admin('PUT', '/admin/v1/settings', { webpagetestGraceDays: 2 })
    } finally {
      fx.clock.t = start
    }
  })

  it('refuses a 31st key per account in the provider wording', async () => {
    for (let i = 0; i < 30; i++) await fx.issue({ style: 'webpagetest', owner: 'thirty' })
    await expectIssueRefused(
      fx,
      { style: 'webpagetest', owner: 'thirty' },
      409,
      /at most 30 API keys per account/,
    )
  })

  it('rotates: a new key, the old one revoked, or kept for an overlap window', async () => {
    const old = await fx.issue({ style: 'webpagetest' })
    const balance = (k: string) => call(fx, '/webpagetest/testBalance.php', { 'X-WPT-API-KEY': k })
    const overlap = await fx.admin('POST', `/admin/v1/keys/${old.id}/rotate`, {
      overlapSeconds: 60,
    })
    expect(overlap.status).toBe(200)
    expect(overlap.body.id).not.toBe(old.id)
    expect((await balance(old.credential)).json().data.remaining).toBeTypeOf('number')
    expect((await balance(overlap.body.credential)).json().data.remaining).toBeTypeOf('number')
    fx.clock.t += 61_000
    expect((await balance(old.credential)).json().data.error).toBe(
      'Error validating API Key Account',
    )
    const again = await fx.admin('POST', `/admin/v1/keys/${overlap.body.id}/rotate`, {})
    expect((await balance(overlap.body.credential)).json().data.error).toBeDefined()
    expect((await balance(again.body.credential)).json().data.remaining).toBeTypeOf('number')
  })
})

describe('WebPageTest monthly balance', () => {
  it('counts tests per owner per UTC month', async () => {
    await fx.admin('PUT', '/admin/v1/policy/monthly', { webpagetestMonthlyTests: 5 })
    const key = await fx.issue({ style: 'webpagetest', owner: 'monthly' })
    const headers = { 'X-WPT-API-KEY': key.credential }
    const start = fx.clock.t
    try {
      fx.clock.t = Date.UTC(2026, 0, 31, 23, 59)
      await call(fx, '/webpagetest/runtest.php?url=https://example.com&f=json&runs=4', headers)
      expect((await call(fx, '/webpagetest/testBalance.php', headers)).json()).toEqual({
        data: { remaining: 1 },
      })
      fx.clock.t = Date.UTC(2026, 1, 1, 0, 1)
      expect((await call(fx, '/webpagetest/testBalance.php', headers)).json()).toEqual({
        data: { remaining: 5 },
      })
    } finally {
      fx.clock.t = start
    }
  })
})
