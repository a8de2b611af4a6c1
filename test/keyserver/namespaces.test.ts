import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SERVER_STYLES, validationRequest, type ServerStyle } from '../../src-main/providers'
import { ADMIN_TOKEN, call, startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

/** Issue a key in a namespace (via ?namespace=). */
async function issueIn(ns: string, body: Record<string, unknown>): Promise<Json> {
  const res = await fx.admin('POST', `/admin/v1/keys?namespace=${ns}`, { name: 'ci key', ...body })
  if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** Validate a credential of a style under a path prefix ('' = default, '/ns/<name>'). */
async function validate(prefix: string, style: ServerStyle, credential: string) {
  const [key, secret] = credential.split(':') as [string, string | undefined]
  const req = validationRequest(style, { key, secret })
  const res = await call(fx, `${prefix}/${style}${req.path}`, req.headers)
  return { status: res.status, text: res.text }
}

/** Whether the provider accepted it (WebPageTest answers 200 either way: read the body). */
function accepted(style: ServerStyle, r: { status: number; text: string }): boolean {
  if (r.status !== 200) return false
  if (style === 'webpagetest') return 'remaining' in JSON.parse(r.text).data
  return true
}

describe('namespaces', () => {
  it('create reports the seed and per-provider base URLs; bad and duplicate names are refused', async () => {
    const created = await fx.admin('POST', '/admin/v1/namespaces', { name: 'job-4812', seed: 's1' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'job-4812',
      seed: 's1',
      faultRules: 0,
      baseUrls: { webpagetest: `${fx.server.url}/ns/job-4812/webpagetest` },
    })
    const generated = await fx.admin('POST', '/admin/v1/namespaces', { name: 'job-4813' })
    expect(generated.body.seed).toMatch(/^[0-9a-f]{16}$/)
    expect((await fx.admin('POST', '/admin/v1/namespaces', { name: 'job-4812' })).status).toBe(409)
    for (const name of ['', '../x', 'a b', 'x'.repeat(64), '-lead'])
      expect((await fx.admin('POST', '/admin/v1/namespaces', { name })).status, name).toBe(400)
    expect((await fx.admin('DELETE', '/admin/v1/namespaces/default')).status).toBe(400)
  })

  it('a key works in its own namespace only, for every provider', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'iso-a' })
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'iso-b' })
    for (const style of SERVER_STYLES) {
      const key = await issueIn('iso-a', { style })
      expect(accepted(style, await validate('/ns/iso-a', style, key.credential)), style).toBe(true)
      expect(accepted(style, await validate('/ns/iso-b', style, key.credential)), style).toBe(false)
      expect(accepted(style, await validate('', style, key.credential)), style).toBe(false)
      // A default-namespace key is refused under a namespace.
      const plain = await fx.issue({ style })
      expect(accepted(style, await validate('', style, plain.credential)), style).toBe(true)
      expect(accepted(style, await validate('/ns/iso-a', style, plain.credential)), style).toBe(
        false,
      )
    }
    const listed = await fx.admin('GET', '/admin/v1/keys?namespace=iso-b')
    expect(listed.body.keys).toEqual([])
    expect((await call(fx, '/ns/nope/userplane/api/v1/public/me')).status).toBe(404)
    expect((await fx.admin('GET', '/admin/v1/keys?namespace=nope')).status).toBe(404)
  })

  it('limits, policies, users and the log are per namespace', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'lim-a' })
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'lim-b' })
    // Similarweb allows 3 keys per user: 3 in each namespace, the 4th refused in each.
    for (const ns of ['lim-a', 'lim-b']) {
      for (let i = 0; i < 3; i++) await issueIn(ns, { style: 'similarweb', owner: 'sam' })
      const fourth = await fx.admin('POST', `/admin/v1/keys?namespace=${ns}`, {
        style: 'similarweb',
        owner: 'sam',
        name: 'x',
      })
      expect(fourth.status).toBe(409)
    }
    await fx.admin('PUT', '/admin/v1/policy/wes?namespace=lim-a', { webpagetestMonthlyTests: 7 })
    expect((await fx.admin('GET', '/admin/v1/policy/wes?namespace=lim-b')).body).toMatchObject({
      webpagetestMonthlyTests: 1200,
    })
    const key = await issueIn('lim-a', { style: 'webpagetest', owner: 'wes' })
    const balance = await validate('/ns/lim-a', 'webpagetest', key.credential)
    expect(JSON.parse(balance.text).data.remaining).toBe(7)
    const log = await fx.admin('GET', '/admin/v1/log?namespace=lim-a')
    expect(log.body.entries.at(-1)).toMatchObject({
      namespace: 'lim-a',
      path: '/ns/lim-a/webpagetest/testBalance.php',
      keyId: key.id,
    })
    expect((await fx.admin('GET', '/admin/v1/log?namespace=lim-b')).body.entries).toEqual([])
  })

  it('reset empties a namespace and keeps it; delete removes it with its keys', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'gone', seed: 'keep-me' })
    const key = await issueIn('gone', { style: 'userplane' })
    const other = await issueIn('iso-a', { style: 'userplane' })
    const reset = await fx.admin('POST', '/admin/v1/namespaces/gone/reset')
    expect(reset.body).toMatchObject({ name: 'gone', seed: 'keep-me' })
    expect((await fx.admin('GET', '/admin/v1/keys?namespace=gone')).body.keys).toEqual([])
    expect(accepted('userplane', await validate('/ns/gone', 'userplane', key.credential))).toBe(
      false,
    )
    const again = await issueIn('gone', { style: 'userplane' })
    expect((await fx.admin('DELETE', '/admin/v1/namespaces/gone')).status).toBe(200)
    expect((await validate('/ns/gone', 'userplane', again.credential)).status).toBe(404)
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'gone' })
    expect((await fx.admin('GET', '/admin/v1/keys?namespace=gone')).body.keys).toEqual([])
    // The other namespace's key never noticed.
    expect(accepted('userplane', await validate('/ns/iso-a', 'userplane', other.credential))).toBe(
      true,
    )
  })

  it('DELETE and reset take an empty body sent with content-type: application/json', async () => {
    // What curl does with one shared header list for every call (as in the README's CI example).
    const send = (method: string, path: string, body?: string) =>
      fetch(`${fx.server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body,
      })
    expect((await fx.admin('POST', '/admin/v1/namespaces', { name: 'curl-job' })).status).toBe(201)
    expect((await send('POST', '/admin/v1/namespaces/curl-job/reset')).status).toBe(200)
    const gone = await send('DELETE', '/admin/v1/namespaces/curl-job', '')
    expect(gone.status).toBe(200)
    expect(await gone.json()).toEqual({ deleted: 'curl-job' })
    // A body that is there is still judged: malformed, poisoned and missing fields are 400s.
    const malformed = await send('POST', '/admin/v1/namespaces', '{"name":')
    expect(await malformed.json()).toMatchObject({ error: 'malformed-json' })
    const poisoned = await send('POST', '/admin/v1/namespaces', '{"name":"p","__proto__":{"x":1}}')
    expect(poisoned.status).toBe(400)
    const empty = await send('POST', '/admin/v1/namespaces', '')
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({ error: 'invalid-body' })
  })

  it('namespaces, their keys and clocks survive a restart', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'durable' })
    const key = await issueIn('durable', { style: 'wellows' })
    await fx.admin('POST', '/admin/v1/namespaces/durable/clock/advance', { seconds: 3600 })
    await fx.restart()
    expect(accepted('wellows', await validate('/ns/durable', 'wellows', key.credential))).toBe(true)
    const clock = await fx.admin('GET', '/admin/v1/namespaces/durable/clock')
    expect(clock.body.offsetSeconds).toBe(3600)
  })

  it('the admin OpenAPI document describes namespaces, clocks and faults', async () => {
    const doc = (await fx.admin('GET', '/admin/openapi.json')).body
    for (const path of [
      '/admin/v1/namespaces',
      '/admin/v1/namespaces/{name}/reset',
      '/admin/v1/namespaces/{name}/clock/advance',
      '/admin/v1/namespaces/{name}/faults',
    ])
      expect(doc.paths[path], path).toBeDefined()
    const faults =
      doc.paths['/admin/v1/namespaces/{name}/faults'].put.requestBody.content['application/json']
        .schema
    expect(faults.properties.rules.items.properties.kind.enum).toEqual([
      'status',
      'latency',
      'drop',
      'hang',
    ])
  })

  it('200 namespaces used in parallel never see each other’s keys', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `par-${i}`)
    await Promise.all(names.map((name) => fx.admin('POST', '/admin/v1/namespaces', { name })))
    const styles = names.map((_, i) => SERVER_STYLES[i % SERVER_STYLES.length]!)
    const keys = await Promise.all(
      names.map((name, i) => issueIn(name, { style: styles[i], owner: 'same-owner' })),
    )
    const results = await Promise.all(
      names.map(async (name, i) => {
        const next = names[(i + 1) % names.length]!
        const [own, foreign, listed] = await Promise.all([
          validate(`/ns/${name}`, styles[i]!, keys[i].credential),
          validate(`/ns/${next}`, styles[i]!, keys[i].credential),
          fx.admin('GET', `/admin/v1/keys?namespace=${name}`),
        ])
        return {
          own: accepted(styles[i]!, own),
          foreign: accepted(styles[i]!, foreign),
          ids: listed.body.keys.map((k: Json) => k.id),
        }
      }),
    )
    results.forEach((r, i) => {
      expect(r, names[i]).toEqual({ own: true, foreign: false, ids: [keys[i].id] })
    })
  })
})
