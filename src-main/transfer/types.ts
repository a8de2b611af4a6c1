/**
 * What every import format produces: records read from a file, before any style is guessed or
 * rule applied (plan.ts does that). Parsers are pure: bytes in, records out, or an error that
 * names the line or record and never quotes a value.
 */

/** The formats `keywarden import` reads. */
export const IMPORT_FORMATS = [
  'dotenv',
  'csv',
  'bitwarden-json',
  '1pux',
  '1password-csv',
  'keepassxc-csv',
  'keepass-xml',
] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

export function isImportFormat(value: unknown): value is ImportFormat {
  return typeof value === 'string' && (IMPORT_FORMATS as readonly string[]).includes(value)
}

/** One record of an import file. Times are milliseconds since 1970. */
export interface ImportRecord {
  /** Where the record is in the file, for messages: "line 12", "item 3". */
  where: string
  name: string
  /** The key (or password) as the file holds it; '' when the file has none. */
  key: string
  /** A separate secret, when the source keeps one (a BlazeMeter id and secret). */
  secret?: string
  username?: string
  url?: string
  notes?: string
  tags?: string[]
  environment?: string
  expiresAt?: number | null
  /** When the key was created, if the source says (lets an imported key keep its age). */
  createdAt?: number
  /** A provider style the file names outright (a CSV "style" column). */
  style?: string
  /** Why the source marks the record as not to import (archived, deleted, not a login). */
  skip?: string
}

/** The file cannot be read as the format: the message names the line or record. */
export class ImportFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImportFormatError'
  }
}

/** A date as export files write it (ISO 8601, or a plain date); undefined when unreadable. */
export function parseDate(text: string): number | undefined {
  const t = text.trim()
  if (t === '') return undefined
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return undefined
  const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t.replace(' ', 'T'))
  return Number.isNaN(ms) ? undefined : ms
}

/** Tags as files keep them: one text with commas or semicolons between. */
export function splitTags(text: string | undefined): string[] {
  if (!text) return []
  return [
    ...new Set(
      text
        .split(/[,;]/)
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ]
}
