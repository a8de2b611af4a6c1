/**
 * Userplane: `Authorization: Bearer uspl_…`. Errors are JSON `{error, message}` with the
 * provider's codes; limits are per user, shared by the user's keys: 120/minute and 10,000/day.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DAY_MS } from '../../providers'
import {
  acceptRequest,
  authenticate,
  ctxOf,
  header,
  logRequest,
  outcomeOf,
  type StyleContext,
} from '../context'

const STYLE = 'userplane'
const P = '/userplane'
const PER_MINUTE = 120
const PER_DAY = 10_000

export const USERPLANE_ERRORS = {
  API_KEY_REQUIRED: [
    401,
    'API key is required. Include it as Authorization: Bearer <your-api-key>.',
  ],
  API_KEY_INVALID: [401, 'The provided API key is not valid. Verify the key and try again.'],
  API_KEY_EXPIRED: [401, 'The API key has expired. Rotate or create a new key.'],
  API_KEY_DISABLED: [
    403,
    'The API key is disabled. Enable it in your settings or use another key.',
  ],
  RATE_LIMITED: [429, 'Rate limit exceeded. Try again later.'],
} as const

function bearer(req: FastifyRequest): string | undefined {
  const auth = header(req, 'authorization')
  if (auth === undefined) return undefined
  const m = /^Bearer\s+(\S*)$/i.exec(auth)
  return m ? m[1] : ''
}

/** Take one request from the user's minute and day windows; false when either is full. */
function withinLimits(ctx: StyleContext, owner: string): boolean {
  const now = ctx.now()
  const scope = `user:${owner}`
  const day = Math.floor(now / DAY_MS)
  // The day window survives restarts: it lives in the counter store (flushed in batches).
  if (ctx.counters.get(scope, 'userplane.day') !== day) {
    ctx.counters.set(scope, 'userplane.day', day)
    ctx.counters.set(scope, 'userplane.dayCount', 0)
  }
  if (ctx.counters.get(scope, 'userplane.dayCount') >= PER_DAY) return false
  if (!ctx.rates.take(`up:${owner}`, PER_MINUTE, 60_000, now)) return false
  ctx.counters.add(scope, 'userplane.dayCount')
  return true
}

function fail(reply: FastifyReply, code: keyof typeof USERPLANE_ERRORS): FastifyReply {
  const [status, message] = USERPLANE_ERRORS[code]
  return reply.code(status).send({ error: code, message })
}

function me(ctx: StyleContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const verdict = authenticate(ctx, STYLE, bearer(req))
  const refuse = (code: keyof typeof USERPLANE_ERRORS, outcome: string) => {
    logRequest(ctx, req, STYLE, verdict, USERPLANE_ERRORS[code][0], outcome)
    return fail(reply, code)
  }
  switch (verdict.kind) {
    case 'missing':
      return refuse('API_KEY_REQUIRED', outcomeOf(verdict))
    case 'unknown':
    case 'wrong-style':
    case 'revoked':
      return refuse('API_KEY_INVALID', outcomeOf(verdict))
    case 'expired':
      return refuse('API_KEY_EXPIRED', outcomeOf(verdict))
    case 'disabled':
      return refuse('API_KEY_DISABLED', outcomeOf(verdict))
  }
  const key = verdict.key
  if (ctx.accounts.settings.rateLimits && !withinLimits(ctx, key.owner))
    return refuse('RATE_LIMITED', 'rate-limited')
  acceptRequest(ctx, req, STYLE, verdict)
  const user = ctx.accounts.user(key.owner)
  return reply.send({
    message: 'Authenticated',
    data: {
      user: {
        id: `usr_${user?.id ?? 0}`,
        name: user?.displayName ?? key.owner,
        email: user?.email ?? '',
        emailVerified: true,
        image: null,
        createdAt: new Date(user?.createdAt ?? key.createdAt).toISOString(),
      },
      stats: { workspaces: 1, recordings: 0, links: 0 },
    },
  })
}

/** Mount the Userplane endpoints under /userplane. */
export function registerUserplane(app: FastifyInstance): void {
  app.get(`${P}/api/v1/public/me`, (req, reply) => me(ctxOf(req), req, reply))
}
