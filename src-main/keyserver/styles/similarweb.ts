/**
 * Similarweb: REST keys in the `api_key` query parameter (v1–v4) or the `api-key` header (v5);
 * Batch keys in the `api-key` header. A key works only while active and only on its own API;
 * credits are limited per user and per API, and errors cost none. 10 requests/second → 429.
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
  type Verdict,
} from '../context'
import type { KeyRecord } from '../keys'

const STYLE = 'similarweb'
const P = '/similarweb'
const PER_SECOND = 10

type Api = 'rest' | 'batch'

function fromQuery(req: FastifyRequest): string | undefined {
  const v = (req.query as Record<string, unknown>).api_key
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s.trim() : undefined
}

function creditScope(key: KeyRecord): string {
  return `user:${key.owner}`
}

function remainingCredits(ctx: StyleContext, key: KeyRecord, api: Api): number {
  const policy = ctx.accounts.policy(key.owner)
  const limit = api === 'rest' ? policy.similarwebRestCredits : policy.similarwebBatchCredits
  return Math.max(0, limit - ctx.counters.get(creditScope(key), `similarweb.${api}.used`))
}

function errorBody(code: number, message: string) {
  return { meta: { status: 'Error', error_code: code, error_message: message } }
}

/**
 * Authenticate for one API (and spend a credit when `cost`); on refusal the reply is sent and
 * null returned. Errors cost no credits: the credit is taken only once everything else passed.
 */
function gate(
  ctx: StyleContext,
  req: FastifyRequest,
  reply: FastifyReply,
  api: Api,
  credential: string | undefined,
  cost = false,
): KeyRecord | null {
  const verdict: Verdict = authenticate(ctx, STYLE, credential)
  const refuse = (outcome: string) => {
    logRequest(ctx, req, STYLE, verdict, 401, outcome)
    void reply.code(401).type('text/plain; charset=utf-8').send('invalid API key')
    return null
  }
  if (verdict.kind !== 'ok') return refuse(outcomeOf(verdict))
  const key = verdict.key
  // A REST key is refused on Batch endpoints and the other way round, as an invalid key.
  if ((key.apiType ?? 'rest') !== api) return refuse('wrong-api')
  if (
    ctx.accounts.settings.rateLimits &&
    !ctx.rates.take(`sw:${key.id}`, PER_SECOND, 1000, ctx.now())
  ) {
    logRequest(ctx, req, STYLE, verdict, 429, 'rate-limited')
    void reply.code(429).send(errorBody(429, 'Too many requests'))
    return null
  }
  if (cost) {
    if (remainingCredits(ctx, key, api) <= 0) {
      logRequest(ctx, req, STYLE, verdict, 403, 'out-of-credits')
      void reply.code(403).send(errorBody(403, 'Invalid API Key or out of data credits'))
      return null
    }
    ctx.counters.add(creditScope(key), `similarweb.${api}.used`)
  }
  acceptRequest(ctx, req, STYLE, verdict)
  return key
}

const restCredential = (req: FastifyRequest) => fromQuery(req) ?? header(req, 'api-key')

function sampleVisits(domain: string, now: number) {
  const visits = []
  const d = new Date(now)
  for (let i = 3; i >= 1; i--) {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1))
    visits.push({
      date: m.toISOString().slice(0, 10),
      visits: 100_000 + ((domain.length * 7919 * i) % 50_000),
    })
  }
  return visits
}

/** Mount the Similarweb endpoints under /similarweb. */
export function registerSimilarweb(app: FastifyInstance): void {
  app.get(`${P}/capabilities`, (req, reply) => {
    const ctx = ctxOf(req)
    const key = gate(ctx, req, reply, 'rest', restCredential(req))
    if (!key) return reply
    const data = {
      countries: [{ code: 'world', name: 'Worldwide', start_date: '2020-01', end_date: '2026-10' }],
    }
    return reply.send({
      remaining_hits: remainingCredits(ctx, key, 'rest'),
      web_desktop_data: data,
      web_mobile_data: data,
      app_data: { countries: [] },
      app_engagement_data: { countries: [] },
    })
  })

  app.get(`${P}/user-capabilities`, (req, reply) => {
    const ctx = ctxOf(req)
    const key = gate(ctx, req, reply, 'rest', restCredential(req))
    if (!key) return reply
    return reply.send({
      allowance: ctx.accounts.policy(key.owner).similarwebRestCredits,
      user_remaining: remainingCredits(ctx, key, 'rest'),
    })
  })

  app.get<{ Params: { domain: string } }>(
    `${P}/v1/website/:domain/total-traffic-and-engagement/visits`,
    (req, reply) => {
      const ctx = ctxOf(req)
      const key = gate(ctx, req, reply, 'rest', restCredential(req), true)
      if (!key) return reply
      return reply.send({
        meta: {
          request: { domain: req.params.domain, granularity: 'Monthly', main_domain_only: false },
          status: 'Success',
          last_updated: new Date(ctx.now()).toISOString().slice(0, 10),
        },
        visits: sampleVisits(req.params.domain, ctx.now()),
      })
    },
  )

  app.get(`${P}/v3/batch/credits`, (req, reply) => {
    const ctx = ctxOf(req)
    const key = gate(ctx, req, reply, 'batch', header(req, 'api-key'))
    if (!key) return reply
    return reply.send({ credits: remainingCredits(ctx, key, 'batch') })
  })
}
