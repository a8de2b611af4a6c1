/**
 * What an import will do with each record, decided before anything is written: add it (under
 * its name or a free one), replace the key of the entry of that name, or skip it with the
 * reason. Provider rules are checked here, record by record and against the entries already
 * kept, so a refusal names the record that breaks a rule; the vault checks them again when it
 * writes. Pure: the caller passes the existing entries and the time.
 */
import {
  NOT_A_KEY_MESSAGE,
  STYLE_RULES,
  findRuleViolation,
  type AccountPolicy,
  type EntryStyle,
  type KeyFacts,
  type KeyScope,
  type KeyStatus,
} from '../providers'
import { credentialFor, guessStyle, type Credential } from './style'
import type { ImportRecord } from './types'

/** An entry to add, in the shape the vault's EntryInput takes. */
export interface NewEntry {
  style: EntryStyle
  name: string
  credential: Credential
  scope?: KeyScope
  environment?: string
  tags?: string[]
  notes?: string
  expiresAt?: number | null
  lastRotatedAt?: number
}

/** What the plan needs to know of an entry already in the vault. */
export interface ExistingEntry {
  id: string
  name: string
  style: EntryStyle
  status: KeyStatus
  scope: KeyScope
  lastRotatedAt: number
  expiresAt: number | null
}

export type ImportAction = 'add' | 'replace' | 'skip'

export interface PlanRow {
  where: string
  /** The name it gets (a renamed record's new name). */
  name: string
  style: EntryStyle
  expiresAt: number | null
  action: ImportAction
  /** Why it is skipped, or what else is worth saying (renamed, guessed from a hint). */
  note: string
  /** For 'add'. */
  entry?: NewEntry
  /** For 'replace': the entry whose key is rotated, and the new key. */
  replace?: { id: string; credential: Credential; expiresAt?: number | null }
}

export type ConflictMode = 'skip' | 'rename' | 'replace'

export interface PlanOptions {
  existing: readonly ExistingEntry[]
  now: number
  style?: EntryStyle
  onConflict?: ConflictMode
  policy?: AccountPolicy
}

/** The import would break a provider rule or a limit of the vault: nothing is written. */
export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImportRefusedError'
  }
}

const MAX_NAME = 200
const MAX_NOTES = 10_000
const MAX_TAGS = 50
const MAX_TAG = 50

function hasLimits(style: EntryStyle): boolean {
  const r = STYLE_RULES[style]
  return (
    r.maxKeysPerAccount !== undefined ||
    r.maxActiveKeysPerUser !== undefined ||
    r.maxKeysPerUser !== undefined
  )
}

const group = (style: EntryStyle, scope: KeyScope): string => `${style}\0${scope.account ?? ''}`

/** Decide every record's fate; throws ImportRefusedError naming the first record refused. */
export function planImport(records: readonly ImportRecord[], options: PlanOptions): PlanRow[] {
  const { now, policy = {}, onConflict = 'skip' } = options
  const byName = new Map<string, ExistingEntry>()
  const peers = new Map<string, KeyFacts[]>()
  for (const e of options.existing) {
    byName.set(e.name.toLowerCase(), e)
    if (!hasLimits(e.style)) continue
    const facts: KeyFacts = {
      id: e.id,
      style: e.style,
      status: e.status,
      scope: e.scope,
      issuedAt: e.lastRotatedAt,
      expiresAt: e.expiresAt,
    }
    peers.set(group(e.style, e.scope), [...(peers.get(group(e.style, e.scope)) ?? []), facts])
  }
  const inFile = new Map<string, string>()
  const taken = (name: string): boolean =>
    byName.has(name.toLowerCase()) || inFile.has(name.toLowerCase())

  return records.map((r): PlanRow => {
    const label = r.name ? `${r.where} ("${r.name}")` : r.where
    const guess = guessStyle(r, options.style)
    const row: PlanRow = {
      where: r.where,
      name: r.name,
      style: guess.style,
      expiresAt: r.expiresAt ?? null,
      action: 'skip',
      note: guess.note ?? '',
    }
    if (r.skip) return { ...row, note: r.skip }
    if (r.name === '') return { ...row, note: 'no name' }
    if (r.key === '') return { ...row, note: 'empty value' }
    if (r.name.length > MAX_NAME)
      throw new ImportRefusedError(`${r.where}: the name is longer than ${MAX_NAME} characters.`)
    if ((r.notes ?? '').length > MAX_NOTES)
      throw new ImportRefusedError(`${label}: the notes are longer than ${MAX_NOTES} characters.`)
    const tags = (r.tags ?? []).map((t) => t.slice(0, MAX_TAG).trim()).filter((t) => t !== '')
    if (tags.length > MAX_TAGS)
      throw new ImportRefusedError(`${label}: more than ${MAX_TAGS} tags.`)

    const existing = byName.get(r.name.toLowerCase())
    const earlier = inFile.get(r.name.toLowerCase())
    if ((existing || earlier) && onConflict !== 'rename') {
      if (earlier) return { ...row, note: `same name as ${earlier}` }
      if (onConflict === 'skip')
        return { ...row, note: 'an entry with this name exists (--rename or --replace)' }
      return replaceRow(row, r, existing as ExistingEntry, label, now, policy, peers)
    }
    let name = r.name
    for (let n = 2; taken(name); n++) name = `${r.name} (${n})`
    inFile.set(name.toLowerCase(), r.where)
    if (name !== r.name) row.note = `renamed from "${r.name}"`

    const scope: KeyScope = {}
    if (r.username && guess.style !== 'blazemeter') scope.account = r.username.slice(0, MAX_NAME)
    const expiresAt = r.expiresAt ?? null
    // An imported key keeps its age when the file says when it was made.
    const issuedAt =
      r.createdAt !== undefined &&
      r.createdAt <= now &&
      (expiresAt === null || r.createdAt < expiresAt)
        ? r.createdAt
        : now
    const facts: KeyFacts = {
      // The limit counts peers by id: each record needs one of its own.
      id: `import ${r.where}`,
      style: guess.style,
      status: 'active',
      scope,
      issuedAt,
      expiresAt,
      credential: guess.credential,
    }
    const others = hasLimits(guess.style) ? (peers.get(group(guess.style, scope)) ?? []) : []
    const violation = findRuleViolation(facts, others, policy)
    if (violation) {
      if (violation.message === NOT_A_KEY_MESSAGE) {
        inFile.delete(name.toLowerCase())
        return { ...row, name, note: 'not a key (under 16 characters, or spaces)' }
      }
      throw new ImportRefusedError(`${label}: ${violation.message}`)
    }
    if (hasLimits(guess.style)) peers.set(group(guess.style, scope), [...others, facts])
    const notes = [r.notes ?? '', r.url ? `URL: ${r.url}` : ''].filter((t) => t !== '').join('\n')
    const entry: NewEntry = {
      style: guess.style,
      name,
      credential: guess.credential,
      lastRotatedAt: issuedAt,
      expiresAt,
    }
    if (Object.keys(scope).length > 0) entry.scope = scope
    if (tags.length > 0) entry.tags = [...new Set(tags)]
    if (notes !== '') entry.notes = notes.slice(0, MAX_NOTES)
    if (r.environment) entry.environment = r.environment.slice(0, MAX_NAME)
    return { ...row, name, action: 'add', entry }
  })
}

function replaceRow(
  row: PlanRow,
  r: ImportRecord,
  existing: ExistingEntry,
  label: string,
  now: number,
  policy: AccountPolicy,
  peers: Map<string, KeyFacts[]>,
): PlanRow {
  // The entry keeps its style: the record's key must suit it.
  const credential = credentialFor(existing.style, r)
  const expiresAt =
    r.expiresAt !== undefined
      ? r.expiresAt
      : existing.expiresAt === null
        ? null
        : now + (existing.expiresAt - existing.lastRotatedAt)
  const violation = findRuleViolation(
    {
      id: existing.id,
      style: existing.style,
      status: existing.status,
      scope: existing.scope,
      issuedAt: now,
      expiresAt,
      credential,
    },
    peers.get(group(existing.style, existing.scope)) ?? [],
    policy,
  )
  if (violation) {
    if (violation.message === NOT_A_KEY_MESSAGE)
      return { ...row, style: existing.style, note: 'not a key (under 16 characters, or spaces)' }
    throw new ImportRefusedError(`${label}: ${violation.message}`)
  }
  const replace: PlanRow['replace'] = { id: existing.id, credential }
  if (r.expiresAt !== undefined) replace.expiresAt = r.expiresAt
  return {
    ...row,
    name: existing.name,
    style: existing.style,
    expiresAt,
    action: 'replace',
    note: 'replaces the key of the entry with this name (the old key stays in its history)',
    replace,
  }
}
