/**
 * `kw://` references: `kw://<entry name or id>/<field>`.
 *
 * The rule for names: the field is what follows the LAST `/`, so a name may itself hold slashes
 * (`kw://team/ci/key` is the field `key` of the entry named `team/ci`). Inside the name, `%XX`
 * is a percent-escape (`%20` a space, `%25` a percent sign, `%7D` a brace); a name with a `%`,
 * or with spaces at either end, is written escaped. Everything else is taken literally.
 */
import { RunError } from './errors'

export const REFERENCE_PREFIX = 'kw://'

export const REFERENCE_FIELDS = ['key', 'secret', 'id', 'credential'] as const
export type ReferenceField = (typeof REFERENCE_FIELDS)[number]

export interface Reference {
  /** The entry's id or name, escapes decoded. */
  entry: string
  field: ReferenceField
  /** The reference as written (safe to print: it names an entry, never a secret). */
  text: string
}

/** Whether a value is meant as a reference (and must then parse, or fail loudly). */
export function looksLikeReference(value: string): boolean {
  return value.startsWith(REFERENCE_PREFIX)
}

/** Parse a reference; a malformed one throws a RunError that says what is wrong. */
export function parseReference(text: string): Reference {
  if (!looksLikeReference(text)) throw new RunError('it does not start with kw://.')
  const body = text.slice(REFERENCE_PREFIX.length)
  const slash = body.lastIndexOf('/')
  if (slash < 0)
    throw new RunError(
      `it names no field: write kw://<entry>/<field>, the field one of ${REFERENCE_FIELDS.join(', ')}.`,
    )
  const field = body.slice(slash + 1)
  if (!(REFERENCE_FIELDS as readonly string[]).includes(field))
    throw new RunError(
      `it ends in an unknown field: the field is one of ${REFERENCE_FIELDS.join(', ')}.`,
    )
  const rawEntry = body.slice(0, slash)
  if (rawEntry === '') throw new RunError('it names no entry.')
  let entry: string
  try {
    entry = decodeURIComponent(rawEntry)
  } catch {
    throw new RunError("it has a bad %-escape in the entry's name (write % as %25).")
  }
  if (entry.trim() === '') throw new RunError('it names no entry.')
  return { entry, field: field as ReferenceField, text }
}

/** A reference to an entry by name (or id), escaped so that parseReference reads it back. */
export function formatReference(entry: string, field: ReferenceField): string {
  // Slashes stay readable (the field is after the last one); everything unusual is escaped.
  const escaped = encodeURIComponent(entry).replace(/%2F/gi, '/')
  return `${REFERENCE_PREFIX}${escaped}/${field}`
}
