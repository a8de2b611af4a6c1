/**
 * A CSV file with a header row, columns named as people name them: name or title; key, token,
 * value or password; and optionally secret, username, url, notes, tags, environment, style,
 * expires and created. Column names match in any case, with or without spaces or underscores.
 */
import { csvObjects, headerKey, readCsv } from './csv-reader'
import { ImportFormatError, parseDate, splitTags, type ImportRecord } from './types'

const NAME = ['name', 'title', 'entry', 'label', 'service']
const KEY = ['key', 'apikey', 'token', 'apitoken', 'credential', 'value', 'password', 'keyid']
const SECRET = ['secret', 'keysecret', 'apisecret']
const USERNAME = ['username', 'user', 'account', 'login', 'owner']
const URL_ = ['url', 'website', 'uri', 'baseurl', 'host', 'hostname']
const NOTES = ['notes', 'note', 'description', 'comment']
const TAGS = ['tags', 'tag', 'labels']
const ENV = ['environment', 'env']
const STYLE = ['style', 'provider']
const EXPIRES = ['expires', 'expiresat', 'expiry', 'expirydate', 'expiration', 'expirationdate']
const CREATED = ['created', 'createdat', 'issued', 'issuedat']

function pick(header: string[], names: string[]): string | undefined {
  return names.find((n) => header.includes(n))
}

export function parseCsv(text: string): ImportRecord[] {
  const rows = readCsv(text)
  if (rows.length === 0) throw new ImportFormatError('The file has no header row.')
  const header = rows[0].fields.map(headerKey)
  const name = pick(header, NAME)
  const key = pick(header, KEY)
  if (!name) throw new ImportFormatError('line 1: the header has no name (or title) column.')
  if (!key) throw new ImportFormatError('line 1: the header has no key (or token, value) column.')
  const col = (names: string[]): string | undefined => pick(header, names)
  const [secret, user, url, notes, tags, env, style, expires, created] = [
    SECRET,
    USERNAME,
    URL_,
    NOTES,
    TAGS,
    ENV,
    STYLE,
    EXPIRES,
    CREATED,
  ].map(col)
  return csvObjects(rows).map((row): ImportRecord => {
    const where = `line ${row.line}`
    const get = (c: string | undefined): string => (c ? row.get(c).trim() : '')
    const record: ImportRecord = { where, name: get(name), key: get(key) }
    if (get(secret)) record.secret = get(secret)
    if (get(user)) record.username = get(user)
    if (get(url)) record.url = get(url)
    if (notes && row.get(notes) !== '') record.notes = row.get(notes)
    if (get(tags)) record.tags = splitTags(get(tags))
    if (get(env)) record.environment = get(env)
    if (get(style)) record.style = get(style).toLowerCase()
    const exp = get(expires)
    if (exp !== '' && !['never', 'none'].includes(exp.toLowerCase())) {
      const t = parseDate(exp)
      if (t === undefined)
        throw new ImportFormatError(`${where}: the expiry is not a date like 2026-12-31.`)
      record.expiresAt = t
    }
    const made = get(created)
    if (made !== '') {
      const t = parseDate(made)
      if (t === undefined)
        throw new ImportFormatError(`${where}: the creation date is not a date like 2026-12-31.`)
      record.createdAt = t
    }
    return record
  })
}
