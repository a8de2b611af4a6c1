import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { globToRegExp } from '../../src-main/keyserver/faults'
import { startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

async function namespaceWith(f: Fixture, name: string, seed: string, rules: Json[]) {
  expect((await f.admin('POST', '/admin/v1/namespaces', { name, seed })).status).toBe(201)
  const put = await f.admin('PUT', `/admin/v1/namespaces/${name}/faults`, { rules })
  expect(put.status, JSON.stringify(put.body)).toBe(200)
}

async function issueIn(f: Fixture, ns: string, style: string): Promise<string> {
  const res = await f.admin('POST', `/admin/v1/keys?namespace=${ns}`, { style, name: 'k' })
  return res.body.credential
}

const MIXED_RULES = [
  { provider: 'userplane', pathGlob: '/api/v1/**', probability: 0.3, kind: 'status', status: 503 },
  { provider: 'wellows', pathGlob: '/api/v1/validate', everyNth: 3, kind: 'status', status: 500 },
  { provider: 'wellows', probability: 0.25, kind: 'latency', ms: 5 },
]

/** The same 60 requests, in the same order; what each met. */
async function replay(f: Fixture, ns: string): Promise<string[]> {
  const up = await issueIn(f, ns, 'userplane')
  const wl = await issueIn(f, ns, 'wellows')
  const seen: string[] = []
  for (let i = 0; i < 60; i++) {
    const res =
      i % 2 === 0
        ? await fetch(`${f.server.url}/ns/${ns}/userplane/api/v1/public/me`, {
            headers: { authorization: `Bearer ${up}` },
          })
        : await fetch(`${f.server.url}/ns/${ns}/wellows/api/v1/validate`, {
            headers: { 'x-api-key': wl },
          })
    await res.text()
    seen.push(`${res.status} ${res.headers.get('x-keywarden-fault') ?? '-'}`)
  }
  return seen
}

describe('seeded faults', () => {
  it('the same seed and requests meet the same faults, on another server too', async () => {
    await namespaceWith(fx, 'rep-1', 'seed-42', MIXED_RULES)
    const first = await replay(fx, 'rep-1')
    const other = await startFixture()
    try {
      await namespaceWith(other, 'rep-1', 'seed-42', MIXED_RULES)
      expect(await replay(other, 'rep-1')).toEqual(first)
    } finally {
      await other.cleanup()
    }
    // Every kind of outcome occurred, so the comparison compared something.
    expect(first.some((s) => s.startsWith('503 status-503; rule=0'))).toBe(true)
    expect(first.some((s) => s.startsWith('500 status-500; rule=1'))).toBe(true)
    expect(first.some((s) => s.startsWith('200 latency-5ms; rule=2'))).toBe(true)
    expect(first.some((s) => s === '200 -')).toBe(true)
    // everyNth counts the rule's own matches: every third Wellows validation.
    const wellows = first.filter((_, i) => i % 2 === 1)
    wellows.forEach((s, i) => expect(s.startsWith('500 '), `${i}: ${s}`).toBe(i % 3 === 2))
    // Another seed draws another sequence.
    await namespaceWith(fx, 'rep-2', 'seed-43', MIXED_RULES)
    expect(await replay(fx, 'rep-2')).not.toEqual(first)
    // A reset starts the draws over: the same run again.
    await fx.admin('POST', '/admin/v1/namespaces/rep-1/reset')
    expect(await replay(fx, 'rep-1')).toEqual(first)
  })

  it('status faults answer in each provider’s own error shape, marked in the header and log', async () => {
    await namespaceWith(fx, 'shapes', 's', [
      { provider: 'userplane', everyNth: 1, kind: 'status', status: 429, retryAfterSeconds: 7 },
      { provider: 'blazemeter', everyNth: 1, kind: 'status', status: 503 },
      { provider: 'similarweb', everyNth: 1, kind: 'status', status: 429 },
      { provider: 'wellows', everyNth: 1, kind: 'status', status: 502 },
      { provider: 'webpagetest', everyNth: 1, kind: 'status', status: 502 },
    ])
    const base = `${fx.server.url}/ns/shapes`
    const up = await fetch(`${base}/userplane/api/v1/public/me`)
    expect(up.status).toBe(429)
    expect(up.headers.get('retry-after')).toBe('7')
    expect(up.headers.get('x-keywarden-fault')).toBe('status-429; rule=0')
    expect(await up.json()).toEqual({
      error: 'RATE_LIMITED',
      message: 'Rate limit exceeded. Try again later.',
    })
    const bz = await fetch(`${base}/blazemeter/api/v4/user`)
    expect(bz.status).toBe(503)
    expect(await bz.json()).toEqual({
      api_version: 4,
      error: { code: 503, message: 'Service Unavailable' },
      result: null,
    })
    const sw = await fetch(`${base}/similarweb/capabilities`)
    expect(sw.status).toBe(429)
    expect(sw.headers.get('retry-after')).toBe('1')
    expect(await sw.json()).toEqual({
      meta: { status: 'Error', error_code: 429, error_message: 'Too many requests' },
    })
    const wl = await fetch(`${base}/wellows/api/v1/validate`)
    expect(wl.status).toBe(502)
    expect(await wl.json()).toMatchObject({ success: false, code: 502 })
    // WebPageTest: its API errors are HTTP 200, but an outage in front of it is a real 5xx.
    const wpt = await fetch(`${base}/webpagetest/testBalance.php`)
    expect(wpt.status).toBe(502)
    expect(wpt.headers.get('content-type')).toMatch(/text\/html/)
    const log = await fx.admin('GET', '/admin/v1/log?namespace=shapes')
    expect(log.body.entries.map((e: Json) => [e.style, e.status, e.outcome, e.fault])).toEqual([
      ['userplane', 429, 'fault', 'status-429; rule=0'],
      ['blazemeter', 503, 'fault', 'status-503; rule=1'],
      ['similarweb', 429, 'fault', 'status-429; rule=2'],
      ['wellows', 502, 'fault', 'status-502; rule=3'],
      ['webpagetest', 502, 'fault', 'status-502; rule=4'],
    ])
    // Faults are per namespace: the default one is untouched.
    expect((await fetch(`${fx.server.url}/userplane/api/v1/public/me`)).status).toBe(401)
  })

  it('latency still answers normally; drop closes the connection; hang never answers', async () => {
    await namespaceWith(fx, 'net', 's', [
      { provider: 'wellows', pathGlob: '/api/v1/validate', everyNth: 1, kind: 'latency', ms: 30 },
      { provider: 'wellows', pathGlob: '/api/v1/projects', everyNth: 1, kind: 'drop' },
      { provider: 'wellows', pathGlob: '/api/v1/site-*', everyNth: 1, kind: 'hang' },
    ])
    const key = await issueIn(fx, 'net', 'wellows')
    const base = `${fx.server.url}/ns/net/wellows/api/v1`
    const headers = { 'x-api-key': key }
    const slow = await fetch(`${base}/validate`, { headers })
    expect(slow.status).toBe(200)
    expect(slow.headers.get('x-keywarden-fault')).toBe('latency-30ms; rule=0')
    expect((await slow.json()).data.valid).toBe(true)
    await expect(fetch(`${base}/projects`, { headers })).rejects.toThrow()
    await expect(
      fetch(`${base}/site-summary`, { headers, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/timeout|aborted/i)
    const log = await fx.admin('GET', '/admin/v1/log?namespace=net')
    expect(log.body.entries.map((e: Json) => [e.status, e.outcome, e.fault])).toEqual([
      [200, 'ok', 'latency-30ms; rule=0'],
      [0, 'fault', 'drop; rule=1'],
      [0, 'fault', 'hang; rule=2'],
    ])
  })

  it('fires on provider paths the emulation has no route for; elsewhere those stay 404', async () => {
    await namespaceWith(fx, 'unrouted', 's', [
      {
        provider: 'blazemeter',
        pathGlob: '/api/v4/masters/**',
        everyNth: 1,
        kind: 'status',
        status: 503,
      },
      { provider: 'similarweb', pathGlob: '/v9/**', everyNth: 1, kind: 'latency', ms: 20 },
    ])
    const base = `${fx.server.url}/ns/unrouted`
    const master = await fetch(`${base}/blazemeter/api/v4/masters/7/status`)
    expect(master.status).toBe(503)
    expect(master.headers.get('x-keywarden-fault')).toBe('status-503; rule=0')
    expect(await master.json()).toEqual({
      api_version: 4,
      error: { code: 503, message: 'Service Unavailable' },
      result: null,
    })
    // A latency fault delays the 404 and marks it.
    const slow = await fetch(`${base}/similarweb/v9/anything`)
    expect(slow.status).toBe(404)
    expect(slow.headers.get('x-keywarden-fault')).toBe('latency-20ms; rule=1')
    // Paths no rule matches, the default namespace and unknown namespaces: a plain 404.
    for (const url of [
      `${base}/blazemeter/api/v4/nothing-here`,
      `${fx.server.url}/blazemeter/api/v4/masters/7/status`,
      `${fx.server.url}/ns/no-such-ns/blazemeter/api/v4/masters/7/status`,
    ]) {
      const res = await fetch(url)
      expect(res.status, url).toBe(404)
      expect(res.headers.get('x-keywarden-fault'), url).toBeNull()
    }
    const log = await fx.admin('GET', '/admin/v1/log?namespace=unrouted')
    expect(log.body.entries.map((e: Json) => [e.status, e.fault])).toEqual([
      [503, 'status-503; rule=0'],
    ])
  })

  it('takes the rules as a bare list and a seed as a number, replaying like the same string', async () => {
    expect(
      (await fx.admin('POST', '/admin/v1/namespaces', { name: 'num-1', seed: 7 })).body.seed,
    ).toBe('7')
    const bare = await fx.admin('PUT', '/admin/v1/namespaces/num-1/faults', MIXED_RULES)
    expect(bare.status, JSON.stringify(bare.body)).toBe(200)
    expect(bare.body).toMatchObject({ seed: '7', rules: [{ provider: 'userplane' }, {}, {}] })
    await namespaceWith(fx, 'num-2', '7', MIXED_RULES)
    expect(await replay(fx, 'num-1')).toEqual(await replay(fx, 'num-2'))
    const seeded = await fx.admin('PUT', '/admin/v1/namespaces/num-1/faults', {
      rules: [],
      seed: 9,
    })
    expect(seeded.body).toEqual({ rules: [], seed: '9' })
    // Anything else is still judged by the schema.
    const bad = await fx.admin('PUT', '/admin/v1/namespaces/num-1/faults', {
      rules: [],
      seed: true,
    })
    expect(bad.status).toBe(400)
  })

  it('refuses malformed rules with 400 and reads them back', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'bad-rules' })
    const put = (rules: Json[]) =>
      fx.admin('PUT', '/admin/v1/namespaces/bad-rules/faults', { rules })
    for (const rule of [
      { provider: 'userplane', kind: 'status', status: 503 },
      { provider: 'userplane', everyNth: 2, probability: 0.5, kind: 'drop' },
      { provider: 'userplane', everyNth: 2, kind: 'status', status: 404 },
      { provider: 'userplane', everyNth: 2, kind: 'latency' },
      { provider: 'nobody', everyNth: 2, kind: 'drop' },
      { provider: 'userplane', pathGlob: 'no-slash', everyNth: 2, kind: 'drop' },
    ])
      expect((await put([rule])).status, JSON.stringify(rule)).toBe(400)
    const teapot = await put([{ provider: 'userplane', everyNth: 1, kind: 'status', status: 418 }])
    expect(teapot.body.message).toBe('rules.0.status: one of 429, 500, 502 or 503')
    const ok = await put([{ provider: 'userplane', everyNth: 2, kind: 'drop' }])
    expect(ok.body.rules).toEqual([
      { provider: 'userplane', pathGlob: '/**', everyNth: 2, kind: 'drop' },
    ])
    const read = await fx.admin('GET', '/admin/v1/namespaces/bad-rules/faults')
    expect(read.body.rules).toHaveLength(1)
  })

  it('globs: * stays in a segment, ** crosses segments', () => {
    expect(globToRegExp('/api/v4/*').test('/api/v4/user')).toBe(true)
    expect(globToRegExp('/api/v4/*').test('/api/v4/tests/1/start')).toBe(false)
    expect(globToRegExp('/api/v4/**').test('/api/v4/tests/1/start')).toBe(true)
    expect(globToRegExp('/runtest.php').test('/runtestXphp')).toBe(false)
  })
})
