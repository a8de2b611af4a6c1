/**
 * Namespaces: isolated worlds on one server, one per CI job. Each has its own keys, users,
 * projects, policies, settings, counters, rate windows, clock and fault rules; a key issued in
 * one is unknown to every other, because each namespace's key index holds only its own keys.
 * The `default` namespace is what the paths without /ns/<name> reach, and cannot be removed.
 * On a shared backend a namespace another instance created is loaded on first use, and every
 * change another instance makes is applied here as its notification arrives.
 */
import { randomBytes } from 'node:crypto'
import { AccountRepository, type Settings } from './accounts'
import { BlazemeterItems } from './blazemeter-items'
import type { StyleContext } from './context'
import { CounterStore } from './counters'
import { AdminError } from './errors'
import { FaultPlan, FaultRuleSchema, type FaultRule } from './faults'
import { KeyRepository } from './keys'
import { RateLimiter } from './rate-limit'
import type { RequestLog } from './request-log'
import { KeyService } from './service'
import type {
  CounterWrite,
  KeyServerStorage,
  NamespaceData,
  NamespaceRow,
  RateTotal,
  RateWrite,
  StorageChange,
} from './storage/types'

export const DEFAULT_NAMESPACE = 'default'
/** Letters, digits, dot, dash and underscore; what a CI job id or branch-like name needs. */
export const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
/** A bound on memory: each namespace holds caches and prepared statements. */
export const MAX_NAMESPACES = 10_000

/** What every namespace shares: the storage, the HMAC key, the request log and the base clock. */
export interface SharedState {
  store: KeyServerStorage
  hmacSecret: Buffer
  log: RequestLog
  /** The server's own clock; a namespace's clock is this plus its offset. */
  baseNow: () => number
  initialSettings: Settings
}

function parseFaults(json: string, seed: string): { rules: FaultRule[]; seed: string } {
  const stored = JSON.parse(json) as { rules?: unknown[]; seed?: string } | unknown[]
  const list = Array.isArray(stored) ? stored : (stored.rules ?? [])
  const rules = list.flatMap((r) => {
    const parsed = FaultRuleSchema.safeParse(r)
    return parsed.success ? [parsed.data] : []
  })
  return { rules, seed: (!Array.isArray(stored) && stored.seed) || seed }
}

/** One isolated world. */
export class Namespace {
  readonly ctx: StyleContext
  readonly service: KeyService
  readonly faults = new FaultPlan()
  readonly counters: CounterStore
  readonly rates = new RateLimiter()
  clockOffsetMs: number
  seed: string
  readonly createdAt: number
  /** The fault rules as last stored (a change from another instance replaces them). */
  private faultsJson = ''

  constructor(
    readonly name: string,
    shared: SharedState,
    row: NamespaceRow,
    data: NamespaceData,
  ) {
    this.clockOffsetMs = Number(row.clockOffsetMs)
    this.createdAt = Number(row.createdAt)
    this.seed = row.seed ?? ''
    const now = () => shared.baseNow() + this.clockOffsetMs
    const keys = new KeyRepository(shared.store, shared.hmacSecret, name, data.keys)
    const accounts = new AccountRepository(shared.store, shared.initialSettings, name, data)
    this.counters = new CounterStore(name, data.counters)
    const blazemeter = new BlazemeterItems(shared.store, name, data.blazemeter)
    this.ctx = {
      blazemeter,
      namespace: name,
      now,
      keys,
      accounts,
      counters: this.counters,
      rates: this.rates,
      log: shared.log,
    }
    this.service = new KeyService({
      namespace: name,
      store: shared.store,
      keys,
      accounts,
      counters: this.counters,
      log: shared.log,
      rates: this.rates,
      now,
      initialSettings: shared.initialSettings,
    })
    this.applyRow(row)
  }

  /** Take the namespace's row as stored: clock, seed and (when they changed) fault rules. */
  applyRow(row: NamespaceRow): void {
    this.clockOffsetMs = Number(row.clockOffsetMs)
    // Made here and on another instance at once: the stored seed won, and draws follow it.
    if (row.seed !== null && row.seed !== this.seed) {
      this.seed = row.seed
      this.faultsJson = ''
    }
    if (row.faults === this.faultsJson) return
    this.faultsJson = row.faults
    const { rules, seed } = parseFaults(row.faults, this.seed)
    this.faults.set(rules, seed)
  }

  /** Remember the fault rules just stored here, so their own echo does not restart the draws. */
  noteFaults(json: string): void {
    this.faultsJson = json
  }

  /** The namespace's current time. */
  now(): number {
    return this.ctx.now()
  }
}

/** The namespaces of one server, loaded at start and kept in step with storage. */
export class NamespaceRegistry {
  private readonly byName = new Map<string, Namespace>()
  /** Loads in flight, so a burst of requests to a new namespace reads it once. */
  private readonly loading = new Map<string, Promise<Namespace | undefined>>()

  private constructor(private readonly shared: SharedState) {}

  /** Load every stored namespace (creating the default one on first start). */
  static async open(shared: SharedState): Promise<NamespaceRegistry> {
    const registry = new NamespaceRegistry(shared)
    for (const row of await shared.store.listNamespaces())
      registry.byName.set(
        row.name,
        new Namespace(row.name, shared, row, await shared.store.loadNamespace(row.name)),
      )
    if (!registry.byName.has(DEFAULT_NAMESPACE)) {
      // Two instances starting at once on a new database: one insert wins, the other reads it.
      try {
        registry.create(DEFAULT_NAMESPACE)
        await shared.store.settle()
      } catch (error) {
        registry.byName.delete(DEFAULT_NAMESPACE)
        if (!(await registry.load(DEFAULT_NAMESPACE))) throw error
      }
    }
    return registry
  }

  /** The default namespace (paths without /ns/<name>). */
  get default(): Namespace {
    return this.byName.get(DEFAULT_NAMESPACE)!
  }

  get(name: string): Namespace | undefined {
    return this.byName.get(name)
  }

  /**
   * The namespace of that name, loaded from storage when another instance created it (a shared
   * backend only: a private one holds nothing this registry has not loaded).
   */
  async find(name: string): Promise<Namespace | undefined> {
    const known = this.byName.get(name)
    if (known || !this.shared.store.shared || !NAMESPACE_NAME.test(name)) return known
    return this.load(name)
  }

  private load(name: string): Promise<Namespace | undefined> {
    let pending = this.loading.get(name)
    if (!pending) {
      pending = (async () => {
        const row = await this.shared.store.findNamespace(name)
        if (!row) return undefined
        const data = await this.shared.store.loadNamespace(name)
        const existing = this.byName.get(name)
        if (existing) return existing
        const ns = new Namespace(name, this.shared, row, data)
        this.byName.set(name, ns)
        return ns
      })().finally(() => this.loading.delete(name))
      this.loading.set(name, pending)
    }
    return pending
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
    const row: NamespaceRow = {
      name,
      seed: seed ?? randomBytes(8).toString('hex'),
      clockOffsetMs: 0,
      faults: '[]',
      createdAt: this.shared.baseNow(),
    }
    this.shared.store.insertNamespace(row)
    const ns = new Namespace(name, this.shared, row, EMPTY)
    this.byName.set(name, ns)
    return ns
  }

  /** Remove a namespace with every key and record in it (the default one cannot go). */
  remove(name: string): void {
    const ns = this.mustGet(name)
    if (ns.name === DEFAULT_NAMESPACE)
      throw new AdminError(400, 'not-allowed', 'The default namespace cannot be removed; reset it.')
    this.shared.store.removeNamespace(name)
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
    this.shared.store.setClockOffset(name, Math.round(offsetMs))
    ns.clockOffsetMs = Math.round(offsetMs)
    return ns
  }

  /** Replace the fault rules (and optionally the seed they draw from). */
  setFaults(name: string, rules: FaultRule[], seed?: string): Namespace {
    const ns = this.mustGet(name)
    const effectiveSeed = seed ?? ns.seed
    const json = JSON.stringify({ rules, seed: effectiveSeed })
    this.shared.store.setFaults(name, json)
    ns.noteFaults(json)
    ns.faults.set(rules, effectiveSeed)
    return ns
  }

  /**
   * Write every namespace's changed counters (and, on a shared backend, rate windows) with the
   * request log's pending entries, in one batch; on a shared backend, then read back the totals
   * the other instances added. A failed write keeps everything for the next flush.
   */
  async flush(): Promise<void> {
    const store = this.shared.store
    const counters = new Map<string, CounterWrite[]>()
    const rates = new Map<string, RateWrite[]>()
    for (const ns of this.byName.values()) {
      const c = ns.counters.takeWrites()
      if (c.length > 0) counters.set(ns.name, c)
      if (!store.shared) continue
      const r = ns.rates.takeWrites()
      if (r.length > 0) rates.set(ns.name, r)
    }
    const log = this.shared.log.takeBatch()
    let totals: RateTotal[]
    try {
      totals = await store.flush({ counters, rates, log })
    } catch (error) {
      for (const [name, writes] of counters) this.byName.get(name)?.counters.restore(writes)
      for (const [name, writes] of rates) this.byName.get(name)?.rates.restore(writes)
      this.shared.log.restore(log)
      throw error
    }
    if (!store.shared) return
    for (const t of totals)
      this.byName.get(t.namespace)?.rates.applyTotal(t.key, t.start, t.windowMs, t.count)
    for (const { namespace, row } of await store.readCounterChanges())
      this.byName.get(namespace)?.counters.applyShared(row.scope, row.name, Number(row.value))
  }

  /** Changes are applied one after another, in the order they arrive. */
  private applying: Promise<void> = Promise.resolve()

  /**
   * Apply what another instance changed (a shared backend's notification or re-check). In
   * order: a slow reload of a whole namespace must not land after, and undo, a later change.
   */
  apply(change: StorageChange): Promise<void> {
    const run = this.applying.then(() => this.applyNow(change))
    this.applying = run.catch(() => undefined)
    return run
  }

  private async applyNow(change: StorageChange): Promise<void> {
    const store = this.shared.store
    const ns = this.byName.get(change.namespace)
    // A namespace not loaded here is read in full on first use; nothing to update.
    if (!ns) return
    // Read after our own queued writes have committed, and again if we wrote meanwhile: a read
    // that predates a write of ours would put back what that write replaced in memory.
    const fresh = async <T>(read: () => Promise<T>): Promise<T> => {
      for (;;) {
        const before = store.writeCount
        await store.idle()
        const value = await read()
        if (store.writeCount === before) return value
      }
    }
    switch (change.kind) {
      case 'key': {
        const k = await fresh(() => store.findKey(ns.name, change.id))
        if (k) ns.ctx.keys.adopt(k)
        else ns.ctx.keys.forget(change.id)
        return
      }
      case 'removed':
        this.byName.delete(ns.name)
        this.shared.log.clear(ns.name)
        return
      case 'namespace':
      case 'reset': {
        const loaded = await fresh(async () => {
          const row = await store.findNamespace(ns.name)
          return row && { row, data: await store.loadNamespace(ns.name) }
        })
        if (!loaded) {
          this.byName.delete(ns.name)
          return
        }
        const { row, data } = loaded
        ns.applyRow(row)
        ns.ctx.accounts.replaceAll(data)
        ns.ctx.blazemeter.replaceAll(data.blazemeter)
        ns.ctx.keys.replaceAll(data.keys)
        if (change.kind === 'reset') {
          ns.counters.replaceAll(data.counters)
          ns.rates.clear()
          ns.faults.restart()
          this.shared.log.clear(ns.name)
        }
        return
      }
    }
  }
}

const EMPTY: NamespaceData = {
  keys: [],
  users: [],
  projects: [],
  policies: [],
  settings: [],
  counters: [],
  blazemeter: [],
}
