/**
 * Turn the Add form's fields into an `EntryInput`, sending only what the chosen style has (the
 * main process checks the provider's rules and words any violation).
 */
import type { EntryInput, EntryStyle, KeyScope } from '../../src-main/ipc/contract'
import { DAY_MS, splitTags } from './format'
import { dateInputToMs, STYLE_FORMS } from './styles'

export interface AddFields {
  style: EntryStyle
  name: string
  key: string
  secret: string
  owner: string
  level: 'user' | 'project'
  projectId: string
  apiType: 'rest' | 'batch'
  /** '' none, 'YYYY-MM-DD' a date, 'd7'… a Userplane choice. */
  expiry: string
  /** 'YYYY-MM-DD' when the key was issued (an imported key keeps its real age), or ''. */
  issuedOn: string
  environment: string
  tags: string
  notes: string
  baseUrl: string
}

export const EMPTY_FIELDS: AddFields = {
  style: 'webpagetest',
  name: '',
  key: '',
  secret: '',
  owner: '',
  level: 'user',
  projectId: '',
  apiType: 'rest',
  expiry: '',
  issuedOn: '',
  environment: '',
  tags: '',
  notes: '',
  baseUrl: '',
}

/** The entry to add, or a message for a field the form itself can tell is missing. */
export function buildEntryInput(f: AddFields, now: number): EntryInput | { problem: string } {
  const form = STYLE_FORMS[f.style]
  if (f.name.trim() === '')
    return { problem: 'Give the key a name (the application that uses it).' }
  if (f.key.trim() === '')
    return { problem: form.credential === 'id-secret' ? 'Paste the key id.' : 'Paste the key.' }
  const entry: EntryInput = {
    style: f.style,
    name: f.name.trim(),
    credential: { key: f.key.trim() },
  }
  if (form.credential === 'id-secret') {
    // BlazeMeter's id:secret pasted into the id field, with the secret field left empty.
    const key = entry.credential.key
    const colon = key.indexOf(':')
    entry.credential =
      colon >= 0 && f.secret.trim() === ''
        ? { key: key.slice(0, colon), secret: key.slice(colon + 1) }
        : { key, secret: f.secret.trim() }
  }
  const scope: KeyScope = {}
  if (form.owner && f.owner.trim()) scope.account = f.owner.trim()
  if (form.level) {
    scope.level = f.level
    if (f.level === 'project') {
      // Sent as typed; the main process says what a valid project id is.
      const id = f.projectId.trim() === '' ? NaN : Number(f.projectId)
      scope.projectId = Number.isNaN(id) ? null : id
    }
  }
  if (form.apiType) scope.apiType = f.apiType
  if (Object.keys(scope).length > 0) entry.scope = scope
  let issued = now
  if (f.issuedOn !== '') {
    const at = dateInputToMs(f.issuedOn, 'start')
    if (at === null) return { problem: 'The issue date is not a valid date.' }
    if (at > now) return { problem: 'The issue date cannot be in the future.' }
    issued = at
    entry.lastRotatedAt = at
  }
  if (form.expiry !== 'never' && f.expiry !== '') {
    const choice = /^d(\d+)$/.exec(f.expiry)
    // A fixed lifetime (Userplane) counts from the day the key was issued.
    const at = choice ? issued + Number(choice[1]) * DAY_MS : dateInputToMs(f.expiry)
    if (at === null) return { problem: 'The expiry date is not a valid date.' }
    entry.expiresAt = at
  }
  if (f.environment.trim()) entry.environment = f.environment.trim()
  const tags = splitTags(f.tags)
  if (tags.length) entry.tags = tags
  if (f.notes.trim()) entry.notes = f.notes
  if (f.baseUrl.trim()) entry.baseUrl = f.baseUrl.trim()
  return entry
}
