/**
 * The keys of one namespace and their in-memory index. Storage holds the truth (written by admin
 * calls); the Map keyed by HMAC is what validation reads, loaded at start and updated in the
 * same call as every write, so the hot path never touches the disk. On a shared backend the
 * Map is a cache that other instances' changes update (see namespaces.ts), and a miss is looked
 * up in storage before a credential is refused (routing.ts).
 */
import { createHmac } from 'node:crypto'
import type { KeyStatus, ServerStyle } from '../providers'
import type { KeyServerStorage } from './storage/types'

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

/** How many recently presented credentials keep their digest in memory (see findByCredential). */
const RECENT_DIGESTS = 1024

export class KeyRepository {
  private readonly byHash = new Map<string, KeyRecord>()
  /** Presented credential → its digest, for credentials that named a key (memory only). */
  private readonly recentDigests = new Map<string, string>()
  private readonly byId = new Map<string, KeyRecord>()

  constructor(
    private readonly store: KeyServerStorage,
    private readonly hmacSecret: Buffer,
    /** The namespace whose keys this repository holds; a key of another is never found. */
    readonly namespace: string,
    initial: KeyRecord[] = [],
  ) {
    this.replaceAll(initial)
  }

  /** Rebuild the in-memory index from loaded records. */
  replaceAll(records: KeyRecord[]): void {
    this.recentDigests.clear()
    this.byHash.clear()
    this.byId.clear()
    for (const k of records) this.index(k)
  }

  /** Take a record as storage holds it now (another instance changed it, or a cache miss). */
  adopt(k: KeyRecord): void {
    const previous = this.byId.get(k.id)
    if (previous && previous.keyHash !== k.keyHash) this.byHash.delete(previous.keyHash)
    this.index(k)
  }

  /**
   * Take a record a cache miss read from storage, unless a notification has meanwhile brought
   * this same key material (that record is at least as new: say, revoked since the read).
   */
  adoptMiss(k: KeyRecord): void {
    const known = this.byId.get(k.id)
    if (known && known.keyHash === k.keyHash) return
    this.adopt(k)
  }

  /** Forget a record storage no longer holds. */
  forget(id: string): void {
    const previous = this.byId.get(id)
    if (!previous) return
    this.byHash.delete(previous.keyHash)
    this.byId.delete(id)
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

  /** How many writes the storage has taken from this instance (see KeyServerStorage.writeCount). */
  writeCount(): number {
    return this.store.writeCount
  }

  /** Keys of this namespace for presented credentials, read from storage (a cache miss). */
  lookUp(credentials: string[]): Promise<KeyRecord[]> {
    return this.store.findKeysByHash(
      this.namespace,
      credentials.map((c) => this.hash(c)),
    )
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
    this.store.insertKey(this.namespace, k)
    this.index(k)
  }

  /** Write a changed record; `previousHash` when the key material changed (in-slot rotation). */
  update(k: KeyRecord, previousHash?: string): void {
    this.store.updateKey(this.namespace, k)
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
