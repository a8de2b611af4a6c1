/**
 * `.env` files as dotenv reads them: `NAME=value` lines, optional `export `, comments (`#` at
 * the start of a line, or after a space in an unquoted value), values in single quotes (taken
 * as they are), double quotes (escapes \n \r \t \" \\, and may span lines) or backquotes.
 */
import { ImportFormatError, type ImportRecord } from './types'

const ASSIGNMENT = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/

function unescapeDouble(text: string): string {
  return text.replace(/\\([nrt"\\$])/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c,
  )
}

/** Parse a .env file: one record per assignment, in file order. */
export function parseDotenv(text: string): ImportRecord[] {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/)
  const records: ImportRecord[] = []
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1
    const trimmed = lines[i].trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const m = ASSIGNMENT.exec(trimmed)
    if (!m) throw new ImportFormatError(`line ${start}: not a NAME=value line (nor a # comment).`)
    let rest = trimmed.slice(m[0].length)
    let value: string
    const quote = rest[0]
    if (quote === '"' || quote === "'" || quote === '`') {
      // Find the closing quote, reading further lines for a multi-line value.
      let body = rest.slice(1)
      let close = findClose(body, quote)
      while (close < 0 && i + 1 < lines.length) {
        i++
        body += '\n' + lines[i]
        close = findClose(body, quote)
      }
      if (close < 0) throw new ImportFormatError(`line ${start}: the quoted value is never closed.`)
      const after = body.slice(close + 1).trim()
      if (after !== '' && !after.startsWith('#'))
        throw new ImportFormatError(`line ${start}: text after the closing quote.`)
      value = body.slice(0, close)
      if (quote === '"') value = unescapeDouble(value)
    } else {
      const comment = rest.search(/[ \t]#/)
      if (comment >= 0) rest = rest.slice(0, comment)
      value = rest.trim()
    }
    records.push({ where: `line ${start}`, name: m[1], key: value })
  }
  return records
}

/** Index of the closing quote in `body` (a backslash escapes one inside double quotes). */
function findClose(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (quote === '"' && body[j] === '\\') j++
    else if (body[j] === quote) return j
  }
  return -1
}
