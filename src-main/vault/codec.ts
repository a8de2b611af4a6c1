/**
 * Serialization of an entry's descriptive fields: one JSON document, sealed as one blob.
 * The document also carries the entry's clear columns, which are part of its associated data:
 * editing them in the file (e.g. pushing `expires_at` back) is detected at unlock, although they
 * stay readable while locked.
 */
import type { KeyScope, KeyStatus, EntryStyle } from '../providers'
import { isEntryStyle } from '../providers'
import type { EntryDescription } from './types'

/** The clear columns an entry's sealed document vouches for. */
export interface BoundClear {
  style: EntryStyle
  status: KeyStatus
  createdAt: number
  expiresAt: number | null
  lastRotatedAt: number
  rotationPolicyDays: number | null
}

/** A previous credential's mask, kept in the sealed document so listing history decrypts no key. */
export interface HistoryMask {
  seq: number
  rotatedAt: number
  keyMask: string
}

/** The descriptive (encrypted) fields of an entry. */
export interface EntryMeta extends EntryDescription {
  keyMask: string
  bound: BoundClear
  /**
   * Masks of the previous credentials, newest first. Absent in documents written before it was
   * kept (history then falls back to opening each old key to mask it).
   */
  history?: HistoryMask[]
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const STATUSES: readonly string[] = ['active', 'disabled', 'revoked']

/** Encode the descriptive fields as UTF-8 JSON (versioned). */
export function encodeMeta(meta: EntryMeta): Uint8Array {
  return encoder.encode(JSON.stringify({ v: 1, ...meta }))
}

function isStr(v: unknown): v is string {
  return typeof v === 'string'
}
function isIntOrNull(v: unknown): v is number | null {
  return v === null || Number.isSafeInteger(v)
}

function decodeScope(v: unknown): KeyScope | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const o = v as Record<string, unknown>
  const scope: KeyScope = {}
  if (o.account !== undefined) {
    if (!isStr(o.account)) return null
    scope.account = o.account
  }
  if (o.level !== undefined) {
    if (o.level !== 'user' && o.level !== 'project') return null
    scope.level = o.level
  }
  if (o.projectId !== undefined) {
    if (!isIntOrNull(o.projectId)) return null
    scope.projectId = o.projectId
  }
  if (o.apiType !== undefined) {
    if (o.apiType !== 'rest' && o.apiType !== 'batch') return null
    scope.apiType = o.apiType
  }
  return scope
}

/** Decode and check what `encodeMeta` made; null for anything else (never throws). */
export function decodeMeta(bytes: Uint8Array): EntryMeta | null {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    return null
  }
  return decodeMetaText(text)
}

/** Decode and check the JSON text of `encodeMeta`; null for anything else (never throws). */
export function decodeMetaText(text: string): EntryMeta | null {
  let o: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
    o = parsed as Record<string, unknown>
  } catch {
    return null
  }
  if (o.v !== 1) return null
  const {
    name,
    environment,
    tags,
    notes,
    baseUrl,
    origin,
    serverKeyId,
    keyMask,
    hasSecret,
    bound,
  } = o
  if (!isStr(name) || !isStr(environment) || !isStr(notes) || !isStr(keyMask)) return null
  if (!Array.isArray(tags) || !tags.every(isStr)) return null
  if (baseUrl !== null && !isStr(baseUrl)) return null
  if (origin !== 'manual' && origin !== 'keyserver') return null
  if (serverKeyId !== null && !isStr(serverKeyId)) return null
  if (typeof hasSecret !== 'boolean') return null
  const scope = decodeScope(o.scope)
  if (!scope) return null
  if (typeof bound !== 'object' || bound === null) return null
  const b = bound as Record<string, unknown>
  if (!isEntryStyle(b.style) || !isStr(b.status) || !STATUSES.includes(b.status)) return null
  if (!Number.isSafeInteger(b.createdAt) || !Number.isSafeInteger(b.lastRotatedAt)) return null
  if (!isIntOrNull(b.expiresAt) || !isIntOrNull(b.rotationPolicyDays)) return null
  const history = decodeHistory(o.history)
  if (history === null) return null
  const meta: EntryMeta = {
    name,
    environment,
    tags: tags as string[],
    notes,
    scope,
    baseUrl: baseUrl as string | null,
    origin,
    serverKeyId: serverKeyId as string | null,
    keyMask,
    hasSecret,
    bound: {
      style: b.style,
      status: b.status as KeyStatus,
      createdAt: b.createdAt as number,
      expiresAt: b.expiresAt,
      lastRotatedAt: b.lastRotatedAt as number,
      rotationPolicyDays: b.rotationPolicyDays,
    },
  }
  if (history !== undefined) meta.history = history
  return meta
}

/** undefined when absent (older documents), null when malformed. */
function decodeHistory(v: unknown): HistoryMask[] | null | undefined {
  if (v === undefined) return undefined
  if (!Array.isArray(v)) return null
  const out: HistoryMask[] = []
  for (const h of v as unknown[]) {
    if (typeof h !== 'object' || h === null) return null
    const { seq, rotatedAt, keyMask } = h as Record<string, unknown>
    if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(rotatedAt) || !isStr(keyMask))
      return null
    out.push({ seq: seq as number, rotatedAt: rotatedAt as number, keyMask })
  }
  return out
}

/**
 * The clear columns a blob vouches for, joined as the unlock query joins them in SQL; part of
 * the blob's associated data. The entry's version follows from version 1 on (version 0 marks a
 * row sealed before versions existed).
 */
export function boundText(b: BoundClear, version: number): string {
  const base = `${b.style}|${b.status}|${b.createdAt}|${b.expiresAt ?? ''}|${b.lastRotatedAt}|${b.rotationPolicyDays ?? ''}`
  return version > 0 ? `${base}|${version}` : base
}
