/**
 * 1Password's CSV export (1Password 8: "Title,Url,Username,Password,OTPAuth,Favorite,Archived,
 * Tags,Notes"). Archived items are listed as skipped; tags are separated by semicolons.
 */
import { csvObjects, headerKey, readCsv } from './csv-reader'
import { ImportFormatError, splitTags, type ImportRecord } from './types'

/** What the first columns of a 1Password CSV export are named. */
export const ONEPASSWORD_CSV_START = ['title', 'url', 'username', 'password']

export function parseOnePasswordCsv(text: string): ImportRecord[] {
  const rows = readCsv(text)
  const head = rows[0]?.fields.map(headerKey) ?? []
  if (ONEPASSWORD_CSV_START.some((h, i) => head[i] !== h))
    throw new ImportFormatError('line 1: not the header of a 1Password CSV export (Title,Url,…).')
  return csvObjects(rows).map((row) => {
    const record: ImportRecord = {
      where: `line ${row.line}`,
      name: row.get('title').trim(),
      key: row.get('password').trim(),
    }
    if (row.get('username').trim()) record.username = row.get('username').trim()
    if (row.get('url').trim()) record.url = row.get('url').trim()
    if (row.get('notes') !== '') record.notes = row.get('notes')
    const tags = splitTags(row.get('tags'))
    if (tags.length > 0) record.tags = tags
    if (row.get('archived').trim().toLowerCase() === 'true') record.skip = 'archived in 1Password'
    return record
  })
}
