/** The masker: secrets concealed whole, split, repeated, at chunk edges, with nothing delayed. */
import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CONCEALED, Masker, maskingStream } from '../../src-main/run/mask'

const SECRET = 'uspl_MaskMe0123456789abcdefghijklmnopqrstu'
const OTHER = 'A.0123456789abcdef0123456789abcdef'

/** Feed the chunks through a masker; the whole output. */
function mask(secrets: string[], chunks: string[]): string {
  const m = new Masker(secrets)
  const out = chunks.map((c) => m.push(Buffer.from(c)))
  out.push(m.end())
  return Buffer.concat(out).toString()
}

/** What masking must produce, computed the slow obvious way. */
function expected(secrets: string[], text: string): string {
  let out = ''
  let i = 0
  const sorted = [...secrets].sort((a, b) => b.length - a.length)
  while (i < text.length) {
    const hit = sorted.find((s) => text.startsWith(s, i))
    if (hit) {
      out += CONCEALED
      i += hit.length
    } else out += text[i++]
  }
  // The masker's end rule: a start of a secret of 8 bytes or more left at the very end is
  // concealed too (found after the last whole secret only).
  for (let from = Math.max(0, text.length - 200); from < text.length; from++) {
    const rest = text.slice(from)
    if (rest.length < 8) break
    if (sorted.some((s) => s.length > rest.length && s.startsWith(rest)) && out.endsWith(rest))
      return out.slice(0, out.length - rest.length) + CONCEALED
  }
  return out
}

describe('Masker', () => {
  it('conceals a secret printed whole, and many times', () => {
    expect(mask([SECRET], [`key=${SECRET}\n`])).toBe(`key=${CONCEALED}\n`)
    expect(mask([SECRET], [`${SECRET}${SECRET} ${SECRET}`])).toBe(
      `${CONCEALED}${CONCEALED} ${CONCEALED}`,
    )
  })

  it('conceals a secret split byte by byte', () => {
    const text = `before ${SECRET} after`
    expect(mask([SECRET], [...text])).toBe(`before ${CONCEALED} after`)
  })

  it('conceals a secret across the edge of 64 KiB chunks', () => {
    const pad = 'x'.repeat(65536 - 10)
    const text = `${pad}${SECRET}${'y'.repeat(100)}`
    expect(mask([SECRET], [text.slice(0, 65536), text.slice(65536)])).toBe(
      `${pad}${CONCEALED}${'y'.repeat(100)}`,
    )
  })

  it('holds back only what could start a secret, and passes the rest at once', () => {
    const m = new Masker([SECRET])
    expect(m.push(Buffer.from('Password: ')).toString()).toBe('Password: ')
    expect(m.push(Buffer.from('token uspl_Ma')).toString()).toBe('token ')
    expect(m.push(Buffer.from('ss nothing')).toString()).toBe('uspl_Mass nothing')
    // Most of a secret at the very end is concealed, a short start is printed.
    const end = new Masker([SECRET])
    end.push(Buffer.from(SECRET.slice(0, 20)))
    expect(end.end().toString()).toBe(CONCEALED)
    const short = new Masker([SECRET])
    short.push(Buffer.from('uspl'))
    expect(short.end().toString()).toBe('uspl')
  })

  it('conceals multi-byte UTF-8 secrets split inside a character', () => {
    const secret = 'ключ-секрет-🔑-0123456789'
    const bytes = Buffer.from(`a ${secret} b`)
    const m = new Masker([secret])
    const out: Buffer[] = []
    for (let i = 0; i < bytes.length; i++) out.push(m.push(bytes.subarray(i, i + 1)))
    out.push(m.end())
    expect(Buffer.concat(out).toString()).toBe(`a ${CONCEALED} b`)
  })

  it('matches the obvious masking for any text and any split (two secrets)', () => {
    const alphabet = fc.constantFrom(
      'x',
      'u',
      's',
      'A',
      '.',
      '0',
      '\n',
      SECRET,
      OTHER,
      SECRET.slice(0, 9),
    )
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')),
        fc.array(fc.nat({ max: 200 }), { maxLength: 10 }),
        (text, cuts) => {
          const points = [...new Set(cuts.filter((c) => c < text.length))].sort((a, b) => a - b)
          const chunks: string[] = []
          let at = 0
          for (const p of points) {
            chunks.push(text.slice(at, p))
            at = p
          }
          chunks.push(text.slice(at))
          const got = mask([SECRET, OTHER], chunks)
          expect(got).toBe(expected([SECRET, OTHER], text))
          expect(got).not.toContain(SECRET)
          expect(got).not.toContain(OTHER)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('finds every secret when there are many (the single-pass search)', () => {
    const many = Array.from(
      { length: 12 },
      (_, i) => `sk_${i}_${'0123456789abcdef'.repeat(2).slice(i)}`,
    )
    const pieces = fc.constantFrom('x', 's', 'k', '_', '0', '\n', ...many, many[3].slice(0, 6))
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
        fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
        (text, cuts) => {
          const points = [...new Set(cuts.filter((c) => c < text.length))].sort((a, b) => a - b)
          const chunks = points.map((p, i) => text.slice(i === 0 ? 0 : points[i - 1], p))
          chunks.push(text.slice(points.length > 0 ? points[points.length - 1] : 0))
          const got = mask(many, chunks)
          expect(got).toBe(expected(many, text))
          for (const secret of many) expect(got).not.toContain(secret)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('works as a stream', async () => {
    const source = Readable.from(
      [`a ${SECRET.slice(0, 7)}`, `${SECRET.slice(7)} b`].map((s) => Buffer.from(s)),
    )
    const chunks: Buffer[] = []
    for await (const c of source.pipe(maskingStream([SECRET]))) chunks.push(c as Buffer)
    expect(Buffer.concat(chunks).toString()).toBe(`a ${CONCEALED} b`)
  })
})
