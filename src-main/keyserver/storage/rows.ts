/** The stored shape of a key record, shared by both backends (same columns, same order). */
import type { KeyStatus, ServerStyle } from '../../providers'
import type { KeyRecord } from '../keys'

export interface KeyRow {
  id: string
  style: string
  owner: string
  name: string
  status: string
  level: string | null
  project_id: number | string | null
  api_type: string | null
  read_only: number | boolean
  key_hash: string
  display_prefix: string
  last4: string
  created_at: number | string
  issued_at: number | string
  expires_at: number | string | null
  revoke_at: number | string | null
  revoked_at: number | string | null
  replaced_by: string | null
}

/** Columns in the order keyParams gives their values (namespace first, id last). */
export const KEY_COLUMNS = [
  'namespace',
  'style',
  'owner',
  'name',
  'status',
  'level',
  'project_id',
  'api_type',
  'read_only',
  'key_hash',
  'display_prefix',
  'last4',
  'created_at',
  'issued_at',
  'expires_at',
  'revoke_at',
  'revoked_at',
  'replaced_by',
  'id',
] as const

/** Every table that holds rows of a namespace (the namespaces table itself aside). */
export const NAMESPACED_TABLES = [
  'keys',
  'users',
  'projects',
  'policies',
  'settings',
  'counters',
  'request_log',
  'blazemeter_items',
] as const

// PostgreSQL returns BIGINT as a string (it may not fit a double); ours are times in ms.
const num = (v: number | string | null): number | null => (v === null ? null : Number(v))

export function keyFromRow(r: KeyRow): KeyRecord {
  return {
    id: r.id,
    style: r.style as ServerStyle,
    owner: r.owner,
    name: r.name,
    status: r.status as KeyStatus,
    level: r.level as KeyRecord['level'],
    projectId: num(r.project_id),
    apiType: r.api_type as KeyRecord['apiType'],
    readOnly: r.read_only === 1 || r.read_only === true,
    keyHash: r.key_hash,
    displayPrefix: r.display_prefix,
    last4: r.last4,
    createdAt: num(r.created_at)!,
    issuedAt: num(r.issued_at)!,
    expiresAt: num(r.expires_at),
    revokeAt: num(r.revoke_at),
    revokedAt: num(r.revoked_at),
    replacedBy: r.replaced_by,
  }
}

/** The values of KEY_COLUMNS for a record. */
export function keyParams(k: KeyRecord, namespace: string): (string | number | null)[] {
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
