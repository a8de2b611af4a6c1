import SwaggerParser from '@apidevtools/swagger-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SERVER_STYLES } from '../../src-main/providers'
import * as S from '../../src-main/keyserver/provider-schemas'
import { call, startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

const basic = (c: string) => ({ authorization: `Basic ${Buffer.from(c).toString('base64')}` })

describe('per-provider OpenAPI documents', () => {
  it.each(SERVER_STYLES)(
    '%s: an OpenAPI 3.1 document whose every operation is routed',
    async (style) => {
      const res = await call(fx, `/${style}/openapi.json`)
      expect(res.status).toBe(200)
      const doc = res.json()
      expect(doc.openapi).toBe('3.1.0')
      expect(doc.servers).toEqual([{ url: `${fx.server.url}/${style}` }])
      expect(Object.keys(doc.paths).length).toBeGreaterThan(0)
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>))
        for (const method of Object.keys(ops)) {
          const concrete = path.replace(/\{domain\}/, 'example.com').replace(/\{\w+\}/g, '1')
          const r = await call(fx, `/${style}${concrete}`, {}, method.toUpperCase())
          // Unauthenticated calls are refused, but by the route, never "no route".
          expect(r.text, `${method} ${path}`).not.toMatch(/No route/)
          expect(r.status, `${method} ${path}`).not.toBe(404)
        }
      const ns = await fx.admin('POST', '/admin/v1/namespaces', { name: `docs-${style}` })
      expect(ns.status).toBe(201)
      const under = (await call(fx, `/ns/docs-${style}/${style}/openapi.json`)).json()
      expect(under.servers).toEqual([{ url: `${fx.server.url}/ns/docs-${style}/${style}` }])
      expect(under.paths).toEqual(doc.paths)
    },
  )

  it('every document (the five providers and the admin API) passes an OpenAPI 3.1 validator', async () => {
    const docs = await Promise.all([
      ...SERVER_STYLES.map(async (s) => (await call(fx, `/${s}/openapi.json`)).json()),
      (await fx.admin('GET', '/admin/openapi.json')).body,
    ])
    for (const doc of docs) {
      // validate() dereferences in place: give it a copy. It throws, naming the fault, if invalid.
      const checked = await SwaggerParser.validate(structuredClone(doc))
      expect((checked as { openapi?: string }).openapi, doc.info?.title).toBe('3.1.0')
    }
    // The validator is not a rubber stamp: a broken document is refused.
    const broken = (await call(fx, '/wellows/openapi.json')).json()
    broken.paths['/api/v1/validate'].get.responses = 'none'
    await expect(SwaggerParser.validate(broken)).rejects.toThrow()
  })

  it('documents response schemas generated from the zod schemas', async () => {
    const doc = (await call(fx, '/blazemeter/openapi.json')).json()
    const schema =
      doc.paths['/api/v4/projects'].get.responses['200'].content['application/json'].schema
    expect(schema).toEqual(
      JSON.parse(
        JSON.stringify(
          z.toJSONSchema(S.bzList(S.BzProject), { target: 'draft-2020-12', io: 'output' }),
        ),
      ),
    )
  })

  it('real answers match the documented schemas (a contract test of the emulation)', async () => {
    const wpt = await fx.issue({ style: 'webpagetest' })
    const h = { 'x-wpt-api-key': wpt.credential }
    S.WptBalance.parse((await call(fx, '/webpagetest/testBalance.php', h)).json())
    S.WptRunTest.parse((await call(fx, '/webpagetest/runtest.php?url=example.com', h)).json())
    S.WptRunTest.parse((await call(fx, '/webpagetest/runtest.php?url=example.com')).json())

    const sw = await fx.issue({ style: 'similarweb' })
    const swb = await fx.issue({ style: 'similarweb', apiType: 'batch' })
    const k = `api_key=${sw.credential}`
    S.SwCapabilities.parse((await call(fx, `/similarweb/capabilities?${k}`)).json())
    S.SwUserCapabilities.parse((await call(fx, `/similarweb/user-capabilities?${k}`)).json())
    S.SwVisits.parse(
      (
        await call(
          fx,
          `/similarweb/v1/website/example.com/total-traffic-and-engagement/visits?${k}`,
        )
      ).json(),
    )
    S.SwBatchCredits.parse(
      (await call(fx, '/similarweb/v3/batch/credits', { 'api-key': swb.credential })).json(),
    )

    const up = await fx.issue({ style: 'userplane' })
    S.UpMe.parse(
      (
        await call(fx, '/userplane/api/v1/public/me', { authorization: `Bearer ${up.credential}` })
      ).json(),
    )
    S.UpError.parse((await call(fx, '/userplane/api/v1/public/me')).json())

    await fx.admin('POST', '/admin/v1/projects', { owner: 'wl', name: 'Site', id: 77 })
    const wl = await fx.issue({ style: 'wellows', owner: 'wl' })
    const wh = { 'x-api-key': wl.credential }
    S.wellowsEnvelope(S.WlValidate).parse((await call(fx, '/wellows/api/v1/validate', wh)).json())
    S.wellowsEnvelope(z.array(S.WlProject)).parse(
      (await call(fx, '/wellows/api/v1/projects', wh)).json(),
    )
    S.wellowsEnvelope(S.WlSiteSummary).parse(
      (await call(fx, '/wellows/api/v1/site-summary', { ...wh, 'x-project-id': '77' })).json(),
    )
    S.wellowsEnvelope(z.null()).parse((await call(fx, '/wellows/api/v1/validate')).json())

    const bz = await fx.issue({ style: 'blazemeter' })
    const bh = basic(bz.credential)
    const get = async (path: string) => (await call(fx, `/blazemeter${path}`, bh)).json()
    S.bzEnvelope(S.BzUser).parse(await get('/api/v4/user'))
    const accounts = S.bzList(S.BzAccount).parse(await get('/api/v4/accounts'))
    const ws = S.bzList(S.BzWorkspace).parse(
      await get(`/api/v4/workspaces?accountId=${accounts.result[0]!.id}`),
    )
    const projects = S.bzList(S.BzProject).parse(
      await get(`/api/v4/projects?workspaceId=${ws.result[0]!.id}`),
    )
    S.bzList(S.BzTest).parse(await get(`/api/v4/tests?projectId=${projects.result[0]!.id}`))
    S.BzError.parse((await call(fx, '/blazemeter/api/v4/accounts')).json())
  })
})
