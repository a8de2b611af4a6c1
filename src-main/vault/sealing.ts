/**
 * What each sealed field of an entry is bound to. Every ciphertext's associated data names the
 * vault, the entry, the field and (from version 1 on) the entry's version, so a ciphertext copied
 * to another row, another field or back from an older version of the same row fails to open.
 */
import { associatedData } from './crypto'
import { boundText, type BoundClear } from './codec'
import type { EntryRow } from './store'
import type { SecretField } from './types'

/** Associated data of an entry's descriptive blob: also vouches for its clear columns. */
export function metaAssociatedData(
  vaultId: string,
  id: string,
  bound: BoundClear,
  version: number,
): Uint8Array {
  // The unlock query builds the same bytes in SQL (store.ts unlockChunk).
  return associatedData(vaultId, id, `meta\0${boundText(bound, version)}`)
}

/** Associated data of a key or secret at an entry version (version 0: sealed before versions). */
export function fieldAssociatedData(
  vaultId: string,
  id: string,
  field: SecretField,
  version: number,
): Uint8Array {
  return associatedData(vaultId, id, version > 0 ? `${field}@${version}` : field)
}

/** Associated data of a previous credential's field. */
export function historyAssociatedData(
  vaultId: string,
  id: string,
  seq: number,
  field: SecretField,
): Uint8Array {
  return associatedData(vaultId, id, `history/${seq}/${field}`)
}

/** Exactly the clear fields a sealed document vouches for (its JSON must hold no others). */
export function boundOf(c: BoundClear): BoundClear {
  return {
    style: c.style,
    status: c.status,
    createdAt: c.createdAt,
    expiresAt: c.expiresAt,
    lastRotatedAt: c.lastRotatedAt,
    rotationPolicyDays: c.rotationPolicyDays,
  }
}

/** The clear columns of a stored row, as its sealed document binds them. */
export function boundOfRow(row: EntryRow): BoundClear {
  return {
    style: row.style,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastRotatedAt: row.last_rotated_at,
    rotationPolicyDays: row.rotation_policy_days,
  }
}
