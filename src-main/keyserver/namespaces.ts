/**
 * Namespaces: isolated worlds on one server, one per CI job. Each has its own keys, users,
 * projects, policies, settings, counters, rate windows, clock and fault rules; a key issued in
 * one is unknown to every other, because each namespace's key index holds only its own keys.
 * The `default` namespace is what the paths without /ns/<name> reach, and cannot be removed.
 */
import { randomBytes } from 'node:crypto'
import type { Db, Statement } from '../db/sqlite'
import { AccountRepository, type Settings } from './accounts'
import { BlazemeterItems } from './blazemeter-items'
import type { StyleContext } from './context'
import { CounterStore } from './counters'
import { AdminError } from './errors'
import { FaultPlan, FaultRuleSchema, type FaultRule } from './faults'
import { KeyRepository } from './keys'
import { RateLimiter } from './rate-limit'
import type { RequestLog } from './request-log'
import { KeyService, deleteNamespaceRows } from './service'

export const DEFAULT_NAMESPACE = 'default'
/** Letters, digits, dot, dash and underscore; what a CI job id or branch-like name needs. */
export const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
/** A bound on memory: each namespace holds caches and prepared statements. */
export const MAX_NAMESPACES = 10_000

/** What every namespace shares: the database, the HMAC key, the request log and the base clock. */
export interface SharedState {
  db: Db
  hmacSecret: Buffer
  log: RequestLog
  /** The server's own clock; a namespace's clock is this plus its offset. */
  baseNow: () => number
  initialSettings: Settings
}

interface Row {
  name: string
  seed: string | null
  clock_offset_ms: number
  faults: string
  created_at: number
}

/** One isolated world. */
export class Namespace {
  readonly ctx: StyleContext
  readonly service: KeyService
  readonly faults = new FaultPlan()
  readonly counters: CounterStore
  clockOffsetMs: number
  seed: string
  readonly createdAt: number

  constructor(
    readonly name: string,
    shared: SharedState,
    row: Row,
  ) {
    this.clockOffsetMs = row.clock_offset_ms
    this.createdAt = row.created_at
    this.seed = row.seed ?? ''
    const now = () => shared.baseNow() + this.clockOffsetMs
    const keys = new KeyRepository(shared.db, shared.hmacSecret, name)
    const accounts = new AccountRepository(shared.db, shared.initialSettings, name)
    this.counters = new CounterStore(shared.db, name)
    const rates = new RateLimiter()
    const blazemeter = new BlazemeterItems(shared.db, name)
    this.ctx = {
      blazemeter,
      namespace: name,
      now,
      keys,
      accounts,
      counters: this.counters,
      rates,
      log: shared.log,
    }
    this.service = new KeyService({
      namespace: name,
      db: shared.db,
      keys,
      accounts,
      counters: this.counters,
      log: shared.log,
      rates,
      now,
      initialSettings: shared.initialSettings,
    })
    const stored = JSON.parse(row.faults) as { rules?: unknown[]; seed?: string } | unknown[]
    const list = Array.isArray(stored) ? stored : (stored.rules ?? [])
    const rules = list.flatMap((r) => {
      const parsed = FaultRuleSchema.safeParse(r)
      return parsed.success ? [parsed.data] : []
    })
    this.faults.set(rules, (!Array.isArray(stored) && stored.seed) || this.seed)
  }

  /** The namespace's current time. */
  now(): number {
    return this.ctx.now()
  }
}

/** The namespaces of one server, loaded at start and kept in step with the namespaces table. */
export class NamespaceRegistry {
  private readonly byName = new Map<string, Namespace>()
  private readonly stmts: Record<'insert' | 'remove' | 'clock' | 'faults', Statement>

  constructor(private readonly shared: SharedState) {
    const db = shared.db
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO namespaces (name, seed, clock_offset_ms, faults, created_at) VALUES (?, ?, 0, ?, ?)',
      ),
      remove: db.prepare('DELETE FROM namespaces WHERE name = ?'),
      clock: db.prepare('UPDATE namespaces SET clock_offset_ms = ? WHERE name = ?'),
      faults: db.prepare('UPDATE namespaces SET faults = ? WHERE name = ?'),
    }
    const rows = db.prepare('SELECT * FROM namespaces').all() as Row[]
    for (const row of rows) this.byName.set(row.name, new Namespace(row.name, shared, row))
    if (!this.byName.has(DEFAULT_NAMESPACE)) this.create(DEFAULT_NAMESPACE)
  }

  /** The default namespace (paths without /ns/<name>). */
  get default(): Namespace {
    return this.byName.get(DEFAULT_NAMESPACE)!
  }

  get(name: string): Namespace | undefined {
    return this.byName.get(name)
  }

  /** The namespace of that name, or a 404 naming what is missing. */
  mustGet(name: string): Namespace {
    const ns = this.byName.get(name)
    if (!ns) throw new AdminError(404, 'namespace-not-found', 'No namespace of that name.')
    return ns
  }

  list(): Namespace[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Create a namespace; without a seed one is generated (and reported, so a run can be replayed). */
  create(name: string, seed?: string): Namespace {
    if (!NAMESPACE_NAME.test(name))
      throw new AdminError(
        400,
        'invalid-name',
        'A namespace name is 1–63 letters, digits, ".", "-" or "_", starting with a letter or digit.',
      )
    if (this.byName.has(name)) throw new AdminError(409, 'exists', 'That namespace exists.')
    if (this.byName.size >= MAX_NAMESPACES)
      throw new AdminError(409, 'too-many-namespaces', `At most ${MAX_NAMESPACES} namespaces.`)
    const row: Row = {
      name,
      seed: seed ?? randomBytes(8).toString('hex'),
      clock_offset_ms: 0,
      faults: '[]',
      created_at: this.shared.baseNow(),
    }
    this.stmts.insert.run(row.name, row.seed, row.faults, row.created_at)
    const ns = new Namespace(name, this.shared, row)
    this.byName.set(name, ns)
    return ns
  }

  /** Remove a namespace with every key and record in it (the default one cannot go). */
  remove(name: string): void {
    const ns = this.mustGet(name)
    if (ns.name === DEFAULT_NAMESPACE)
      throw new AdminError(400, 'not-allowed', 'The default namespace cannot be removed; reset it.')
    this.shared.db.transaction(() => {
      deleteNamespaceRows(this.shared.db, name)
      this.stmts.remove.run(name)
    })()
    this.shared.log.clear(name)
    this.byName.delete(name)
  }

  /** Empty a namespace but keep it, its seed, clock and fault rules (whose draws start over). */
  reset(name: string): Namespace {
    const ns = this.mustGet(name)
    ns.service.reset()
    ns.ctx.blazemeter.clear()
    ns.faults.restart()
    return ns
  }

  /** Set the clock's offset from the server's time. */
  setClockOffset(name: string, offsetMs: number): Namespace {
    const ns = this.mustGet(name)
    this.stmts.clock.run(Math.round(offsetMs), name)
    ns.clockOffsetMs = Math.round(offsetMs)
    return ns
  }

  /** Replace the fault rules (and optionally the seed they draw from). */
  setFaults(name: string, rules: FaultRule[], seed?: string): Namespace {
    const ns = this.mustGet(name)
    const effectiveSeed = seed ?? ns.seed
    this.stmts.faults.run(JSON.stringify({ rules, seed: effectiveSeed }), name)
    ns.faults.set(rules, effectiveSeed)
    return ns
  }

  /** Write every namespace's changed counters. */
  flush(): void {
    for (const ns of this.byName.values()) ns.counters.flush()
  }
}
