/**
 * What the Add and Rotate forms can tell about a field while it is typed, in plain words that
 * say what to do. These mirror the documented key shapes the main process enforces
 * (src-main/providers/formats.ts, which the renderer may not import); the main process stays the
 * judge, and its refusal is shown next to the field it names (`fieldOfError`). Pure; unit-tested.
 */
import type { EntryStyle } from '../../src-main/ipc/contract'

/** The form fields an error can be about. */
export type FieldName =
  | 'name'
  | 'key'
  | 'secret'
  | 'owner'
  | 'projectId'
  | 'expiry'
  | 'issuedOn'
  | 'baseUrl'
  | 'tags'
  | 'environment'
  | 'notes'
  | 'rotation'

/** Errors by field; a field without an entry is fine. */
export type FieldErrors = Partial<Record<FieldName, string>>

const MIN_KEY_LENGTH = 16
const HEX24 = /^[0-9a-f]{24}$/
const HEX72 = /^[0-9a-f]{72}$/

/** What is wrong with a key typed for `style`, or null. `label` is how the form names it. */
export function keyProblem(style: EntryStyle, key: string): string | null {
  const k = key.trim()
  if (k === '') return style === 'blazemeter' ? 'Paste the key id.' : 'Paste the key.'
  if (/\s/.test(k)) return 'Remove the spaces: a key has none.'
  if (style === 'userplane' && !k.startsWith('uspl_'))
    return 'A Userplane key starts with uspl_. Copy the whole key from Userplane.'
  if (style === 'blazemeter') {
    // id:secret pasted together (as Taurus and BlazeMeter's docs write it): both halves count.
    const colon = k.indexOf(':')
    if (colon >= 0) {
      if (!HEX24.test(k.slice(0, colon)))
        return 'Before the colon goes the key id: 24 characters, 0–9 and a–f.'
      if (!HEX72.test(k.slice(colon + 1)))
        return 'After the colon goes the key secret: 72 characters, 0–9 and a–f.'
      return null
    }
    if (!HEX24.test(k)) return 'A BlazeMeter key id is 24 characters, 0–9 and a–f.'
    return null
  }
  if (k.length < MIN_KEY_LENGTH)
    return `This is too short for a key (${k.length} characters; keys have at least ${MIN_KEY_LENGTH}).`
  return null
}

/** What is wrong with a BlazeMeter key secret, or null. */
export function secretProblem(secret: string, key: string): string | null {
  if (key.includes(':') && secret.trim() === '') return null
  const s = secret.trim()
  if (s === '') return 'Paste the key secret (shown once, when BlazeMeter created the key).'
  if (!HEX72.test(s)) return 'A BlazeMeter key secret is 72 characters, 0–9 and a–f.'
  return null
}

/**
 * A note about a key the vault accepts but whose shape is not its provider's usual one (the
 * main process warns the same way): shown as a hint, never blocking. Null when it looks right.
 */
export function keyWarning(style: EntryStyle, key: string): string | null {
  const k = key.trim()
  if (k === '' || keyProblem(style, k)) return null
  if (style === 'webpagetest' && !/^A\.[0-9a-fA-F]{32}$/.test(k))
    return 'WebPageTest keys are usually A. and 32 characters 0–9, a–f. Check you copied all of it.'
  if (style === 'similarweb' && !/^[0-9a-f]{32}$/.test(k))
    return 'Similarweb keys are usually 32 characters 0–9 and a–f. Check you copied all of it.'
  return null
}

/** The longest texts the main process keeps (src-main/ipc/schemas.ts). */
const MAX_NAME = 200
const MAX_TAG = 64
const MAX_TAGS = 50
const MAX_NOTES = 10_000
const MAX_PROJECT_ID = 2 ** 31

/** What is wrong with a key's name, or null. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Give the key a name, e.g. the service that uses it.'
  return tooLong('name', name.trim(), MAX_NAME)
}

/** What is wrong with an environment, or null (it is optional). */
export function environmentProblem(environment: string): string | null {
  return tooLong('environment', environment.trim(), MAX_NAME)
}

/** What is wrong with comma-separated tags, or null. */
export function tagsProblem(tags: readonly string[]): string | null {
  if (tags.length > MAX_TAGS)
    return `Keep it to ${MAX_TAGS} tags; remove ${tags.length - MAX_TAGS}.`
  const long = tags.find((t) => t.length > MAX_TAG)
  if (long !== undefined)
    return `Shorten the tag “${long.slice(0, 12)}…” to ${MAX_TAG} characters or fewer.`
  return null
}

/** What is wrong with the notes, or null. */
export function notesProblem(notes: string): string | null {
  return tooLong('notes', notes, MAX_NOTES)
}

/** What is wrong with a Wellows project id, or null. */
export function projectIdProblem(projectId: string): string | null {
  const id = projectId.trim()
  if (!/^\d+$/.test(id) || Number(id) < 1 || Number(id) > MAX_PROJECT_ID)
    return 'Type the project id: a whole number from 1 up, as Wellows shows it.'
  return null
}

/** What is wrong with a rotation policy in days, or null (empty: the provider's default). */
export function rotationProblem(days: string): string | null {
  const d = days.trim()
  if (d === '') return null
  if (!/^\d+$/.test(d) || Number(d) < 1 || Number(d) > 3650)
    return 'Type a whole number of days from 1 to 3650, or leave it empty for the provider’s default.'
  return null
}

/**
 * What is wrong with the day a key was issued and the day it expires, both as epoch ms (null:
 * not set), for the fields they are about.
 */
export function datesProblem(
  issuedAt: number | null,
  expiresAt: number | null,
  now: number,
): { issuedOn?: string; expiry?: string } {
  if (issuedAt !== null && issuedAt > now)
    return { issuedOn: 'Pick today or an earlier day: a key cannot be issued in the future.' }
  if (expiresAt !== null && expiresAt <= (issuedAt ?? now))
    return {
      expiry:
        issuedAt === null
          ? 'Pick a day after today, or leave the date empty if the key does not expire.'
          : 'Pick an expiry day after the day the key was issued.',
    }
  return {}
}

function tooLong(what: string, text: string, max: number): string | null {
  if (text.length <= max) return null
  return `Shorten the ${what} to ${max.toLocaleString('en')} characters (it has ${text.length.toLocaleString('en')}).`
}

/** What is wrong with a base URL to check against, or null (it is optional). */
export function baseUrlProblem(url: string): string | null {
  const u = url.trim()
  if (u === '') return null
  try {
    const parsed = new URL(u)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      return 'Start the address with https:// (or http:// for this computer).'
    if (parsed.username || parsed.password)
      return 'Leave the user name and password out of the address.'
    return null
  } catch {
    return 'Type a whole address, e.g. https://api.example.com.'
  }
}

/**
 * The provider a pasted key looks like it comes from, when its shape says so unambiguously, or
 * null. Shapes from the providers' documentation: Userplane `uspl_…`, WebPageTest `A.` + 32 hex,
 * BlazeMeter `<24 hex>:<72 hex>`, Similarweb 32 lowercase hex.
 */
export function guessStyle(key: string): EntryStyle | null {
  const k = key.trim()
  if (k.startsWith('uspl_')) return 'userplane'
  if (/^A\.[0-9a-fA-F]{32}$/.test(k)) return 'webpagetest'
  if (/^[0-9a-f]{24}:[0-9a-f]{72}$/.test(k)) return 'blazemeter'
  if (/^[0-9a-f]{32}$/.test(k)) return 'similarweb'
  return null
}

/**
 * The form field a refusal from the main process is about: from the error's `field` (the
 * input path, e.g. "entry.credential.key", or a rule's subject such as "credential"), else
 * from its words. Null when it is about the whole form (a limit, a lock).
 */
export function fieldOfError(field: string | undefined, message: string): FieldName | null {
  const path = field ?? ''
  if (/credential\.secret|secret$/.test(path)) return 'secret'
  if (/credential/.test(path)) return /secret/i.test(message) ? 'secret' : 'key'
  if (/(^|\.)name$/.test(path)) return 'name'
  if (/expiresAt|expiry/.test(path)) return 'expiry'
  if (/lastRotatedAt/.test(path)) return 'issuedOn'
  if (/baseUrl/.test(path)) return 'baseUrl'
  if (/projectId/.test(path)) return 'projectId'
  if (/scope/.test(path)) return /project/i.test(message) ? 'projectId' : 'owner'
  if (/tags/.test(path)) return 'tags'
  if (/environment/.test(path)) return 'environment'
  if (/notes/.test(path)) return 'notes'
  if (/rotationPolicyDays/.test(path)) return 'rotation'
  if (path) return null
  // No path (older main process, or a vault-side check): the words name the field.
  if (/\bsecret\b/i.test(message)) return 'secret'
  if (/\bkey\b.*(starts|characters|shape|empty|required)|not a key|\bkey id\b/i.test(message))
    return 'key'
  if (/\bname\b/i.test(message)) return 'name'
  if (/expir/i.test(message)) return 'expiry'
  if (/base URL/i.test(message)) return 'baseUrl'
  if (/project id/i.test(message)) return 'projectId'
  return null
}

/**
 * A provider's refusal, as the provider words it, with what to do next when its words leave that
 * out (BlazeMeter's own message only states the limit).
 */
export function withNextStep(message: string): string {
  if (/exceeds the maximum allowed by your account settings/.test(message))
    return `${message} Pick an earlier expiry date.`
  if (/keys must have an expiry\.$/.test(message)) return `${message} Pick one of the expirations.`
  if (/can expire after at most \d+ days\.$/.test(message))
    return `${message} Pick one of the expirations offered.`
  return message
}
