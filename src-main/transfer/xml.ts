/**
 * A small XML reader for KeePass exports: elements, attributes, text, CDATA, comments and the
 * five named entities plus numeric ones. It refuses a DOCTYPE (so no entity expansion can be
 * smuggled in) and names the line of any error.
 */
import { ImportFormatError } from './types'

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  /** The element's own text (not its children's). */
  text: string
  line: number
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decode(raw: string, line: number): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);?/g, (whole, ent: string) => {
    if (!whole.endsWith(';')) throw new ImportFormatError(`line ${line}: a bare "&" in the text.`)
    if (ent[0] === '#') {
      const code = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10)
      if (!(code > 0 && code <= 0x10ffff))
        throw new ImportFormatError(`line ${line}: a character reference out of range.`)
      return String.fromCodePoint(code)
    }
    const c = NAMED[ent]
    if (c === undefined) throw new ImportFormatError(`line ${line}: an unknown entity &${ent};.`)
    return c
  })
}

/** Parse a document; returns its root element. */
export function parseXml(text: string): XmlElement {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  const advance = (to: number): void => {
    for (let j = i; j < to; j++) if (text.charCodeAt(j) === 10) line++
    i = to
  }
  const fail = (what: string): never => {
    throw new ImportFormatError(`line ${line}: ${what}`)
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    const textEnd = lt < 0 ? text.length : lt
    if (textEnd > i) {
      const chunk = text.slice(i, textEnd)
      if (stack.length > 0) stack[stack.length - 1].text += decode(chunk, line)
      else if (chunk.trim() !== '') fail('text outside the root element.')
      advance(textEnd)
      if (lt < 0) break
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4)
      if (end < 0) fail('a comment is never closed.')
      advance(end + 3)
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9)
      if (end < 0) fail('a CDATA section is never closed.')
      if (stack.length === 0) fail('CDATA outside the root element.')
      stack[stack.length - 1].text += text.slice(i + 9, end)
      advance(end + 3)
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2)
      if (end < 0) fail('a processing instruction is never closed.')
      advance(end + 2)
    } else if (text.startsWith('<!', i)) {
      fail('a DOCTYPE or declaration, which KeePass exports do not have.')
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i)
      if (end < 0) fail('a closing tag is never finished.')
      const name = text.slice(i + 2, end).trim()
      const open = stack.pop()
      if (!open) fail(`a closing </${name}> with nothing open.`)
      else if (open.name !== name) fail(`</${name}> closes <${open.name}> (line ${open.line}).`)
      advance(end + 1)
    } else {
      const m =
        /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
          text.slice(i, i + 4096),
        )
      if (!m) fail('a malformed tag.')
      const el: XmlElement = { name: m![1], attrs: {}, children: [], text: '', line }
      for (const a of m![2].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        el.attrs[a[1]] = decode(a[2] ?? a[3], line)
      if (stack.length > 0) stack[stack.length - 1].children.push(el)
      else if (root) fail('a second root element.')
      else root = el
      if (m![3] !== '/') stack.push(el)
      advance(i + m![0].length)
    }
  }
  if (stack.length > 0)
    throw new ImportFormatError(
      `line ${line}: the file ends inside <${stack[stack.length - 1].name}> (line ${stack[stack.length - 1].line}).`,
    )
  if (!root) throw new ImportFormatError('The file has no XML element.')
  return root
}

/** The first child element named `name`. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name)
}
