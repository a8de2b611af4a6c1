/**
 * 1Password's `.1pux` export: a zip archive whose `export.data` is JSON,
 * `accounts[].vaults[].items[]`. An item has `categoryUuid` ("001" login, "005" password,
 * "112" API credential), `state` ("active" or "archived"), `createdAt` in seconds, `overview`
 * (title, url, tags) and `details` (loginFields, notesPlain, sections[].fields[], password).
 * An API credential keeps its key in the section field `credential` (a concealed value), its
 * user in `username`, its host in `hostname`, and its expiry in `expires` (a date in seconds).
 */
import { unzipSync } from 'fflate'
import { ImportFormatError, type ImportRecord } from './types'

const LOGIN = '001'
const PASSWORD = '005'
const API_CREDENTIAL = '112'

type Obj = Record<string, unknown>

function obj(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Obj)
    : undefined
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj).filter((o): o is Obj => o !== undefined) : []
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** The `export.data` document of a .1pux archive. */
export function readOnePuxArchive(bytes: Uint8Array): unknown {
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'export.data' })
  } catch {
    throw new ImportFormatError('The .1pux file is not a readable zip archive.')
  }
  const data = files['export.data']
  if (!data) throw new ImportFormatError('The .1pux archive has no export.data.')
  try {
    return JSON.parse(new TextDecoder().decode(data)) as unknown
  } catch {
    throw new ImportFormatError('The export.data in the .1pux archive is not valid JSON.')
  }
}

/** Section fields by id, with their value object. */
function sectionFields(details: Obj | undefined): Map<string, Obj> {
  const out = new Map<string, Obj>()
  for (const section of list(details?.sections))
    for (const field of list(section.fields)) {
      const value = obj(field.value)
      if (value && typeof field.id === 'string' && !out.has(field.id)) out.set(field.id, value)
    }
  return out
}

function secondsToMs(value: unknown, where: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ImportFormatError(`${where}: the ${what} is not a date.`)
  return Math.round(value * 1000)
}

function recordOf(item: Obj, where: string): ImportRecord {
  const overview = obj(item.overview)
  const details = obj(item.details)
  const record: ImportRecord = { where, name: str(overview?.title).trim(), key: '' }
  const category = str(item.categoryUuid)
  const fields = sectionFields(details)
  if (category === LOGIN) {
    for (const f of list(details?.loginFields)) {
      if (f.designation === 'password') record.key = str(f.value).trim()
      if (f.designation === 'username') record.username = str(f.value).trim()
    }
  } else if (category === PASSWORD) {
    record.key = str(details?.password).trim()
  } else if (category === API_CREDENTIAL) {
    const credential = fields.get('credential')
    record.key = str(credential?.concealed ?? credential?.string).trim()
    const user = str(fields.get('username')?.string).trim()
    if (user) record.username = user
    const host = str(fields.get('hostname')?.string).trim()
    if (host) record.url = host
    const expires = fields.get('expires')
    if (expires && expires.date !== undefined && expires.date !== null)
      record.expiresAt = secondsToMs(expires.date, where, 'expiry')
    const validFrom = fields.get('validFrom')
    if (validFrom && typeof validFrom.date === 'number')
      record.createdAt = secondsToMs(validFrom.date, where, '"valid from" date')
  } else {
    record.skip = 'not a login, password or API credential'
  }
  if (!record.url && str(overview?.url).trim()) record.url = str(overview?.url).trim()
  const tags = Array.isArray(overview?.tags)
    ? overview.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    : []
  if (tags.length > 0) record.tags = tags.map((t) => t.trim())
  if (str(details?.notesPlain) !== '') record.notes = str(details?.notesPlain)
  if (record.createdAt === undefined && typeof item.createdAt === 'number' && item.createdAt > 0)
    record.createdAt = secondsToMs(item.createdAt, where, 'creation date')
  const state = str(item.state)
  if (state !== '' && state !== 'active') record.skip = `${state} in 1Password`
  return record
}

/** Parse a .1pux archive (its bytes) into records, item by item across accounts and vaults. */
export function parseOnePux(bytes: Uint8Array): ImportRecord[] {
  const root = obj(readOnePuxArchive(bytes))
  if (!root || !Array.isArray(root.accounts))
    throw new ImportFormatError('The .1pux export.data has no "accounts" list.')
  const records: ImportRecord[] = []
  let n = 0
  for (const account of list(root.accounts))
    for (const vault of list(account.vaults))
      for (const raw of Array.isArray(vault.items) ? vault.items : []) {
        const where = `item ${++n}`
        const item = obj(raw)
        if (!item) throw new ImportFormatError(`${where}: not an object.`)
        records.push(recordOf(item, where))
      }
  return records
}
