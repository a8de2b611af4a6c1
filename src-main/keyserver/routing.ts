/**
 * Provider routes, mounted twice: at /<provider>/… for the default namespace and at
 * /ns/<name>/<provider>/… for every other. A hook on each mount puts the namespace's context on
 * the request and then applies its fault rules; with no rules that is one property check, so
 * the hot path pays nothing for the feature.
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify'
import { SERVER_STYLES, type ServerStyle } from '../providers'
import { logRequest } from './context'
import { faultReply } from './fault-replies'
import { registerProviderDocs } from './provider-openapi'
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
  done: HookHandlerDoneFunction,
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

function mountProviders(scope: FastifyInstance): void {
  registerWebPageTest(scope)
  registerSimilarweb(scope)
  registerUserplane(scope)
  registerWellows(scope)
  registerBlazemeter(scope)
  registerProviderDocs(scope)
}

/** Mount every provider for the default namespace and under /ns/:ns. */
export function registerProviders(app: FastifyInstance, registry: NamespaceRegistry): void {
  app.decorateRequest('kwCtx', null)
  app.decorateRequest('kwFault', null)
  void app.register(async (scope) => {
    scope.addHook('onRequest', (req, reply, done) => {
      const ns = registry.default
      req.kwCtx = ns.ctx
      applyFaults(ns, req, reply, done)
    })
    mountProviders(scope)
  })
  void app.register(
    async (scope) => {
      scope.addHook('onRequest', (req, reply, done) => {
        const ns = registry.get((req.params as { ns: string }).ns)
        if (!ns) {
          void reply
            .code(404)
            .send({ error: 'namespace-not-found', message: 'No namespace of that name.' })
          return
        }
        req.kwCtx = ns.ctx
        applyFaults(ns, req, reply, done)
      })
      mountProviders(scope)
    },
    { prefix: '/ns/:ns' },
  )
}
