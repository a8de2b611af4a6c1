/**
 * An entry's previous credentials. Each is sealed in `entry_history` under its own associated
 * data (entry, sequence number, field); its mask (prefix and last 4 characters) is kept in the
 * entry's sealed document, so listing history opens no old key. Only documents written before
 * masks were kept fall back to opening each old key to mask it.
 */
import { maskKey } from '../providers'
import type { HistoryMask } from './codec'
import { open, seal, wipe } from './crypto'
import type { CachedEntry } from './entry-cache'
import { EntryTamperedError, InvalidInputError } from './errors'
import { historyAssociatedData } from './sealing'
import type { VaultStore } from './store'
import type { SecretField } from './types'

export class EntryHistory {
  constructor(
    private readonly vaultId: string,
    private readonly store: VaultStore,
    private readonly key: Uint8Array,
  ) {}

  /** The masks of an entry's previous keys, newest first. */
  masks(c: CachedEntry): HistoryMask[] {
    if (c.history) return [...c.history]
    const id = c.summary.id
    return this.store.history(id).map((h) => {
      const plain = this.open(id, h.seq, 'key', h.key_ct)
      const keyMask = maskKey(Buffer.from(plain).toString('utf8'))
      wipe(plain)
      return { seq: h.seq, rotatedAt: h.rotated_at, keyMask }
    })
  }

  /**
   * Inside a rotation's transaction: keep the outgoing credential (`limit` items at most) and
   * return the masks the entry's new document keeps.
   */
  push(
    c: CachedEntry,
    outgoing: { key: Uint8Array; secret: Uint8Array | null },
    rotatedAt: number,
    limit: number,
  ): HistoryMask[] {
    const id = c.summary.id
    const masks = this.masks(c)
    if (limit > 0) {
      const seq = this.store.nextHistorySeq(id)
      const sealField = (bytes: Uint8Array, field: SecretField) =>
        seal(this.key, bytes, historyAssociatedData(this.vaultId, id, seq, field))
      this.store.addHistory(
        id,
        seq,
        rotatedAt,
        sealField(outgoing.key, 'key'),
        outgoing.secret ? sealField(outgoing.secret, 'secret') : null,
      )
      masks.unshift({ seq, rotatedAt, keyMask: c.keyMask })
    }
    this.store.trimHistory(id, limit)
    return masks.slice(0, limit)
  }

  /** Decrypt a field of a previous credential (`index` as `masks` numbers them). */
  reveal(c: CachedEntry, index: number, field: SecretField): string {
    const id = c.summary.id
    const mask = Number.isInteger(index) ? this.masks(c)[index] : undefined
    const item = mask && this.store.history(id).find((h) => h.seq === mask.seq)
    if (!item) throw new InvalidInputError(`Entry ${id} has no history item ${index}.`)
    let sealed = item.key_ct
    if (field === 'secret') {
      if (!item.secret_ct)
        throw new InvalidInputError('This entry has no separate secret; reveal its key.')
      sealed = item.secret_ct
    } else if (field !== 'key') throw new InvalidInputError('The field must be "key" or "secret".')
    const plain = this.open(id, item.seq, field, sealed)
    const text = Buffer.from(plain).toString('utf8')
    wipe(plain)
    return text
  }

  private open(id: string, seq: number, field: SecretField, sealed: Uint8Array): Uint8Array {
    const plain = open(this.key, sealed, historyAssociatedData(this.vaultId, id, seq, field))
    if (!plain) throw new EntryTamperedError(id)
    return plain
  }
}
