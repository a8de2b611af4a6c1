/**
 * BlazeMeter: HTTP Basic with the key id as user name and the key secret as password, or the
 * same `id:secret` in `X-Api-Key` (Taurus's bza module sends Basic when its token holds a colon,
 * X-Api-Key otherwise). After a secret is regenerated the old pair no longer hashes to a key.
 * The account/workspace/project/test walk real clients do lives in blazemeter-workspace.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseAuthorization } from '../authorization'
import { defaultProjectOf, registerBlazemeterWorkspace } from './blazemeter-workspace'
import {
  acceptRequest,
  authenticate,
  ctxOf,
  header,
  logRequest,
  outcomeOf,
  type StyleContext,
} from '../context'

const STYLE = 'blazemeter'
const P = '/blazemeter'

const unauthorized = { error: { code: 401, message: 'Unauthorized' }, api_version: 4, result: null }
const forbidden = {
  error: { code: 403, message: 'Forbidden' },
  api_version: 4,
  result: null,
}

/** The `id:secret` of a Basic header, or '' for another scheme or a value without a colon. */
function decodeBasic(auth: string): string {
  const pair = parseAuthorization(auth).basic
  return pair !== null && pair.includes(':') ? pair : ''
}

/** The `id:secret` pair of a Basic header or X-Api-Key, or undefined/'' when absent or malformed. */
function basicCredential(req: FastifyRequest): string | undefined {
  const auth = header(req, 'authorization')
  return auth === undefined ? header(req, 'x-api-key') : decodeBasic(auth)
}

export type Handler = (
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: StyleContext,
  key: ReturnType<typeof auth>,
) => FastifyReply

export function auth(ctx: StyleContext, req: FastifyRequest, reply: FastifyReply) {
  const verdict = authenticate(ctx, STYLE, basicCredential(req))
  if (verdict.kind !== 'ok') {
    logRequest(ctx, req, STYLE, verdict, 401, outcomeOf(verdict))
    void reply.code(401).send(unauthorized)
    return null
  }
  return verdict
}

const user: Handler = (req, reply, ctx, verdict) => {
  const key = verdict!.key
  acceptRequest(ctx, req, STYLE, verdict!)
  const u = ctx.accounts.ensureUser(key.owner, ctx.now())
  const [firstName, ...rest] = u.displayName.split(' ')
  return reply.send({
    api_version: 4,
    error: null,
    result: {
      id: u.id,
      email: u.email,
      firstName: firstName ?? '',
      lastName: rest.join(' '),
      enabled: true,
      roles: [verdict!.key.readOnly ? 'viewer' : 'user'],
      defaultProject: defaultProjectOf(ctx, key),
    },
  })
}

const startTest: Handler = (req, reply, ctx, verdict) => {
  const key = verdict!.key
  const testId = (req.params as { testId: string }).testId
  if (!/^\d{1,12}$/.test(testId)) {
    logRequest(ctx, req, STYLE, verdict, 404, 'not-found')
    return reply.code(404).send({
      api_version: 4,
      error: { code: 404, message: 'Not Found: Test not found' },
      result: null,
    })
  }
  if (key.readOnly) {
    logRequest(ctx, req, STYLE, verdict, 403, 'forbidden')
    return reply.code(403).send(forbidden)
  }
  ctx.counters.add(`account:${key.owner}`, 'blazemeter.testsStarted')
  acceptRequest(ctx, req, STYLE, verdict!)
  const runId = ctx.counters.get(`account:${key.owner}`, 'blazemeter.testsStarted')
  return reply.send({
    api_version: 4,
    error: null,
    result: { id: 70_000_000 + runId, testId: Number(testId), status: 'CREATED' },
  })
}

/** Mount the BlazeMeter endpoints under /blazemeter. */
export function registerBlazemeter(app: FastifyInstance): void {
  const guarded = (h: Handler) => (req: FastifyRequest, reply: FastifyReply) => {
    const ctx = ctxOf(req)
    const verdict = auth(ctx, req, reply)
    return verdict ? h(req, reply, ctx, verdict) : reply
  }
  app.get(`${P}/api/v4/user`, guarded(user))
  app.post(`${P}/api/v4/tests/:testId/start`, guarded(startTest))
  registerBlazemeterWorkspace(app, guarded)
}
