/**
 * The shared backend: several key server instances on one PostgreSQL database act as one
 * server. Each instance still serves from memory; this module
 * - queues admin writes and commits them in order, one transaction per admin operation, each
 *   with a row in `changes` and a NOTIFY on CHANNEL (namespace, kind, record id: never key
 *   material), which the admin answer waits for (`track`);
 * - follows what the others change (postgres-follow.ts: LISTEN, and a re-check of `changes`);
 * - writes counters as deltas, rate windows and the request log in one batch per flush
 *   (postgres-batches.ts), and reads back the shared totals.
 * The driver (`pg`) is imported only when a database URL is given.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Pool, PoolClient } from 'pg'
import type { ProjectRecord, UserRecord } from '../accounts'
import type { KeyRecord } from '../keys'
import type { RequestLogEntry } from '../request-log'
import {
  CHANNEL,
  SCHEMA,
  SCHEMA_SQL,
  SCHEMA_VERSION,
  checkDatabaseUrl,
  describeConnectError,
} from './postgres-schema'
import { AdminError, StartupError } from '../errors'
import { inTransaction, writeBatch } from './postgres-batches'
import { ChangeFollower } from './postgres-follow'
import { KEY_COLUMNS, NAMESPACED_TABLES, keyFromRow, keyParams, type KeyRow } from './rows'
import type {
  BlazemeterRow,
  CounterRow,
  FlushBatch,
  KeyServerStorage,
  NamespaceData,
  NamespaceRow,
  RateTotal,
  StorageChange,
} from './types'

type Param = string | number | null | boolean | string[] | number[]
interface Op {
  sql: string
  params: Param[]
  change?: StorageChange
}

export interface PostgresOptions {
  /** The HMAC key (KEYWARDEN_HMAC_SECRET); else the one stored in the database. */
  hmacSecret?: Buffer
  /** How often to re-check `changes` while notifications arrive (default 5000 ms). */
  recheckIntervalMs?: number
}

/** Old log rows, rate windows and changes are pruned every this many flushes. */
const PRUNE_EVERY = 40
/** Counters are re-read in full every this many read-backs (see readCounterChanges). */
const FULL_READ_EVERY = 20

const S = SCHEMA
const ph = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ')
const INSERT_KEY = `INSERT INTO ${S}.keys (${KEY_COLUMNS.join(', ')}) VALUES (${ph(1, KEY_COLUMNS.length)})`
const UPDATE_KEY = `UPDATE ${S}.keys SET ${KEY_COLUMNS.filter(
  (c) => c !== 'id' && c !== 'namespace',
)
  .map((c, i) => `${c} = $${i + 1}`)
  .join(', ')} WHERE id = $${KEY_COLUMNS.length - 1} AND namespace = $${KEY_COLUMNS.length}`

interface StoredNamespace {
  name: string
  seed: string | null
  clock_offset_ms: number
  faults: string
  created_at: number
}

const nsFromRow = (r: StoredNamespace): NamespaceRow => ({
  name: r.name,
  seed: r.seed,
  clockOffsetMs: Number(r.clock_offset_ms),
  faults: r.faults,
  createdAt: Number(r.created_at),
})

/**
 * A user's numeric id on a shared database: derived from the namespace and name, so two
 * instances creating the same user at once agree, without a round trip on the admin path.
 */
export function sharedUserId(namespace: string, name: string): number {
  const digest = createHash('sha256').update(`${namespace}\u0000${name}`).digest()
  return digest.readUInt32BE(0) & 0x7fffffff || 1
}

/**
 * What an admin caller hears when the database refused its write (memory is being re-read from
 * the database meanwhile, see commit): a sentence, never the driver's message.
 */
function refusal(error: unknown): AdminError {
  if ((error as { code?: string }).code === '23505')
    return new AdminError(
      409,
      'conflict',
      'Another instance made the same record at the same moment; it was kept and this change was not.',
    )
  return new AdminError(
    503,
    'database-unavailable',
    'The shared database did not take the change; try again.',
  )
}

export class PostgresStorage implements KeyServerStorage {
  readonly kind = 'postgres' as const
  readonly shared = true
  /** This instance, so its own changes are not applied twice. */
  private readonly origin = randomUUID()
  private collecting: Op[] | null = null
  /** The commits of the writes made inside track(), or null outside it. */
  private tracking: Promise<void>[] | null = null
  writeCount = 0
  private chain: Promise<void> = Promise.resolve()
  private failure: unknown = null
  private readonly listeners = new Set<(change: StorageChange) => void>()
  private follower: ChangeFollower | null = null
  private lastCounterVersion = 0
  private reads = 0
  private flushes = 0
  private closed = false

  private constructor(
    private readonly pool: Pool,
    readonly hmacSecret: Buffer,
  ) {}

  /** Connect, create the schema if needed, and agree on the HMAC key with the other instances. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    checkDatabaseUrl(url)
    const pg = (await import('pg')).default
    // BIGINT comes back as a string by default (it may exceed a double); ours are ms and counts.
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format),
    }
    const config = { connectionString: url, connectionTimeoutMillis: 5000, types }
    const pool = new pg.Pool({ ...config, max: 4 })
    // An idle connection the server drops must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    let secret: Buffer
    try {
      const stored = await inTransaction(pool, async (client) => {
        await client.query(SCHEMA_SQL)
        await client.query(
          `INSERT INTO ${S}.meta (name, value) VALUES ('schema_version', $1) ON CONFLICT DO NOTHING`,
          [String(SCHEMA_VERSION)],
        )
        const version = await client.query<{ value: string }>(
          `SELECT value FROM ${S}.meta WHERE name = 'schema_version'`,
        )
        if (Number(version.rows[0]!.value) > SCHEMA_VERSION)
          throw new StartupError(
            'The PostgreSQL database was written by a newer key server; update this one.',
          )
        // Created once by whichever instance is first; every other reads the same key back.
        await client.query(
          `INSERT INTO ${S}.meta (name, value) VALUES ('hmac_secret', $1) ON CONFLICT DO NOTHING`,
          [randomBytes(32).toString('hex')],
        )
        const { rows } = await client.query<{ value: string }>(
          `SELECT value FROM ${S}.meta WHERE name = 'hmac_secret'`,
        )
        return rows[0]!.value
      })
      secret = options.hmacSecret ?? Buffer.from(stored, 'hex')
    } catch (error) {
      await pool.end().catch(() => undefined)
      if (error instanceof StartupError) throw error
      throw describeConnectError(url, error)
    }
    const store = new PostgresStorage(pool, secret)
    const [{ v }] = await store.query<{ v: number | null }>(
      `SELECT max(version)::bigint AS v FROM ${S}.counters`,
    )
    store.lastCounterVersion = Number(v ?? 0)
    store.follower = new ChangeFollower(
      pool,
      () => new pg.Client(config),
      store.origin,
      options.recheckIntervalMs ?? 5000,
      (change) => store.emit(change),
    )
    await store.follower.start()
    return store
  }

  private query<R extends object>(sql: string, params: Param[] = []): Promise<R[]> {
    return this.pool.query(sql, params).then((r) => r.rows as R[])
  }

  // ---- reads ----

  async listNamespaces(): Promise<NamespaceRow[]> {
    return (await this.query<StoredNamespace>(`SELECT * FROM ${S}.namespaces`)).map(nsFromRow)
  }

  async findNamespace(name: string): Promise<NamespaceRow | undefined> {
    const rows = await this.query<StoredNamespace>(
      `SELECT * FROM ${S}.namespaces WHERE name = $1`,
      [name],
    )
    return rows[0] && nsFromRow(rows[0])
  }

  async loadNamespace(ns: string): Promise<NamespaceData> {
    const q = <R extends object>(sql: string) => this.query<R>(sql, [ns])
    const [keys, users, projects, policies, settings, counters, blazemeter] = await Promise.all([
      q<KeyRow>(`SELECT * FROM ${S}.keys WHERE namespace = $1`),
      q<UserRecord>(
        `SELECT id, name, display_name AS "displayName", email, created_at AS "createdAt" FROM ${S}.users WHERE namespace = $1`,
      ),
      q<ProjectRecord>(
        `SELECT id, owner, name, created_at AS "createdAt" FROM ${S}.projects WHERE namespace = $1`,
      ),
      q<{ owner: string; json: string }>(
        `SELECT owner, json FROM ${S}.policies WHERE namespace = $1`,
      ),
      q<{ name: string; json: string }>(
        `SELECT name, json FROM ${S}.settings WHERE namespace = $1`,
      ),
      q<CounterRow>(`SELECT scope, name, value FROM ${S}.counters WHERE namespace = $1`),
      q<BlazemeterRow>(
        `SELECT kind, id, owner, parent_id AS "parentId", name, json, created_at AS "createdAt" FROM ${S}.blazemeter_items WHERE namespace = $1 ORDER BY id`,
      ),
    ])
    return { keys: keys.map(keyFromRow), users, projects, policies, settings, counters, blazemeter }
  }

  async findKeysByHash(ns: string, hashes: string[]): Promise<KeyRecord[]> {
    if (hashes.length === 0) return []
    const rows = await this.query<KeyRow>(
      `SELECT * FROM ${S}.keys WHERE namespace = $1 AND key_hash = ANY($2::text[])`,
      [ns, hashes],
    )
    return rows.map(keyFromRow)
  }

  async findKey(ns: string, id: string): Promise<KeyRecord | undefined> {
    const rows = await this.query<KeyRow>(
      `SELECT * FROM ${S}.keys WHERE namespace = $1 AND id = $2`,
      [ns, id],
    )
    return rows[0] && keyFromRow(rows[0])
  }

  async recentLog(limit: number, namespace?: string): Promise<RequestLogEntry[]> {
    const rows = await this.query<RequestLogEntry>(
      `SELECT time, method, path, style, key_id AS "keyId", status, outcome, namespace, fault FROM ${S}.request_log
       WHERE $2::text IS NULL OR namespace = $2 ORDER BY seq DESC LIMIT $1`,
      [limit, namespace ?? null],
    )
    return rows.reverse()
  }

  // ---- queued writes ----

  private write(sql: string, params: Param[], change?: StorageChange): void {
    const op = { sql, params, change }
    this.writeCount++
    if (this.collecting) this.collecting.push(op)
    else this.commit([op])
  }

  transaction<T>(fn: () => T): T {
    const outer = this.collecting === null
    if (outer) this.collecting = []
    const mark = this.collecting!.length
    try {
      return fn()
    } catch (error) {
      // What the failed step queued is dropped, as a rolled-back transaction would be.
      this.collecting!.length = mark
      throw error
    } finally {
      if (outer) {
        const ops = this.collecting!
        this.collecting = null
        if (ops.length > 0) this.commit(ops)
      }
    }
  }

  /** Queue one transaction; transactions commit in the order they were made. */
  private commit(ops: Op[]): void {
    const done = this.chain.then(() => this.run(ops))
    const tracked = this.tracking !== null
    this.tracking?.push(done)
    this.chain = done.catch((error: unknown) => {
      // A tracked write's failure is its caller's to report; any other waits for settle().
      if (!tracked) this.failure = error
      // Memory already holds the change the database refused: read the truth back.
      for (const ns of new Set(ops.flatMap((o) => (o.change ? [o.change.namespace] : []))))
        this.emit({ kind: 'namespace', namespace: ns })
    })
  }

  track<T>(fn: () => T): { result: T; committed: Promise<void> } {
    const outer = this.tracking
    const mine: Promise<void>[] = []
    this.tracking = mine
    let result: T
    try {
      result = fn()
    } finally {
      this.tracking = outer
    }
    outer?.push(...mine)
    const committed = Promise.all(mine).then(
      () => undefined,
      (error: unknown) => {
        throw refusal(error)
      },
    )
    return { result, committed }
  }

  serialise<T>(
    ns: string,
    owner: string,
    style: string,
    decide: (committed: KeyRecord[]) => T,
  ): Promise<T> {
    let decided = false
    // On the chain: this instance's earlier writes are committed first, later ones wait for it.
    const done = this.chain.then(() =>
      inTransaction(this.pool, async (client) => {
        // Two 32-bit keys (a space apart from the schema lock's single key); a collision only
        // makes two owners wait for each other.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [ns, owner])
        const { rows } = await client.query<KeyRow>(
          `SELECT * FROM ${S}.keys WHERE namespace = $1 AND owner = $2 AND style = $3`,
          [ns, owner, style],
        )
        const ops: Op[] = []
        this.collecting = ops
        let result: T
        try {
          result = decide(rows.map(keyFromRow))
        } finally {
          this.collecting = null
        }
        decided = true
        await this.runOps(client, ops)
        return result
      }),
    )
    this.chain = done.then(
      () => undefined,
      () => {
        // Memory holds what `decide` did, the database refused it: read the truth back.
        if (decided) this.emit({ kind: 'namespace', namespace: ns })
      },
    )
    return done.catch((error: unknown) => {
      throw decided ? refusal(error) : error
    })
  }

  private async run(ops: Op[]): Promise<void> {
    await inTransaction(this.pool, (client) => this.runOps(client, ops))
  }

  /** The statements of one transaction, then its change rows and notifications. */
  private async runOps(client: PoolClient, ops: Op[]): Promise<void> {
    const changes = new Map<string, StorageChange>()
    for (const op of ops) {
      await client.query(op.sql, op.params)
      if (op.change) changes.set(JSON.stringify(op.change), op.change)
    }
    for (const change of changes.values()) await this.announce(client, change)
  }

  /** Record a change and notify (delivered on commit): namespace, kind and id only. */
  private async announce(client: PoolClient, change: StorageChange): Promise<void> {
    const item = change.kind === 'key' ? change.id : null
    await client.query(
      `INSERT INTO ${S}.changes (origin, namespace, kind, item) VALUES ($1, $2, $3, $4)`,
      [this.origin, change.namespace, change.kind, item],
    )
    const payload = JSON.stringify({ o: this.origin, n: change.namespace, k: change.kind, i: item })
    await client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
  }

  insertNamespace(r: NamespaceRow): void {
    this.write(
      `INSERT INTO ${S}.namespaces (name, seed, clock_offset_ms, faults, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [r.name, r.seed, r.clockOffsetMs, r.faults, r.createdAt],
    )
  }

  removeNamespace(name: string): void {
    this.transaction(() => {
      this.clearRows(name)
      this.write(`DELETE FROM ${S}.namespaces WHERE name = $1`, [name], {
        kind: 'removed',
        namespace: name,
      })
    })
  }

  private clearRows(name: string): void {
    for (const table of [...NAMESPACED_TABLES, 'rate_windows'])
      this.write(`DELETE FROM ${S}.${table} WHERE namespace = $1`, [name])
  }

  clearNamespace(name: string): void {
    this.transaction(() => {
      this.clearRows(name)
      this.write('SELECT 1', [], { kind: 'reset', namespace: name })
    })
  }

  setClockOffset(name: string, offsetMs: number): void {
    this.write(
      `UPDATE ${S}.namespaces SET clock_offset_ms = $1 WHERE name = $2`,
      [offsetMs, name],
      { kind: 'namespace', namespace: name },
    )
  }

  setFaults(name: string, json: string): void {
    this.write(`UPDATE ${S}.namespaces SET faults = $1 WHERE name = $2`, [json, name], {
      kind: 'namespace',
      namespace: name,
    })
  }

  insertKey(ns: string, k: KeyRecord): void {
    this.write(INSERT_KEY, keyParams(k, ns), { kind: 'key', namespace: ns, id: k.id })
  }

  updateKey(ns: string, k: KeyRecord): void {
    const [, ...rest] = keyParams(k, ns)
    this.write(UPDATE_KEY, [...rest, ns], { kind: 'key', namespace: ns, id: k.id })
  }

  insertUser(ns: string, u: Omit<UserRecord, 'id'>): number {
    const id = sharedUserId(ns, u.name)
    // Another instance may have made the same user a moment ago: same name, same id.
    this.write(
      `INSERT INTO ${S}.users (namespace, id, name, display_name, email, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (namespace, name) DO NOTHING`,
      [ns, id, u.name, u.displayName, u.email, u.createdAt],
      { kind: 'namespace', namespace: ns },
    )
    return id
  }

  updateUser(ns: string, u: UserRecord): void {
    this.write(
      `UPDATE ${S}.users SET display_name = $1, email = $2 WHERE namespace = $3 AND name = $4`,
      [u.displayName, u.email, ns, u.name],
      { kind: 'namespace', namespace: ns },
    )
  }

  deleteUser(ns: string, name: string): void {
    this.transaction(() => {
      this.write(`DELETE FROM ${S}.users WHERE namespace = $1 AND name = $2`, [ns, name])
      this.write(`DELETE FROM ${S}.projects WHERE namespace = $1 AND owner = $2`, [ns, name], {
        kind: 'namespace',
        namespace: ns,
      })
    })
  }

  insertProject(ns: string, p: ProjectRecord): void {
    this.write(
      `INSERT INTO ${S}.projects (namespace, id, owner, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [ns, p.id, p.owner, p.name, p.createdAt],
      { kind: 'namespace', namespace: ns },
    )
  }

  putPolicy(ns: string, owner: string, json: string): void {
    this.write(
      `INSERT INTO ${S}.policies (namespace, owner, json) VALUES ($1, $2, $3) ON CONFLICT (namespace, owner) DO UPDATE SET json = excluded.json`,
      [ns, owner, json],
      { kind: 'namespace', namespace: ns },
    )
  }

  putSetting(ns: string, name: string, json: string): void {
    this.write(
      `INSERT INTO ${S}.settings (namespace, name, json) VALUES ($1, $2, $3) ON CONFLICT (namespace, name) DO UPDATE SET json = excluded.json`,
      [ns, name, json],
      { kind: 'namespace', namespace: ns },
    )
  }

  insertBlazemeterItem(ns: string, r: BlazemeterRow): void {
    this.write(
      `INSERT INTO ${S}.blazemeter_items (namespace, kind, id, owner, parent_id, name, json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [ns, r.kind, r.id, r.owner, r.parentId, r.name, r.json, r.createdAt],
      { kind: 'namespace', namespace: ns },
    )
  }

  async idle(): Promise<void> {
    await this.chain
  }

  async settle(): Promise<void> {
    await this.chain
    if (this.failure === null) return
    const error = this.failure
    this.failure = null
    throw refusal(error)
  }

  // ---- batches ----

  async flush(batch: FlushBatch): Promise<RateTotal[]> {
    return writeBatch(this.pool, batch, ++this.flushes % PRUNE_EVERY === 0)
  }

  /**
   * Counters any instance changed since the last call. Versions come from a sequence, and a
   * transaction holding a lower one can commit after a higher one was read; so every
   * FULL_READ_EVERY calls all counters are read again, which bounds how long one can be missed.
   */
  async readCounterChanges(): Promise<{ namespace: string; row: CounterRow }[]> {
    const full = ++this.reads % FULL_READ_EVERY === 0
    const rows = await this.query<CounterRow & { namespace: string; version: number }>(
      `SELECT namespace, scope, name, value, version FROM ${S}.counters WHERE version > $1`,
      [full ? 0 : this.lastCounterVersion],
    )
    for (const r of rows) this.lastCounterVersion = Math.max(this.lastCounterVersion, r.version)
    return rows.map((r) => ({
      namespace: r.namespace,
      row: { scope: r.scope, name: r.name, value: Number(r.value) },
    }))
  }

  onChange(listener: (change: StorageChange) => void): void {
    this.listeners.add(listener)
  }

  private emit(change: StorageChange): void {
    for (const l of this.listeners) l(change)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.chain
    await this.follower?.close()
    await this.pool.end()
  }
}
