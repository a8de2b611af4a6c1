/**
 * How one instance follows what the others change: LISTEN on a connection of its own for the
 * notifications each admin commit sends, and re-read the `changes` table now and then (every
 * second while that connection is down, it reconnects every second) so that nothing a dropped
 * connection missed is lost. Changes this instance made itself (its `origin`) are skipped.
 */
import type { Client, Pool } from 'pg'
import { CHANNEL, SCHEMA } from './postgres-schema'
import type { StorageChange } from './types'

interface Payload {
  o?: string
  n?: string
  k?: string
  i?: string | null
}

export class ChangeFollower {
  private listener: Client | null = null
  private listening = false
  private lastChange = 0
  private closed = false
  private recheckTimer: NodeJS.Timeout | null = null
  private reconnectTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly pool: Pool,
    private readonly makeClient: () => Client,
    /** This instance's id, as its own changes carry it. */
    private readonly origin: string,
    /** How often to re-read `changes` while notifications arrive. */
    private readonly recheckMs: number,
    private readonly emit: (change: StorageChange) => void,
  ) {}

  /** Start from the newest recorded change (what is older is in the data loaded at start). */
  async start(): Promise<void> {
    const { rows } = await this.pool.query<{ max: number | null }>(
      `SELECT max(seq)::bigint AS max FROM ${SCHEMA}.changes`,
    )
    this.lastChange = Number(rows[0]?.max ?? 0)
    await this.listen().catch(() => this.scheduleReconnect())
    this.scheduleRecheck()
  }

  private fromPayload(p: Payload): void {
    if (p.o === this.origin || typeof p.n !== 'string') return
    if (p.k === 'key' && typeof p.i === 'string')
      this.emit({ kind: 'key', namespace: p.n, id: p.i })
    else if (p.k === 'namespace' || p.k === 'reset' || p.k === 'removed')
      this.emit({ kind: p.k, namespace: p.n })
  }

  /** LISTEN on a connection of its own (a pooled one would be handed to other queries). */
  private async listen(): Promise<void> {
    const client = this.makeClient()
    client.on('error', () => this.drop(client))
    client.on('end', () => this.drop(client))
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return
      try {
        this.fromPayload(JSON.parse(msg.payload) as Payload)
      } catch {
        // Not ours (another program on the channel): ignored.
      }
    })
    await client.connect()
    await client.query(`LISTEN ${CHANNEL}`)
    if (this.closed) {
      await client.end().catch(() => undefined)
      return
    }
    this.listener = client
    this.listening = true
    // Whatever changed while no connection listened is in `changes`.
    void this.recheck().catch(() => undefined)
  }

  private drop(client: Client): void {
    if (this.listener === client) {
      this.listener = null
      this.listening = false
    }
    client.end().catch(() => undefined)
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      if (!this.closed && !this.listening) this.listen().catch(() => this.scheduleReconnect())
    }, 1000)
    this.reconnectTimer.unref()
  }

  /** Re-read `changes` now and then: every second while not listening, else every recheckMs. */
  private scheduleRecheck(): void {
    if (this.closed) return
    this.recheckTimer = setTimeout(
      () => {
        this.recheck()
          .catch(() => undefined)
          .finally(() => this.scheduleRecheck())
      },
      this.listening ? this.recheckMs : Math.min(1000, this.recheckMs),
    )
    this.recheckTimer.unref()
  }

  /** Apply the changes recorded since the last re-check (a notification may have been missed). */
  async recheck(): Promise<void> {
    const { rows } = await this.pool.query<{
      seq: number
      origin: string
      namespace: string
      kind: string
      item: string | null
    }>(
      `SELECT seq, origin, namespace, kind, item FROM ${SCHEMA}.changes WHERE seq > $1 ORDER BY seq LIMIT 5000`,
      [this.lastChange],
    )
    for (const r of rows) {
      this.lastChange = Math.max(this.lastChange, Number(r.seq))
      this.fromPayload({ o: r.origin, n: r.namespace, k: r.kind, i: r.item })
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.recheckTimer) clearTimeout(this.recheckTimer)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    const listener = this.listener
    this.listener = null
    this.listening = false
    if (listener) await listener.end().catch(() => undefined)
  }
}
