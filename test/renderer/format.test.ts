import { describe, expect, it } from 'vitest'
import {
  DAY_MS,
  expiryBadge,
  lastCheckBadge,
  passwordStrength,
  splitTags,
  timeAgo,
  timeLeft,
  waitText,
} from '../../src-renderer/lib/format'
import { dateInputToMs } from '../../src-renderer/lib/styles'

const NOW = new Date(2026, 5, 10, 12, 0, 0).getTime()

describe('expiryBadge', () => {
  it('says never, expired, N hours, and N days with a tone by urgency', () => {
    expect(expiryBadge(null, NOW)).toEqual({ text: 'never expires', tone: 'muted' })
    expect(expiryBadge(NOW, NOW)).toEqual({ text: 'expired', tone: 'bad' })
    expect(expiryBadge(NOW - 1, NOW).text).toBe('expired')
    expect(expiryBadge(NOW + 3_600_000, NOW)).toEqual({ text: 'expires in 1 hour', tone: 'bad' })
    expect(expiryBadge(NOW + DAY_MS, NOW)).toEqual({ text: 'expires in 1 day', tone: 'bad' })
    expect(expiryBadge(NOW + 7 * DAY_MS, NOW).tone).toBe('bad')
    expect(expiryBadge(NOW + 20 * DAY_MS, NOW)).toEqual({
      text: 'expires in 20 days',
      tone: 'warn',
    })
    expect(expiryBadge(NOW + 90 * DAY_MS, NOW)).toEqual({ text: 'expires in 3 months', tone: 'ok' })
    expect(expiryBadge(NOW + 31 * DAY_MS, NOW).text).toBe('expires in 4 weeks')
    expect(expiryBadge(NOW + 30 * DAY_MS, NOW).text).toBe('expires in 30 days')
    expect(expiryBadge(NOW + 83 * DAY_MS + 23 * 3_600_000, NOW).text).toBe('expires in 11 weeks')
  })

  it('never rounds the time left up: whole days, then whole hours under a day', () => {
    const HOUR = 3_600_000
    expect(expiryBadge(NOW + 2 * DAY_MS + 5 * HOUR, NOW).text).toBe('expires in 2 days')
    expect(expiryBadge(NOW + 2 * DAY_MS + 23 * HOUR, NOW).text).toBe('expires in 2 days')
    expect(expiryBadge(NOW + 1.9 * DAY_MS, NOW).text).toBe('expires in 1 day')
    expect(expiryBadge(NOW + DAY_MS - 1, NOW).text).toBe('expires in 23 hours')
    expect(expiryBadge(NOW + 5 * HOUR + 59 * 60_000, NOW).text).toBe('expires in 5 hours')
    expect(expiryBadge(NOW + HOUR - 1, NOW).text).toBe('expires in less than an hour')
    expect(expiryBadge(NOW + 60_000, NOW).text).toBe('expires in less than an hour')
    // 7 days and 20 hours left is still "7 days": the tone follows the same whole days.
    expect(expiryBadge(NOW + 7 * DAY_MS + 20 * HOUR, NOW)).toEqual({
      text: 'expires in 7 days',
      tone: 'bad',
    })
  })

  it('words the time left as the badge does', () => {
    expect(timeLeft(30 * DAY_MS)).toBe('in 30 days')
    expect(timeLeft(DAY_MS + 1)).toBe('in 1 day')
    expect(timeLeft(2 * 3_600_000)).toBe('in 2 hours')
  })
})

describe('times and waits', () => {
  it('words ages coarsely', () => {
    expect(timeAgo(NOW - 10_000, NOW)).toBe('just now')
    expect(timeAgo(NOW - 5 * 60_000, NOW)).toBe('5 min ago')
    expect(timeAgo(NOW - 3 * 3_600_000, NOW)).toBe('3 h ago')
    expect(timeAgo(NOW - 2 * DAY_MS, NOW)).toBe('2 days ago')
  })
  it('words the back-off wait, never "0 s"', () => {
    expect(waitText(1)).toBe('1 s')
    expect(waitText(1500)).toBe('2 s')
    expect(waitText(120_000)).toBe('2 min')
    expect(waitText(125_000)).toBe('2 min 5 s')
  })
  it('words the last check', () => {
    expect(lastCheckBadge(null, NOW)).toEqual({ text: 'not checked', tone: 'muted' })
    expect(lastCheckBadge({ status: 'valid', at: NOW }, NOW)).toEqual({
      text: 'valid · just now',
      tone: 'ok',
    })
    expect(lastCheckBadge({ status: 'invalid', at: NOW }, NOW).tone).toBe('bad')
  })
})

describe('passwordStrength', () => {
  it('grows with length and variety and punishes repetition', () => {
    expect(passwordStrength('').score).toBe(0)
    expect(passwordStrength('abc').score).toBe(0)
    expect(passwordStrength('aaaaaaaaaaaaaaaaaaaaaaaa').score).toBeLessThanOrEqual(1)
    expect(passwordStrength('correct horse battery staple').score).toBeGreaterThanOrEqual(3)
    expect(passwordStrength('Tr0ub4dor&3-xylophone-Quartz').score).toBe(4)
  })
})

describe('small parsers', () => {
  it('splits tags and drops blanks', () => {
    expect(splitTags(' a, b ,, c ')).toEqual(['a', 'b', 'c'])
    expect(splitTags('')).toEqual([])
  })
  it('reads date inputs as local days and refuses impossible dates', () => {
    expect(dateInputToMs('2026-06-10', 'start')).toBe(new Date(2026, 5, 10).getTime())
    expect(dateInputToMs('2026-06-10')).toBe(new Date(2026, 5, 10, 23, 59, 59).getTime())
    expect(dateInputToMs('2026-02-31')).toBeNull()
    expect(dateInputToMs('10/06/2026')).toBeNull()
  })
})
