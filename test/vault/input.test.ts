/**
 * What callers hand the vault, before any provider rule: BlazeMeter's combined id:secret is
 * taken apart where credentials are checked (so the CLI, the UI and import all get it), and
 * the shape warnings the CLI prints and the UI can show.
 */
import { describe, expect, it } from 'vitest'
import {
  credentialProblem,
  credentialWarnings,
  splitCombinedCredential,
} from '../../src-main/providers'
import { checkCredential, checkInput } from '../../src-main/vault/input'
import { InvalidInputError } from '../../src-main/vault'

const BM_ID = '0123456789abcdef01234567'
const BM_SECRET = 'ab'.repeat(36)

describe('checkCredential: BlazeMeter id:secret', () => {
  it('splits at the first colon when the style is BlazeMeter', () => {
    expect(checkCredential({ key: `${BM_ID}:${BM_SECRET}` }, 'blazemeter')).toEqual({
      key: BM_ID,
      secret: BM_SECRET,
    })
    expect(checkCredential({ key: 'id:se:cret' }, 'blazemeter')).toEqual({
      key: 'id',
      secret: 'se:cret',
    })
  })

  it('refuses the secret given twice', () => {
    expect(() =>
      checkCredential({ key: `${BM_ID}:${BM_SECRET}`, secret: BM_SECRET }, 'blazemeter'),
    ).toThrow(InvalidInputError)
  })

  it('leaves other styles alone, and splits without a style only a BlazeMeter-shaped id', () => {
    expect(checkCredential({ key: 'user:pass-for-generic' }, 'generic')).toEqual({
      key: 'user:pass-for-generic',
    })
    expect(checkCredential({ key: `${BM_ID}:${BM_SECRET}` }, 'generic')).toEqual({
      key: `${BM_ID}:${BM_SECRET}`,
    })
    // A rotation knows only the credential: the 24-hex id before the colon says BlazeMeter.
    expect(checkCredential({ key: `${BM_ID}:${BM_SECRET}` })).toEqual({
      key: BM_ID,
      secret: BM_SECRET,
    })
    expect(checkCredential({ key: 'user:pass-for-generic' })).toEqual({
      key: 'user:pass-for-generic',
    })
    expect(checkCredential({ key: BM_ID, secret: BM_SECRET })).toEqual({
      key: BM_ID,
      secret: BM_SECRET,
    })
  })

  it('checkInput splits with the entry style, as add and import reach it', () => {
    const input = checkInput(
      { style: 'blazemeter', name: 'load', credential: { key: `${BM_ID}:${BM_SECRET}` } },
      0,
    )
    expect(input.credential).toEqual({ key: BM_ID, secret: BM_SECRET })
  })
})

describe('credentialProblem: what cannot be a key', () => {
  const NOT_A_KEY = 'A key is at least 16 characters with no spaces or control characters.'
  it.each([
    ['webpagetest', 'hello'],
    ['similarweb', '0123456789abcde'],
    ['generic', 'has a space in it'],
    ['generic', 'line\nbreak-in-the-key'],
    ['generic', 'escape\u001b[0m-sequence'],
    ['generic', 'c1-control\u0085-character'],
  ] as const)('%s: %j', (style, key) => {
    expect(credentialProblem(style, { key })).toBe(NOT_A_KEY)
  })

  it('accepts 16 printable characters and more', () => {
    expect(credentialProblem('generic', { key: '0123456789abcdef' })).toBeNull()
    expect(credentialProblem('webpagetest', { key: 'A.' + 'f'.repeat(32) })).toBeNull()
  })
})

describe('credentialWarnings: a key without its usual shape is kept, with a warning', () => {
  it('WebPageTest: A. and 32 hex characters', () => {
    expect(credentialWarnings('webpagetest', { key: 'A.' + '0f'.repeat(16) })).toEqual([])
    expect(credentialWarnings('webpagetest', { key: 'A.' + '0F'.repeat(16) })).toEqual([])
    expect(credentialWarnings('webpagetest', { key: 'some-other-long-key' })).toEqual([
      'this does not look like a WebPageTest key (A. followed by 32 hex characters)',
    ])
  })

  it('Similarweb: 32 lowercase hex characters', () => {
    expect(credentialWarnings('similarweb', { key: '0f'.repeat(16) })).toEqual([])
    expect(credentialWarnings('similarweb', { key: '0F'.repeat(16) })).toEqual([
      'this does not look like a Similarweb key (32 lowercase hex characters)',
    ])
  })

  it('says nothing for styles without a known shape or with a hard rule instead', () => {
    expect(credentialWarnings('generic', { key: 'anything-at-all-goes' })).toEqual([])
    expect(credentialWarnings('wellows', { key: 'x'.repeat(20) })).toEqual([])
    expect(credentialWarnings('userplane', { key: 'uspl_short-but-fine' })).toEqual([])
  })
})

describe('splitCombinedCredential', () => {
  it('splits at the first colon, and never when a secret is already given', () => {
    expect(splitCombinedCredential({ key: 'a:b:c' })).toEqual({ key: 'a', secret: 'b:c' })
    expect(splitCombinedCredential({ key: 'no-colon' })).toEqual({ key: 'no-colon' })
    expect(splitCombinedCredential({ key: 'a:b', secret: 's' })).toEqual({
      key: 'a:b',
      secret: 's',
    })
  })
})
