/**
 * Admin routes of namespaces, their clocks and fault rules (mounted inside the admin plugin, so
 * the token and Host checks cover them).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { SERVER_STYLES } from '../providers'
import { AdminError } from './errors'
import { FaultsBody } from './faults'
import { DEFAULT_NAMESPACE, type Namespace, type NamespaceRegistry } from './namespaces'
import {
  AdvanceBody,
  ClockBody,
  CreateNamespaceBody,
  NamespaceView,
  clockTarget,
  describeIssues,
} from './schemas'

type NameReq = FastifyRequest<{ Params: { name: string } }>

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body)
  if (!result.success) throw new AdminError(400, 'invalid-body', describeIssues(result.error))
  return result.data
}

/**
 * What users send besides the documented shape: a seed as a number (`"seed": 42`), and the
 * rules as a bare list. Both are read as the documented shape, which the schema then judges.
 */
function lenient(body: unknown, rulesList = false): unknown {
  if (rulesList && Array.isArray(body)) return { rules: body }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const seed = (body as { seed?: unknown }).seed
    if (typeof seed === 'number' && Number.isFinite(seed)) return { ...body, seed: String(seed) }
  }
  return body
}

/** Per provider, the base URL a client of that namespace uses. */
export function baseUrlsOf(base: string, name: string): Record<string, string> {
  const prefix = name === DEFAULT_NAMESPACE ? base : `${base}/ns/${name}`
  return Object.fromEntries(SERVER_STYLES.map((s) => [s, `${prefix}/${s}`]))
}

function clockView(ns: Namespace) {
  return { now: new Date(ns.now()).toISOString(), offsetSeconds: ns.clockOffsetMs / 1000 }
}

function view(ns: Namespace, base: string): z.infer<typeof NamespaceView> {
  return {
    name: ns.name,
    seed: ns.seed,
    createdAt: new Date(ns.createdAt).toISOString(),
    clock: clockView(ns),
    faultRules: ns.faults.rules.length,
    baseUrls: baseUrlsOf(base, ns.name),
  }
}

/** Mount /admin/v1/namespaces… on the admin plugin. */
export function registerNamespaceAdmin(
  admin: FastifyInstance,
  registry: NamespaceRegistry,
  baseUrl: () => string,
): void {
  admin.post('/admin/v1/namespaces', async (req, reply) => {
    const body = parse(CreateNamespaceBody, lenient(req.body))
    return reply.code(201).send(view(registry.create(body.name, body.seed), baseUrl()))
  })
  admin.get('/admin/v1/namespaces', async () => ({
    namespaces: registry.list().map((ns) => view(ns, baseUrl())),
  }))
  admin.get('/admin/v1/namespaces/:name', async (req: NameReq) =>
    view(registry.mustGet(req.params.name), baseUrl()),
  )
  admin.delete('/admin/v1/namespaces/:name', async (req: NameReq) => {
    registry.remove(req.params.name)
    return { deleted: req.params.name }
  })
  admin.post('/admin/v1/namespaces/:name/reset', async (req: NameReq) =>
    view(registry.reset(req.params.name), baseUrl()),
  )

  admin.get('/admin/v1/namespaces/:name/clock', async (req: NameReq) =>
    clockView(registry.mustGet(req.params.name)),
  )
  admin.put('/admin/v1/namespaces/:name/clock', async (req: NameReq) => {
    const ns = registry.mustGet(req.params.name)
    const body = parse(ClockBody, req.body)
    const offsetMs =
      body.at !== undefined
        ? clockTarget(body.at) - (ns.now() - ns.clockOffsetMs)
        : body.offsetSeconds! * 1000
    return clockView(registry.setClockOffset(ns.name, offsetMs))
  })
  admin.post('/admin/v1/namespaces/:name/clock/advance', async (req: NameReq) => {
    const ns = registry.mustGet(req.params.name)
    const body = parse(AdvanceBody, req.body)
    return clockView(registry.setClockOffset(ns.name, ns.clockOffsetMs + body.seconds * 1000))
  })

  admin.get('/admin/v1/namespaces/:name/faults', async (req: NameReq) => {
    const ns = registry.mustGet(req.params.name)
    return { rules: ns.faults.rules, seed: ns.faults.seed }
  })
  admin.put('/admin/v1/namespaces/:name/faults', async (req: NameReq) => {
    const body = parse(FaultsBody, lenient(req.body, true))
    const ns = registry.setFaults(req.params.name, body.rules, body.seed)
    return { rules: ns.faults.rules, seed: ns.faults.seed }
  })
}
