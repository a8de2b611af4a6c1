/**
 * WebPageTest: key in `X-WPT-API-KEY` (case-insensitive name, trimmed value; the old `k=` query
 * parameter is ignored). Every answer is HTTP 200 with the error in the JSON body, because the
 * official npm client discards the body of any non-200 reply.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  acceptRequest,
  authenticate,
  ctxOf,
  header,
  logRequest,
  outcomeOf,
  recordUse,
  type StyleContext,
  type Verdict,
} from '../context'
import type { KeyRecord } from '../keys'

const STYLE = 'webpagetest'
const P = '/webpagetest'

export const WPT_MESSAGES = {
  balanceInvalid: 'Error validating API Key Account',
  expired: 'API key expired',
  missing:
    'An error occurred processing your request (missing API key). If you do not have an API key you can purchase one here: https://product.webpagetest.org/api',
  invalid:
    "Invalid API key. To continue running tests via the WebPageTest API, you'll need to update your current key. Visit https://product.webpagetest.org/api to get a new one.",
  overBalance: 'The test request will exceed the remaining test balance for the given API key',
  badUrl: 'Invalid URL, please try submitting your test request again.',
}

/** The month the balance counts in (UTC), as `YYYY-MM`. */
function month(now: number): string {
  return new Date(now).toISOString().slice(0, 7)
}

function testsUsed(ctx: StyleContext, key: KeyRecord): number {
  return ctx.counters.get(`account:${key.owner}`, `webpagetest.tests.${month(ctx.now())}`)
}

function remaining(ctx: StyleContext, key: KeyRecord): number {
  return Math.max(0, ctx.accounts.policy(key.owner).webpagetestMonthlyTests - testsUsed(ctx, key))
}

function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).type('application/json').send(body)
}

function params(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (source: unknown) => {
    if (source && typeof source === 'object')
      for (const [k, v] of Object.entries(source as Record<string, unknown>))
        if (typeof v === 'string') out[k] = v
        else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0]
  }
  add(req.query)
  add(req.body)
  return out
}

function testBalance(ctx: StyleContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const verdict = authenticate(ctx, STYLE, header(req, 'x-wpt-api-key'))
  const xml = (req.query as Record<string, unknown>).f === 'xml'
  let data: { remaining: number } | { error: string }
  if (verdict.kind === 'ok') {
    recordUse(ctx, verdict.key)
    data = { remaining: remaining(ctx, verdict.key) }
  } else {
    data = {
      error: verdict.kind === 'expired' ? WPT_MESSAGES.expired : WPT_MESSAGES.balanceInvalid,
    }
  }
  logRequest(ctx, req, STYLE, verdict, 200, verdict.kind === 'ok' ? 'ok' : outcomeOf(verdict))
  if (xml) {
    const inner =
      'remaining' in data
        ? `<remaining>${data.remaining}</remaining>`
        : `<error>${data.error}</error>`
    return reply
      .code(200)
      .type('text/xml')
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<response><data>${inner}</data></response>\n`)
  }
  return sendJson(reply, { data })
}

function refusalMessage(verdict: Verdict): string {
  if (verdict.kind === 'missing') return WPT_MESSAGES.missing
  if (verdict.kind === 'expired') return WPT_MESSAGES.expired
  return WPT_MESSAGES.invalid
}

function runTest(ctx: StyleContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const p = params(req)
  const verdict = authenticate(ctx, STYLE, header(req, 'x-wpt-api-key'))
  const requestId = p.r !== undefined ? { requestId: p.r } : {}
  const fail = (statusText: string, outcome: string) => {
    logRequest(ctx, req, STYLE, verdict, 200, outcome)
    return sendJson(reply, { statusCode: 400, statusText, ...requestId })
  }
  if (verdict.kind !== 'ok') return fail(refusalMessage(verdict), outcomeOf(verdict))
  const key = verdict.key
  const target = p.url ?? ''
  if (!/^(https?:\/\/)?[^\s/]+\.[^\s]+$/i.test(target) && p.script === undefined)
    return fail(WPT_MESSAGES.badUrl, 'bad-request')
  const runs = Math.min(Math.max(Number.parseInt(p.runs ?? '1', 10) || 1, 1), 10)
  if (runs > remaining(ctx, key)) return fail(WPT_MESSAGES.overBalance, 'out-of-balance')
  ctx.counters.add(`account:${key.owner}`, `webpagetest.tests.${month(ctx.now())}`, runs)
  const date = new Date(ctx.now()).toISOString()
  const testId = `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}_Kw_${randomBytes(8).toString('hex')}`
  // The result links keep the namespace prefix the client used (/ns/<name>/webpagetest).
  const base = `http://${req.headers.host ?? '127.0.0.1'}${req.url.slice(0, req.url.indexOf(P) + P.length)}`
  acceptRequest(ctx, req, STYLE, verdict)
  return sendJson(reply, {
    statusCode: 200,
    statusText: 'Ok',
    data: {
      testId,
      jsonUrl: `${base}/jsonResult.php?test=${testId}`,
      xmlUrl: `${base}/xmlResult/${testId}/`,
      userUrl: `${base}/result/${testId}/`,
      summaryCSV: `${base}/result/${testId}/page_data.csv`,
      detailCSV: `${base}/result/${testId}/requests.csv`,
    },
    ...requestId,
  })
}

/** Mount the WebPageTest endpoints under /webpagetest. */
export function registerWebPageTest(app: FastifyInstance): void {
  app.get(`${P}/testBalance.php`, (req, reply) => testBalance(ctxOf(req), req, reply))
  app.get(`${P}/runtest.php`, (req, reply) => runTest(ctxOf(req), req, reply))
  app.post(`${P}/runtest.php`, (req, reply) => runTest(ctxOf(req), req, reply))
}
