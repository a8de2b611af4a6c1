/**
 * Provider routes, mounted twice: at /<provider>/… for the default namespace and at
 * /ns/<name>/<provider>/… for every other. A hook on each mount puts the namespace's context on
 * the request and then applies its fault rules; with no rules that is one property check, so
 * the hot path pays nothing for the feature.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SERVER_STYLES, type ServerStyle } from '../providers'
import { parseAuthorization } from './authorization'
import { logRequest } from './context'
import { faultReply } from './fault-replies'
import { registerProviderDocs } from './provider-openapi'
import type { KeyRecord } from './keys'
import type { Namespace, NamespaceRegistry } from './namespaces'
import { registerBlazemeter } from './styles/blazemeter'
import { registerSimilarweb } from './styles/similarweb'
import { registerUserplane } from './styles/userplane'
import { registerWebPageTest } from './styles/webpagetest'
import { registerWellows } from './styles/wellows'

const STYLES = new Set<string>(SERVER_STYLES)

/** The provider and the path below its prefix, from a request URL (with or without /ns/<name>). */
export function providerPath(url: string): { provider: ServerStyle; path: string } | null {
  const q = url.indexOf('?')
  const parts = (q === -1 ? url : url.slice(0, q)).split('/')
  // ['', 'ns', '<name>', '<provider>', …] or ['', '<provider>', …]
  const at = parts[1] === 'ns' ? 3 : 1
  const provider = parts[at]
  if (provider === undefined || !STYLES.has(provider)) return null
  return { provider: provider as ServerStyle, path: `/${parts.slice(at + 1).join('/')}` }
}

/** Apply the namespace's fault rules to a request: continue, delay, answer, drop or hang. */
function applyFaults(
  ns: Namespace,
  req: FastifyRequest,
  reply: FastifyReply,
  done: () => void,
): void {
  if (!ns.faults.active) return done()
  const where = providerPath(req.url)
  const decision = where ? ns.faults.decide(where.provider, where.path) : null
  if (!where || !decision) return done()
  // (The documents at /<provider>/openapi.json are matched too: a glob of /** means everything.)
  const rule = decision.rule
  req.kwFault = decision.label
  void reply.header('x-keywarden-fault', decision.label)
  switch (rule.kind) {
    case 'latency':
      setTimeout(done, rule.ms)
      return
    case 'status': {
      const status = rule.status!
      logRequest(ns.ctx, req, where.provider, null, status, 'fault')
      if (status === 429 || rule.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(rule.retryAfterSeconds ?? 1))
      const { type, body } = faultReply(where.provider, status)
      void reply.code(status).type(type).send(body)
      return
    }
    case 'drop':
      logRequest(ns.ctx, req, where.provider, null, 0, 'fault')
      req.raw.socket.destroy()
      return
    case 'hang':
      // Never answered: the client's own timeout ends it (or the server's close).
      logRequest(ns.ctx, req, where.provider, null, 0, 'fault')
      return
  }
}

/**
 * A provider path the emulation has no route for (say Taurus's /api/v4/masters/…) still meets
 * the namespace's fault rules, so a rule on `/**` or on that path fires as the user wrote it;
 * without a fault it answers `notFound`.
 */
export function faultUnrouted(
  registry: NamespaceRegistry,
  req: FastifyRequest,
  reply: FastifyReply,
  notFound: () => void,
): void {
  const parts = req.url.split('?', 1)[0]!.split('/')
  const ns = parts[1] === 'ns' ? registry.get(parts[2] ?? '') : registry.default
  if (!ns || !providerPath(req.url)) return notFound()
  applyFaults(ns, req, reply, notFound)
}

function mountProviders(scope: FastifyInstance): void {
  registerWebPageTest(scope)
  registerSimilarweb(scope)
  registerUserplane(scope)
  registerWellows(scope)
  registerBlazemeter(scope)
  registerProviderDocs(scope)
}

const CREDENTIAL_HEADERS = ['x-wpt-api-key', 'x-api-key', 'api-key']
/** A Bearer token or the decoded Basic `id:secret` of a header ('' for neither). */
function authorizationCredential(header: string): string {
  const parts = parseAuthorization(header.trim())
  return parts.basic ?? parts.bearer ?? ''
}

function addCredential(out: string[], v: unknown): void {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s !== 'string' || s.length > 512) return
  const trimmed = s.trim()
  if (trimmed !== '') out.push(trimmed)
}

/**
 * Every place a provider client may carry its key (each style reads one or two of them). Run
 * for every request on a shared backend, so it allocates little.
 */
export function presentedCredentials(req: FastifyRequest): string[] {
  const out: string[] = []
  for (const name of CREDENTIAL_HEADERS) addCredential(out, req.headers[name])
  addCredential(out, (req.query as Record<string, unknown> | undefined)?.api_key)
  const auth = req.headers.authorization
  if (typeof auth === 'string') addCredential(out, authorizationCredential(auth))
  return out
}

/**
 * On a shared backend the key index is a cache: a credential it does not know may have been
 * issued by another instance a moment ago. Look such credentials up in storage (one query for
 * all of a request's candidates) before the handler judges them. A callback hook, not an async
 * one: a known key continues synchronously, and only a miss waits for the database. It runs
 * on every request of a shared backend, from the onRequest hook once the faults let the request
 * through (no hook stage of its own), so the known-key path must stay cheap.
 */
function lookUpMisses(req: FastifyRequest, done: () => void) {
  const ctx = req.kwCtx
  if (!ctx) return done()
  const misses = presentedCredentials(req).filter((c) => !ctx.keys.findByCredential(c))
  if (misses.length === 0) return done()
  const before = ctx.keys.writeCount()
  let read: Promise<KeyRecord[]>
  try {
    read = ctx.keys.lookUp(misses)
  } catch {
    return done()
  }
  read.then(
    (found) => {
      // A write of ours during the read (a revoke here) is newer than what was read: keep it.
      if (ctx.keys.writeCount() === before) for (const k of found) ctx.keys.adoptMiss(k)
      done()
    },
    // Storage unreachable: the credential is judged on what this instance knows.
    () => done(),
  )
}

/**
 * Mount every provider for the default namespace and under /ns/:ns. `shared`: storage is shared
 * with other instances (namespaces and keys may exist there that this one has not seen yet).
 */
export function registerProviders(
  app: FastifyInstance,
  registry: NamespaceRegistry,
  shared = false,
): void {
  app.decorateRequest('kwCtx', null)
  app.decorateRequest('kwFault', null)
  void app.register(async (scope) => {
    scope.addHook('onRequest', (req, reply, done) => {
      const ns = registry.default
      req.kwCtx = ns.ctx
      applyFaults(ns, req, reply, shared ? () => lookUpMisses(req, done) : done)
    })
    mountProviders(scope)
  })
  void app.register(
    async (scope) => {
      scope.addHook('onRequest', (req, reply, done) => {
        const name = (req.params as { ns: string }).ns
        const enter = (ns: Namespace | undefined) => {
          if (!ns) {
            void reply
              .code(404)
              .send({ error: 'namespace-not-found', message: 'No namespace of that name.' })
            return
          }
          req.kwCtx = ns.ctx
          applyFaults(ns, req, reply, shared ? () => lookUpMisses(req, done) : done)
        }
        const known = registry.get(name)
        // Only a namespace this instance has not seen waits for storage (made on another one).
        if (known || !shared) return enter(known)
        registry.find(name).then(enter, () => enter(undefined))
      })
      mountProviders(scope)
    },
    { prefix: '/ns/:ns' },
  )
}
