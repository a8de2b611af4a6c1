import { describe, expect, it } from 'vitest'
import {
  baseUrlProblem,
  fieldOfError,
  guessStyle,
  keyProblem,
  secretProblem,
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
