/**
 * Seeded fault injection per namespace. A rule names a provider, a path glob, a trigger
 * (`everyNth` matching request or a `probability`) and what happens: a status with the
 * provider's own error body, added latency, a dropped connection or a hang. Each rule has its
 * own counter and its own pseudo-random stream seeded from the namespace's seed and the rule's
 * position, so the same sequence of requests meets the same faults on every run, and traffic a
 * rule does not match never shifts another rule's draws.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { SERVER_STYLES, type ServerStyle } from '../providers'

export const FaultRuleSchema = z
  .strictObject({
    provider: z.enum(SERVER_STYLES),
    pathGlob: z
      .string()
      .min(1)
      .max(200)
      .regex(/^\//, 'must start with /')
      .default('/**')
      .describe(
        'Path below the provider prefix, e.g. /runtest.php or /api/v4/**; * stays within a segment, ** crosses them.',
      ),
    everyNth: z.number().int().min(1).max(1_000_000).optional(),
    probability: z.number().min(0).max(1).optional(),
    kind: z.enum(['status', 'latency', 'drop', 'hang']),
    status: z
      .union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)], {
        error: 'one of 429, 500, 502 or 503',
      })
      .optional()
      .describe('kind "status": the HTTP status to answer.'),
    retryAfterSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .optional()
      .describe('kind "status" 429/503: the Retry-After header (default 1 for 429).'),
    ms: z.number().int().min(1).max(120_000).optional().describe('kind "latency": added delay.'),
  })
  .refine((r) => (r.everyNth === undefined) !== (r.probability === undefined), {
    message: 'give exactly one of everyNth or probability',
  })
  .refine((r) => r.kind !== 'status' || r.status !== undefined, {
    message: 'kind "status" needs status (429, 500, 502 or 503)',
  })
  .refine((r) => r.kind !== 'latency' || r.ms !== undefined, {
    message: 'kind "latency" needs ms',
  })

export type FaultRule = z.infer<typeof FaultRuleSchema>

export const FaultsBody = z
  .strictObject({
    rules: z.array(FaultRuleSchema).max(100),
    seed: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Replaces the namespace's seed for these rules."),
  })
  .describe('The fault rules of a namespace; replaces the previous list and restarts its draws.')

/** What a request meets: nothing, or one rule's fault (with the rule's index). */
export type FaultDecision = { rule: FaultRule; index: number; label: string } | null

/** A 32-bit seed from a string (the first bytes of its SHA-256). */
function seed32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0)
}

/** mulberry32: a small, fast PRNG; good enough to spread faults, and exactly repeatable. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A path glob as a RegExp: `**` any characters, `*` any within one segment, `?` one. */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*'
      i++
    } else if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** The label a fault carries in the request log and the X-Keywarden-Fault header. */
function labelOf(rule: FaultRule, index: number): string {
  const what =
    rule.kind === 'status'
      ? `status-${rule.status}`
      : rule.kind === 'latency'
        ? `latency-${rule.ms}ms`
        : rule.kind
  return `${what}; rule=${index}`
}

interface Compiled {
  rule: FaultRule
  index: number
  path: RegExp
  label: string
  seen: number
  draw: () => number
}

/** One namespace's fault rules and the state of their triggers. */
export class FaultPlan {
  private compiled: Compiled[] = []
  private byProvider = new Map<ServerStyle, Compiled[]>()
  private rulesList: FaultRule[] = []
  private seedText = ''

  /** Whether any rule exists (the hot path checks this first and does nothing else). */
  get active(): boolean {
    return this.compiled.length > 0
  }

  get rules(): FaultRule[] {
    return this.rulesList
  }

  /** The seed the draws start from. */
  get seed(): string {
    return this.seedText
  }

  /** Replace the rules; counters and draws start over from `seed`. */
  set(rules: FaultRule[], seed: string): void {
    this.rulesList = rules
    this.seedText = seed
    this.restart()
  }

  /** Start every rule's counter and stream over (a namespace reset, or new rules). */
  restart(): void {
    this.compiled = this.rulesList.map((rule, index) => ({
      rule,
      index,
      path: globToRegExp(rule.pathGlob),
      label: labelOf(rule, index),
      seen: 0,
      draw: mulberry32(seed32(`${this.seedText}\u0000${index}`)),
    }))
    this.byProvider = new Map()
    for (const c of this.compiled) {
      const list = this.byProvider.get(c.rule.provider) ?? []
      list.push(c)
      this.byProvider.set(c.rule.provider, list)
    }
  }

  /**
   * The fault a request meets. Every rule that matches the request advances its own trigger
   * (so adding a rule never changes another's sequence); the first that fires wins.
   */
  decide(provider: ServerStyle, path: string): FaultDecision {
    const candidates = this.byProvider.get(provider)
    if (!candidates) return null
    let hit: Compiled | null = null
    for (const c of candidates) {
      if (!c.path.test(path)) continue
      c.seen++
      const fires =
        c.rule.everyNth !== undefined
          ? c.seen % c.rule.everyNth === 0
          : c.draw() < (c.rule.probability ?? 0)
      if (fires && hit === null) hit = c
    }
    return hit ? { rule: hit.rule, index: hit.index, label: hit.label } : null
  }
}
