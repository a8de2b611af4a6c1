import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, call, startFixture, type Fixture } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

const UNAUTHORIZED = { error: { code: 401, message: 'Unauthorized' }, api_version: 4, result: null }
const basic = (credential: string) => ({
  authorization: `Basic ${Buffer.from(credential).toString('base64')}`,
})

describe('BlazeMeter', () => {
  it('issues id:secret (24 + 72 hex) and answers /api/v4/user', async () => {
    await fx.admin('POST', '/admin/v1/users', {
      name: 'bea',
      displayName: 'Bea Stone',
      email: 'bea@example.test',
    })
    const key = await fx.issue({ style: 'blazemeter', owner: 'bea', expiresInDays: 30 })
    expect(key.credential).toMatch(/^[0-9a-f]{24}:[0-9a-f]{72}$/)
    expect(key.id).toBe(key.credential.split(':')[0])
    const res = await call(fx, '/blazemeter/api/v4/user', basic(key.credential))
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({
      api_version: 4,
      error: null,
      result: {
        id: expect.any(Number),
        email: 'bea@example.test',
        firstName: 'Bea',
        lastName: 'Stone',
        enabled: true,
        roles: ['user'],
        defaultProject: {
          id: expect.any(Number),
          name: 'Default project',
          accountId: expect.any(Number),
          workspaceId: expect.any(Number),
        },
      },
    })
  })

  it('starts a test; a read-only key gets 403; an unknown test 404', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'bea' })
    const res = await call(fx, '/blazemeter/api/v4/tests/1234/start', basic(key.credential), 'POST')
    expect(res.status).toBe(200)
    expect(res.json()).toMatchObject({
      api_version: 4,
      error: null,
      result: { testId: 1234, status: 'CREATED' },
    })
    const viewer = await fx.issue({ style: 'blazemeter', owner: 'bea', readOnly: true })
    const denied = await call(
      fx,
      '/blazemeter/api/v4/tests/1234/start',
      basic(viewer.credential),
      'POST',
    )
    expect(denied.status).toBe(403)
    expect(denied.json().error.code).toBe(403)
    const missing = await call(
      fx,
      '/blazemeter/api/v4/tests/abc/start',
      basic(key.credential),
      'POST',
    )
    expect(missing.status).toBe(404)
    expect(missing.json()).toEqual({
      api_version: 4,
      error: { code: 404, message: 'Not Found: Test not found' },
      result: null,
    })
  })

  it('refuses missing, malformed, wrong, expired and revoked credentials with the 401 body', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'bea', expiresInDays: 30 })
    const [id] = key.credential.split(':')
    for (const headers of [
      {},
      { authorization: 'Basic !!!' },
      { authorization: 'Bearer x' },
      basic(`${id}:${'0'.repeat(72)}`),
      basic(id),
    ]) {
      const res = await call(fx, '/blazemeter/api/v4/user', headers)
      expect(res.status).toBe(401)
      expect(res.json()).toEqual(UNAUTHORIZED)
    }
    const start = fx.clock.t
    fx.clock.t = start + 30 * DAY
    expect((await call(fx, '/blazemeter/api/v4/user', basic(key.credential))).status).toBe(401)
    fx.clock.t = start
    await fx.admin('POST', `/admin/v1/keys/${key.id}/revoke`)
    expect((await call(fx, '/blazemeter/api/v4/user', basic(key.credential))).status).toBe(401)
  })

  it('regenerates the secret for the same id; the old secret stops working', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'bea', expiresInDays: 90 })
    const next = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`)
    expect(next.status).toBe(200)
    expect(next.body.id).toBe(key.id)
    expect(next.body.credential.split(':')[0]).toBe(key.id)
    expect(next.body.credential).not.toBe(key.credential)
    expect((await call(fx, '/blazemeter/api/v4/user', basic(key.credential))).status).toBe(401)
    expect((await call(fx, '/blazemeter/api/v4/user', basic(next.body.credential))).status).toBe(
      200,
    )
    expect(Date.parse(next.body.expiresAt) - fx.clock.t).toBe(90 * DAY)
  })

  it('caps expiry at the account policy, on create and on regenerate (400)', async () => {
    await fx.admin('PUT', '/admin/v1/policy/cap', { blazemeterExpiryCap: '1-month' })
    const over = await fx.admin('POST', '/admin/v1/keys', {
      style: 'blazemeter',
      owner: 'cap',
      name: 'x',
      expiresInDays: 31,
    })
    expect(over.status).toBe(400)
    expect(over.body).toEqual({
      error: 'expiry-over-cap',
      message:
        'The expiration period exceeds the maximum allowed by your account settings (1 month).',
    })
    const key = await fx.issue({ style: 'blazemeter', owner: 'cap' })
    expect(Date.parse(key.expiresAt) - fx.clock.t).toBe(30 * DAY)
    const regen = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`, { expiresInDays: 90 })
    expect(regen.status).toBe(400)
    const overlap = await fx.admin('POST', `/admin/v1/keys/${key.id}/rotate`, {
      overlapSeconds: 10,
    })
    expect(overlap.status).toBe(400)
  })
})
