/**
 * What a key's record means at a given time, shared by the admin API and the provider routes:
 * effective status (an overlap window ends in revocation), expiry (with WebPageTest's grace)
 * and the facts the provider rules look at.
 */
import type { KeyFacts, KeyStatus } from '../providers'
import type { KeyRecord } from './keys'

/** Status at `now`: a key past its overlap window counts as revoked. */
export function effectiveStatus(k: KeyRecord, now: number): KeyStatus {
  if (k.status === 'revoked') return 'revoked'
  if (k.revokeAt !== null && now >= k.revokeAt) return 'revoked'
  return k.status
}

/** Whether the key has expired at `now`, `graceMs` being how long it is honoured past expiry. */
export function isExpired(k: KeyRecord, now: number, graceMs = 0): boolean {
  return k.expiresAt !== null && now >= k.expiresAt + graceMs
}

/** The facts the shared provider rules (findRuleViolation) check. */
export function factsOf(k: KeyRecord, now: number): KeyFacts {
  return {
    id: k.id,
    style: k.style,
    status: effectiveStatus(k, now),
    scope: scopeOf(k),
    issuedAt: k.issuedAt,
    expiresAt: k.expiresAt,
  }
}

/** The scope object in the shape the provider rules expect (fields only where the style has them). */
export function scopeOf(
  k: Pick<KeyRecord, 'style' | 'owner' | 'level' | 'projectId' | 'apiType'>,
): KeyFacts['scope'] {
  const scope: KeyFacts['scope'] = { account: k.owner }
  if (k.style === 'wellows') {
    scope.level = k.level ?? 'user'
    scope.projectId = k.projectId
  }
  if (k.style === 'similarweb') scope.apiType = k.apiType ?? 'rest'
  return scope
}
