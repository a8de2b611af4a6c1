/**
 * The walk real BlazeMeter clients do after authenticating (Taurus's bza module): ping
 * /api/v4/web/version, then accounts → workspaces?accountId → projects?workspaceId →
 * tests?projectId, creating a project or a test when theirs is missing. Each key owner has one
 * account, one workspace and a default project. Answers use BlazeMeter's envelope
 * `{api_version, error, result}`; lists add `skip`, `limit` and `total`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  ACCOUNT_BASE,
  WORKSPACE_BASE,
  type BlazemeterProject,
  type BlazemeterTest,
} from '../blazemeter-items'
import { acceptRequest, ctxOf, logRequest, type StyleContext } from '../context'
import type { KeyRecord } from '../keys'
import type { Handler } from './blazemeter'

const STYLE = 'blazemeter'
const P = '/blazemeter'
const forbidden = { error: { code: 403, message: 'Forbidden' }, api_version: 4, result: null }
const DEFAULT_LIMIT = 10
const MAX_LIMIT = 1000
/** The version /api/v4/web/version reports (any string satisfies the clients' ping). */
const WEB_VERSION = '4.0.0-keywarden'

type Verdict = Parameters<Handler>[3] & object

const seconds = (ms: number) => Math.floor(ms / 1000)

function ok(reply: FastifyReply, result: unknown, status = 200): FastifyReply {
  return reply.code(status).send({ api_version: 4, error: null, result })
}

function fail(
  ctx: StyleContext,
  req: FastifyRequest,
  reply: FastifyReply,
  verdict: Verdict,
  status: number,
  message: string,
): FastifyReply {
  logRequest(ctx, req, STYLE, verdict, status, status === 404 ? 'not-found' : 'bad-request')
  return reply.code(status).send({ api_version: 4, error: { code: status, message }, result: null })
}

/** skip/limit from the query (BlazeMeter's paging), bounded. */
function paging(req: FastifyRequest): { skip: number; limit: number } | null {
  const q = req.query as Record<string, unknown>
  const num = (v: unknown, fallback: number) =>
    v === undefined ? fallback : typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN
  const skip = num(q.skip, 0)
  const limit = num(q.limit, DEFAULT_LIMIT)
  if (!Number.isFinite(skip) || !Number.isFinite(limit) || limit < 1) return null
  return { skip, limit: Math.min(limit, MAX_LIMIT) }
}

function page(reply: FastifyReply, items: unknown[], p: { skip: number; limit: number }) {
  return reply.send({
    api_version: 4,
    error: null,
    result: items.slice(p.skip, p.skip + p.limit),
    skip: p.skip,
    limit: p.limit,
    total: items.length,
  })
}

/** The owner's account and workspace ids (derived from the user's numeric id). */
function idsOf(ctx: StyleContext, key: KeyRecord) {
  const user = ctx.accounts.ensureUser(key.owner, ctx.now())
  return { user, accountId: ACCOUNT_BASE + user.id, workspaceId: WORKSPACE_BASE + user.id }
}

function accountView(ctx: StyleContext, key: KeyRecord) {
  const { user, accountId } = idsOf(ctx, key)
  return {
    id: accountId,
    name: `${user.displayName}'s account`,
    owner: { id: user.id, email: user.email },
  }
}

function workspaceView(ctx: StyleContext, key: KeyRecord) {
  const { user, accountId, workspaceId } = idsOf(ctx, key)
  return {
    id: workspaceId,
    name: 'Default workspace',
    accountId,
    enabled: true,
    created: seconds(user.createdAt),
  }
}

function projectView(p: BlazemeterProject, testsCount: number) {
  return {
    id: p.id,
    name: p.name,
    workspaceId: p.workspaceId,
    description: null,
    created: seconds(p.created),
    updated: seconds(p.created),
    testsCount,
  }
}

function testView(t: BlazemeterTest) {
  return {
    id: t.id,
    name: t.name,
    projectId: t.projectId,
    configuration: t.configuration,
    created: seconds(t.created),
    updated: seconds(t.created),
  }
}

/** A whole number from a query or body value, or null. */
function intOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v
  if (typeof v === 'string' && /^\d{1,12}$/.test(v)) return Number(v)
  return null
}

/** The owner's default project as `GET /api/v4/user` reports it (Taurus reads its ids). */
export function defaultProjectOf(ctx: StyleContext, key: KeyRecord) {
  const { accountId, workspaceId } = idsOf(ctx, key)
  const project = ctx.blazemeter.defaultProject(key.owner, workspaceId, ctx.now())
  return { id: project.id, name: project.name, accountId, workspaceId }
}

/** The owner's projects (the default one made on first use). */
function ownProjects(ctx: StyleContext, key: KeyRecord): BlazemeterProject[] {
  return ctx.blazemeter.projectsOf(key.owner, idsOf(ctx, key).workspaceId, ctx.now())
}

function testsCount(ctx: StyleContext, key: KeyRecord, projectId: number): number {
  return ctx.blazemeter.testsOf({ owner: key.owner, projectIds: new Set([projectId]) }).length
}

function bodyOf(req: FastifyRequest): Record<string, unknown> | null {
  let body = req.body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return null
    }
  }
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : null
}

function validName(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= 200
}

/** Mount the walk on the BlazeMeter prefix; `guarded` authenticates first. */
export function registerBlazemeterWorkspace(
  app: FastifyInstance,
  guarded: (h: Handler) => (req: FastifyRequest, reply: FastifyReply) => FastifyReply,
): void {
  // The clients' ping: answered without a key, as a reachability check.
  app.get(`${P}/api/v4/web/version`, (req, reply) => {
    logRequest(ctxOf(req), req, STYLE, null, 200, 'ok')
    return ok(reply, { version: WEB_VERSION })
  })

  const route = (
    h: (ctx: StyleContext, req: FastifyRequest, reply: FastifyReply, v: Verdict) => FastifyReply,
  ) => guarded((req, reply, ctx, verdict) => h(ctx, req, reply, verdict!))

  app.get(
    `${P}/api/v4/accounts`,
    route((ctx, req, reply, v) => {
      const p = paging(req)
      if (!p) return fail(ctx, req, reply, v, 400, 'Bad Request: skip and limit are whole numbers')
      acceptRequest(ctx, req, STYLE, v)
      return page(reply, [accountView(ctx, v.key)], p)
    }),
  )

  app.get(
    `${P}/api/v4/workspaces`,
    route((ctx, req, reply, v) => {
      const p = paging(req)
      const accountId = intOf((req.query as Record<string, unknown>).accountId)
      if (!p || accountId === null)
        return fail(ctx, req, reply, v, 400, 'Bad Request: accountId is required')
      if (accountId !== idsOf(ctx, v.key).accountId) {
        logRequest(ctx, req, STYLE, v, 403, 'forbidden')
        return reply.code(403).send(forbidden)
      }
      acceptRequest(ctx, req, STYLE, v)
      return page(reply, [workspaceView(ctx, v.key)], p)
    }),
  )

  app.get(
    `${P}/api/v4/workspaces/:id`,
    route((ctx, req, reply, v) => {
      if (intOf((req.params as { id: string }).id) !== idsOf(ctx, v.key).workspaceId)
        return fail(ctx, req, reply, v, 404, 'Not Found: Workspace not found')
      acceptRequest(ctx, req, STYLE, v)
      return ok(reply, workspaceView(ctx, v.key))
    }),
  )

  app.get(
    `${P}/api/v4/projects`,
    route((ctx, req, reply, v) => {
      const q = req.query as Record<string, unknown>
      const p = paging(req)
      const workspaceId = intOf(q.workspaceId)
      if (!p || workspaceId === null)
        return fail(ctx, req, reply, v, 400, 'Bad Request: workspaceId is required')
      const projects =
        workspaceId === idsOf(ctx, v.key).workspaceId
          ? ownProjects(ctx, v.key).filter((x) => q.name === undefined || x.name === q.name)
          : []
      acceptRequest(ctx, req, STYLE, v)
      return page(
        reply,
        projects.map((x) => projectView(x, testsCount(ctx, v.key, x.id))),
        p,
      )
    }),
  )

  app.get(
    `${P}/api/v4/projects/:id`,
    route((ctx, req, reply, v) => {
      ownProjects(ctx, v.key)
      const project = ctx.blazemeter.project(intOf((req.params as { id: string }).id) ?? -1)
      if (!project || project.owner !== v.key.owner)
        return fail(ctx, req, reply, v, 404, 'Not Found: Project not found')
      acceptRequest(ctx, req, STYLE, v)
      return ok(reply, projectView(project, testsCount(ctx, v.key, project.id)))
    }),
  )

  app.post(
    `${P}/api/v4/projects`,
    route((ctx, req, reply, v) => {
      const body = bodyOf(req)
      const workspaceId = intOf(body?.workspaceId)
      if (!body || !validName(body.name) || workspaceId === null)
        return fail(ctx, req, reply, v, 400, 'Bad Request: name and workspaceId are required')
      if (v.key.readOnly) {
        logRequest(ctx, req, STYLE, v, 403, 'forbidden')
        return reply.code(403).send(forbidden)
      }
      if (workspaceId !== idsOf(ctx, v.key).workspaceId)
        return fail(ctx, req, reply, v, 404, 'Not Found: Workspace not found')
      ownProjects(ctx, v.key)
      const project = ctx.blazemeter.addProject(v.key.owner, workspaceId, body.name, ctx.now())
      acceptRequest(ctx, req, STYLE, v, 201)
      return ok(reply, projectView(project, 0), 201)
    }),
  )

  app.get(
    `${P}/api/v4/tests`,
    route((ctx, req, reply, v) => {
      const q = req.query as Record<string, unknown>
      const p = paging(req)
      const projectId = intOf(q.projectId)
      const workspaceId = intOf(q.workspaceId)
      if (!p || (projectId === null && workspaceId === null))
        return fail(ctx, req, reply, v, 400, 'Bad Request: projectId or workspaceId is required')
      const own = ownProjects(ctx, v.key)
      const ids = new Set(
        own
          .filter((x) => (projectId !== null ? x.id === projectId : x.workspaceId === workspaceId))
          .map((x) => x.id),
      )
      const tests = ctx.blazemeter
        .testsOf({ owner: v.key.owner, projectIds: ids })
        .filter((t) => q.name === undefined || t.name === q.name)
      acceptRequest(ctx, req, STYLE, v)
      return page(reply, tests.map(testView), p)
    }),
  )

  app.get(
    `${P}/api/v4/tests/:id`,
    route((ctx, req, reply, v) => {
      const test = ctx.blazemeter.test(intOf((req.params as { id: string }).id) ?? -1)
      if (!test || test.owner !== v.key.owner)
        return fail(ctx, req, reply, v, 404, 'Not Found: Test not found')
      acceptRequest(ctx, req, STYLE, v)
      return ok(reply, testView(test))
    }),
  )

  app.post(
    `${P}/api/v4/tests`,
    route((ctx, req, reply, v) => {
      const body = bodyOf(req)
      const projectId = intOf(body?.projectId)
      const given = body?.configuration ?? {}
      if (
        !body ||
        !validName(body.name) ||
        projectId === null ||
        typeof given !== 'object' ||
        given === null ||
        Array.isArray(given)
      )
        return fail(ctx, req, reply, v, 400, 'Bad Request: name and projectId are required')
      if (v.key.readOnly) {
        logRequest(ctx, req, STYLE, v, 403, 'forbidden')
        return reply.code(403).send(forbidden)
      }
      // Every BlazeMeter test has a type, and Taurus reads it when it filters a list: a test
      // created without one is a Taurus test.
      const configuration = { type: 'taurus', ...(given as Record<string, unknown>) }
      if (typeof configuration.type !== 'string')
        return fail(ctx, req, reply, v, 400, 'Bad Request: configuration.type is a string')
      ownProjects(ctx, v.key)
      const project = ctx.blazemeter.project(projectId)
      if (!project || project.owner !== v.key.owner)
        return fail(ctx, req, reply, v, 404, 'Not Found: Project not found')
      const test = ctx.blazemeter.addTest(
        v.key.owner,
        projectId,
        body.name,
        configuration,
        ctx.now(),
      )
      acceptRequest(ctx, req, STYLE, v, 201)
      return ok(reply, testView(test), 201)
    }),
  )
}
