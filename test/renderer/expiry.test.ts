import { describe, expect, it } from 'vitest'
import type { EntryDetail } from '../../src-main/ipc/contract'
import {
  changedFields,
  editFieldsOf,
  editPatch,
  rebaseFields,
} from '../../src-renderer/lib/edit-fields'
import {
  editExpiresAt,
  editExpiryValue,
  expirySentence,
  longDate,
  nearestChoice,
  rotateExpiresAt,
  rotatePrefill,
} from '../../src-renderer/lib/expiry'
import { DAY_MS, formatDate } from '../../src-renderer/lib/format'
import { dateInputToMs } from '../../src-renderer/lib/styles'

const NOW = new Date(2026, 5, 10, 12, 0, 0).getTime()
const ISSUED = NOW - 10 * DAY_MS

describe('rotatePrefill', () => {
  it('keeps a date-style lifetime exactly, counted from now, while the date is untouched', () => {
    const key = { expiresAt: ISSUED + 45 * DAY_MS, lastRotatedAt: ISSUED }
    const p = rotatePrefill('webpagetest', key, NOW)
    expect(p.value).toBe(formatDate(NOW + 45 * DAY_MS))
    expect(p.note).toBeNull()
    expect(rotateExpiresAt(p.value, p, NOW)).toBe(NOW + 45 * DAY_MS)
    // A minute later the lifetime still counts from the moment of saving.
    expect(rotateExpiresAt(p.value, p, NOW + 60_000)).toBe(NOW + 60_000 + 45 * DAY_MS)
    // A date the user picked means the end of that day.
    expect(rotateExpiresAt('2026-12-31', p, NOW)).toBe(dateInputToMs('2026-12-31'))
    expect(rotateExpiresAt('', p, NOW)).toBeNull()
  })

  it('starts empty for a key without expiry and for a style whose keys never expire', () => {
    expect(rotatePrefill('generic', { expiresAt: null, lastRotatedAt: ISSUED }, NOW).value).toBe('')
    const sw = rotatePrefill('similarweb', { expiresAt: NOW + DAY_MS, lastRotatedAt: ISSUED }, NOW)
    expect(sw).toEqual({ value: '', lifetimeMs: null, note: null })
  })

  it('picks the Userplane choice equal to the old lifetime, else the nearest, never over 90 days', () => {
    const at = (days: number) => ({ expiresAt: ISSUED + days * DAY_MS, lastRotatedAt: ISSUED })
    expect(rotatePrefill('userplane', at(30), NOW)).toMatchObject({ value: 'd30', note: null })
    expect(rotatePrefill('userplane', at(60), NOW).value).toBe('d60')
    const odd = rotatePrefill('userplane', at(40), NOW)
    expect(odd.value).toBe('d30')
    expect(odd.note).toMatch(/40 days.*7, 30, 60, 90/)
    expect(rotatePrefill('userplane', at(400), NOW).value).toBe('d90')
    expect(rotatePrefill('userplane', at(1), NOW).value).toBe('d7')
    // A fixed choice counts from the moment of saving.
    const p = rotatePrefill('userplane', at(30), NOW)
    expect(rotateExpiresAt(p.value, p, NOW)).toBe(NOW + 30 * DAY_MS)
    expect(rotateExpiresAt('d7', p, NOW)).toBe(NOW + 7 * DAY_MS)
  })

  it('breaks a tie towards the shorter choice', () => {
    expect(nearestChoice(45 * DAY_MS)).toBe(30)
    expect(nearestChoice(18.5 * DAY_MS)).toBe(7)
    expect(nearestChoice(19 * DAY_MS)).toBe(30)
  })
})

describe('expirySentence', () => {
  it('names the date and the whole days left', () => {
    const at = new Date(2027, 2, 12, 12, 0, 0).getTime()
    expect(longDate(at)).toBe('12 Mar 2027')
    expect(expirySentence('New key', at, at - 30 * DAY_MS - 3_600_000)).toBe(
      'New key expires on 12 Mar 2027 (in 30 days).',
    )
    expect(expirySentence('New key', null, NOW)).toBe('New key never expires.')
    expect(expirySentence('New key', NOW - 1, NOW)).toMatch(/already past/)
    expect(expirySentence('New key', 'invalid', NOW)).toBe('The expiry date is not a valid date.')
  })
})

function detail(over: Partial<EntryDetail> = {}): EntryDetail {
  return {
    id: 'e1',
    style: 'webpagetest',
    status: 'active',
    createdAt: ISSUED,
    updatedAt: ISSUED,
    expiresAt: ISSUED + 30 * DAY_MS,
    lastRotatedAt: ISSUED,
    rotationPolicyDays: null,
    lastCheck: null,
    name: 'ci',
    environment: 'prod',
    tags: ['a', 'b'],
    notes: '',
    scope: {},
    baseUrl: null,
    origin: 'manual',
    serverKeyId: null,
    hasSecret: false,
    historyCount: 0,
    version: 3,
    keyMask: 'A.01…ef',
    ...over,
  }
}

describe('edit fields', () => {
  it('sends only what the user changed, and can clear an expiry', () => {
    const e = detail()
    const base = editFieldsOf(e)
    expect(editPatch(e, base, base)).toEqual({})
    expect(editPatch(e, base, { ...base, expiry: '' })).toEqual({ expiresAt: null })
    expect(editPatch(e, base, { ...base, expiry: '2026-12-31', name: ' ci2 ' })).toEqual({
      expiresAt: dateInputToMs('2026-12-31'),
      name: 'ci2',
    })
    expect(editPatch(e, base, { ...base, expiry: '2026-02-31' })).toEqual({
      problem: 'The expiry date is not a valid date.',
    })
  })

  it('counts a Userplane choice from when the key was issued', () => {
    const e = detail({ style: 'userplane', expiresAt: ISSUED + 30 * DAY_MS })
    expect(editExpiryValue('userplane', e)).toBe('d30')
    expect(editExpiresAt('d60', e)).toBe(ISSUED + 60 * DAY_MS)
  })

  it('after a change elsewhere keeps the user’s own changes over the new values', () => {
    const base = editFieldsOf(detail())
    const mine = { ...base, notes: 'mine' }
    const fresh = editFieldsOf(detail({ name: 'renamed', expiresAt: null }))
    const out = rebaseFields(base, mine, fresh)
    expect(out).toEqual({ ...fresh, notes: 'mine' })
    expect(changedFields(fresh, out)).toEqual(['notes'])
  })
})
