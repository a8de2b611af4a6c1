/**
 * The provider styles Keywarden knows. One source of truth for the vault (rules on add/update),
 * the key server (issuing and validating keys) and the reminders (expiry facts).
 * Pure data and pure functions: nothing here has side effects (architecture.md, module table).
 */

/** Styles the local key server emulates. */
export const SERVER_STYLES = [
  'webpagetest',
  'similarweb',
  'userplane',
  'wellows',
  'blazemeter',
] as const
export type ServerStyle = (typeof SERVER_STYLES)[number]

/** Styles a vault entry may have: the five provider styles plus `generic` for any other service. */
export const ENTRY_STYLES = [...SERVER_STYLES, 'generic'] as const
export type EntryStyle = (typeof ENTRY_STYLES)[number]

export function isServerStyle(value: unknown): value is ServerStyle {
  return typeof value === 'string' && (SERVER_STYLES as readonly string[]).includes(value)
}

export function isEntryStyle(value: unknown): value is EntryStyle {
  return typeof value === 'string' && (ENTRY_STYLES as readonly string[]).includes(value)
}

/** How a provider rotates a key (providers.md). */
export type RotationSemantics =
  /** Userplane: the new key takes the old one's slot; the old key dies at once. */
  | 'replace-in-slot'
  /** BlazeMeter: same key id, a new secret; the old secret dies at once. */
  | 'new-secret-same-id'
  /** WebPageTest, Similarweb, Wellows: a new key is created, the old one revoked (optionally after an overlap). */
  | 'new-key-revoke-old'

/** What expiry a provider allows on a key. */
export type ExpiryRule =
  | { kind: 'any' }
  | { kind: 'never' } // Similarweb: keys never expire
  | { kind: 'choices'; days: readonly number[]; allowNone: boolean } // Userplane: none/7/30/60/90
  | { kind: 'account-cap' } // BlazeMeter: any period up to the account's cap

export interface StyleRules {
  id: EntryStyle
  displayName: string
  /** URL path prefix of this style on the local key server ('' for generic). */
  serverPrefix: string
  credentialKind: 'key' | 'id-secret'
  /** Limits on keys, counted per account/user (see `countsTowardLimit`). */
  maxKeysPerAccount?: number
  maxActiveKeysPerUser?: number
  maxKeysPerUser?: number
  expiry: ExpiryRule
  rotation: RotationSemantics
  /**
   * Default rotation policy in days, used by the reminders when an entry has none of its own.
   * Keys that never expire still get rotated (90 days is the common compliance cadence).
   */
  defaultRotationDays: number
  /** The longest a key may live, in days, if the provider has a hard maximum. */
  maxLifetimeDays?: number
}

export const DAY_MS = 86_400_000

export const USERPLANE_EXPIRY_DAYS = [7, 30, 60, 90] as const

/** BlazeMeter account-wide expiry caps (providers.md §5), in days. Default: 10 years. */
export const BLAZEMETER_EXPIRY_CAPS = {
  '1-month': 30,
  '3-months': 90,
  '6-months': 180,
  '1-year': 365,
  '10-years': 3650,
} as const
export type BlazemeterExpiryCap = keyof typeof BLAZEMETER_EXPIRY_CAPS
export const BLAZEMETER_DEFAULT_CAP: BlazemeterExpiryCap = '10-years'

/** WebPageTest keeps honouring an expired key for this long (a key server setting). */
export const WEBPAGETEST_DEFAULT_GRACE_DAYS = 2

export const STYLE_RULES: Record<EntryStyle, StyleRules> = {
  webpagetest: {
    id: 'webpagetest',
    displayName: 'WebPageTest',
    serverPrefix: '/webpagetest',
    credentialKind: 'key',
    maxKeysPerAccount: 30,
    expiry: { kind: 'any' },
    rotation: 'new-key-revoke-old',
    defaultRotationDays: 90,
  },
  similarweb: {
    id: 'similarweb',
    displayName: 'Similarweb',
    serverPrefix: '/similarweb',
    credentialKind: 'key',
    maxActiveKeysPerUser: 3,
    expiry: { kind: 'never' },
    rotation: 'new-key-revoke-old',
    defaultRotationDays: 90,
  },
  userplane: {
    id: 'userplane',
    displayName: 'Userplane',
    serverPrefix: '/userplane',
    credentialKind: 'key',
    maxKeysPerUser: 3,
    expiry: { kind: 'choices', days: USERPLANE_EXPIRY_DAYS, allowNone: true },
    rotation: 'replace-in-slot',
    defaultRotationDays: 90,
    maxLifetimeDays: 90,
  },
  wellows: {
    id: 'wellows',
    displayName: 'Wellows',
    serverPrefix: '/wellows',
    credentialKind: 'key',
    expiry: { kind: 'any' },
    rotation: 'new-key-revoke-old',
    defaultRotationDays: 90,
  },
  blazemeter: {
    id: 'blazemeter',
    displayName: 'BlazeMeter',
    serverPrefix: '/blazemeter',
    credentialKind: 'id-secret',
    expiry: { kind: 'account-cap' },
    rotation: 'new-secret-same-id',
    defaultRotationDays: 90,
  },
  generic: {
    id: 'generic',
    displayName: 'Other service',
    serverPrefix: '',
    credentialKind: 'key',
    expiry: { kind: 'any' },
    rotation: 'new-key-revoke-old',
    defaultRotationDays: 90,
  },
}
