/**
 * What the provider routes share within one namespace: its clock, key index, accounts,
 * counters, rate windows and the request log, plus the one authentication step every style
 * starts with. A request carries its namespace's context (set by the routing hook).
 */
import type { FastifyRequest } from 'fastify'
import type { ServerStyle } from '../providers'
import type { AccountRepository } from './accounts'
import type { BlazemeterItems } from './blazemeter-items'
import type { CounterStore } from './counters'
import type { KeyRecord, KeyRepository } from './keys'
import type { RateLimiter } from './rate-limit'
import type { RequestLog } from './request-log'
import { effectiveStatus, isExpired } from './state'

export interface StyleContext {
  /** The namespace's name ('default' for paths without /ns/<name>). */
  namespace: string
  /** The namespace's clock: the server's time plus the namespace's offset. */
  now: () => number
  keys: KeyRepository
  accounts: AccountRepository
  counters: CounterStore
  rates: RateLimiter
  log: RequestLog
  /** BlazeMeter's projects and tests. */
  blazemeter: BlazemeterItems
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The context of the namespace the request reached, set by the routing hook. */
    kwCtx: StyleContext | null
    /** The injected fault the request met (as the log and X-Keywarden-Fault name it), or null. */
    kwFault: string | null
  }
}

/** The namespace context of a provider request (set before any provider handler runs). */
export function ctxOf(req: FastifyRequest): StyleContext {
  return req.kwCtx!
}

/** How a presented credential fares. `wrong-style` and `unknown` look the same to a client. */
export type Verdict =
  | { kind: 'missing' }
  | { kind: 'unknown' }
  | { kind: 'wrong-style'; key: KeyRecord }
  | { kind: 'revoked' | 'disabled' | 'expired' | 'ok'; key: KeyRecord }

/** Look a credential up and judge it at the current time (one HMAC and one Map lookup). */
export function authenticate(
  ctx: StyleContext,
  style: ServerStyle,
  credential: string | undefined,
): Verdict {
  if (credential === undefined || credential === '') return { kind: 'missing' }
  const key = ctx.keys.findByCredential(credential)
  if (!key) return { kind: 'unknown' }
  if (key.style !== style) return { kind: 'wrong-style', key }
  const now = ctx.now()
  const status = effectiveStatus(key, now)
  if (status === 'revoked') return { kind: 'revoked', key }
  const grace = style === 'webpagetest' ? ctx.accounts.settings.webpagetestGraceMs : 0
  if (isExpired(key, now, grace)) return { kind: 'expired', key }
  if (status === 'disabled') return { kind: 'disabled', key }
  return { kind: 'ok', key }
}

/** Count one accepted request against a key (memory only; flushed in batches). */
export function recordUse(ctx: StyleContext, key: KeyRecord): void {
  const scope = `key:${key.id}`
  ctx.counters.add(scope, 'requests')
  ctx.counters.set(scope, 'lastUsedAt', ctx.now())
}

/** Append to the request log: the path without its query, the key's record id, never the key. */
export function logRequest(
  ctx: StyleContext,
  req: FastifyRequest,
  style: ServerStyle,
  verdict: Verdict | null,
  status: number,
  outcome: string,
): void {
  const q = req.url.indexOf('?')
  // A wrong-style key is not named: the caller presented it to a provider it does not belong to.
  const keyId =
    verdict && 'key' in verdict && verdict.kind !== 'wrong-style' ? verdict.key.id : null
  ctx.log.add({
    time: ctx.now(),
    method: req.method,
    path: q === -1 ? req.url : req.url.slice(0, q),
    style,
    keyId,
    status,
    outcome,
    namespace: ctx.namespace,
    fault: req.kwFault,
  })
}

/** An accepted request: counted against its key and logged as ok (the two always go together). */
export function acceptRequest(
  ctx: StyleContext,
  req: FastifyRequest,
  style: ServerStyle,
  verdict: Verdict & { key: KeyRecord },
  status = 200,
): void {
  recordUse(ctx, verdict.key)
  logRequest(ctx, req, style, verdict, status, 'ok')
}

/** The outcome name for a refusal, as the request log shows it. */
export function outcomeOf(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'missing':
      return 'missing-key'
    case 'unknown':
      return 'invalid-key'
    case 'wrong-style':
      return 'wrong-style'
    default:
      return verdict.kind
  }
}

/** First value of a header (Node joins or arrays repeated ones), trimmed. */
export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined ? undefined : s.trim()
}
