/**
 * KeePassXC's CSV export (src/format/CsvExporter.cpp): a fixed header "Group","Title",
 * "Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created", every field
 * quoted, times in ISO 8601 UTC. It carries no expiry: the XML export does.
 */
import { csvObjects, readCsv } from './csv-reader'
import { ImportFormatError, parseDate, type ImportRecord } from './types'

export const KEEPASSXC_CSV_HEADER = [
  'Group',
  'Title',
  'Username',
  'Password',
  'URL',
  'Notes',
  'TOTP',
  'Icon',
  'Last Modified',
  'Created',
]

export function parseKeepassxcCsv(text: string): ImportRecord[] {
  const rows = readCsv(text)
  if (rows.length === 0 || rows[0].fields.join('\n') !== KEEPASSXC_CSV_HEADER.join('\n'))
    throw new ImportFormatError(
      'line 1: not the header of a KeePassXC CSV export ("Group","Title","Username",…).',
    )
  return csvObjects(rows).map((row) => {
    const record: ImportRecord = {
      where: `line ${row.line}`,
      name: row.get('title').trim(),
      key: row.get('password').trim(),
    }
    if (row.get('username').trim()) record.username = row.get('username').trim()
    if (row.get('url').trim()) record.url = row.get('url').trim()
    if (row.get('notes') !== '') record.notes = row.get('notes')
    // KeePassXC names its recycle bin "Recycle Bin"; what sits there was deleted.
    if (/(^|\/)Recycle Bin$/.test(row.get('group'))) record.skip = 'in the recycle bin'
    const created = parseDate(row.get('created'))
    if (created !== undefined) record.createdAt = created
    return record
  })
}
