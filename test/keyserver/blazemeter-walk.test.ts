/**
 * The walk a real BlazeMeter client does (Taurus's bza module), by a small client written for
 * this test from BlazeMeter's public API reference: Basic auth with `id:secret` (or the same in
 * X-Api-Key), the `{api_version, error, result}` envelope, and skip/limit/total paging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFixture, type Fixture, type Json } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(`BlazeMeter API ${status}`)
  }
}

/** A minimal BlazeMeter API v4 client. */
class BlazeMeterClient {
  constructor(
    private readonly address: string,
    private readonly token: string,
    private readonly header: 'basic' | 'x-api-key' = 'basic',
  ) {}

  private async request(path: string, body?: unknown): Promise<Json> {
    const headers: Record<string, string> = { 'x-client-id': 'keywarden-test' }
    if (this.header === 'basic')
      headers.authorization = `Basic ${Buffer.from(this.token).toString('base64')}`
    else headers['x-api-key'] = this.token
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${this.address}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const parsed = JSON.parse(await res.text())
    if (res.status >= 400 || parsed.error) throw new ApiError(res.status, parsed)
    return parsed
  }

  /** Every item of a paged list, following skip/limit until total. */
  private async all(path: string, params: Record<string, string | number>, limit = 100) {
    const items: Json[] = []
    let skip = 0
    let total: number | undefined
    while (total === undefined || skip < total) {
      const q = new URLSearchParams({ ...params, limit: String(limit), skip: String(skip) })
      const res = await this.request(`${path}?${q}`)
      expect(res).toMatchObject({ api_version: 4, error: null, skip, limit })
      total = res.total as number
      items.push(...res.result)
      skip += limit
    }
    return items
  }

  ping = () => this.request('/api/v4/web/version')
  user = async () => (await this.request('/api/v4/user')).result
  accounts = async () => (await this.request('/api/v4/accounts')).result as Json[]
  workspaces = (accountId: number) => this.all('/api/v4/workspaces', { accountId, enabled: 'true' })
  projects = (workspaceId: number) => this.all('/api/v4/projects', { workspaceId })
  tests = (projectId: number, limit?: number) => this.all('/api/v4/tests', { projectId }, limit)
  project = async (id: number) => (await this.request(`/api/v4/projects/${id}`)).result
  test = async (id: number) => (await this.request(`/api/v4/tests/${id}`)).result
  createProject = async (name: string, workspaceId: number) =>
    (await this.request('/api/v4/projects', { name, workspaceId })).result
  createTest = async (name: string, projectId: number) =>
    (await this.request('/api/v4/tests', { name, projectId, configuration: { type: 'taurus' } }))
      .result
  /** Any call, for what the helpers above do not cover (a test without configuration, …). */
  call = (path: string, body?: unknown) => this.request(path, body)
  testsIn = (params: Record<string, string | number>) => this.all('/api/v4/tests', params)
}

async function walk(client: BlazeMeterClient) {
  const ping = await client.ping()
  expect(ping).toMatchObject({
    api_version: 4,
    error: null,
    result: { version: expect.any(String) },
  })
  const [account] = await client.accounts()
  const [workspace] = await client.workspaces(account.id)
  expect(workspace).toMatchObject({ accountId: account.id, enabled: true })
  const projects = await client.projects(workspace.id)
  expect(projects.map((p: Json) => p.name)).toContain('Default project')
  let project = projects.find((p: Json) => p.name === 'CI load tests')
  project ??= await client.createProject('CI load tests', workspace.id)
  expect(project).toMatchObject({ name: 'CI load tests', workspaceId: workspace.id })
  const existing = await client.tests(project.id)
  const test =
    existing.find((t: Json) => t.name === 'checkout') ??
    (await client.createTest('checkout', project.id))
  expect(test).toMatchObject({ projectId: project.id, configuration: { type: 'taurus' } })
  expect(await client.test(test.id)).toEqual(test)
  return { account, workspace, project, test }
}

describe('BlazeMeter: the walk real clients do', () => {
  it('ping, accounts, workspaces, projects, tests; create project and test; the same again finds them', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'taurus-user' })
    const client = new BlazeMeterClient(`${fx.server.url}/blazemeter`, key.credential)
    const first = await walk(client)
    // A second run (another CI job step) finds what the first created rather than duplicating it.
    const second = await walk(
      new BlazeMeterClient(`${fx.server.url}/blazemeter`, key.credential, 'x-api-key'),
    )
    expect(second.project.id).toBe(first.project.id)
    expect(second.test).toEqual(first.test)
    expect(second.workspace).toEqual(first.workspace)
    expect(await client.projects(first.workspace.id)).toHaveLength(2)
    expect((await client.project(first.project.id)).testsCount).toBe(1)
  })

  it('pages with skip, limit and total', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'pager' })
    const client = new BlazeMeterClient(`${fx.server.url}/blazemeter`, key.credential)
    const [account] = await client.accounts()
    const [workspace] = await client.workspaces(account.id)
    const project = await client.createProject('many', workspace.id)
    for (let i = 0; i < 12; i++) await client.createTest(`t${i}`, project.id)
    const all = await client.tests(project.id, 5)
    expect(all.map((t: Json) => t.name)).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`))
    const res = await fetch(
      `${fx.server.url}/blazemeter/api/v4/tests?projectId=${project.id}&skip=10&limit=5`,
      { headers: { 'x-api-key': key.credential } },
    )
    expect(await res.json()).toMatchObject({ skip: 10, limit: 5, total: 12 })
  })

  it('works under a namespace, and keeps owners and namespaces apart', async () => {
    await fx.admin('POST', '/admin/v1/namespaces', { name: 'bzm-job' })
    const res = await fx.admin('POST', '/admin/v1/keys?namespace=bzm-job', {
      style: 'blazemeter',
      name: 'k',
      owner: 'taurus-user',
    })
    const client = new BlazeMeterClient(
      `${fx.server.url}/ns/bzm-job/blazemeter`,
      res.body.credential,
    )
    const { workspace, project } = await walk(client)
    // Another owner in the default namespace sees neither the project nor the test.
    const other = await fx.issue({ style: 'blazemeter', owner: 'someone-else' })
    const stranger = new BlazeMeterClient(`${fx.server.url}/blazemeter`, other.credential)
    await expect(stranger.project(project.id)).rejects.toMatchObject({ status: 404 })
    await expect(stranger.workspaces(workspace.accountId)).rejects.toMatchObject({ status: 403 })
    expect(await stranger.projects(workspace.id)).toEqual([])
  })

  it('refuses a bad key with 401, a read-only key’s creates with 403, a bad body with 400', async () => {
    const bad = new BlazeMeterClient(
      `${fx.server.url}/blazemeter`,
      `${'a'.repeat(24)}:${'b'.repeat(72)}`,
    )
    expect(await bad.ping()).toMatchObject({ error: null })
    await expect(bad.accounts()).rejects.toMatchObject({
      status: 401,
      body: { error: { code: 401, message: 'Unauthorized' }, api_version: 4, result: null },
    })
    const viewer = await fx.issue({ style: 'blazemeter', owner: 'viewer', readOnly: true })
    const client = new BlazeMeterClient(`${fx.server.url}/blazemeter`, viewer.credential)
    const [account] = await client.accounts()
    const [workspace] = await client.workspaces(account.id)
    await expect(client.createProject('nope', workspace.id)).rejects.toMatchObject({ status: 403 })
    await expect(client.createProject('', workspace.id)).rejects.toMatchObject({
      status: 400,
      body: { api_version: 4, result: null, error: { code: 400 } },
    })
  })

  it("Taurus's default path: /user names the default project, its account and workspace", async () => {
    // What Taurus's ProjectFinder does when the config names no account, workspace or project.
    const key = await fx.issue({ style: 'blazemeter', owner: 'default-path' })
    const client = new BlazeMeterClient(`${fx.server.url}/blazemeter`, key.credential)
    const me = await client.user()
    expect(me.defaultProject).toEqual({
      id: expect.any(Number),
      name: 'Default project',
      accountId: expect.any(Number),
      workspaceId: expect.any(Number),
    })
    const account = (await client.accounts()).find(
      (a: Json) => a.id === me.defaultProject.accountId,
    )
    expect(account).toBeDefined()
    const workspace = (await client.call(`/api/v4/workspaces/${me.defaultProject.workspaceId}`))
      .result
    expect(workspace).toMatchObject({ id: me.defaultProject.workspaceId, accountId: account.id })
    const project = await client.project(me.defaultProject.id)
    expect(project.workspaceId).toBe(workspace.id)
    // Workspace-wide search by name, filtered on configuration.type as Taurus does.
    const found = await client.testsIn({ workspaceId: workspace.id, name: 'taurus-test' })
    expect(found).toEqual([])
    const made = (
      await client.call('/api/v4/tests', {
        name: 'taurus-test',
        projectId: project.id,
        configuration: { type: 'external' },
      })
    ).result
    const again = await client.testsIn({ workspaceId: workspace.id, name: 'taurus-test' })
    expect(again.filter((t: Json) => t.configuration.type === 'external')).toEqual([made])
    // The default project stays the same once others exist.
    await client.createProject('later', workspace.id)
    expect((await client.user()).defaultProject).toEqual(me.defaultProject)
  })

  it('every test has a configuration type; a start of a bad test id answers in the envelope', async () => {
    const key = await fx.issue({ style: 'blazemeter', owner: 'typed' })
    const client = new BlazeMeterClient(`${fx.server.url}/blazemeter`, key.credential)
    const { defaultProject } = await client.user()
    const bare = (
      await client.call('/api/v4/tests', { name: 'plain', projectId: defaultProject.id })
    ).result
    expect(bare.configuration).toEqual({ type: 'taurus' })
    const kept = (
      await client.call('/api/v4/tests', {
        name: 'jmeter',
        projectId: defaultProject.id,
        configuration: { type: 'jmeter', filename: 'a.jmx' },
      })
    ).result
    expect(kept.configuration).toEqual({ type: 'jmeter', filename: 'a.jmx' })
    // The request log shows the status the client got: 201 for a create.
    const log = await fx.admin('GET', '/admin/v1/log?limit=1000')
    const creates = log.body.entries.filter(
      (e: Json) =>
        e.method === 'POST' && e.path === '/blazemeter/api/v4/tests' && e.outcome === 'ok',
    )
    expect(creates.length).toBeGreaterThanOrEqual(2)
    expect(creates.every((e: Json) => e.status === 201)).toBe(true)
    await expect(
      client.call('/api/v4/tests', {
        name: 'odd',
        projectId: defaultProject.id,
        configuration: { type: 5 },
      }),
    ).rejects.toMatchObject({ status: 400, body: { api_version: 4, result: null } })
    await expect(client.call('/api/v4/tests/not-a-number/start', {})).rejects.toMatchObject({
      status: 404,
      body: { api_version: 4, error: { code: 404 }, result: null },
    })
  })
})
