/**
 * The default backend: one SQLite file in the data folder (WAL, synchronous=FULL, numbered
 * migrations), private to this process. Every write runs at once, synchronously, so a limit
 * check and the insert after it never interleave; batches (counters, the log) commit without
 * the fsync, admin writes with it.
 */
import { join } from 'node:path'
import { openDatabase, type Db } from '../../db/sqlite'
import type { ProjectRecord, UserRecord } from '../accounts'
import type { KeyRecord } from '../keys'
import { KEYSERVER_MIGRATIONS } from '../migrations'
import type { RequestLogEntry } from '../request-log'
import { prepared } from '../statements'
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

/** Rows of the request log kept on disk; older ones are pruned at flush. */
export const KEEP_LOG_ROWS = 10_000

interface StoredNamespace {
  name: string
  seed: string | null
  clock_offset_ms: number
  faults: string
  created_at: number
}

function namespaceFromRow(r: StoredNamespace): NamespaceRow {
  return {
    name: r.name,
    seed: r.seed,
    clockOffsetMs: r.clock_offset_ms,
    faults: r.faults,
    createdAt: r.created_at,
  }
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const INSERT_KEY = `INSERT INTO keys (${KEY_COLUMNS.join(', ')}) VALUES (${placeholders(KEY_COLUMNS.length)})`
const UPDATE_KEY = `UPDATE keys SET ${KEY_COLUMNS.filter((c) => c !== 'id' && c !== 'namespace')
  .map((c) => `${c} = ?`)
  .join(', ')} WHERE id = ? AND namespace = ?`

export class SqliteStorage implements KeyServerStorage {
  readonly kind = 'sqlite' as const
  readonly shared = false
  /** Never read: nobody else changes a private store. */
  readonly writeCount = 0

  constructor(
    readonly db: Db,
    readonly hmacSecret: Buffer,
  ) {}

  /** Open (or create and migrate) `<dataDir>/keyserver.sqlite`. */
  static open(dataDir: string, hmacSecret: Buffer): SqliteStorage {
    const db = openDatabase(join(dataDir, 'keyserver.sqlite'), { migrations: KEYSERVER_MIGRATIONS })
    return new SqliteStorage(db, hmacSecret)
  }

  private sql(text: string) {
    return prepared(this.db, text)
  }

  async listNamespaces(): Promise<NamespaceRow[]> {
    return (this.sql('SELECT * FROM namespaces').all() as StoredNamespace[]).map(namespaceFromRow)
  }

  async findNamespace(name: string): Promise<NamespaceRow | undefined> {
    const row = this.sql('SELECT * FROM namespaces WHERE name = ?').get(name) as
      StoredNamespace | undefined
    return row && namespaceFromRow(row)
  }

  async loadNamespace(ns: string): Promise<NamespaceData> {
    return this.loadNamespaceNow(ns)
  }

  /** The synchronous load behind loadNamespace (SQLite answers at once). */
  loadNamespaceNow(ns: string): NamespaceData {
    const all = (text: string) => this.sql(text).all(ns)
    return {
      keys: (all('SELECT * FROM keys WHERE namespace = ?') as KeyRow[]).map(keyFromRow),
      users: all(
        'SELECT id, name, display_name AS displayName, email, created_at AS createdAt FROM users WHERE namespace = ?',
      ) as UserRecord[],
      projects: all(
        'SELECT id, owner, name, created_at AS createdAt FROM projects WHERE namespace = ?',
      ) as ProjectRecord[],
      policies: all(
        'SELECT owner, json FROM policies WHERE namespace = ?',
      ) as NamespaceData['policies'],
      settings: all(
        'SELECT name, json FROM settings WHERE namespace = ?',
      ) as NamespaceData['settings'],
      counters: all(
        'SELECT scope, name, value FROM counters WHERE namespace = ?',
      ) as NamespaceData['counters'],
      blazemeter: all(
        'SELECT kind, id, owner, parent_id AS parentId, name, json, created_at AS createdAt FROM blazemeter_items WHERE namespace = ? ORDER BY id',
      ) as BlazemeterRow[],
    }
  }

  async findKeysByHash(ns: string, hashes: string[]): Promise<KeyRecord[]> {
    const out: KeyRecord[] = []
    for (const h of hashes) {
      const row = this.sql('SELECT * FROM keys WHERE namespace = ? AND key_hash = ?').get(ns, h)
      if (row) out.push(keyFromRow(row as KeyRow))
    }
    return out
  }

  async findKey(ns: string, id: string): Promise<KeyRecord | undefined> {
    const row = this.sql('SELECT * FROM keys WHERE namespace = ? AND id = ?').get(ns, id)
    return row ? keyFromRow(row as KeyRow) : undefined
  }

  async recentLog(limit: number, namespace?: string): Promise<RequestLogEntry[]> {
    const columns =
      'time, method, path, style, key_id AS keyId, status, outcome, namespace, fault FROM request_log'
    const rows = (
      namespace === undefined
        ? this.sql(`SELECT ${columns} ORDER BY seq DESC LIMIT ?`).all(limit)
        : this.sql(`SELECT ${columns} WHERE namespace = ? ORDER BY seq DESC LIMIT ?`).all(
            namespace,
            limit,
          )
    ) as RequestLogEntry[]
    return rows.reverse()
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  insertNamespace(r: NamespaceRow): void {
    this.sql(
      'INSERT INTO namespaces (name, seed, clock_offset_ms, faults, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(r.name, r.seed, r.clockOffsetMs, r.faults, r.createdAt)
  }

  removeNamespace(name: string): void {
    this.transaction(() => {
      this.clearNamespace(name)
      this.sql('DELETE FROM namespaces WHERE name = ?').run(name)
    })
  }

  clearNamespace(name: string): void {
    this.transaction(() => {
      for (const table of NAMESPACED_TABLES)
        this.sql(`DELETE FROM ${table} WHERE namespace = ?`).run(name)
    })
  }

  setClockOffset(name: string, offsetMs: number): void {
    this.sql('UPDATE namespaces SET clock_offset_ms = ? WHERE name = ?').run(offsetMs, name)
  }

  setFaults(name: string, json: string): void {
    this.sql('UPDATE namespaces SET faults = ? WHERE name = ?').run(json, name)
  }

  insertKey(ns: string, k: KeyRecord): void {
    this.sql(INSERT_KEY).run(...keyParams(k, ns))
  }

  updateKey(ns: string, k: KeyRecord): void {
    const [, ...rest] = keyParams(k, ns)
    this.sql(UPDATE_KEY).run(...rest, ns)
  }

  insertUser(ns: string, u: Omit<UserRecord, 'id'>): number {
    const info = this.sql(
      'INSERT INTO users (namespace, name, display_name, email, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(ns, u.name, u.displayName, u.email, u.createdAt)
    return Number(info.lastInsertRowid)
  }

  updateUser(ns: string, u: UserRecord): void {
    this.sql('UPDATE users SET display_name = ?, email = ? WHERE namespace = ? AND name = ?').run(
      u.displayName,
      u.email,
      ns,
      u.name,
    )
  }

  deleteUser(ns: string, name: string): void {
    this.transaction(() => {
      this.sql('DELETE FROM users WHERE namespace = ? AND name = ?').run(ns, name)
      this.sql('DELETE FROM projects WHERE namespace = ? AND owner = ?').run(ns, name)
    })
  }

  insertProject(ns: string, p: ProjectRecord): void {
    this.sql(
      'INSERT INTO projects (namespace, id, owner, name, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(ns, p.id, p.owner, p.name, p.createdAt)
  }

  putPolicy(ns: string, owner: string, json: string): void {
    this.sql(
      'INSERT INTO policies (namespace, owner, json) VALUES (?, ?, ?) ON CONFLICT (namespace, owner) DO UPDATE SET json = excluded.json',
    ).run(ns, owner, json)
  }

  putSetting(ns: string, name: string, json: string): void {
    this.sql(
      'INSERT INTO settings (namespace, name, json) VALUES (?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET json = excluded.json',
    ).run(ns, name, json)
  }

  insertBlazemeterItem(ns: string, r: BlazemeterRow): void {
    this.sql(
      'INSERT INTO blazemeter_items (namespace, kind, id, owner, parent_id, name, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(ns, r.kind, r.id, r.owner, r.parentId, r.name, r.json, r.createdAt)
  }

  async flush(batch: FlushBatch): Promise<RateTotal[]> {
    if (batch.counters.size === 0 && batch.log.length === 0) return []
    // Counters and the log are batched already (up to a second of them is only in memory), so
    // their commits skip the fsync (WAL with synchronous=NORMAL stays consistent; a power cut
    // loses at most those batches). Under load a FULL commit here stalled the event loop for
    // up to ~17 ms once a second, which is what p99 latency saw. Admin writes stay FULL.
    this.db.pragma('synchronous = NORMAL')
    try {
      this.transaction(() => {
        const upsert = this.sql(
          'INSERT INTO counters (namespace, scope, name, value) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, scope, name) DO UPDATE SET value = excluded.value',
        )
        const remove = this.sql(
          'DELETE FROM counters WHERE namespace = ? AND scope = ? AND name = ?',
        )
        for (const [ns, writes] of batch.counters)
          for (const w of writes)
            if (w.deleted) remove.run(ns, w.scope, w.name)
            else upsert.run(ns, w.scope, w.name, w.value)
        if (batch.log.length === 0) return
        const insert = this.sql(
          'INSERT INTO request_log (time, method, path, style, key_id, status, outcome, namespace, fault) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        for (const e of batch.log)
          insert.run(
            e.time,
            e.method,
            e.path,
            e.style,
            e.keyId,
            e.status,
            e.outcome,
            e.namespace ?? 'default',
            e.fault ?? null,
          )
        this.sql('DELETE FROM request_log WHERE seq <= (SELECT MAX(seq) FROM request_log) - ?').run(
          KEEP_LOG_ROWS,
        )
      })
    } finally {
      this.db.pragma('synchronous = FULL')
    }
    return []
  }

  async readCounterChanges(): Promise<{ namespace: string; row: CounterRow }[]> {
    return []
  }

  async settle(): Promise<void> {}

  track<T>(fn: () => T): { result: T; committed: Promise<void> } {
    // Every write has already run (or thrown) when fn returns.
    return { result: fn(), committed: Promise.resolve() }
  }

  async idle(): Promise<void> {}

  onChange(_listener: (change: StorageChange) => void): void {
    // Private to this process: nobody else changes it.
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
