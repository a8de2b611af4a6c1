/**
 * Checks of what callers hand the vault (IPC and CLI input arrives as `unknown` in practice).
 * Each problem is an InvalidInputError naming the field, never echoing its value.
 */
import {
  isEntryStyle,
  splitCombinedCredential,
  type EntryStyle,
  type KeyScope,
  type KeyStatus,
} from '../providers'
import { InvalidInputError } from './errors'
import type { Credential, EntryInput, EntryOrigin, EntryPatch } from './types'

const STATUSES: readonly KeyStatus[] = ['active', 'disabled', 'revoked']
const MAX_TEXT = 200
const MAX_NOTES = 10_000

function text(value: unknown, field: string, max: number, required = false): string {
  if (typeof value !== 'string') throw new InvalidInputError(`The ${field} must be text.`)
  const trimmed = value.trim()
  if (required && trimmed.length === 0) throw new InvalidInputError(`The ${field} is required.`)
  if (trimmed.length > max)
    throw new InvalidInputError(`The ${field} is longer than ${max} characters.`)
  return trimmed
}

function time(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw new InvalidInputError(`The ${field} must be a time in milliseconds since 1970.`)
  return value as number
}

/** A BlazeMeter key id followed by a colon: the combined form, recognisable without a style. */
const BLAZEMETER_COMBINED = /^[0-9a-f]{24}:/

/**
 * Check a credential's types (its provider format is a rule, checked by the providers), and
 * take BlazeMeter's combined `id:secret` apart. With the style known, a BlazeMeter key is
 * split at its first colon; without it (a caller that has only the credential), only a key
 * starting with a 24-hex id and a colon is, since no other style's key looks like that.
 */
export function checkCredential(value: unknown, style?: EntryStyle): Credential {
  if (typeof value !== 'object' || value === null)
    throw new InvalidInputError('The credential is missing.')
  const { key, secret } = value as Record<string, unknown>
  if (typeof key !== 'string') throw new InvalidInputError('The key must be text.')
  if (secret !== undefined && typeof secret !== 'string')
    throw new InvalidInputError('The key secret must be text.')
  const hasSecret = secret !== undefined && secret !== ''
  const combined =
    key.includes(':') &&
    (style === 'blazemeter' || (style === undefined && !hasSecret && BLAZEMETER_COMBINED.test(key)))
  if (combined) {
    if (hasSecret)
      throw new InvalidInputError(
        'Give the BlazeMeter key secret once: after the colon in the key, or as the secret.',
      )
    return splitCombinedCredential({ key })
  }
  return hasSecret ? { key, secret } : { key }
}

function checkTags(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidInputError('The tags must be a list of words.')
  if (value.length > 50) throw new InvalidInputError('An entry has at most 50 tags.')
  const tags = value.map((t) => text(t, 'tag', 50, true))
  return [...new Set(tags)]
}

function checkScope(value: unknown): KeyScope {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError('The scope must be an object.')
  const o = value as Record<string, unknown>
  const scope: KeyScope = {}
  if (o.account !== undefined) scope.account = text(o.account, 'account', MAX_TEXT)
  if (o.level !== undefined) {
    if (o.level !== 'user' && o.level !== 'project')
      throw new InvalidInputError('The key level must be "user" or "project".')
    scope.level = o.level
  }
  if (o.projectId !== undefined && o.projectId !== null) {
    if (!Number.isSafeInteger(o.projectId))
      throw new InvalidInputError('The project id must be a whole number.')
    scope.projectId = o.projectId as number
  }
  if (o.apiType !== undefined) {
    if (o.apiType !== 'rest' && o.apiType !== 'batch')
      throw new InvalidInputError('The API type must be "rest" or "batch".')
    scope.apiType = o.apiType
  }
  return scope
}

function checkBaseUrl(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  const raw = text(value, 'base URL', 2048)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InvalidInputError('The base URL is not a valid URL.')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidInputError('The base URL must start with http:// or https://.')
  // A URL is where a key is sent: credentials inside it would be stored and shown in clear.
  if (url.username || url.password)
    throw new InvalidInputError('The base URL must not contain a user name or password.')
  return url.toString()
}

function nullableTime(value: unknown, field: string): number | null {
  return value === null ? null : time(value, field)
}

function policyDays(value: unknown): number | null {
  if (value === null) return null
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > 3650)
    throw new InvalidInputError('The rotation policy must be between 1 and 3650 days.')
  return value as number
}

function status(value: unknown): KeyStatus {
  if (!STATUSES.includes(value as KeyStatus))
    throw new InvalidInputError('The status must be active, disabled or revoked.')
  return value as KeyStatus
}

/** An entry input with every field checked and defaulted. */
export interface CheckedInput {
  style: EntryInput['style']
  name: string
  credential: Credential
  scope: KeyScope
  environment: string
  tags: string[]
  notes: string
  baseUrl: string | null
  expiresAt: number | null
  lastRotatedAt: number
  rotationPolicyDays: number | null
  status: KeyStatus
  origin: EntryOrigin
  serverKeyId: string | null
}

/** Check an EntryInput from any caller; `now` fills lastRotatedAt. */
export function checkInput(input: unknown, now: number): CheckedInput {
  if (typeof input !== 'object' || input === null)
    throw new InvalidInputError('The entry is missing.')
  const o = input as Record<string, unknown>
  if (!isEntryStyle(o.style))
    throw new InvalidInputError(
      'The provider style must be webpagetest, similarweb, userplane, wellows, blazemeter or generic.',
    )
  const origin = o.origin ?? 'manual'
  if (origin !== 'manual' && origin !== 'keyserver')
    throw new InvalidInputError('The origin must be "manual" or "keyserver".')
  return {
    style: o.style,
    name: text(o.name, 'name', MAX_TEXT, true),
    credential: checkCredential(o.credential, o.style),
    scope: o.scope === undefined ? {} : checkScope(o.scope),
    environment: o.environment === undefined ? '' : text(o.environment, 'environment', MAX_TEXT),
    tags: o.tags === undefined ? [] : checkTags(o.tags),
    notes: o.notes === undefined ? '' : text(o.notes, 'notes', MAX_NOTES),
    baseUrl: checkBaseUrl(o.baseUrl),
    expiresAt: o.expiresAt === undefined ? null : nullableTime(o.expiresAt, 'expiry'),
    lastRotatedAt: o.lastRotatedAt === undefined ? now : time(o.lastRotatedAt, 'rotation time'),
    rotationPolicyDays:
      o.rotationPolicyDays === undefined ? null : policyDays(o.rotationPolicyDays),
    status: o.status === undefined ? 'active' : status(o.status),
    origin,
    serverKeyId:
      o.serverKeyId === undefined || o.serverKeyId === null
        ? null
        : text(o.serverKeyId, 'key server id', MAX_TEXT, true),
  }
}

/** Check an EntryPatch: only the fields present are checked and returned. */
export function checkPatch(patch: unknown): EntryPatch {
  if (typeof patch !== 'object' || patch === null)
    throw new InvalidInputError('The change is missing.')
  const o = patch as Record<string, unknown>
  for (const forbidden of ['credential', 'style', 'origin', 'serverKeyId'])
    if (o[forbidden] !== undefined)
      throw new InvalidInputError(
        forbidden === 'credential'
          ? 'Change a key by rotating it, not by editing the entry.'
          : `The ${forbidden} of an entry cannot be changed.`,
      )
  const out: EntryPatch = {}
  if (o.name !== undefined) out.name = text(o.name, 'name', MAX_TEXT, true)
  if (o.scope !== undefined) out.scope = checkScope(o.scope)
  if (o.environment !== undefined) out.environment = text(o.environment, 'environment', MAX_TEXT)
  if (o.tags !== undefined) out.tags = checkTags(o.tags)
  if (o.notes !== undefined) out.notes = text(o.notes, 'notes', MAX_NOTES)
  if (o.baseUrl !== undefined) out.baseUrl = checkBaseUrl(o.baseUrl)
  if (o.expiresAt !== undefined) out.expiresAt = nullableTime(o.expiresAt, 'expiry')
  if (o.lastRotatedAt !== undefined) out.lastRotatedAt = time(o.lastRotatedAt, 'rotation time')
  if (o.rotationPolicyDays !== undefined) out.rotationPolicyDays = policyDays(o.rotationPolicyDays)
  if (o.status !== undefined) out.status = status(o.status)
  return out
}
