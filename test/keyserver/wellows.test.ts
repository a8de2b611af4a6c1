import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, call, expectIssueRefused, startFixture, type Fixture } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
  await fx.admin('POST', '/admin/v1/projects', { owner: 'wren', name: 'Shop', id: 11 })
  await fx.admin('POST', '/admin/v1/projects', { owner: 'wren', name: 'Blog', id: 12 })
  await fx.admin('POST', '/admin/v1/projects', { owner: 'other', name: 'Theirs', id: 99 })
})
afterAll(async () => fx.cleanup())

const get = (path: string, key?: string, project?: string) =>
  call(fx, `/wellows/api/v1/${path}`, {
    ...(key !== undefined ? { 'X-API-Key': key } : {}),
    ...(project !== undefined ? { 'X-Project-ID': project } : {}),
  })

function expectFailure(res: Awaited<ReturnType<typeof get>>, code: number, message: string) {
  expect(res.status).toBe(code)
  expect(res.json()).toEqual({
    success: false,
    message,
    code,
    data: null,
    errors: {},
    meta_data: {},
  })
}

describe('Wellows', () => {
  it('validates a user-level key, with or without a project header', async () => {
    const key = await fx.issue({ style: 'wellows', owner: 'wren', expiresInDays: 30 })
    expect(key.credential).toMatch(/^[A-Za-z0-9]{40}$/)
    const res = await get('validate', key.credential)
    expect(res.status).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({
      success: true,
      message: 'API key is valid',
      code: 200,
      errors: {},
      meta_data: {},
    })
    expect(body.data).toMatchObject({ valid: true, key_level: 'USER', project_id: null })
    expect(body.data.user_id).toBeTypeOf('number')
    expect(body.data.expiry).toBe(new Date(fx.clock.t + 30 * DAY).toISOString())
    expect((await get('validate', key.credential, '11')).status).toBe(200)
    expectFailure(await get('validate', key.credential, '99'), 403, 'Insufficient permissions')
  })

  it('lists the projects a key reaches', async () => {
    const user = await fx.issue({ style: 'wellows', owner: 'wren' })
    const ids = (await get('projects', user.credential))
      .json()
      .data.map((p: { id: number }) => p.id)
    expect(ids).toEqual([11, 12])
    const proj = await fx.issue({
      style: 'wellows',
      owner: 'wren',
      level: 'project',
      projectId: 12,
    })
    const only = (await get('projects', proj.credential))
      .json()
      .data.map((p: { id: number }) => p.id)
    expect(only).toEqual([12])
  })

  it('needs X-Project-ID for a user-level key on project endpoints (400), not for a project-level key', async () => {
    const user = await fx.issue({ style: 'wellows', owner: 'wren' })
    expectFailure(
      await get('site-summary', user.credential),
      400,
      'X-Project-ID header is required',
    )
    const ok = await get('site-summary', user.credential, '11')
    expect(ok.status).toBe(200)
    expect(ok.json().data.project.id).toBe(11)
    expectFailure(
      await get('site-summary', user.credential, 'eleven'),
      400,
      'X-Project-ID must be an integer',
    )
    const proj = await fx.issue({
      style: 'wellows',
      owner: 'wren',
      level: 'project',
      projectId: 11,
    })
    expect((await get('site-summary', proj.credential)).json().data.project.id).toBe(11)
    const v = (await get('validate', proj.credential)).json().data
    expect(v).toMatchObject({ key_level: 'PROJECT', project_id: 11 })
  })

  it('refuses a project-level key asking for another project, and a project the owner lacks (403)', async () => {
    const proj = await fx.issue({
      style: 'wellows',
      owner: 'wren',
      level: 'project',
      projectId: 11,
    })
    expectFailure(await get('site-summary', proj.credential, '12'), 403, 'Insufficient permissions')
    const user = await fx.issue({ style: 'wellows', owner: 'wren' })
    expectFailure(await get('site-summary', user.credential, '99'), 403, 'Insufficient permissions')
    expectFailure(
      await get('site-summary', user.credential, '12345'),
      403,
      'Insufficient permissions',
    )
  })

  it('answers missing, wrong, revoked and expired keys with the same 401', async () => {
    expectFailure(await get('validate'), 401, 'Invalid API key')
    expectFailure(await get('validate', 'x'.repeat(40)), 401, 'Invalid API key')
    const revoked = await fx.issue({ style: 'wellows', owner: 'wren' })
    await fx.admin('POST', `/admin/v1/keys/${revoked.id}/revoke`)
    expectFailure(await get('validate', revoked.credential), 401, 'Invalid API key')
    const expired = await fx.issue({ style: 'wellows', owner: 'wren', expiresInDays: 1 })
    await fx.admin('POST', `/admin/v1/keys/${expired.id}/expire`)
    expectFailure(await get('validate', expired.credential), 401, 'Invalid API key')
  })

  it('checks scope on creation: project keys need a project of their owner; user keys take none', async () => {
    await expectIssueRefused(fx, { style: 'wellows', level: 'project' }, 400, /needs a project id/)
    await expectIssueRefused(
      fx,
      { style: 'wellows', owner: 'wren', level: 'project', projectId: 99 },
      400,
    )
    await expectIssueRefused(fx, { style: 'wellows', level: 'user', projectId: 11 }, 400)
    await expectIssueRefused(fx, { style: 'userplane', level: 'user' }, 400, /Only Wellows keys/)
  })
})
