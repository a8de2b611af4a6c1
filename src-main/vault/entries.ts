/**
 * Entry writes. Each runs inside the vault's write transaction (BEGIN IMMEDIATE) after the cache
 * was brought up to the file, so it starts from every row as it is now: provider limits are
 * counted over the committed rows, a stale write (one made from an older version) is merged or
 * refused (merge.ts), and each row is written with compare-and-set on its version. A write
 * returns what changed; the vault applies it to its cache and the integrity manifest once the
 * transaction commits.
 */
import { randomUUID } from 'node:crypto'
import { findRuleViolation, maskKey, type AccountPolicy, type KeyFacts } from '../providers'
import { encodeMeta, type EntryMeta } from './codec'
import { open, seal, wipe } from './crypto'
import { hasLimits, type CachedEntry, type EntryCache } from './entry-cache'
import {
  ChangedElsewhereError,
  EntryNotFoundError,
  EntryTamperedError,
  InvalidInputError,
  RuleViolationError,
} from './errors'
import { checkCredential, checkInput, checkPatch, type CheckedInput } from './input'
import { EntryHistory } from './history'
import { mergeStalePatch, rotationConflicts } from './merge'
import { boundOf, boundOfRow, fieldAssociatedData, metaAssociatedData } from './sealing'
import type { EntryRow, SealedRow, VaultStore } from './store'
import type { Credential, EntryInput, EntryPatch, EntrySummary, SecretField } from './types'

/** What a committed write changed: rows to (re)cache and ids removed. */
export interface WriteResult {
  put: { row: EntryRow; meta: EntryMeta; historyCount: number }[]
  removed: string[]
}

export interface WriterContext {
  vaultId: string
  store: VaultStore
  key: Uint8Array
  cache: EntryCache
  now: () => number
  policy: () => AccountPolicy
  historyLimit: () => number
}

/** Options of a write made from a view of the entry (a form): the version it was opened on. */
export interface WriteOptions {
  expectedVersion?: number
}

const encoder = new TextEncoder()

function assertRules(facts: KeyFacts, others: KeyFacts[], policy: AccountPolicy): void {
  const violation = findRuleViolation(facts, others, policy)
  if (violation) throw new RuleViolationError(violation.code, violation.message)
}

function checkExpectedVersion(v: unknown): number | undefined {
  if (v === undefined) return undefined
  if (!Number.isSafeInteger(v) || (v as number) < 0)
    throw new InvalidInputError('The expected version must be a whole number.')
  return v as number
}

export class EntryWriter {
  private readonly history: EntryHistory

  constructor(private readonly ctx: WriterContext) {
    this.history = new EntryHistory(ctx.vaultId, ctx.store, ctx.key)
  }

  /** Add entries; all are added, or none. */
  add(inputs: readonly EntryInput[], onProgress?: (added: number) => void): WriteResult {
    const { ctx } = this
    const now = ctx.now()
    const policy = ctx.policy()
    // Keys added earlier in this batch, per (style, account): the limits count them too.
    const pending = new Map<string, KeyFacts[]>()
    const result: WriteResult = { put: [], removed: [] }
    for (const raw of inputs) {
      const input = checkInput(raw, now)
      const id = randomUUID()
      const facts: KeyFacts = {
        id,
        style: input.style,
        status: input.status,
        scope: input.scope,
        issuedAt: input.lastRotatedAt,
        expiresAt: input.expiresAt,
        credential: input.credential,
      }
      if (hasLimits(input.style)) {
        const group = `${input.style}\0${input.scope.account ?? ''}`
        const batch = pending.get(group) ?? []
        const peers = ctx.cache.peerFacts(input.style, input.scope.account)
        assertRules(facts, [...peers, ...batch], policy)
        pending.set(group, [...batch, facts])
      } else assertRules(facts, [], policy)
      const sealed = this.sealNew(id, input, now)
      ctx.store.insertEntry(sealed.row)
      result.put.push({ row: sealed.clear, meta: sealed.meta, historyCount: 0 })
      if (onProgress && result.put.length % 256 === 0) onProgress(result.put.length)
    }
    return result
  }

  /** Change an entry's descriptive fields, status, expiry or rotation policy. */
  update(id: string, rawPatch: EntryPatch, options: WriteOptions = {}): WriteResult {
    const { ctx } = this
    const current = this.current(id)
    let patch = checkPatch(rawPatch)
    const expected = checkExpectedVersion(options.expectedVersion)
    const s = current.summary
    if (expected !== undefined && expected !== s.version) {
      const merged = mergeStalePatch(patch, ctx.cache.snapshot(id, expected), s)
      if ('conflicts' in merged) throw new ChangedElsewhereError(id, merged.conflicts)
      patch = merged.patch
    }
    const next = {
      status: patch.status ?? s.status,
      expiresAt: patch.expiresAt !== undefined ? patch.expiresAt : s.expiresAt,
      lastRotatedAt: patch.lastRotatedAt ?? s.lastRotatedAt,
      rotationPolicyDays:
        patch.rotationPolicyDays !== undefined ? patch.rotationPolicyDays : s.rotationPolicyDays,
    }
    const meta: EntryMeta = {
      ...this.metaOf(current),
      name: patch.name ?? s.name,
      environment: patch.environment ?? s.environment,
      tags: patch.tags ?? s.tags,
      notes: patch.notes ?? s.notes,
      scope: patch.scope ?? s.scope,
      baseUrl: patch.baseUrl !== undefined ? patch.baseUrl : s.baseUrl,
    }
    assertRules(
      {
        id,
        style: s.style,
        status: next.status,
        scope: meta.scope,
        issuedAt: next.lastRotatedAt,
        expiresAt: next.expiresAt,
      },
      ctx.cache.peerFacts(s.style, meta.scope.account, id),
      ctx.policy(),
    )
    const timingChanged =
      next.expiresAt !== s.expiresAt ||
      next.lastRotatedAt !== s.lastRotatedAt ||
      next.rotationPolicyDays !== s.rotationPolicyDays
    const stored = ctx.store.keyOf(id)
    if (!stored) throw new EntryNotFoundError(id)
    const plainKey = this.openField(id, 'key', s.version, stored.key_ct)
    const plainSecret = stored.secret_ct
      ? this.openField(id, 'secret', s.version, stored.secret_ct)
      : null
    try {
      return this.writeVersion(
        current,
        meta,
        next,
        { key: plainKey, secret: plainSecret },
        timingChanged,
      )
    } finally {
      wipe(plainKey)
      wipe(plainSecret)
    }
  }

  /** Replace an entry's credential; the previous one is kept, encrypted, in its history. */
  rotate(
    id: string,
    next: { credential: Credential; expiresAt?: number | null; rotatedAt?: number },
    options: WriteOptions = {},
  ): WriteResult {
    const { ctx } = this
    const current = this.current(id)
    const s = current.summary
    if (typeof next !== 'object' || next === null)
      throw new InvalidInputError('The new key is missing.')
    const expected = checkExpectedVersion(options.expectedVersion)
    if (expected !== undefined && expected !== s.version) {
      const conflicts = rotationConflicts(ctx.cache.snapshot(id, expected), s)
      if (conflicts.length > 0) throw new ChangedElsewhereError(id, conflicts)
    }
    const credential = checkCredential(next.credential, s.style)
    const rotatedAt = next.rotatedAt === undefined ? ctx.now() : next.rotatedAt
    if (!Number.isSafeInteger(rotatedAt) || rotatedAt < 0)
      throw new InvalidInputError('The rotation time must be a time in milliseconds since 1970.')
    // Without an explicit expiry the new key gets the lifetime the old one had.
    let expiresAt: number | null
    if (next.expiresAt !== undefined) {
      if (next.expiresAt !== null && (!Number.isSafeInteger(next.expiresAt) || next.expiresAt < 0))
        throw new InvalidInputError('The expiry must be a time in milliseconds since 1970.')
      expiresAt = next.expiresAt
    } else expiresAt = s.expiresAt === null ? null : rotatedAt + (s.expiresAt - s.lastRotatedAt)
    assertRules(
      {
        id,
        style: s.style,
        status: s.status,
        scope: s.scope,
        issuedAt: rotatedAt,
        expiresAt,
        credential,
      },
      ctx.cache.peerFacts(s.style, s.scope.account, id),
      ctx.policy(),
    )
    const stored = ctx.store.keyOf(id)
    if (!stored) throw new EntryNotFoundError(id)
    const oldKey = this.openField(id, 'key', s.version, stored.key_ct)
    const oldSecret = stored.secret_ct
      ? this.openField(id, 'secret', s.version, stored.secret_ct)
      : null
    try {
      const history = this.history.push(
        current,
        { key: oldKey, secret: oldSecret },
        rotatedAt,
        ctx.historyLimit(),
      )
      const meta: EntryMeta = {
        ...this.metaOf(current),
        keyMask: maskKey(credential.key),
        hasSecret: credential.secret !== undefined,
        history,
      }
      const nextClear = {
        status: s.status,
        expiresAt,
        lastRotatedAt: rotatedAt,
        rotationPolicyDays: s.rotationPolicyDays,
      }
      const plain = {
        key: encoder.encode(credential.key),
        secret: credential.secret !== undefined ? encoder.encode(credential.secret) : null,
      }
      try {
        return this.writeVersion(current, meta, nextClear, plain, true)
      } finally {
        wipe(plain.key)
        wipe(plain.secret)
      }
    } finally {
      wipe(oldKey)
      wipe(oldSecret)
    }
  }

  /** Delete an entry (or forget one that was damaged or deleted outside Keywarden). */
  remove(id: string, known: boolean): WriteResult {
    if (typeof id !== 'string') throw new InvalidInputError('The entry id must be text.')
    if (!known) throw new EntryNotFoundError(id)
    this.ctx.store.clearReminders(id)
    this.ctx.store.deleteEntry(id)
    return { put: [], removed: [id] }
  }

  /** Open a key or secret of an entry as sealed at `version`. */
  openField(id: string, field: SecretField, version: number, sealed: Uint8Array): Uint8Array {
    return this.openWith(id, sealed, fieldAssociatedData(this.ctx.vaultId, id, field, version))
  }

  private openWith(id: string, sealed: Uint8Array, ad: Uint8Array): Uint8Array {
    const plain = open(this.ctx.key, sealed, ad)
    if (!plain) throw new EntryTamperedError(id)
    return plain
  }

  private current(id: string): CachedEntry {
    if (typeof id !== 'string') throw new InvalidInputError('The entry id must be text.')
    const c = this.ctx.cache.get(id)
    if (c) return c
    if (this.ctx.cache.broken.has(id)) throw new EntryTamperedError(id)
    throw new EntryNotFoundError(id)
  }

  private metaOf(c: CachedEntry): EntryMeta {
    const s = c.summary
    const meta: EntryMeta = {
      name: s.name,
      environment: s.environment,
      tags: s.tags,
      notes: s.notes,
      scope: s.scope,
      baseUrl: s.baseUrl,
      origin: s.origin,
      serverKeyId: s.serverKeyId,
      keyMask: c.keyMask,
      hasSecret: s.hasSecret,
      bound: boundOf(s),
    }
    if (c.history) meta.history = c.history
    return meta
  }

  /** Write version n+1 of an entry: every sealed field is sealed again for the new version. */
  private writeVersion(
    current: CachedEntry,
    meta: EntryMeta,
    next: Pick<EntrySummary, 'status' | 'expiresAt' | 'lastRotatedAt' | 'rotationPolicyDays'>,
    plain: { key: Uint8Array; secret: Uint8Array | null },
    timingChanged: boolean,
  ): WriteResult {
    const { ctx } = this
    const s = current.summary
    const version = s.version + 1
    const row: EntryRow = {
      id: s.id,
      style: s.style,
      status: next.status,
      created_at: s.createdAt,
      updated_at: Math.max(ctx.now(), s.updatedAt),
      expires_at: next.expiresAt,
      last_rotated_at: next.lastRotatedAt,
      rotation_policy_days: next.rotationPolicyDays,
      version,
      last_check_status: s.lastCheck?.status ?? null,
      last_check_at: s.lastCheck?.at ?? null,
    }
    const sealedMeta: EntryMeta = { ...meta, bound: boundOfRow(row) }
    const written = ctx.store.updateEntry(
      {
        id: row.id,
        status: row.status,
        updated_at: row.updated_at,
        expires_at: row.expires_at,
        last_rotated_at: row.last_rotated_at,
        rotation_policy_days: row.rotation_policy_days,
        version,
        meta_ct: seal(
          ctx.key,
          encodeMeta(sealedMeta),
          metaAssociatedData(ctx.vaultId, row.id, sealedMeta.bound, version),
        ),
        key_ct: seal(ctx.key, plain.key, fieldAssociatedData(ctx.vaultId, row.id, 'key', version)),
        secret_ct: plain.secret
          ? seal(ctx.key, plain.secret, fieldAssociatedData(ctx.vaultId, row.id, 'secret', version))
          : null,
      },
      s.version,
    )
    // Inside the write lock after a sync this cannot fail; it guards against a bug, not a race.
    if (!written) throw new ChangedElsewhereError(row.id, [])
    // A reminder is about the key as it was: changing its timing or the key clears it.
    if (timingChanged) ctx.store.clearReminders(row.id)
    const historyCount = sealedMeta.history?.length ?? s.historyCount
    return { put: [{ row, meta: sealedMeta, historyCount }], removed: [] }
  }

  private sealNew(id: string, input: CheckedInput, now: number) {
    const { ctx } = this
    const clear: EntryRow = {
      id,
      style: input.style,
      status: input.status,
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt,
      last_rotated_at: input.lastRotatedAt,
      rotation_policy_days: input.rotationPolicyDays,
      version: 1,
      last_check_status: null,
      last_check_at: null,
    }
    const meta: EntryMeta = {
      name: input.name,
      environment: input.environment,
      tags: input.tags,
      notes: input.notes,
      scope: input.scope,
      baseUrl: input.baseUrl,
      origin: input.origin,
      serverKeyId: input.serverKeyId,
      keyMask: maskKey(input.credential.key),
      hasSecret: input.credential.secret !== undefined,
      bound: boundOfRow(clear),
      history: [],
    }
    const { last_check_status: _s, last_check_at: _a, ...insertable } = clear
    const row: SealedRow = {
      ...insertable,
      meta_ct: seal(ctx.key, encodeMeta(meta), metaAssociatedData(ctx.vaultId, id, meta.bound, 1)),
      key_ct: seal(
        ctx.key,
        encoder.encode(input.credential.key),
        fieldAssociatedData(ctx.vaultId, id, 'key', 1),
      ),
      secret_ct:
        input.credential.secret !== undefined
          ? seal(
              ctx.key,
              encoder.encode(input.credential.secret),
              fieldAssociatedData(ctx.vaultId, id, 'secret', 1),
            )
          : null,
    }
    return { clear, meta, row }
  }
}

/** The sealed bytes of a key or secret in an entry row. */
export function sealedField(
  row: { key_ct: Uint8Array; secret_ct: Uint8Array | null },
  field: SecretField,
): Uint8Array {
  if (field === 'key') return row.key_ct
  if (field === 'secret') {
    if (!row.secret_ct)
      throw new InvalidInputError('This entry has no separate secret; reveal its key.')
    return row.secret_ct
  }
  throw new InvalidInputError('The field must be "key" or "secret".')
}
