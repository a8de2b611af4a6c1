/**
 * The provider style of an imported key: from the key's shape where a provider's keys have one
 * of their own (`uspl_` Userplane, `A.`+32 hex WebPageTest, a 24-hex id with a 72-hex secret
 * BlazeMeter), else from the provider's name in the record's name, URL or user (webpagetest.org,
 * similarweb.com, userplane, wellows, blazemeter.com) when the key fits that provider's rules,
 * else generic.
 */
import {
  BLAZEMETER_ID_PATTERN,
  BLAZEMETER_SECRET_PATTERN,
  STYLE_RULES,
  credentialProblem,
  isEntryStyle,
  splitCombinedCredential,
  type EntryStyle,
} from '../providers'
import type { ImportRecord } from './types'

export interface Credential {
  key: string
  secret?: string
}

export interface StyleGuess {
  style: EntryStyle
  credential: Credential
  /** Said in the table when a hint was not followed. */
  note?: string
}

const HINTS: [EntryStyle, RegExp][] = [
  ['webpagetest', /webpagetest|wpt[_-]?(api)?[_-]?key/],
  ['similarweb', /similarweb/],
  ['userplane', /userplane/],
  ['wellows', /wellows/],
  ['blazemeter', /blazemeter/],
]

/** The credential as a given style takes it (BlazeMeter: id and secret, however the file has them). */
export function credentialFor(style: EntryStyle, r: ImportRecord): Credential {
  if (style !== 'blazemeter') return r.secret ? { key: r.key, secret: r.secret } : { key: r.key }
  if (r.secret) return { key: r.key, secret: r.secret }
  if (r.key.includes(':')) return splitCombinedCredential({ key: r.key })
  // A password manager's login: the key id as the user name, the secret as the password.
  if (r.username && BLAZEMETER_ID_PATTERN.test(r.username))
    return { key: r.username, secret: r.key }
  return { key: r.key }
}

function byShape(r: ImportRecord): EntryStyle | undefined {
  if (r.key.startsWith('uspl_')) return 'userplane'
  if (/^A\.[0-9a-fA-F]{32}$/.test(r.key)) return 'webpagetest'
  const bm = credentialFor('blazemeter', r)
  if (BLAZEMETER_ID_PATTERN.test(bm.key) && BLAZEMETER_SECRET_PATTERN.test(bm.secret ?? ''))
    return 'blazemeter'
  return undefined
}

/** Guess a record's style; `forced` (--style, or a style column) wins. */
export function guessStyle(r: ImportRecord, forced?: EntryStyle): StyleGuess {
  const named = forced ?? (isEntryStyle(r.style) ? r.style : undefined)
  if (named) return { style: named, credential: credentialFor(named, r) }
  const shaped = byShape(r)
  if (shaped) return { style: shaped, credential: credentialFor(shaped, r) }
  const haystack = [r.name, r.url ?? '', r.username ?? ''].join(' ').toLowerCase()
  for (const [style, pattern] of HINTS) {
    if (!pattern.test(haystack)) continue
    const credential = credentialFor(style, r)
    if (credentialProblem(style, credential) === null) return { style, credential }
    return {
      style: 'generic',
      credential: credentialFor('generic', r),
      note: `named like ${STYLE_RULES[style].displayName}, but the key is not in its shape`,
    }
  }
  return { style: 'generic', credential: credentialFor('generic', r) }
}
