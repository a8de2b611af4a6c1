/**
 * Resolving references against an unlocked vault. Every reference is checked before any is
 * used, and every failure is reported at once, each naming the variable (or template line) and
 * the reference, never a value.
 */
import type { EntrySummary, SecretField } from '../vault/types'
import { RunError } from './errors'
import { parseReference, type Reference } from './reference'

/** What a secret is revealed for, as the vault's audit log records it (never a value). */
export interface RevealUse {
  as?: 'run' | 'inject' | 'export'
  /** The command run was given (the log keeps its base name only). */
  command?: string
}

/** The part of the vault resolving needs. */
export interface ReferenceSource {
  list(): EntrySummary[]
  /** The vault's audit log records each reveal with `use`. */
  reveal(id: string, field: SecretField, use?: RevealUse): string
  damaged(): { id: string; reason: string }[]
}

export interface ResolveOptions {
  /** Also hand out expired, revoked and disabled keys. */
  allowExpired?: boolean
  now?: number
  /** Recorded with each reveal. */
  use?: RevealUse
}

/** Something to resolve: where it was written (a variable's name, a template line) and what. */
export interface Wanted {
  where: string
  reference: string
}

export interface Resolved extends Wanted {
  value: string
  entryId: string
  field: Reference['field']
}

/** Find the entry a reference names: its id, else its name when exactly one entry has it. */
function findEntry(all: EntrySummary[], source: ReferenceSource, ref: Reference): EntrySummary {
  const byId = all.find((e) => e.id === ref.entry)
  if (byId) return byId
  const wanted = ref.entry.toLowerCase()
  const named = all.filter((e) => e.name.toLowerCase() === wanted)
  if (named.length === 1) return named[0]
  if (named.length > 1)
    throw new Error(`${named.length} entries have that name; refer to one by its id`)
  const damaged = source.damaged().find((d) => d.id === ref.entry)
  if (damaged) throw new Error(`the entry cannot be opened (${damaged.reason})`)
  throw new Error('no entry has that name or id')
}

/** Why a key must not be handed out, or null when it may. */
function unusable(e: EntrySummary, now: number): string | null {
  if (e.status === 'revoked') return 'the key is revoked'
  if (e.status === 'disabled') return 'the key is disabled'
  if (e.expiresAt !== null && e.expiresAt <= now)
    return `the key expired on ${new Date(e.expiresAt).toISOString().slice(0, 10)}`
  return null
}

/** A credential as a client presents it: the key, or BlazeMeter's `id:secret`. */
export function credentialOf(source: ReferenceSource, e: EntrySummary, use?: RevealUse): string {
  return e.hasSecret
    ? `${source.reveal(e.id, 'key', use)}:${source.reveal(e.id, 'secret', use)}`
    : source.reveal(e.id, 'key', use)
}

function valueOf(
  source: ReferenceSource,
  e: EntrySummary,
  field: Reference['field'],
  use?: RevealUse,
): string {
  switch (field) {
    case 'key':
      return source.reveal(e.id, 'key', use)
    case 'secret':
      if (!e.hasSecret) throw new Error('this key has no separate secret (use /key)')
      return source.reveal(e.id, 'secret', use)
    case 'id':
      if (!e.hasSecret) throw new Error('only a BlazeMeter key has a key id (use /key)')
      return source.reveal(e.id, 'key', use)
    case 'credential':
      return credentialOf(source, e, use)
  }
}

/**
 * Resolve every wanted reference, or throw one RunError listing each that failed (exit 1):
 * missing entry or field, an expired, revoked or disabled key (unless allowed), a malformed
 * reference, an entry that cannot be opened.
 */
export function resolveReferences(
  source: ReferenceSource,
  wanted: readonly Wanted[],
  options: ResolveOptions = {},
): Resolved[] {
  const now = options.now ?? Date.now()
  const all = source.list()
  const problems: string[] = []
  const out: Resolved[] = []
  for (const w of wanted) {
    try {
      const ref = parseReference(w.reference)
      const e = findEntry(all, source, ref)
      const why = options.allowExpired ? null : unusable(e, now)
      if (why) throw new Error(`${why} (--allow-expired uses it anyway)`)
      const value = valueOf(source, e, ref.field, options.use)
      out.push({ ...w, value, entryId: e.id, field: ref.field })
    } catch (error) {
      // Messages here are ours or the vault's, and neither ever holds a secret.
      const why = error instanceof Error ? error.message.replace(/\.$/, '') : 'unexpected error'
      problems.push(`${w.where} (${w.reference}): ${why}`)
    }
  }
  if (problems.length > 0)
    throw new RunError(
      problems.length === 1
        ? `cannot resolve ${problems[0]}.`
        : `cannot resolve ${problems.length} references:\n  ${problems.join('\n  ')}`,
    )
  return out
}
