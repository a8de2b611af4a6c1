/**
 * The admin API under /admin: Bearer token checked in constant time before anything else (and,
 * on loopback, the Host header: a page on another site cannot reach it by DNS rebinding), every
 * body validated with the zod schemas the OpenAPI document is generated from. Calls act on the
 * namespace named by `?namespace=<name>`, else the default one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { AdminError } from './errors'
import { buildOpenApiDocument } from './openapi'
import { registerNamespaceAdmin } from './admin-namespaces'
import type { Namespace, NamespaceRegistry } from './namespaces'
import { RING_SIZE, type RequestLog, type RequestLogEntry } from './request-log'
import {
  CreateKeyBody,
  CreateProjectBody,
  CreateUserBody,
  PolicyBody,
  RotateKeyBody,
  SettingsBody,
  describeIssues,
} from './schemas'

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body)
  if (!result.success) throw new AdminError(400, 'invalid-body', describeIssues(result.error))
  return result.data
}

type IdReq = FastifyRequest<{ Params: { id: string } }>

declare module 'fastify' {
  interface FastifyRequest {
    /** The commit of the admin call's own writes (see registerAdmin's onRoute hook). */
    kwCommitted?: Promise<void>
  }
}

export interface AdminDeps {
  registry: NamespaceRegistry
  log: RequestLog
  checkToken: (presented: string | undefined) => boolean
  /** Host header values the admin API accepts, or null to accept any (a non-loopback bind). */
  allowedHosts: () => Set<string> | null
  /** The server's base URL (for the namespace base URLs the API reports). */
  baseUrl: () => string
  /** Run a handler and follow its writes (see KeyServerStorage.track). */
  track: <T>(fn: () => T) => { result: T; committed: Promise<void> }
  /**
   * On a shared backend, the log as the database holds it (every instance's entries, this one's
   * flushed first); undefined on a private one, whose log is the in-memory ring.
   */
  sharedLog?: (limit: number, namespace: string) => Promise<RequestLogEntry[]>
}

/** The namespace an admin call names, in its query or its /admin/v1/namespaces/<name> path. */
function namedNamespace(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown>).namespace
  if (typeof q === 'string') return q
  const m = /^\/admin\/v1\/namespaces\/([^/?]+)/.exec(req.url)
  if (m) return decodeURIComponent(m[1]!)
  const body = req.body as { name?: unknown } | undefined
  if (req.method === 'POST' && req.url.startsWith('/admin/v1/namespaces') && body)
    return typeof body.name === 'string' ? body.name : undefined
  return undefined
}

/** The namespace an admin call acts on: `?namespace=<name>`, else the default one. */
function nsOf(deps: AdminDeps, req: FastifyRequest): Namespace {
  const name = (req.query as Record<string, unknown>).namespace
  if (name === undefined) return deps.registry.default
  if (typeof name !== 'string') throw new AdminError(400, 'invalid-query', 'Give one namespace.')
  return deps.registry.mustGet(name)
}

/** Mount the admin API (as an encapsulated plugin so its auth hook covers only /admin). */
export function registerAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const openapi = buildOpenApiDocument()
  void app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      // Before the token: a rebinding page has no token, but it should not even learn that.
      const hosts = deps.allowedHosts()
      if (hosts && !hosts.has(String(req.headers.host ?? '').toLowerCase()))
        return reply.code(403).send({
          error: 'forbidden-host',
          message: 'The admin API answers only on its own address.',
        })
      const auth = req.headers.authorization
      const m = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null
      if (!deps.checkToken(m ? m[1] : undefined)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({
          error: 'unauthorized',
          message: 'A valid admin token is required (Authorization: Bearer <token>).',
        })
      }
      // Admin answers carry credentials (issue, rotate) and key details: never cached anywhere.
      void reply.header('cache-control', 'no-store')
      // A form body is never parsed for the admin API, so it can never be quoted back in an error.
      const type = String(req.headers['content-type'] ?? '')
      if (/^\s*(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type))
        return reply
          .code(415)
          .send({ error: 'unsupported-media-type', message: 'Send the body as application/json.' })
    })
    // On a shared backend a namespace another instance made is read in before the handler
    // (which looks namespaces up synchronously), and the answer waits for the call's writes to
    // commit, so a key issued here validates on every instance once the client has it.
    admin.addHook('preHandler', async (req) => {
      const name = namedNamespace(req)
      if (name !== undefined) await deps.registry.find(name)
    })
    // Every admin handler is synchronous up to its answer, so the writes queued while it runs
    // are its own: the answer waits for them, and a refused one becomes this call's error. (A
    // write a provider limit governs, on a shared backend, commits before the handler's promise
    // settles instead: KeyService.limited.)
    admin.addHook('onRoute', (route) => {
      const handler = route.handler as (this: unknown, ...args: unknown[]) => unknown
      route.handler = function (this: unknown, req: FastifyRequest, reply: FastifyReply) {
        // Set before the handler runs: one that calls reply.send() reaches onSend inside it.
        let follow: (commit: Promise<void>) => void = () => undefined
        req.kwCommitted = new Promise<void>((resolve, reject) => {
          follow = (commit) => {
            commit.then(resolve, reject)
          }
        })
        req.kwCommitted.catch(() => undefined)
        const tracked = (() => {
          try {
            return deps.track(() => handler.call(this, req, reply))
          } catch (error) {
            follow(Promise.resolve())
            throw error
          }
        })()
        follow(tracked.committed)
        return tracked.result
      } as typeof route.handler
    })
    admin.addHook('onSend', async (req, _reply, payload) => {
      await req.kwCommitted
      return payload
    })
    const service = (req: FastifyRequest) => nsOf(deps, req).service

    admin.get('/admin/openapi.json', async () => openapi)

    admin.post('/admin/v1/keys', async (req, reply) => {
      // A promise on a shared backend: the limit check and insert serialise across instances.
      const issued = await service(req).createKey(parse(CreateKeyBody, req.body))
      return reply.code(201).send(issued)
    })
    admin.get('/admin/v1/keys', async (req) => {
      const q = req.query as Record<string, unknown>
      const filter = {
        style: typeof q.style === 'string' ? q.style : undefined,
        owner: typeof q.owner === 'string' ? q.owner : undefined,
      }
      return { keys: service(req).listKeys(filter) }
    })
    admin.get('/admin/v1/keys/:id', async (req: IdReq) => service(req).getKey(req.params.id))
    admin.delete('/admin/v1/keys/:id', async (req: IdReq) => service(req).revokeKey(req.params.id))
    admin.post('/admin/v1/keys/:id/revoke', async (req: IdReq) =>
      service(req).revokeKey(req.params.id),
    )
    admin.post('/admin/v1/keys/:id/rotate', async (req: IdReq) =>
      service(req).rotateKey(req.params.id, parse(RotateKeyBody, req.body ?? {})),
    )
    admin.post('/admin/v1/keys/:id/activate', async (req: IdReq) =>
      service(req).setActive(req.params.id, true),
    )
    admin.post('/admin/v1/keys/:id/deactivate', async (req: IdReq) =>
      service(req).setActive(req.params.id, false),
    )
    admin.post('/admin/v1/keys/:id/expire', async (req: IdReq) =>
      service(req).expireKey(req.params.id),
    )
    admin.get('/admin/v1/keys/:id/usage', async (req: IdReq) => ({
      id: req.params.id,
      counters: service(req).keyUsage(req.params.id),
    }))

    admin.post('/admin/v1/users', async (req, reply) =>
      reply.code(201).send(service(req).createUser(parse(CreateUserBody, req.body))),
    )
    admin.get('/admin/v1/users', async (req) => ({ users: service(req).listUsers() }))
    admin.delete(
      '/admin/v1/users/:name',
      async (req: FastifyRequest<{ Params: { name: string } }>) =>
        service(req).deleteUser(req.params.name),
    )

    admin.post('/admin/v1/projects', async (req, reply) =>
      reply.code(201).send(service(req).createProject(parse(CreateProjectBody, req.body))),
    )
    admin.get('/admin/v1/projects', async (req) => {
      const owner = (req.query as Record<string, unknown>).owner
      return { projects: service(req).listProjects(typeof owner === 'string' ? owner : undefined) }
    })

    admin.get(
      '/admin/v1/policy/:owner',
      async (req: FastifyRequest<{ Params: { owner: string } }>) => ({
        owner: req.params.owner,
        ...service(req).getPolicy(req.params.owner),
      }),
    )
    admin.put(
      '/admin/v1/policy/:owner',
      async (req: FastifyRequest<{ Params: { owner: string } }>) => ({
        owner: req.params.owner,
        ...service(req).putPolicy(req.params.owner, parse(PolicyBody, req.body)),
      }),
    )

    admin.get('/admin/v1/settings', async (req) => service(req).getSettings())
    admin.put('/admin/v1/settings', async (req) =>
      service(req).putSettings(parse(SettingsBody, req.body)),
    )

    admin.get('/admin/v1/usage', async (req) => ({ counters: nsOf(deps, req).counters.all() }))
    admin.get('/admin/v1/log', async (req) => {
      const asked = Number((req.query as Record<string, unknown>).limit ?? 100)
      const limit = Number.isFinite(asked) ? asked : 100
      const ns = nsOf(deps, req)
      if (deps.sharedLog) {
        const n = Math.max(0, Math.min(Math.floor(limit), RING_SIZE))
        return { entries: n === 0 ? [] : await deps.sharedLog(n, ns.name) }
      }
      return { entries: deps.log.recent(limit, ns.name) }
    })
    admin.post('/admin/v1/reset', async (req) => {
      deps.registry.reset(nsOf(deps, req).name)
      return { reset: true }
    })

    registerNamespaceAdmin(admin, deps.registry, deps.baseUrl)
  })
}
