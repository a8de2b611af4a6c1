import { describe, expect, it } from 'vitest'
import {
  adviceFor,
  countText,
  notificationText,
  reminderSentence,
  relative,
} from '../../src-main/reminders/texts'
import type { DueReminder } from '../../src-main/reminders/types'
import { DAY, HOUR } from './helpers'

const NOW = Date.UTC(2026, 5, 1, 12)

function soon(
  id: string,
  threshold: number,
  style: DueReminder['style'] = 'webpagetest',
): DueReminder {
  return {
    entryId: id,
    style,
    kind: 'expires-soon',
    threshold,
    dueAt: NOW,
    deadline: NOW + threshold * DAY,
  }
}

const names = new Map([
  ['id-1', 'ci-deploy'],
  ['id-2', 'staging monitor'],
  ['id-3', 'prod'],
])

describe('reminder texts', () => {
  it('names no key while locked', () => {
    const fired = [soon('id-1', 7), soon('id-2', 1), soon('id-3', 7, 'userplane')]
    const text = notificationText(fired, null, NOW)
    expect(text.body).toBe('3 keys expire within 7 days — unlock to see which')
    expect(text.title).toBe('Keywarden')
    const all = JSON.stringify(text) + fired.map((r) => reminderSentence(r, null, NOW)).join()
    for (const secretish of ['id-1', 'id-2', 'id-3', 'ci-deploy', 'staging', 'prod'])
      expect(all).not.toContain(secretish)
    expect(reminderSentence(fired[2]!, null, NOW)).toBe(
      'A Userplane key expires in 7 days (2026-06-08 12:00 UTC)',
    )
  })

  it('counts several kinds while locked', () => {
    const expired: DueReminder = { ...soon('id-1', 0), kind: 'expired', deadline: NOW - DAY }
    const rot: DueReminder = { ...soon('id-2', 0), kind: 'rotation-due', policyDays: 90 }
    expect(notificationText([soon('id-3', 14), expired, rot], null, NOW).body).toBe(
      '1 key has expired, 1 key expires within 14 days, 1 key is due for rotation — unlock to see which',
    )
    expect(countText(0)).toBe('No key needs attention')
    expect(countText(1)).toBe('1 key needs attention')
    expect(countText(4)).toBe('4 keys need attention')
  })

  it('names the keys once unlocked', () => {
    const one = notificationText([soon('id-1', 7)], names, NOW)
    expect(one.title).toBe(
      'Keywarden: “ci-deploy” (WebPageTest) expires in 7 days (2026-06-08 12:00 UTC)',
    )
    expect(one.body).toMatch(/create a new key/i)
    const many = notificationText([soon('id-1', 7), soon('id-2', 1)], names, NOW)
    expect(many.title).toBe('Keywarden: 2 keys expire within 7 days')
    expect(many.body).toBe('2 keys expire within 7 days: “ci-deploy”, “staging monitor”')
  })

  it('gives provider advice', () => {
    const up: DueReminder = { ...soon('id-1', 7, 'userplane'), fact: 'userplane-max-lifetime' }
    expect(adviceFor(up)).toMatch(/at most 90 days and cannot be extended/)
    expect(adviceFor(up)).toMatch(/new key takes its slot/)
    const bm: DueReminder = {
      ...soon('id-1', 7, 'blazemeter'),
      fact: 'blazemeter-account-cap',
      expiryFromCap: true,
    }
    expect(adviceFor(bm)).toMatch(/account's expiry cap/)
    expect(adviceFor(bm)).toMatch(/regenerate its secret/i)
    const wpt: DueReminder = { ...soon('id-1', 0), kind: 'expired' }
    expect(adviceFor(wpt)).toMatch(/2 days/)
    const failed: DueReminder = {
      ...soon('id-1', 0),
      kind: 'validation-failed',
      verdict: 'invalid',
    }
    expect(reminderSentence(failed, names, NOW)).toBe(
      '“ci-deploy” (WebPageTest) was refused by its provider at 2026-06-01 12:00 UTC',
    )
  })

  it('counts whole units down, never up', () => {
    expect(relative(NOW + 2 * DAY + 5 * HOUR, NOW)).toBe('in 2 days')
    expect(relative(NOW + 3 * DAY - 1, NOW)).toBe('in 2 days')
    expect(relative(NOW + 3 * DAY, NOW)).toBe('in 3 days')
    expect(relative(NOW + 23 * HOUR + 59 * 60_000, NOW)).toBe('in 23 hours')
    expect(relative(NOW + 90 * 60_000, NOW)).toBe('in 1 hour')
    expect(relative(NOW + 59 * 60_000 + 59_000, NOW)).toBe('in 59 minutes')
    expect(relative(NOW + 30_000, NOW)).toBe('in less than a minute')
    expect(relative(NOW - 2 * DAY - 20 * HOUR, NOW)).toBe('2 days ago')
  })
})
