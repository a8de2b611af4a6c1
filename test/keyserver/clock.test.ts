import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

let n = 0
/** A fresh namespace, so each test's clock starts at the server's time. */
async function namespace(): Promise<string> {
  const name = `clock-${++n}`
  expect((await fx.admin('POST', '/admin/v1/namespaces', { name })).status).toBe(201)
  return name
}

async function issueIn(ns: string, body: Record<string, unknown>): Promise<Json> {
  const res = await fx.admin('POST', `/admin/v1/keys?namespace=${ns}`, { name: 'k', ...body })
  if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

const advance = (ns: string, seconds: number) =>
  fx.admin('POST', `/admin/v1/namespaces/${ns}/clock/advance`, { seconds })
const basic = (c: string) => ({ authorization: `Basic ${Buffer.from(c).toString('base64')}` })

describe('a namespace clock', () => {
  it('is set by {at} or {offsetSeconds}, advanced, and belongs to one namespace', async () => {
    const a = await namespace()
    const b = await namespace()
    const at = '2027-03-01T00:00:00.000Z'
    const set = await fx.admin('PUT', `/admin/v1/namespaces/${a}/clock`, { at })
    expect(set.body.now).toBe(at)
    expect((await advance(a, 90)).body.now).toBe('2027-03-01T00:01:30.000Z')
    const offset = await fx.admin('PUT', `/admin/v1/namespaces/${b}/clock`, { offsetSeconds: -60 })
    expect(offset.body).toEqual({
      now: new Date(fx.clock.t - 60_000).toISOString(),
      offsetSeconds: -60,
    })
    expect((await fx.admin('GET', '/admin/v1/namespaces/default/clock')).body.offsetSeconds).toBe(0)
    const bad = await fx.admin('PUT', `/admin/v1/namespaces/${a}/clock`, { at: 'soon' })
    expect(bad.status).toBe(400)
    expect((await fx.admin('PUT', `/admin/v1/namespaces/${a}/clock`, {})).status).toBe(400)
  })

  it('{at} takes what a test sends: ISO time with offset, a date, epoch ms; else a clear 400', async () => {
    const a = await namespace()
    const put = (body: unknown) => fx.admin('PUT', `/admin/v1/namespaces/${a}/clock`, body)
    expect((await put({ at: '2027-03-01T02:00:00+02:00' })).body.now).toBe(
      '2027-03-01T00:00:00.000Z',
    )
    expect((await put({ at: Date.UTC(2027, 5, 1, 12) })).body.now).toBe('2027-06-01T12:00:00.000Z')
    expect((await put({ at: '2027-07-04' })).body.now).toBe('2027-07-04T00:00:00.000Z')
    for (const at of ['tomorrow', '2027-07-04T00:00:00', 1_798_761_600, -5, 1.5e12 + 0.5, true]) {
      const bad = await put({ at })
      expect(bad.status, String(at)).toBe(400)
      expect(bad.body.message, String(at)).toMatch(
        /^at: give an ISO 8601 time .* epoch milliseconds$/,
      )
    }
    const both = await put({ at: '2027-07-04', offsetSeconds: 5 })
    expect(both.body).toEqual({
      error: 'invalid-body',
      message: 'body: give exactly one of at or offsetSeconds',
    })
    // The refused calls left the clock where the last good one put it.
    expect((await fx.admin('GET', `/admin/v1/namespaces/${a}/clock`)).body.now).toBe(
      '2027-07-04T00:00:00.000Z',
    )
  })

  it('31 days on a 30-day key: each provider gives its exact "expired" answer', async () => {
    const ns = await namespace()
    const p = `/ns/${ns}`
    const up = await issueIn(ns, { style: 'userplane', expiresInDays: 30 })
    const wl = await issueIn(ns, { style: 'wellows', expiresInDays: 30 })
    const bz = await issueIn(ns, { style: 'blazemeter', expiresInDays: 30 })
    const wpt = await issueIn(ns, { style: 'webpagetest', expiresInDays: 30 })
    const sw = await issueIn(ns, { style: 'similarweb' })
    const upMe = () =>
      call(fx, `${p}/userplane/api/v1/public/me`, { authorization: `Bearer ${up.credential}` })
    const wlValidate = () =>
      call(fx, `${p}/wellows/api/v1/validate`, { 'x-api-key': wl.credential })
    const bzUser = () => call(fx, `${p}/blazemeter/api/v4/user`, basic(bz.credential))
    const wptBalance = () =>
      call(fx, `${p}/webpagetest/testBalance.php`, { 'x-wpt-api-key': wpt.credential })
    const wptRun = () =>
      call(fx, `${p}/webpagetest/runtest.php?url=example.com&f=json`, {
        'x-wpt-api-key': wpt.credential,
      })
    const swCaps = () => call(fx, `${p}/similarweb/capabilities?api_key=${sw.credential}`)

    await advance(ns, 29 * 86_400)
    for (const res of [await upMe(), await wlValidate(), await bzUser(), await swCaps()])
      expect(res.status).toBe(200)
    expect((await wptBalance()).json().data.remaining).toBeGreaterThan(0)

    await advance(ns, 2 * 86_400)
    const upRes = await upMe()
    expect(upRes.status).toBe(401)
    expect(upRes.json()).toEqual({
      error: 'API_KEY_EXPIRED',
      message: 'The API key has expired. Rotate or create a new key.',
    })
    const wlRes = await wlValidate()
    expect(wlRes.status).toBe(401)
    expect(wlRes.json()).toEqual({
      success: false,
      message: 'Invalid API key',
      code: 401,
      data: null,
      errors: {},
      meta_data: {},
    })
    const bzRes = await bzUser()
    expect(bzRes.status).toBe(401)
    expect(bzRes.json()).toEqual({
      error: { code: 401, message: 'Unauthorized' },
      api_version: 4,
      result: null,
    })
    // Similarweb keys never expire.
    expect((await swCaps()).status).toBe(200)
    // WebPageTest honours an expired key for its 2-day grace: still fine on day 31 …
    expect((await wptBalance()).json().data.remaining).toBeGreaterThan(0)
    const admin = await fx.admin('GET', `/admin/v1/keys/${wpt.id}?namespace=${ns}`)
    expect(admin.body.expired).toBe(false)
    // … and refused, HTTP 200 with the error in the body, once the grace is over.
    await advance(ns, 1 * 86_400 + 1)
    const balance = await wptBalance()
    expect(balance.status).toBe(200)
    expect(balance.json()).toEqual({ data: { error: 'API key expired' } })
    const run = await wptRun()
    expect(run.status).toBe(200)
    expect(run.json()).toEqual({ statusCode: 400, statusText: 'API key expired' })
    expect((await fx.admin('GET', `/admin/v1/keys/${up.id}?namespace=${ns}`)).body.expired).toBe(
      true,
    )
    // The default namespace's clock did not move: the same kind of key works there.
    const plain = await fx.issue({ style: 'userplane', expiresInDays: 30 })
    const plainMe = await call(fx, '/userplane/api/v1/public/me', {
      authorization: `Bearer ${plain.credential}`,
    })
    expect(plainMe.status).toBe(200)
  })

  it('the WebPageTest grace setting is per namespace and follows the clock', async () => {
    const ns = await namespace()
    await fx.admin('PUT', `/admin/v1/settings?namespace=${ns}`, { webpagetestGraceDays: 0 })
    const wpt = await issueIn(ns, { style: 'webpagetest', expiresInDays: 7 })
    await advance(ns, 7 * 86_400)
    const res = await call(fx, `/ns/${ns}/webpagetest/testBalance.php`, {
      'x-wpt-api-key': wpt.credential,
    })
    expect(res.json()).toEqual({ data: { error: 'API key expired' } })
    expect((await fx.admin('GET', '/admin/v1/settings')).body.webpagetestGraceDays).toBe(2)
  })

  it("BlazeMeter's cap counts from the namespace's now", async () => {
    const ns = await namespace()
    await fx.admin('PUT', `/admin/v1/policy/bo?namespace=${ns}`, { blazemeterExpiryCap: '1-month' })
    await fx.admin('PUT', `/admin/v1/namespaces/${ns}/clock`, { at: '2030-05-01T00:00:00Z' })
    const key = await issueIn(ns, { style: 'blazemeter', owner: 'bo' })
    expect(key.expiresAt).toBe('2030-05-31T00:00:00.000Z')
    const tooLong = await fx.admin('POST', `/admin/v1/keys?namespace=${ns}`, {
      style: 'blazemeter',
      owner: 'bo',
      name: 'x',
      expiresAt: '2030-06-15T00:00:00Z',
    })
    expect(tooLong.status).toBe(400)
    await advance(ns, 30 * 86_400)
    expect((await call(fx, `/ns/${ns}/blazemeter/api/v4/user`, basic(key.credential))).status).toBe(
      401,
    )
  })

  it('WebPageTest balances start over in the next UTC month of the namespace clock', async () => {
    const ns = await namespace()
    await fx.admin('PUT', `/admin/v1/policy/mo?namespace=${ns}`, { webpagetestMonthlyTests: 2 })
    await fx.admin('PUT', `/admin/v1/namespaces/${ns}/clock`, { at: '2030-01-31T23:00:00Z' })
    const key = await issueIn(ns, { style: 'webpagetest', owner: 'mo' })
    const run = () =>
      call(fx, `/ns/${ns}/webpagetest/runtest.php?url=example.com&runs=2`, {
        'x-wpt-api-key': key.credential,
      })
    expect((await run()).json().statusCode).toBe(200)
    expect((await run()).json().statusText).toMatch(/exceed the remaining test balance/)
    await advance(ns, 3600)
    expect((await run()).json().statusCode).toBe(200)
  })

  it('rate-limit windows follow the clock (Similarweb 10/s, Userplane 120/min)', async () => {
    const ns = await namespace()
    const sw = await issueIn(ns, { style: 'similarweb' })
    const caps = () => call(fx, `/ns/${ns}/similarweb/capabilities?api_key=${sw.credential}`)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await caps()).status)
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true)
    expect(statuses[10]).toBe(429)
    // The server's real time is frozen in this fixture: only the namespace clock can open a window.
    await advance(ns, 1)
    expect((await caps()).status).toBe(200)

    const up = await issueIn(ns, { style: 'userplane' })
    const me = () =>
      call(fx, `/ns/${ns}/userplane/api/v1/public/me`, { authorization: `Bearer ${up.credential}` })
    await fx.admin('PUT', `/admin/v1/namespaces/${ns}/clock`, { at: '2030-01-01T00:00:00Z' })
    await Promise.all(Array.from({ length: 120 }, () => me()))
    expect((await me()).status).toBe(429)
    await advance(ns, 60)
    expect((await me()).status).toBe(200)
  })
})
