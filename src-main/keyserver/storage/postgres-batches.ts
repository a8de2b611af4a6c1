/**
 * One flush on PostgreSQL, in one transaction: counters as deltas (`value = value + excluded.value`,
 * so instances add up; a `set` replaces), rate windows the same way, request log rows, and now and
 * then the pruning of old rows; it answers the rate windows any instance touched lately.
 */
import type { Pool, PoolClient } from 'pg'
import type { RequestLogEntry } from '../request-log'
import { SCHEMA } from './postgres-schema'
import type { FlushBatch, RateTotal } from './types'

type Param = string | number | null | boolean | string[] | number[] | (string | number | null)[]

const S = SCHEMA

/**
 * Run `fn` in a transaction on a pooled connection. While it is checked out the connection
 * gets an error listener (the pool listens only to idle ones): a server that ends it mid-way
 * (a restart, an administrator) must fail this transaction, not the process; a broken
 * connection is then discarded rather than returned to the pool.
 */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (error: Error) => {
    broken = error
  }
  client.on('error', onError)
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    broken ??= error instanceof Error && !('severity' in error) ? error : undefined
    throw error
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}
/** Request log rows and change rows kept when pruning. */
const KEEP_ROWS = 10_000

/** Write one flush's counters, rate windows and log entries in one transaction; the live rate windows. */
export async function writeBatch(
  pool: Pool,
  batch: FlushBatch,
  /** Also prune old log rows, rate windows and changes (every few dozen flushes). */
  prune: boolean,
): Promise<RateTotal[]> {
  return inTransaction(pool, async (client) => {
    await writeCounters(client, batch)
    for (const [ns, writes] of batch.rates)
      if (writes.length > 0)
        await client.query(
          `INSERT INTO ${S}.rate_windows (namespace, key, start, window_ms, n)
           SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
           ON CONFLICT (namespace, key, start) DO UPDATE
           SET n = rate_windows.n + excluded.n, updated_at = now()`,
          [
            ns,
            writes.map((w) => w.key),
            writes.map((w) => w.start),
            writes.map((w) => w.windowMs),
            writes.map((w) => w.delta),
          ],
        )
    if (batch.log.length > 0) await writeLog(client, batch.log)
    if (prune) {
      await client.query(
        `DELETE FROM ${S}.request_log WHERE seq <= (SELECT max(seq) FROM ${S}.request_log) - $1`,
        [KEEP_ROWS],
      )
      await client.query(
        `DELETE FROM ${S}.rate_windows WHERE updated_at < now() - interval '10 minutes'`,
      )
      await client.query(
        `DELETE FROM ${S}.changes WHERE seq <= (SELECT max(seq) FROM ${S}.changes) - $1`,
        [KEEP_ROWS],
      )
    }
    // Windows anyone touched in the last two minutes (the longest window is one minute).
    const totals = await client.query<{
      namespace: string
      key: string
      start: number
      window_ms: number
      n: number
    }>(
      `SELECT namespace, key, start, window_ms, n FROM ${S}.rate_windows WHERE updated_at > now() - interval '2 minutes'`,
    )
    return totals.rows.map((r) => ({
      namespace: r.namespace,
      key: r.key,
      start: Number(r.start),
      windowMs: Number(r.window_ms),
      count: Number(r.n),
    }))
  })
}

async function writeCounters(client: PoolClient, batch: FlushBatch): Promise<void> {
  for (const [ns, writes] of batch.counters) {
    const gone = writes.filter((w) => w.deleted)
    const set = writes.filter((w) => !w.deleted && w.absolute)
    const added = writes.filter((w) => !w.deleted && !w.absolute && w.delta !== 0)
    if (gone.length > 0)
      await client.query(
        `DELETE FROM ${S}.counters c USING unnest($2::text[], $3::text[]) AS d(scope, name)
         WHERE c.namespace = $1 AND c.scope = d.scope AND c.name = d.name`,
        [ns, gone.map((w) => w.scope), gone.map((w) => w.name)],
      )
    // A `set` (a day started, a last-used time) replaces the value; an `add` adds its delta
    // to whatever the other instances have added meanwhile.
    for (const [rows, merge] of [
      [set, 'excluded.value'],
      [added, 'counters.value + excluded.value'],
    ] as const)
      if (rows.length > 0)
        await client.query(
          `INSERT INTO ${S}.counters (namespace, scope, name, value, version)
           SELECT $1, d.scope, d.name, d.value, nextval('${S}.versions')
           FROM unnest($2::text[], $3::text[], $4::bigint[]) AS d(scope, name, value)
           ON CONFLICT (namespace, scope, name) DO UPDATE
           SET value = ${merge}, version = excluded.version`,
          [
            ns,
            rows.map((w) => w.scope),
            rows.map((w) => w.name),
            rows.map((w) => (merge === 'excluded.value' ? w.value : w.delta)),
          ],
        )
  }
}

async function writeLog(client: PoolClient, log: RequestLogEntry[]): Promise<void> {
  await client.query(
    `INSERT INTO ${S}.request_log (time, method, path, style, key_id, status, outcome, namespace, fault)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])`,
    [
      log.map((e) => e.time),
      log.map((e) => e.method),
      log.map((e) => e.path),
      log.map((e) => e.style),
      log.map((e) => e.keyId),
      log.map((e) => e.status),
      log.map((e) => e.outcome),
      log.map((e) => e.namespace ?? 'default'),
      log.map((e) => e.fault ?? null),
    ] as Param[],
  )
}
