/**
 * Bitwarden's unencrypted JSON export (bitwarden/clients, individual vault export):
 * `{ "encrypted": false, "folders": [...], "items": [...] }`. A login item (type 1) has
 * `login.username`, `login.password` and `login.uris[].uri`; custom `fields` are
 * `{ name, value, type }`, and one named like "expires" gives the key's expiry. Items in the
 * trash (`deletedDate`) and items that are not logins are listed as skipped.
 */
import { ImportFormatError, parseDate, type ImportRecord } from './types'

const LOGIN = 1
const TYPE_NAMES: Record<number, string> = {
  2: 'a secure note',
  3: 'a card',
  4: 'an identity',
  5: 'an SSH key',
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

export function parseBitwardenJson(text: string): ImportRecord[] {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\ufeff/, ''))
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '')
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined
    throw new ImportFormatError(`${line ? `line ${line}: ` : ''}the file is not valid JSON.`)
  }
  const root = obj(doc)
  if (!root || !Array.isArray(root.items))
    throw new ImportFormatError('Not a Bitwarden export: there is no "items" list.')
  if (root.encrypted === true)
    throw new ImportFormatError(
      'This Bitwarden export is encrypted; export the vault again as unencrypted JSON.',
    )
  const folders = new Map<string, string>()
  if (Array.isArray(root.folders))
    for (const f of root.folders) {
      const o = obj(f)
      if (o && typeof o.id === 'string') folders.set(o.id, str(o.name))
    }
  return root.items.map((raw, index): ImportRecord => {
    const item = obj(raw)
    const where = `item ${index + 1}`
    if (!item) throw new ImportFormatError(`${where}: not an object.`)
    if (typeof item.name !== 'string') throw new ImportFormatError(`${where}: it has no name.`)
    const login = obj(item.login)
    const record: ImportRecord = {
      where,
      name: item.name.trim(),
      key: str(login?.password).trim(),
    }
    if (item.type !== LOGIN || !login)
      record.skip = `${TYPE_NAMES[item.type as number] ?? 'not a login'}, with no key`
    if (item.deletedDate) record.skip = 'in the Bitwarden trash'
    if (str(login?.username).trim()) record.username = str(login?.username).trim()
    const uris = Array.isArray(login?.uris) ? login.uris : []
    const uri = uris.map((u) => str(obj(u)?.uri).trim()).find((u) => u !== '')
    if (uri) record.url = uri
    if (str(item.notes) !== '') record.notes = str(item.notes)
    const folder = typeof item.folderId === 'string' ? folders.get(item.folderId) : undefined
    if (folder) record.tags = [folder]
    for (const f of Array.isArray(item.fields) ? item.fields : []) {
      const field = obj(f)
      if (!field || !/^expir(es|y|ation)/i.test(str(field.name).trim())) continue
      const value = str(field.value).trim()
      if (value === '' || /^(never|none)$/i.test(value)) continue
      const t = parseDate(value)
      if (t === undefined)
        throw new ImportFormatError(`${where}: the "${str(field.name)}" field is not a date.`)
      record.expiresAt = t
    }
    const created = parseDate(str(item.creationDate))
    if (created !== undefined) record.createdAt = created
    return record
  })
}
