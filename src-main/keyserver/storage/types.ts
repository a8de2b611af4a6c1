/**
 * The one storage interface of the key server, with two backends: `sqlite` (the default, a file
 * in the data folder) and `postgres` (shared by several instances). Callers keep every record in
 * memory maps and never wait on storage on the hot path: reads happen at start (and, on a shared
 * backend, when a key or namespace is not yet in memory); writes are synchronous calls that
 * SQLite runs at once and PostgreSQL queues, committed in order before the admin answer is sent
 * (`track`). Counters and the request log go out in batches (`flush`).
 */
import type { ProjectRecord, UserRecord } from '../accounts'
import type { KeyRecord } from '../keys'
import type { RequestLogEntry } from '../request-log'

export interface NamespaceRow {
  name: string
  seed: string | null
  clockOffsetMs: number
  /** The fault rules and seed as stored (JSON). */
  faults: string
  createdAt: number
}

export interface BlazemeterRow {
  kind: 'project' | 'test'
  id: number
  owner: string
  parentId: number
  name: string
  json: string
  createdAt: number
}

export interface CounterRow {
  scope: string
  name: string
  value: number
}

/** Everything one namespace holds, as loaded into memory. */
export interface NamespaceData {
  keys: KeyRecord[]
  users: UserRecord[]
  projects: ProjectRecord[]
  policies: { owner: string; json: string }[]
  settings: { name: string; json: string }[]
  counters: CounterRow[]
  blazemeter: BlazemeterRow[]
}

/**
 * One changed counter. `value` is the instance's current value (null: deleted); `delta` what
 * `add` contributed since the last flush; `absolute` when `set` was called since, so the value
 * replaces the stored one. A shared backend adds deltas (other instances add theirs), a
 * private one stores the value.
 */
export interface CounterWrite extends CounterRow {
  value: number
  deleted: boolean
  delta: number
  absolute: boolean
}

/** A rate-limit window's requests counted here since the last flush. */
export interface RateWrite {
  key: string
  start: number
  windowMs: number
  delta: number
}

/** A rate window's total over every instance. */
export interface RateTotal {
  namespace: string
  key: string
  start: number
  windowMs: number
  count: number
}

/** What one flush writes: counters per namespace, rate windows per namespace, log entries. */
export interface FlushBatch {
  counters: Map<string, CounterWrite[]>
  rates: Map<string, RateWrite[]>
  log: RequestLogEntry[]
}

/** What another instance changed (a shared backend tells every other instance). */
export type StorageChange =
  | { kind: 'key'; namespace: string; id: string }
  /** The namespace's row or small tables (users, projects, policies, settings, BlazeMeter items); reread it all but counters. */
  | { kind: 'namespace'; namespace: string }
  /** Emptied: reload all of it, keys and counters too. */
  | { kind: 'reset'; namespace: string }
  | { kind: 'removed'; namespace: string }

export interface KeyServerStorage {
  readonly kind: 'sqlite' | 'postgres'
  /** Whether other instances write the same store (so misses must be looked up, changes followed). */
  readonly shared: boolean
  /** The HMAC secret every key is hashed with. */
  readonly hmacSecret: Buffer

  listNamespaces(): Promise<NamespaceRow[]>
  findNamespace(name: string): Promise<NamespaceRow | undefined>
  loadNamespace(name: string): Promise<NamespaceData>
  /** Keys of a namespace by credential digest (a shared backend's cache miss). */
  findKeysByHash(namespace: string, hashes: string[]): Promise<KeyRecord[]>
  findKey(namespace: string, id: string): Promise<KeyRecord | undefined>
  /** The newest stored log entries, oldest first; of one namespace when it is named. */
  recentLog(limit: number, namespace?: string): Promise<RequestLogEntry[]>

  /** Run `fn` so that the writes it makes commit together (or not at all, if it throws). */
  transaction<T>(fn: () => T): T
  /**
   * A shared backend's way to hold a provider limit across instances (undefined on a private
   * one, whose memory already sees every key). Waits for this instance's queued writes, then in
   * one transaction takes a lock every instance takes for this namespace and owner, reads the
   * owner's keys of `style` as committed now, and runs `decide` (synchronous) with them; the
   * writes `decide` makes commit in that transaction, before the lock is let go. Rejects with
   * what `decide` threw (nothing written), or an AdminError (409, 503) if the database refused.
   */
  serialise?<T>(
    namespace: string,
    owner: string,
    style: string,
    decide: (committed: KeyRecord[]) => T,
  ): Promise<T>
  insertNamespace(row: NamespaceRow): void
  /** Delete a namespace with every row in it. */
  removeNamespace(name: string): void
  /** Delete every row of a namespace but keep the namespace. */
  clearNamespace(name: string): void
  setClockOffset(name: string, offsetMs: number): void
  setFaults(name: string, json: string): void
  insertKey(namespace: string, k: KeyRecord): void
  updateKey(namespace: string, k: KeyRecord): void
  /** Insert a user; returns its numeric id. */
  insertUser(namespace: string, u: Omit<UserRecord, 'id'>): number
  updateUser(namespace: string, u: UserRecord): void
  /** Delete a user and their projects. */
  deleteUser(namespace: string, name: string): void
  insertProject(namespace: string, p: ProjectRecord): void
  putPolicy(namespace: string, owner: string, json: string): void
  putSetting(namespace: string, name: string, json: string): void
  insertBlazemeterItem(namespace: string, row: BlazemeterRow): void

  /**
   * Write one batch of counters, rate windows and log entries. Rejects when nothing was written
   * (the caller keeps the batch for the next flush). Resolves with the shared totals of rate
   * windows (empty for a private backend, whose windows only this instance counts).
   */
  flush(batch: FlushBatch): Promise<RateTotal[]>
  /** Shared counter values changed by any instance since the last call (empty when private). */
  readCounterChanges(): Promise<{ namespace: string; row: CounterRow }[]>
  /**
   * Resolves when every queued write is committed; rejects if one made outside track() failed
   * since the last call.
   */
  settle(): Promise<void>
  /**
   * Run `fn` (synchronous) and follow the writes it makes: `committed` resolves once they are
   * all committed, or rejects with an AdminError (409 conflict, 503) if the database refused one.
   * This is how an admin call learns the fate of its own writes and no other call's.
   */
  track<T>(fn: () => T): { result: T; committed: Promise<void> }
  /** Resolves when every queued write has been tried (never rejects, reports nothing). */
  idle(): Promise<void>
  /**
   * How many writes this instance has made so far. A reader of another instance's change
   * compares it before and after its read: if this instance wrote meanwhile, the read may
   * predate that write (which memory already holds), so it reads again.
   */
  readonly writeCount: number
  /** Follow other instances' changes (never called for a private backend). */
  onChange(listener: (change: StorageChange) => void): void
  close(): Promise<void>
}
