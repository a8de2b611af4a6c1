/**
 * Wellows: `X-API-Key` plus `X-Project-ID` (an integer). A user-level key reaches every project
 * of its owner and needs the header except on /validate and /projects; a project-level key is
 * bound to one project. Expired, revoked and unknown keys all get the same 401.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  acceptRequest,
  authenticate,
  ctxOf,
  header,
  logRequest,
  outcomeOf,
  type StyleContext,
} from '../context'
import type { ProjectRecord } from '../accounts'
import type { KeyRecord } from '../keys'

const STYLE = 'wellows'
const P = '/wellows'

function envelope(success: boolean, code: number, message: string, data: unknown) {
  return { success, message, code, data, errors: {}, meta_data: {} }
}

type ProjectChoice =
  | { kind: 'none' }
  | { kind: 'ok'; project: ProjectRecord }
  | { kind: 'bad-header' }
  | { kind: 'forbidden' }

/** Which project the request is about, and whether the key may reach it. */
function chooseProject(ctx: StyleContext, req: FastifyRequest, key: KeyRecord): ProjectChoice {
  const raw = header(req, 'x-project-id')
  let id: number | null = null
  if (raw !== undefined && raw !== '') {
    if (!/^\d{1,10}$/.test(raw)) return { kind: 'bad-header' }
    id = Number(raw)
  }
  if (key.level === 'project') {
    if (id !== null && id !== key.projectId) return { kind: 'forbidden' }
    const project = ctx.accounts.project(key.projectId ?? -1)
    return project ? { kind: 'ok', project } : { kind: 'forbidden' }
  }
  if (id === null) return { kind: 'none' }
  const project = ctx.accounts.project(id)
  if (!project || project.owner !== key.owner) return { kind: 'forbidden' }
  return { kind: 'ok', project }
}

function projectView(p: ProjectRecord) {
  return { id: p.id, name: p.name, created_at: new Date(p.createdAt).toISOString() }
}

type Handler = (ctx: StyleContext, key: KeyRecord, project: ProjectChoice) => unknown

/**
 * Shared gate: authenticate, resolve the project, answer 401/403/400 in the envelope, else
 * call `handler` for the data. `needsProject` is false for /validate and /projects.
 */
function route(needsProject: boolean, handler: Handler) {
  return (req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const ctx = ctxOf(req)
    const verdict = authenticate(ctx, STYLE, header(req, 'x-api-key'))
    const fail = (code: number, message: string, outcome: string) => {
      logRequest(ctx, req, STYLE, verdict, code, outcome)
      return reply.code(code).send(envelope(false, code, message, null))
    }
    // Disabled is not a Wellows state; anything but ok is the provider's one 401.
    if (verdict.kind !== 'ok') return fail(401, 'Invalid API key', outcomeOf(verdict))
    const choice = chooseProject(ctx, req, verdict.key)
    if (choice.kind === 'bad-header')
      return fail(400, 'X-Project-ID must be an integer', 'bad-request')
    if (choice.kind === 'forbidden') return fail(403, 'Insufficient permissions', 'forbidden')
    if (needsProject && choice.kind === 'none')
      return fail(400, 'X-Project-ID header is required', 'bad-request')
    acceptRequest(ctx, req, STYLE, verdict)
    const [message, data] = handler(ctx, verdict.key, choice) as [string, unknown]
    return reply.send(envelope(true, 200, message, data))
  }
}

/** Mount the Wellows endpoints under /wellows. */
export function registerWellows(app: FastifyInstance): void {
  app.get(
    `${P}/api/v1/validate`,
    route(false, (ctx, key) => {
      const user = ctx.accounts.user(key.owner)
      return [
        'API key is valid',
        {
          valid: true,
          key_level: key.level === 'project' ? 'PROJECT' : 'USER',
          user_id: user?.id ?? null,
          project_id: key.level === 'project' ? key.projectId : null,
          expiry: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
        },
      ]
    }),
  )
  app.get(
    `${P}/api/v1/projects`,
    route(false, (ctx, key, choice) => {
      const projects =
        key.level === 'project'
          ? choice.kind === 'ok'
            ? [choice.project]
            : []
          : ctx.accounts.listProjects(key.owner)
      return ['Projects retrieved successfully', projects.map(projectView)]
    }),
  )
  app.get(
    `${P}/api/v1/site-summary`,
    route(true, (_ctx, _key, choice) => {
      const project = (choice as { project: ProjectRecord }).project
      return [
        'Site summary retrieved successfully',
        {
          project: projectView(project),
          pages_tracked: 0,
          keywords_tracked: 0,
          visibility_score: null,
        },
      ]
    }),
  )
}
