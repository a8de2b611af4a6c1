/**
 * Where a search matched, for highlighting: the main process searches name, environment, owner,
 * notes and tags (case-insensitive substring); this finds the same match in one field so the
 * list can mark it. Pure, unit-tested in test/renderer.
 */

/** A field's text cut into the parts before, inside and after the first match. */
export interface Split {
  before: string
  match: string
  after: string
}

/** The first case-insensitive occurrence of `query` in `text`, or null (also for a blank query). */
export function splitMatch(text: string, query: string): Split | null {
  const q = query.trim().toLowerCase()
  if (!q) return null
  const at = text.toLowerCase().indexOf(q)
  if (at < 0) return null
  return {
    before: text.slice(0, at),
    match: text.slice(at, at + q.length),
    after: text.slice(at + q.length),
  }
}

/** Fields of an entry the search covers beyond its name, in the order a row shows them. */
export interface SearchedFields {
  environment: string
  owner: string | null
  tags: readonly string[]
  notes: string
}

/**
 * What to show beside a row's name when the match is not in it: the tag that matched, or a short
 * excerpt of the notes around the match ("…rotates on the 1st…"). Null when the name,
 * environment or owner (shown anyway) already carry the match.
 */
export function matchContext(
  name: string,
  fields: SearchedFields,
  query: string,
  width = 40,
): { label: 'tag' | 'notes'; text: string } | null {
  const q = query.trim().toLowerCase()
  if (!q) return null
  const shown = [name, fields.environment, fields.owner ?? '']
  if (shown.some((t) => t.toLowerCase().includes(q))) return null
  const tag = fields.tags.find((t) => t.toLowerCase().includes(q))
  if (tag !== undefined) return { label: 'tag', text: tag }
  const at = fields.notes.toLowerCase().indexOf(q)
  if (at < 0) return null
  const start = Math.max(0, at - Math.floor((width - q.length) / 2))
  const end = Math.min(fields.notes.length, start + width)
  const excerpt = fields.notes.slice(start, end).replace(/\s+/g, ' ')
  return {
    label: 'notes',
    text: (start > 0 ? '…' : '') + excerpt + (end < fields.notes.length ? '…' : ''),
  }
}
