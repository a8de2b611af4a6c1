/**
 * Key formats: what a key issued in each style looks like, how to generate one from a random
 * source, and what the vault accepts for keys obtained from the real provider.
 */
import type { EntryStyle, ServerStyle } from './styles'

/** A source of random bytes, injected so this module stays free of side effects. */
export type RandomBytes = (length: number) => Uint8Array

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomHex(random: RandomBytes, chars: number): string {
  const bytes = random(Math.ceil(chars / 2))
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out.slice(0, chars)
}

/** Uniform base62 by rejection sampling (248 = 4 × 62 is the largest multiple below 256). */
export function randomBase62(random: RandomBytes, chars: number): string {
  let out = ''
  while (out.length < chars) {
    for (const b of random(chars * 2)) {
      if (b < 248) out += BASE62[b % 62]
      if (out.length === chars) break
    }
  }
  return out
}

/** Exact shapes of keys the local key server issues (providers.md: [choice] and [doc] rows). */
export const ISSUED_KEY_PATTERNS: Record<ServerStyle, RegExp> = {
  webpagetest: /^A\.[0-9a-f]{32}$/,
  similarweb: /^[0-9a-f]{32}$/,
  userplane: /^uspl_[A-Za-z0-9]{40}$/,
  wellows: /^[A-Za-z0-9]{40}$/,
  // For BlazeMeter this is the key id; the secret is checked with BLAZEMETER_SECRET_PATTERN.
  blazemeter: /^[0-9a-f]{24}$/,
}

export const BLAZEMETER_ID_PATTERN = /^[0-9a-f]{24}$/
export const BLAZEMETER_SECRET_PATTERN = /^[0-9a-f]{72}$/

/** A freshly issued key (for BlazeMeter, the key id and its secret). */
export interface IssuedCredential {
  key: string
  secret?: string
}

export function generateCredential(style: ServerStyle, random: RandomBytes): IssuedCredential {
  switch (style) {
    case 'webpagetest':
      return { key: `A.${randomHex(random, 32)}` }
    case 'similarweb':
      return { key: randomHex(random, 32) }
    case 'userplane':
      return { key: `uspl_${randomBase62(random, 40)}` }
    case 'wellows':
      return { key: randomBase62(random, 40) }
    case 'blazemeter':
      return { key: randomHex(random, 24), secret: randomHex(random, 72) }
  }
}

/** A new BlazeMeter secret for an existing key id (regenerate). */
export function generateBlazemeterSecret(random: RandomBytes): string {
  return randomHex(random, 72)
}

/** The shortest key the vault accepts: shorter strings are typos or placeholders ("hello"). */
export const MIN_KEY_LENGTH = 16

/** Said whenever a pasted key cannot be a key at all, whatever its provider. */
export const NOT_A_KEY_MESSAGE = `A key is at least ${MIN_KEY_LENGTH} characters with no spaces or control characters.`

/** Whitespace of any script, and control characters (C0, DEL, C1). */
const SPACE_OR_CONTROL = /[\s\p{Cc}]/u

/**
 * Check a credential a user pastes into the vault. Real providers' keys need not match our
 * issued shapes exactly, so only what cannot be a key is refused (too short, spaces, control
 * characters) plus the documented facts: Userplane's `uspl_` prefix and BlazeMeter's 24-hex
 * id + 72-hex secret. A key without its provider's usual shape gets a warning instead
 * (credentialWarnings). Returns a message a user understands, or null.
 */
export function credentialProblem(
  style: EntryStyle,
  credential: { key: string; secret?: string },
): string | null {
  const key = credential.key
  if (key.length === 0) return 'The key is empty.'
  if (key.length > 4096) return 'The key is longer than 4096 characters.'
  if (key.length < MIN_KEY_LENGTH || SPACE_OR_CONTROL.test(key)) return NOT_A_KEY_MESSAGE
  if (style === 'blazemeter') {
    if (!BLAZEMETER_ID_PATTERN.test(key))
      return 'A BlazeMeter key id is 24 lowercase hexadecimal characters.'
    if (credential.secret === undefined || !BLAZEMETER_SECRET_PATTERN.test(credential.secret))
      return 'A BlazeMeter key secret is 72 lowercase hexadecimal characters.'
    return null
  }
  if (credential.secret !== undefined && credential.secret !== '')
    return `A ${style} credential is a single key, without a separate secret.`
  if (style === 'userplane' && !key.startsWith('uspl_'))
    return 'A Userplane API key starts with "uspl_".'
  return null
}

/**
 * The usual shapes of keys the real providers hand out (providers.md), for a warning only: a
 * key that differs may still work, so it is kept. WebPageTest's hex is matched in either case,
 * since the documented keys are shown upper- and lowercase.
 */
const USUAL_SHAPES: Partial<Record<EntryStyle, { pattern: RegExp; warning: string }>> = {
  webpagetest: {
    pattern: /^A\.[0-9a-fA-F]{32}$/,
    warning: 'this does not look like a WebPageTest key (A. followed by 32 hex characters)',
  },
  similarweb: {
    pattern: /^[0-9a-f]{32}$/,
    warning: 'this does not look like a Similarweb key (32 lowercase hex characters)',
  },
}

/**
 * Warnings, not refusals, about a credential the vault accepts: the key lacks its provider's
 * usual shape. Pure, so the CLI (printed to stderr as "warning: …") and the UI can both show
 * them. Empty when the key looks right or the style has no known shape.
 */
export function credentialWarnings(
  style: EntryStyle,
  credential: { key: string; secret?: string },
): string[] {
  const usual = USUAL_SHAPES[style]
  if (!usual || usual.pattern.test(credential.key)) return []
  return [usual.warning]
}

/**
 * BlazeMeter's combined `id:secret` (the form Taurus and the REST docs use, and HTTP Basic's
 * user:password) as separate fields, split at the first colon. Anything else unchanged.
 */
export function splitCombinedCredential(credential: { key: string; secret?: string }): {
  key: string
  secret?: string
} {
  const colon = credential.key.indexOf(':')
  if (colon < 0 || (credential.secret !== undefined && credential.secret !== '')) return credential
  return { key: credential.key.slice(0, colon), secret: credential.key.slice(colon + 1) }
}

/** Mask a key for display: its first characters and the last 4 (providers.md, Userplane lists). */
export function maskKey(key: string): string {
  const prefixLength = key.startsWith('uspl_') ? 9 : key.startsWith('A.') ? 6 : 4
  if (key.length <= prefixLength + 4) return '•'.repeat(key.length)
  return `${key.slice(0, prefixLength)}…${key.slice(-4)}`
}
