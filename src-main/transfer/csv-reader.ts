/**
 * RFC 4180 CSV: fields separated by commas, quoted with double quotes (a doubled quote inside),
 * quoted fields may span lines. Each row keeps the line it starts on, for error messages.
 */
import { ImportFormatError } from './types'

export interface CsvRow {
  line: number
  fields: string[]
}

/** Read every row; a blank line is no row. Throws ImportFormatError naming the line. */
export function readCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let rowLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let quoted = false
  let afterQuote = false
  const endRow = (): void => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields })
    fields = []
    field = ''
    afterQuote = false
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else {
          quoted = false
          afterQuote = true
        }
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === ',') {
      fields.push(field)
      field = ''
      afterQuote = false
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else if (c === '"') {
      if (field !== '' || afterQuote)
        throw new ImportFormatError(`line ${line}: a quote in the middle of an unquoted field.`)
      quoted = true
    } else {
      if (afterQuote)
        throw new ImportFormatError(
          `line ${line}: text after a closing quote (a field is quoted wrongly).`,
        )
      field += c
    }
  }
  if (quoted) throw new ImportFormatError(`line ${rowLine}: a quoted field is never closed.`)
  if (field !== '' || fields.length > 0) endRow()
  return rows
}

/** A header's name reduced for matching: lower case, letters and digits only. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/**
 * The rows after the header as objects keyed by headerKey; a row with another number of fields
 * than the header is malformed.
 */
export function csvObjects(rows: CsvRow[]): { line: number; get: (key: string) => string }[] {
  if (rows.length === 0) throw new ImportFormatError('The file has no header row.')
  const header = rows[0].fields.map(headerKey)
  return rows.slice(1).map((r) => {
    if (r.fields.length !== header.length)
      throw new ImportFormatError(
        `line ${r.line}: ${r.fields.length} fields where the header has ${header.length}.`,
      )
    return {
      line: r.line,
      get: (key: string) => {
        const at = header.indexOf(key)
        return at < 0 ? '' : r.fields[at]
      },
    }
  })
}
