// Daylight-saving changes in a real time zone: the zone is set before any date is formatted.
process.env.TZ = 'Europe/Berlin'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ReminderScheduler, type ReminderEvent } from '../../src-main/reminders/scheduler'
import type { Vault } from '../../src-main/vault'
import { DAY, FakeClock, newVault, tempFolder, wptKey } from './helpers'

const MINUTE = 60_000

let folder: ReturnType<typeof tempFolder>

beforeEach(() => {
  folder = tempFolder()
})
afterEach(() => folder.cleanup())

function localHm(at: number): string {
  const d = new Date(at)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

async function walk(
  start: number,
  expiries: number[],
  minutes: number,
): Promise<{ fired: Extract<ReminderEvent, { type: 'notify' }>[]; ids: string[] }> {
  const clock = new FakeClock(start)
  const vault: Vault = await newVault(folder.dir, clock.now)
  const ids = expiries.map(
    (expiresAt, i) =>
      vault.add({
        style: 'webpagetest',
        name: `k${i}`,
        credential: { key: wptKey(i + 1) },
        expiresAt,
        lastRotatedAt: start - 60 * DAY,
      }).id,
  )
  const scheduler = new ReminderScheduler({ store: vault, now: clock.now, timers: clock.timers })
  const fired: Extract<ReminderEvent, { type: 'notify' }>[] = []
  scheduler.subscribe((e) => {
    if (e.type === 'notify') fired.push(e)
  })
  scheduler.start()
  // Walk in 10-minute steps, as a machine's clock moves through the change.
  for (let m = 0; m < minutes; m += 10) clock.advance(10 * MINUTE)
  scheduler.stop()
  vault.close()
  return { fired, ids }
}

describe('daylight-saving changes (Europe/Berlin)', () => {
  it('is really in a zone with DST', () => {
    expect(new Date(Date.UTC(2026, 9, 25, 0, 30)).getTimezoneOffset()).toBe(-120)
    expect(new Date(Date.UTC(2026, 9, 25, 1, 30)).getTimezoneOffset()).toBe(-60)
  })

  it('autumn: two thresholds at the same local 02:30 (the repeated hour) each fire once', async () => {
    // The last Sunday of October 2026 is the 25th: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
    const first = Date.UTC(2026, 9, 26, 0, 30) // 1-day threshold: 25 Oct 00:30 UTC = 02:30 CEST
    const second = Date.UTC(2026, 9, 26, 1, 30) // 1-day threshold: 25 Oct 01:30 UTC = 02:30 CET
    expect(localHm(first - DAY)).toBe('02:30')
    expect(localHm(second - DAY)).toBe('02:30')
    const start = Date.UTC(2026, 9, 24, 0, 0)
    const { fired, ids } = await walk(start, [first, second], 3 * 24 * 60)
    const seen = fired.flatMap((e) =>
      e.reminders.map((r) => `${ids.indexOf(r.entryId)}:${r.kind}:${r.threshold}@${e.at}`),
    )
    expect(seen).toEqual([
      `0:expires-soon:7@${start}`,
      `1:expires-soon:7@${start}`,
      `0:expires-soon:1@${first - DAY}`,
      `1:expires-soon:1@${second - DAY}`,
      `0:expired:0@${first}`,
      `1:expired:0@${second}`,
    ])
    const byKind = (i: number, kind: string, t: number): number[] =>
      fired
        .filter((e) =>
          e.reminders.some((r) => r.entryId === ids[i] && r.kind === kind && r.threshold === t),
        )
        .map((e) => e.at)
    expect(byKind(0, 'expires-soon', 1)).toEqual([first - DAY])
    expect(byKind(1, 'expires-soon', 1)).toEqual([second - DAY])
    expect(byKind(0, 'expired', 0)).toEqual([first])
    expect(byKind(1, 'expired', 0)).toEqual([second])
    // Exactly 24 hours of elapsed time apart, though the local day was 25 hours long.
    expect(first - byKind(0, 'expires-soon', 1)[0]!).toBe(DAY)
  })

  it('spring: a threshold at a local time that does not exist still fires once', async () => {
    // 28 March 2027: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; local 02:30 never happens.
    const expiry = Date.UTC(2027, 2, 29, 1, 30)
    expect(localHm(expiry - DAY)).toBe('03:30')
    const start = Date.UTC(2027, 2, 27, 12, 0)
    const { fired, ids } = await walk(start, [expiry], 3 * 24 * 60)
    const seen = fired.flatMap((e) =>
      e.reminders.map((r) => `${ids.indexOf(r.entryId)}:${r.kind}:${r.threshold}@${e.at}`),
    )
    expect(seen).toEqual([
      `0:expires-soon:7@${start}`,
      `0:expires-soon:1@${expiry - DAY}`,
      `0:expired:0@${expiry}`,
    ])
  })
})
