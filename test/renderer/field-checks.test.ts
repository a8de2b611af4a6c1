import { describe, expect, it } from 'vitest'
import {
  baseUrlProblem,
  datesProblem,
  environmentProblem,
  fieldOfError,
  guessStyle,
  keyProblem,
  keyWarning,
  nameProblem,
  notesProblem,
  projectIdProblem,
  rotationProblem,
  secretProblem,
  tagsProblem,
  withNextStep,
} from '../../src-renderer/lib/field-checks'
import { createRouter } from '../../src-main/ipc/router'
import type { AppServices } from '../../src-main/services/app-services'

describe('keyProblem', () => {
  it('says what to do for each style’s malformed key', () => {
    expect(keyProblem('userplane', 'sk_live_0123456789abcdef')).toMatch(/starts with uspl_/)
    expect(keyProblem('blazemeter', 'XYZ')).toMatch(/24 characters/)
    expect(keyProblem('webpagetest', 'A.abc')).toMatch(/too short for a key \(5 characters/)
    expect(keyProblem('generic', 'two words here 0123')).toMatch(/Remove the spaces/)
    expect(keyProblem('generic', '')).toBe('Paste the key.')
  })
  it('accepts well-formed keys', () => {
    expect(keyProblem('userplane', 'uspl_' + 'a'.repeat(40))).toBeNull()
    expect(keyProblem('blazemeter', '0123456789abcdef01234567')).toBeNull()
    expect(keyProblem('webpagetest', 'A.' + '0'.repeat(32))).toBeNull()
  })
  it('checks a BlazeMeter secret unless it came with the id', () => {
    expect(secretProblem('ab', '0123456789abcdef01234567')).toMatch(/72 characters/)
    expect(secretProblem('', '0123456789abcdef01234567:' + 'a'.repeat(72))).toBeNull()
  })
  it('explains a bad base URL', () => {
    expect(baseUrlProblem('ftp://x')).toMatch(/https:\/\//)
    expect(baseUrlProblem('not a url')).toMatch(/whole address/)
    expect(baseUrlProblem('')).toBeNull()
  })
})

describe('guessStyle', () => {
  it('recognises documented shapes only', () => {
    expect(guessStyle('uspl_abc')).toBe('userplane')
    expect(guessStyle('A.' + 'F'.repeat(32))).toBe('webpagetest')
    expect(guessStyle('a'.repeat(24) + ':' + 'b'.repeat(72))).toBe('blazemeter')
    expect(guessStyle('c'.repeat(32))).toBe('similarweb')
    expect(guessStyle('sk_live_whatever_0123')).toBeNull()
  })
})

describe('fieldOfError', () => {
  it('maps input paths and rule subjects to form fields', () => {
    expect(fieldOfError('entry.credential.key', 'x')).toBe('key')
    expect(fieldOfError('entry.credential.secret', 'x')).toBe('secret')
    expect(fieldOfError('credential', 'A BlazeMeter key secret is 72…')).toBe('secret')
    expect(fieldOfError('entry.name', 'x')).toBe('name')
    expect(fieldOfError('expiresAt', 'x')).toBe('expiry')
    expect(fieldOfError('scope', 'The project id must be…')).toBe('projectId')
    expect(fieldOfError(undefined, 'Too many keys for this owner.')).toBeNull()
  })
})

describe('checks beyond the key', () => {
  const HEX24 = '0123456789abcdef01234567'
  it('checks both halves of a BlazeMeter id:secret pasted together', () => {
    expect(keyProblem('blazemeter', 'abc:def')).toMatch(/^Before the colon goes the key id/)
    expect(keyProblem('blazemeter', `${HEX24}:short`)).toMatch(
      /^After the colon goes the key secret/,
    )
    expect(keyProblem('blazemeter', `${HEX24}:${'a'.repeat(72)}`)).toBeNull()
  })
  it('warns (without refusing) about WebPageTest and Similarweb keys of an unusual shape', () => {
    expect(keyWarning('webpagetest', 'A.' + 'z'.repeat(32))).toMatch(/usually A\. and 32/)
    expect(keyWarning('webpagetest', 'A.' + 'F'.repeat(32))).toBeNull()
    expect(keyWarning('similarweb', 'Z'.repeat(32))).toMatch(/usually 32 characters/)
    expect(keyWarning('similarweb', 'a'.repeat(32))).toBeNull()
    expect(keyWarning('generic', 'anything-at-all-0123')).toBeNull()
    // A key that is refused gets its error, not also a warning.
    expect(keyWarning('similarweb', 'short')).toBeNull()
  })
  it('says how long names, environments, tags and notes may be', () => {
    expect(nameProblem('n'.repeat(201))).toMatch(/^Shorten the name to 200 characters/)
    expect(nameProblem('n'.repeat(200))).toBeNull()
    expect(environmentProblem('e'.repeat(201))).toMatch(/^Shorten the environment/)
    expect(tagsProblem(['t'.repeat(65)])).toMatch(/^Shorten the tag .* to 64 characters/)
    expect(tagsProblem(Array.from({ length: 51 }, (_, i) => `t${i}`))).toMatch(/remove 1/)
    expect(notesProblem('x'.repeat(10_001))).toMatch(/^Shorten the notes to 10,000/)
  })
  it('wants a Wellows project id from 1 up', () => {
    for (const bad of ['', 'abc', '0', '1.5', '99999999999999999999'])
      expect(projectIdProblem(bad)).toMatch(/whole number from 1 up/)
    expect(projectIdProblem(' 42 ')).toBeNull()
  })
  it('wants a rotation policy of 1 to 3650 whole days, or none', () => {
    for (const bad of ['0', '-3', '2.5', 'weekly', '3651'])
      expect(rotationProblem(bad)).toMatch(/whole number of days from 1 to 3650/)
    expect(rotationProblem('')).toBeNull()
    expect(rotationProblem('90')).toBeNull()
    expect(fieldOfError('patch.rotationPolicyDays', 'x')).toBe('rotation')
  })
  it('adds what to do to a provider refusal that only states the limit', () => {
    expect(
      withNextStep(
        'The expiration period exceeds the maximum allowed by your account settings (10 years).',
      ),
    ).toMatch(/\(10 years\)\. Pick an earlier expiry date\.$/)
    expect(withNextStep('Userplane keys must have an expiry.')).toMatch(/Pick one of/)
    expect(withNextStep('Delete a key you no longer use first.')).toBe(
      'Delete a key you no longer use first.',
    )
  })
  it('puts a date problem on the date it is about', () => {
    const now = Date.UTC(2026, 5, 1)
    const day = 86_400_000
    expect(datesProblem(now + day, null, now).issuedOn).toMatch(/earlier day/)
    expect(datesProblem(null, now - day, now).expiry).toMatch(/after today/)
    expect(datesProblem(now - 10 * day, now - 20 * day, now).expiry).toMatch(/after the day/)
    expect(datesProblem(now - day, now + day, now)).toEqual({})
  })
})

describe('router errors for forms', () => {
  // Input is checked before any service is touched, so no services are needed here.
  const router = createRouter({} as AppServices)
  it('names the field and words the problem plainly, without zod’s raw text', async () => {
    const result = await router.call('entries.add', {
      entry: { style: 'generic', name: 'x', credential: { key: '' } },
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INVALID_INPUT')
    expect(result.error.field).toBe('entry.credential.key')
    expect(result.error.message).toBe('The key is required.')
    const tooLong = await router.call('entries.add', {
      entry: { style: 'generic', name: 'n'.repeat(5000), credential: { key: 'k'.repeat(20) } },
    })
    if (tooLong.ok) throw new Error('accepted')
    expect(tooLong.error.field).toBe('entry.name')
    expect(tooLong.error.message).toMatch(/^The name is longer than \d+ characters; shorten it\.$/)
  })
})
