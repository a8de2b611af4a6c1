/**
 * The admin API under /admin: Bearer token checked in constant time before anything else,
 * every body validated with the zod schemas the OpenAPI document is generated from.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { AdminError } from './errors'
import { buildOpenApiDocument } from './openapi'
import type { RequestLog } from './request-log'
import {
  CreateKeyBody,
  CreateProjectBody,
  CreateUserBody,
  PolicyBody,
  RotateKeyBody,
  SettingsBody,
  describeIssues,
} from './schemas'
import type { KeyService } from './service'
import type { CounterStore } from './counters'

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body)
  if (!result.success) throw new AdminError(400, 'invalid-body', describeIssues(result.error))
  return result.data
}

type IdReq = FastifyRequest<{ Params: { id: string } }>

export interface AdminDeps {
  service: KeyService
  counters: CounterStore
  log: RequestLog
  checkToken: (presented: string | undefined) => boolean
}

/** Mount the admin API (as an encapsulated plugin so its auth hook covers only /admin). */
export function registerAdmin(app: FastifyInstance, deps: AdminDeps): void {
  const { service } = deps
  const openapi = buildOpenApiDocument()
  void app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => {
      const auth = req.headers.authorization
      const m = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null
      if (!deps.checkToken(m ? m[1] : undefined)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({
          error: 'unauthorized',
          message: 'A valid admin token is required (Authorization: Bearer <token>).',
        })
      }
    })

    admin.get('/admin/openapi.json', async () => openapi)

    admin.post('/admin/v1/keys', async (req, reply) => {
      const issued = service.createKey(parse(CreateKeyBody, req.body))
      return reply.code(201).send(issued)
    })
    admin.get('/admin/v1/keys', async (req) => {
      const q = req.query as Record<string, unknown>
      const filter = {
        style: typeof q.style === 'string' ? q.style : undefined,
        owner: typeof q.owner === 'string' ? q.owner : undefined,
      }
      return { keys: service.listKeys(filter) }
    })
    admin.get('/admin/v1/keys/:id', async (req: IdReq) => service.getKey(req.params.id))
    admin.delete('/admin/v1/keys/:id', async (req: IdReq) => service.revokeKey(req.params.id))
    admin.post('/admin/v1/keys/:id/revoke', async (req: IdReq) => service.revokeKey(req.params.id))
    admin.post('/admin/v1/keys/:id/rotate', async (req: IdReq) =>
      service.rotateKey(req.params.id, parse(RotateKeyBody, req.body ?? {})),
    )
    admin.post('/admin/v1/keys/:id/activate', async (req: IdReq) =>
      service.setActive(req.params.id, true),
    )
    admin.post('/admin/v1/keys/:id/deactivate', async (req: IdReq) =>
      service.setActive(req.params.id, false),
    )
    admin.post('/admin/v1/keys/:id/expire', async (req: IdReq) => service.expireKey(req.params.id))
    admin.get('/admin/v1/keys/:id/usage', async (req: IdReq) => ({
      id: req.params.id,
      counters: service.keyUsage(req.params.id),
    }))

    admin.post('/admin/v1/users', async (req, reply) =>
      reply.code(201).send(service.createUser(parse(CreateUserBody, req.body))),
    )
    admin.get('/admin/v1/users', async () => ({ users: service.listUsers() }))
    admin.delete(
      '/admin/v1/users/:name',
      async (req: FastifyRequest<{ Params: { name: string } }>) =>
        service.deleteUser(req.params.name),
    )

    admin.post('/admin/v1/projects', async (req, reply) =>
      reply.code(201).send(service.createProject(parse(CreateProjectBody, req.body))),
    )
    admin.get('/admin/v1/projects', async (req) => {
      const owner = (req.query as Record<string, unknown>).owner
      return { projects: service.listProjects(typeof owner === 'string' ? owner : undefined) }
    })

    admin.get(
      '/admin/v1/policy/:owner',
      async (req: FastifyRequest<{ Params: { owner: string } }>) => ({
        owner: req.params.owner,
        ...service.getPolicy(req.params.owner),
      }),
    )
    admin.put(
      '/admin/v1/policy/:owner',
      async (req: FastifyRequest<{ Params: { owner: string } }>) => ({
        owner: req.params.owner,
        ...service.putPolicy(req.params.owner, parse(PolicyBody, req.body)),
      }),
    )

    admin.get('/admin/v1/settings', async () => service.getSettings())
    admin.put('/admin/v1/settings', async (req) =>
      service.putSettings(parse(SettingsBody, req.body)),
    )

    admin.get('/admin/v1/usage', async () => ({ counters: deps.counters.all() }))
    admin.get('/admin/v1/log', async (req) => {
      const limit = Number((req.query as Record<string, unknown>).limit ?? 100)
      return { entries: deps.log.recent(Number.isFinite(limit) ? limit : 100) }
    })
    admin.post('/admin/v1/reset', async () => {
      service.reset()
      return { reset: true }
    })
  })
}
