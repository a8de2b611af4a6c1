/**
 * KeePass 2 XML, as KeePassXC exports it (src/format/KdbxXmlWriter.cpp): <KeePassFile> with
 * <Meta> and <Root>, groups nesting groups and <Entry> elements. An entry has <String> pairs
 * (<Key>Title|UserName|Password|URL|Notes</Key><Value>…</Value>), <Tags> (commas or
 * semicolons), <Times> with <CreationTime>, <ExpiryTime> and <Expires>True|False</Expires>, and
 * a <History> of older versions of itself, which are not imported. Entries in the recycle bin
 * (the group <Meta><RecycleBinUUID> names) are listed as skipped.
 */
import { ImportFormatError, parseDate, splitTags, type ImportRecord } from './types'
import { child, parseXml, type XmlElement } from './xml'

/** Seconds from 0001-01-01 to 1970-01-01: KDBX 4 writes times as base64 seconds since year 1. */
const YEAR_ONE_TO_EPOCH_S = 62_135_596_800

function timeOf(el: XmlElement | undefined, where: string, what: string): number | undefined {
  const text = el?.text.trim() ?? ''
  if (text === '') return undefined
  const iso = parseDate(text)
  if (iso !== undefined) return iso
  if (/^[A-Za-z0-9+/]{11}=$/.test(text)) {
    const bytes = Buffer.from(text, 'base64')
    if (bytes.length === 8) return (Number(bytes.readBigInt64LE(0)) - YEAR_ONE_TO_EPOCH_S) * 1000
  }
  throw new ImportFormatError(`${where}: the ${what} is not a date.`)
}

function entryRecord(entry: XmlElement, where: string, inBin: boolean): ImportRecord {
  const strings = new Map<string, XmlElement>()
  for (const s of entry.children)
    if (s.name === 'String') {
      const key = child(s, 'Key')?.text
      const value = child(s, 'Value')
      if (key !== undefined && value) strings.set(key, value)
    }
  const text = (key: string): string => strings.get(key)?.text ?? ''
  const password = strings.get('Password')
  if (password?.attrs.Protected === 'True')
    throw new ImportFormatError(
      `${where}: the password is still protected (encrypted); export the database as XML from KeePassXC.`,
    )
  const record: ImportRecord = { where, name: text('Title').trim(), key: text('Password').trim() }
  if (text('UserName').trim()) record.username = text('UserName').trim()
  if (text('URL').trim()) record.url = text('URL').trim()
  if (text('Notes') !== '') record.notes = text('Notes')
  const tags = splitTags(child(entry, 'Tags')?.text)
  if (tags.length > 0) record.tags = tags
  const times = child(entry, 'Times')
  if (child(times, 'Expires')?.text.trim() === 'True')
    record.expiresAt = timeOf(child(times, 'ExpiryTime'), where, 'expiry time') ?? null
  const created = timeOf(child(times, 'CreationTime'), where, 'creation time')
  if (created !== undefined) record.createdAt = created
  if (inBin) record.skip = 'in the recycle bin'
  return record
}

export function parseKeepassXml(text: string): ImportRecord[] {
  const doc = parseXml(text)
  if (doc.name !== 'KeePassFile')
    throw new ImportFormatError(`line ${doc.line}: not a KeePass XML export (no <KeePassFile>).`)
  const bin = child(child(doc, 'Meta'), 'RecycleBinUUID')?.text.trim()
  const binId = bin && !/^A+==$/.test(bin) ? bin : undefined
  const top = child(doc, 'Root')
  if (!top) throw new ImportFormatError(`line ${doc.line}: the export has no <Root>.`)
  const records: ImportRecord[] = []
  const walk = (group: XmlElement, inBin: boolean): void => {
    const here = inBin || (binId !== undefined && child(group, 'UUID')?.text.trim() === binId)
    for (const c of group.children) {
      if (c.name === 'Entry') records.push(entryRecord(c, `entry at line ${c.line}`, here))
      else if (c.name === 'Group') walk(c, here)
    }
  }
  walk(top, false)
  return records
}
