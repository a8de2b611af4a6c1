/** kw:// references, .env parsing, and the NAME rule of export: pure functions, real inputs. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDotenvValue, parseDotenv } from '../../src-main/run/dotenv'
import { envNameOf } from '../../src-main/run/export'
import { fillTemplate, templateReferences } from '../../src-main/run/inject'
import { formatReference, parseReference } from '../../src-main/run/reference'

describe('kw:// references', () => {
  it('reads the entry and the field; the field follows the last slash', () => {
    expect(parseReference('kw://ci/key')).toMatchObject({ entry: 'ci', field: 'key' })
    expect(parseReference('kw://team/ci/credential')).toMatchObject({
      entry: 'team/ci',
      field: 'credential',
    })
    expect(parseReference('kw://load test/secret')).toMatchObject({ entry: 'load test' })
    expect(parseReference('kw://50%25%20off/id')).toMatchObject({ entry: '50% off', field: 'id' })
  })

  it('refuses malformed references with a reason', () => {
    expect(() => parseReference('kw://ci')).toThrow(/names no field/)
    expect(() => parseReference('kw://ci/password')).toThrow(/unknown field/)
    expect(() => parseReference('kw:///key')).toThrow(/names no entry/)
    expect(() => parseReference('kw://%zz/key')).toThrow(/%-escape/)
    expect(() => parseReference('http://ci/key')).toThrow(/kw:\/\//)
  })

  it('formats any name so that it reads back', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        fc.constantFrom('key', 'secret', 'id', 'credential' as const),
        (name, field) => {
          const ref = parseReference(formatReference(name, field))
          expect(ref.entry).toBe(name)
          expect(ref.field).toBe(field)
        },
      ),
    )
  })
})

describe('.env files', () => {
  it('reads quotes, export, comments and multi-line values', () => {
    const text = [
      '# a comment',
      '',
      'PLAIN=kw://ci/key',
      'export EXPORTED = spaced value   # trailing comment',
      "SINGLE='literal $HOME \\n # not a comment'",
      'DOUBLE="tab\\there \\"quoted\\" \\$HOME"',
      'MULTI="first',
      'second"',
      "PEM='-----BEGIN-----",
      'abc',
      "-----END-----' # after",
      'BACK=`back tick`',
      'EMPTY=',
      'HASH=a#b',
      'crlf=yes\r',
    ].join('\n')
    const parsed = parseDotenv(text, 'test.env')
    expect(Object.fromEntries(parsed.map((a) => [a.name, a.value]))).toEqual({
      PLAIN: 'kw://ci/key',
      EXPORTED: 'spaced value',
      SINGLE: 'literal $HOME \\n # not a comment',
      DOUBLE: 'tab\there "quoted" $HOME',
      MULTI: 'first\nsecond',
      PEM: '-----BEGIN-----\nabc\n-----END-----',
      BACK: 'back tick',
      EMPTY: '',
      HASH: 'a#b',
      crlf: 'yes',
    })
    expect(parsed.find((a) => a.name === 'PEM')?.line).toBe(9)
    expect(parsed.find((a) => a.name === 'BACK')?.line).toBe(12)
  })

  it('names the file and line of a mistake, never the value', () => {
    expect(() => parseDotenv('A=1\nnot an assignment', 'x.env')).toThrow(
      'x.env, line 2: expected = after not.',
    )
    expect(() => parseDotenv('A=1\nB="sk_live_secret\n', 'x.env')).toThrow(
      /^x\.env, line 2: the value of B opens a " quote that is never closed\.$/,
    )
    expect(() => parseDotenv("A='x' trailing", 'x.env')).toThrow(/line 1: unexpected text/)
    expect(() => parseDotenv('1A=x', 'x.env')).toThrow(/line 1: expected NAME=value/)
  })

  it('writes values that read back exactly', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseDotenv(`V=${formatDotenvValue(value)}\n`, 'gen.env')
        expect(parsed).toEqual([{ name: 'V', value: value.replace(/\r\n?/g, '\n'), line: 1 }])
      }),
      { numRuns: 500 },
    )
  })
})

describe('export names and inject placeholders', () => {
  it('derives NAME from the entry name', () => {
    expect(envNameOf('ci deploy/prod')).toBe('CI_DEPLOY_PROD')
    expect(envNameOf('  wpt -- key  ')).toBe('WPT_KEY')
    expect(envNameOf('2fa')).toBe('_2FA')
    expect(envNameOf('ключ')).toBe('KEY')
  })

  it('finds placeholders with their line and fills them in order', () => {
    const template =
      'a={{ kw://ci/key }}\nb={{kw://my key/credential}} c={{ kw://x/id}}\n{{ other }}'
    expect(templateReferences(template)).toEqual([
      { where: 'line 1', reference: 'kw://ci/key' },
      { where: 'line 2', reference: 'kw://my key/credential' },
      { where: 'line 2', reference: 'kw://x/id' },
    ])
    expect(fillTemplate(template, ['1', '2', '3'])).toBe('a=1\nb=2 c=3\n{{ other }}')
  })
})
