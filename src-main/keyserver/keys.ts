/**
 * The keys of one namespace and their in-memory index. SQLite holds the truth (written synchronously by
 * admin calls); the Map keyed by HMAC is what validation reads, loaded at start and updated in
 * the same call as every write, so the hot path never touches the disk.
 */
import { createHmac } from 'node:crypto'
import type { Db, Statement } from '../db/sqlite'
import { prepared } from './statements'
import type { KeyStatus, ServerStyle } from '../providers'

export interface KeyRecord {
  id: string
  style: ServerStyle
  owner: string
  name: string
  status: KeyStatus
  level: 'user' | 'project' | null
  projectId: number | null
  apiType: 'rest' | 'batch' | null
  /** BlazeMeter: a key without permission to start tests (answers 403). */
  readOnly: boolean
  keyHash: string
  displayPrefix: string
  last4: string
  createdAt: number
  /** When the current key material was issued (creation, or the last in-slot rotation). */
  issuedAt: number
  expiresAt: number | null
  /** Rotation with overlap: the key stops working at this time. */
  revokeAt: number | null
  revokedAt: number | null
  replacedBy: string | null
}

interface Row {
  id: string
  style: string
  owner: string
  name: string
  status: string
  level: string | null
  project_id: number | null
  api_type: string | null
  read_only: number
  key_hash: string
  display_prefix: string
  last4: string
  created_at: number
  issued_at: number
  expires_at: number | null
  revoke_at: number | null
  revoked_at: number | null
  replaced_by: string | null
}

function fromRow(r: Row): KeyRecord {
  return {
    id: r.id,
    style: r.style as ServerStyle,
    owner: r.owner,
    name: r.name,
    status: r.status as KeyStatus,
    level: r.level as KeyRecord['level'],
    projectId: r.project_id,
    apiType: r.api_type as KeyRecord['apiType'],
    readOnly: r.read_only === 1,
    keyHash: r.key_hash,
    displayPrefix: r.display_prefix,
    last4: r.last4,
    createdAt: r.created_at,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    revokeAt: r.revoke_at,
    revokedAt: r.revoked_at,
    replacedBy: r.replaced_by,
  }
}

function toParams(k: KeyRecord, namespace: string): unknown[] {
  return [
    namespace,
    k.style,
    k.owner,
    k.name,
    k.status,
    k.level,
    k.projectId,
    k.apiType,
    k.readOnly ? 1 : 0,
    k.keyHash,
    k.displayPrefix,
    k.last4,
    k.createdAt,
    k.issuedAt,
    k.expiresAt,
    k.revokeAt,
    k.revokedAt,
    k.replacedBy,
    k.id,
  ]
}

const COLUMNS =
  'namespace, style, owner, name, status, level, project_id, api_type, read_only, key_hash, display_prefix, last4, created_at, issued_at, expires_at, revoke_at, revoked_at, replaced_by, id'

/** How many recently presented credentials keep their digest in memory (see findByCredential). */
const RECENT_DIGESTS = 1024

export class KeyRepository {
  private readonly byHash = new Map<string, KeyRecord>()
  /** Presented credential → its digest, for credentials that named a key (memory only). */
  private readonly recentDigests = new Map<string, string>()
  private readonly byId = new Map<string, KeyRecord>()
  private readonly insertStmt: Statement
  private readonly updateStmt: Statement

  constructor(
    private readonly db: Db,
    private readonly hmacSecret: Buffer,
    /** The namespace whose keys this repository holds; a key of another is never found. */
    readonly namespace: string,
  ) {
    this.insertStmt = prepared(
      db,
      `INSERT INTO keys (${COLUMNS}) VALUES (${COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    )
    this.updateStmt = prepared(
      db,
      `UPDATE keys SET ${COLUMNS.split(', ')
        .filter((c) => c !== 'id' && c !== 'namespace')
        .map((c) => `${c} = ?`)
        .join(', ')} WHERE id = ? AND namespace = ?`,
    )
    this.reload()
  }

  /** Rebuild the in-memory index from the table. */
  reload(): void {
    this.recentDigests.clear()
    this.byHash.clear()
    this.byId.clear()
    const rows = prepared(this.db, 'SELECT * FROM keys WHERE namespace = ?').all(this.namespace)
    for (const row of rows as Row[]) this.index(fromRow(row))
  }

  private index(k: KeyRecord): void {
    this.byHash.set(k.keyHash, k)
    this.byId.set(k.id, k)
  }

  /** HMAC-SHA-256 of a presented credential under the server's secret (what is stored). */
  hash(credential: string): string {
    return createHmac('sha256', this.hmacSecret).update(credential).digest('base64')
  }

  /**
   * The key a presented credential belongs to, if any. The hot path: a client presents the same
   * key again and again, and the HMAC was 8% of a validation's CPU, so the digests of up to
   * 1024 credentials that named a key are remembered. A digest never changes for a credential,
   * so the memo is never stale; misses are not remembered, so junk traffic cannot evict it.
   * It lives in memory only, like the request that carried the credential; nothing is written.
   */
  findByCredential(credential: string): KeyRecord | undefined {
    const known = this.recentDigests.get(credential)
    if (known !== undefined) return this.byHash.get(known)
    const digest = this.hash(credential)
    const key = this.byHash.get(digest)
    if (key) {
      if (this.recentDigests.size >= RECENT_DIGESTS) this.recentDigests.clear()
      this.recentDigests.set(credential, digest)
    }
    return key
  }

  get(id: string): KeyRecord | undefined {
    return this.byId.get(id)
  }

  /** All keys, optionally of one style and/or owner, oldest first. */
  list(filter: { style?: string; owner?: string } = {}): KeyRecord[] {
    const out: KeyRecord[] = []
    for (const k of this.byId.values())
      if (
        (!filter.style || k.style === filter.style) &&
        (!filter.owner || k.owner === filter.owner)
      )
        out.push(k)
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  insert(k: KeyRecord): void {
    this.insertStmt.run(...toParams(k, this.namespace))
    this.index(k)
  }

  /** Write a changed record; `previousHash` when the key material changed (in-slot rotation). */
  update(k: KeyRecord, previousHash?: string): void {
    const [, ...rest] = toParams(k, this.namespace)
    this.updateStmt.run(...rest, this.namespace)
    if (previousHash !== undefined && previousHash !== k.keyHash) this.byHash.delete(previousHash)
    this.index(k)
  }

  /** Forget every key (the admin reset); the caller clears the table. */
  clear(): void {
    this.recentDigests.clear()
    this.byHash.clear()
    this.byId.clear()
  }
}
