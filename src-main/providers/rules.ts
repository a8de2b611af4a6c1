/**
 * The rules each provider applies when a key is added, updated or rotated (providers.md).
 * The vault calls `findRuleViolation` on add/update; the key server calls the same function on
 * issue/rotate so both enforce one set of rules with one wording.
 */
import { credentialProblem } from './formats'
import {
  BLAZEMETER_DEFAULT_CAP,
  BLAZEMETER_EXPIRY_CAPS,
  DAY_MS,
  STYLE_RULES,
  USERPLANE_EXPIRY_DAYS,
  type BlazemeterExpiryCap,
  type EntryStyle,
} from './styles'

export type KeyStatus = 'active' | 'disabled' | 'revoked'

/** Scope of a key: who owns it and where it reaches. */
export interface KeyScope {
  /** Account (WebPageTest) or user (Similarweb, Userplane) the key belongs to; '' when unknown. */
  account?: string
  /** Wellows: a user-level key reaches all the owner's projects; a project-level key, one. */
  level?: 'user' | 'project'
  projectId?: number | null
  /** Similarweb: a key is made for the REST API or the Batch API. */
  apiType?: 'rest' | 'batch'
}

/** The facts about a key that the rules look at. Times are milliseconds since the epoch. */
export interface KeyFacts {
  id?: string
  style: EntryStyle
  status: KeyStatus
  scope: KeyScope
  /** When the current key material was issued (last rotation, else creation). */
  issuedAt: number
  expiresAt: number | null
  credential?: { key: string; secret?: string }
}

export interface AccountPolicy {
  /** BlazeMeter: the account-wide cap on a key's expiration period. */
  blazemeterExpiryCap?: BlazemeterExpiryCap
}

export type RuleCode =
  | 'limit-exceeded'
  | 'expiry-not-allowed'
  | 'expiry-over-cap'
  | 'expiry-in-past'
  | 'scope-invalid'
  | 'credential-invalid'

export interface RuleViolation {
  code: RuleCode
  style: EntryStyle
  /** A sentence a user understands, in the provider's own wording where it has one. */
  message: string
}

/** Thrown where a caller prefers an exception to a returned violation. */
export class ProviderRuleError extends Error {
  readonly code: RuleCode
  readonly style: EntryStyle
  constructor(violation: RuleViolation) {
    super(violation.message)
    this.name = 'ProviderRuleError'
    this.code = violation.code
    this.style = violation.style
  }
}

/** Tolerance when matching a lifetime to a fixed expiry choice (dates typed without a time). */
const EXPIRY_MATCH_TOLERANCE_MS = DAY_MS

function accountOf(scope: KeyScope): string {
  return scope.account ?? ''
}

function sameAccount(a: KeyFacts, b: KeyFacts): boolean {
  return a.style === b.style && accountOf(a.scope) === accountOf(b.scope)
}

/** Check the limits on how many keys may exist, given the other keys already kept. */
export function findLimitViolation(
  candidate: KeyFacts,
  others: readonly KeyFacts[],
): RuleViolation | null {
  const rules = STYLE_RULES[candidate.style]
  const peers = others.filter((o) => o.id !== candidate.id && sameAccount(o, candidate))
  const who = accountOf(candidate.scope) ? ` "${accountOf(candidate.scope)}"` : ''
  if (rules.maxKeysPerAccount !== undefined && candidate.status !== 'revoked') {
    const live = peers.filter((o) => o.status !== 'revoked').length
    if (live >= rules.maxKeysPerAccount)
      return {
        code: 'limit-exceeded',
        style: candidate.style,
        message: `${rules.displayName} allows at most ${rules.maxKeysPerAccount} API keys per account; account${who} already has ${live}. Delete a key you no longer use first.`,
      }
  }
  if (rules.maxActiveKeysPerUser !== undefined && candidate.status === 'active') {
    const active = peers.filter((o) => o.status === 'active').length
    if (active >= rules.maxActiveKeysPerUser)
      return {
        code: 'limit-exceeded',
        style: candidate.style,
        message: `${rules.displayName} allows up to ${rules.maxActiveKeysPerUser} active API keys per user; user${who} already has ${active}. Deactivate one first.`,
      }
  }
  if (rules.maxKeysPerUser !== undefined && candidate.status !== 'revoked') {
    const live = peers.filter((o) => o.status !== 'revoked').length
    if (live >= rules.maxKeysPerUser)
      return {
        code: 'limit-exceeded',
        style: candidate.style,
        message: `${rules.displayName} allows a maximum of ${rules.maxKeysPerUser} API keys per user; user${who} already has ${live}. Revoke a key to create a new one.`,
      }
  }
  return null
}

/** How strictly an expiry is matched to the provider's choices. */
export interface ExpiryCheckOptions {
  /**
   * Match exactly, without the one-day tolerance for dates typed without a time (the key
   * server takes a number of days, so 91 is 91, not "about 90").
   */
  exact?: boolean
}

/** Check a key's expiry against its provider's expiry rule. */
export function findExpiryViolation(
  candidate: KeyFacts,
  policy: AccountPolicy = {},
  options: ExpiryCheckOptions = {},
): RuleViolation | null {
  const tolerance = options.exact ? 0 : EXPIRY_MATCH_TOLERANCE_MS
  const rules = STYLE_RULES[candidate.style]
  const { expiresAt, issuedAt } = candidate
  if (expiresAt === null) {
    if (rules.expiry.kind === 'choices' && !rules.expiry.allowNone)
      return {
        code: 'expiry-not-allowed',
        style: candidate.style,
        message: `${rules.displayName} keys must have an expiry.`,
      }
    return null
  }
  if (expiresAt <= issuedAt)
    return {
      code: 'expiry-in-past',
      style: candidate.style,
      message: 'The expiry date must be after the date the key was issued.',
    }
  const lifetime = expiresAt - issuedAt
  switch (rules.expiry.kind) {
    case 'any':
      return null
    case 'never':
      return {
        code: 'expiry-not-allowed',
        style: candidate.style,
        message: `${rules.displayName} API keys never expire; leave the expiry empty.`,
      }
    case 'choices': {
      const ok = rules.expiry.days.some((d) => Math.abs(lifetime - d * DAY_MS) <= tolerance)
      if (ok) return null
      const choices = (rules.expiry.allowNone ? ['none'] : []).concat(rules.expiry.days.map(String))
      const max = Math.max(...rules.expiry.days)
      return {
        code: 'expiry-not-allowed',
        style: candidate.style,
        message:
          lifetime > max * DAY_MS + tolerance
            ? `${rules.displayName} API keys can expire after at most ${max} days.`
            : `${rules.displayName} expiration must be one of: ${choices.join(', ')} days.`,
      }
    }
    case 'account-cap': {
      const cap = policy.blazemeterExpiryCap ?? BLAZEMETER_DEFAULT_CAP
      const capDays = BLAZEMETER_EXPIRY_CAPS[cap]
      if (lifetime <= capDays * DAY_MS + tolerance) return null
      return {
        code: 'expiry-over-cap',
        style: candidate.style,
        message: `The expiration period exceeds the maximum allowed by your account settings (${cap.replace('-', ' ')}).`,
      }
    }
  }
}

/** Check the scope fields a style requires (Wellows levels, Similarweb API type). */
export function findScopeViolation(candidate: KeyFacts): RuleViolation | null {
  const { scope, style } = candidate
  if (style === 'wellows') {
    const level = scope.level ?? 'user'
    if (
      level === 'project' &&
      !(Number.isInteger(scope.projectId) && (scope.projectId as number) > 0)
    )
      return {
        code: 'scope-invalid',
        style,
        message: 'A Wellows project-level key needs a project id (a positive whole number).',
      }
    if (level === 'user' && scope.projectId != null)
      return {
        code: 'scope-invalid',
        style,
        message: 'A Wellows user-level key reaches every project; it takes no project id.',
      }
  } else if (scope.level !== undefined || scope.projectId != null) {
    return {
      code: 'scope-invalid',
      style,
      message: 'Only Wellows keys have a key level and project id.',
    }
  }
  if (style !== 'similarweb' && scope.apiType !== undefined)
    return {
      code: 'scope-invalid',
      style,
      message: 'Only Similarweb keys are made for the REST or Batch API.',
    }
  return null
}

/**
 * Every rule for one key: credential shape, scope, expiry, and the limits given the other keys
 * of the same style. Returns the first violation, or null when the key is allowed.
 */
export function findRuleViolation(
  candidate: KeyFacts,
  others: readonly KeyFacts[],
  policy: AccountPolicy = {},
  options: ExpiryCheckOptions = {},
): RuleViolation | null {
  if (candidate.credential) {
    const problem = credentialProblem(candidate.style, candidate.credential)
    if (problem) return { code: 'credential-invalid', style: candidate.style, message: problem }
  }
  return (
    findScopeViolation(candidate) ??
    findExpiryViolation(candidate, policy, options) ??
    findLimitViolation(candidate, others)
  )
}

/** Convenience for Userplane-style expiry choices: days → seconds as the provider documents them. */
export const USERPLANE_EXPIRY_SECONDS = USERPLANE_EXPIRY_DAYS.map((d) => d * 86_400)
