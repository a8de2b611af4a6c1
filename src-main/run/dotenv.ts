/**
 * `.env` files, in the dotenv syntax most tools share: `NAME=value` lines, an optional `export `
 * in front, `#` comments (a whole line, or after a value with whitespace before the `#`), and
 * values in single quotes (literal), double quotes (with \n \r \t \" \\ \$ escapes) or
 * backquotes (literal); any quoted value may span lines. Unquoted values are trimmed. No `${VAR}`
 * expansion: a value is what the file says. Errors name the line, never a value.
 */
import { RunError } from './errors'

export interface EnvAssignment {
  name: string
  value: string
  /** 1-based line where the assignment starts. */
  line: number
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const EXPORT = /export[ \t]+/y
const BLANK = /[ \t]*/y

const DOUBLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '"': '"',
  '\\': '\\',
  $: '$',
}

/** Parse a .env file's text; `source` names the file in errors. */
export function parseDotenv(text: string, source: string): EnvAssignment[] {
  const s = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const out: EnvAssignment[] = []
  let i = 0
  let line = 1
  const fail = (at: number, what: string): never => {
    throw new RunError(`${source}, line ${at}: ${what}`)
  }
  const skip = (re: RegExp): boolean => {
    re.lastIndex = i
    const m = re.exec(s)
    if (!m) return false
    i += m[0].length
    return m[0].length > 0
  }
  /** Only whitespace and an optional comment may follow a value on its line. */
  const endOfLine = (): void => {
    skip(BLANK)
    if (s[i] === '#') while (i < s.length && s[i] !== '\n') i++
    if (i < s.length && s[i] !== '\n') fail(line, 'unexpected text after the closing quote.')
  }
  while (i < s.length) {
    skip(BLANK)
    if (s[i] === '\n') {
      i++
      line++
      continue
    }
    if (s[i] === '#') {
      while (i < s.length && s[i] !== '\n') i++
      continue
    }
    const start = line
    skip(EXPORT)
    NAME.lastIndex = i
    const m = NAME.exec(s)
    if (!m) fail(start, 'expected NAME=value (a name is letters, digits and _).')
    const name = (m as RegExpExecArray)[0]
    i += name.length
    skip(BLANK)
    if (s[i] !== '=') fail(start, `expected = after ${name}.`)
    i++
    skip(BLANK)
    const quote = s[i]
    let value = ''
    if (quote === "'" || quote === '`' || quote === '"') {
      i++
      let closed = false
      while (i < s.length) {
        const c = s[i]
        if (c === quote) {
          closed = true
          i++
          break
        }
        if (c === '\n') line++
        if (c === '\\' && quote === '"' && i + 1 < s.length) {
          const next = s[i + 1]
          if (next in DOUBLE_ESCAPES) {
            value += DOUBLE_ESCAPES[next]
            i += 2
            continue
          }
        }
        value += c
        i++
      }
      if (!closed) fail(start, `the value of ${name} opens a ${quote} quote that is never closed.`)
      endOfLine()
    } else {
      let end = i
      while (end < s.length && s[end] !== '\n') {
        if (s[end] === '#' && (end === i || s[end - 1] === ' ' || s[end - 1] === '\t')) break
        end++
      }
      value = s.slice(i, end).trim()
      i = end
      while (i < s.length && s[i] !== '\n') i++
    }
    out.push({ name, value, line: start })
  }
  return out
}

/** A value written so that parseDotenv reads it back exactly. */
export function formatDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@%+=,~-]*$/.test(value)) return value
  if (!value.includes("'")) return `'${value}'`
  const escaped = value.replace(/[\\"$\n\r\t]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${c}`,
  )
  return `"${escaped}"`
}
