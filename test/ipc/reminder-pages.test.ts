import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ReminderPage, RemindersSummary } from '../../src-main/ipc/contract'
import { createRouter, type Router } from '../../src-main/ipc/router'
import { DAY_MS } from '../../src-main/providers'
import { makeServices, routerCalls, type Fixture } from './helpers'

const PASSWORD = 'correct horse battery'

let f: Fixture
let router: Router
const { ok, fails } = routerCalls(() => router)

const summary = () => ok<RemindersSummary>('reminders.summary')
const page = (band: string, offset = 0, limit = 50) =>
  ok<ReminderPage>('reminders.page', { band, offset, limit })
const names = (p: ReminderPage) => p.items.map((i) => i.entryName)

beforeEach(() => {
  f = makeServices()
  router = createRouter(f.services)
})
afterEach(async () => {
  await f.cleanup()
})

async function add(name: string, expiresInDays: number | null): Promise<string> {
  const entry = await ok<{ id: string }>('entries.add', {
    entry: {
      style: 'generic',
      name,
      credential: { key: `plain-api-key-${name}-0000000` },
      expiresAt: expiresInDays === null ? null : f.clock.now + expiresInDays * DAY_MS,
    },
  })
  return entry.id
}

/** Keys in three bands; the clock then moves a day on so the scheduler's view is settled. */
async function seed(): Promise<void> {
  await ok('vault.create', { password: PASSWORD })
  await add('week-c', 6)
  await add('month-a', 20)
  await add('week-a', 3)
  await add('week-b', 4)
  await add('calm', null)
  await add('gone', 1)
  f.clock.now += 2 * DAY_MS
  f.services.reminders.refresh()
}

describe('reminders.summary and reminders.page', () => {
  it('counts per band in order, pages of one band soonest first, with names and keys', async () => {
    await seed()
    const s = await summary()
    expect(s).toMatchObject({ locked: false, count: 5, summary: '5 keys need attention' })
    expect(s.bands).toEqual([
      { id: 'expired', title: 'Expired', count: 1 },
      { id: 'week', title: 'Expiring this week', count: 3 },
      { id: 'month', title: 'Expiring this month', count: 1 },
    ])
    expect(names(await page('week'))).toEqual(['week-a', 'week-b', 'week-c'])
    const second = await page('week', 1, 1)
    expect(second).toMatchObject({ band: 'week', offset: 1, total: 3 })
    expect(names(second)).toEqual(['week-b'])
    expect(second.items[0]!.key).toMatch(/:expires-soon:7$/)
    expect(await page('rotation')).toEqual({ band: 'rotation', offset: 0, total: 0, items: [] })
  })

  it('while locked: counts and the anonymous text; pages name no key', async () => {
    await seed()
    await ok('vault.lock')
    const s = await summary()
    expect(s.locked).toBe(true)
    expect(s.summary).toMatch(/unlock to see which/)
    expect(s.bands.map((b) => b.count)).toEqual([1, 3, 1])
    const p = await page('week')
    expect(p.total).toBe(3)
    for (const item of p.items) {
      expect(item.key).toBeUndefined()
      expect(item.entryId).toBeUndefined()
      expect(item.entryName).toBeUndefined()
    }
    expect(JSON.stringify([s, p])).not.toContain('week-a')
  })

  it('snooze and dismiss answer with the new counts and take the row out of its page', async () => {
    await seed()
    const events: unknown[] = []
    f.services.events.subscribe((event, payload) => {
      if (event === 'reminders-due') events.push(payload)
    })
    const [first, second] = (await page('week')).items
    const after = await ok<RemindersSummary>('reminders.snooze', { key: first!.key, days: 1 })
    expect(after.count).toBe(4)
    expect(after.bands.find((b) => b.id === 'week')!.count).toBe(2)
    expect(after).not.toHaveProperty('items')
    expect(names(await page('week'))).toEqual(['week-b', 'week-c'])
    const dismissed = await ok<RemindersSummary>('reminders.dismiss', { key: second!.key })
    expect(dismissed.count).toBe(3)
    expect(names(await page('week'))).toEqual(['week-c'])
    // The renderer and the tray hear the counts, never the rows.
    expect(events.at(-1)).toEqual(dismissed)
    expect(JSON.stringify(events)).not.toContain('week-')
    // A reminder that is snoozed (not shown) can still be dismissed.
    expect((await ok<RemindersSummary>('reminders.dismiss', { key: first!.key })).count).toBe(3)
    f.clock.now += 2 * DAY_MS
    expect(names(await page('week'))).not.toContain('week-a')
  })

  it('a snooze ends: the reminder is back once its day is over', async () => {
    await seed()
    const [, second] = (await page('week')).items
    await ok('reminders.snooze', { key: second!.key, days: 1 })
    expect(names(await page('week'))).not.toContain('week-b')
    f.clock.now += DAY_MS + 60_000
    expect((await summary()).count).toBe(5)
    expect(names(await page('week'))).toContain('week-b')
  })

  it('a new or changed entry shows at once, without waiting for the kept bands to age', async () => {
    await seed()
    expect((await summary()).count).toBe(5)
    await add('new-week', 0.5)
    const s = await summary()
    expect(s.count).toBe(6)
    expect(names(await page('week'))).toEqual(['new-week', 'week-a', 'week-b', 'week-c'])
  })

  it('refuses what is not a reminder, and snooze while locked', async () => {
    await seed()
    const [first] = (await page('week')).items
    expect((await fails('reminders.dismiss', { key: 'nope:expired:0' })).code).toBe('INVALID_INPUT')
    expect((await fails('reminders.page', { band: 'later', offset: 0, limit: 5 })).code).toBe(
      'INVALID_INPUT',
    )
    await ok('vault.lock')
    expect((await fails('reminders.snooze', { key: first!.key, days: 1 })).code).toBe('LOCKED')
  })
})
