/**
 * The reminders store over the real router of a real vault (the desktop bridge's object, as the
 * renderer gets it): it loads counts, then one band's page at a time; snooze and dismiss take the
 * row out of the shown page from their small answer, and a late page answer for a band is
 * dropped when a newer one was asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest'
import { buildApi, type IpcPort } from '../../src-main/app/preload-api'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'

const PASSWORD = 'pw for the reminders store'
const COUNT = 300

let dir: string
let services: AppServices
const calls: string[] = []
/** When set, answers to reminders.page wait for it (and it is cleared for the next call). */
let hold: Promise<void> | null = null

const windowStub = {} as { keywarden?: unknown }
vi.stubGlobal('window', windowStub)
const { useReminders, selectDueCount } = await import('../../src-renderer/stores/reminders')
const store = () => useReminders.getState()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-rem-store-'))
  const now = Date.now()
  const vault = await Vault.create(join(dir, 'vault.kwdb'), PASSWORD, {
    kdf: FAST_TEST_KDF,
    lastSeenFile: join(dir, 'last-seen.json'),
  })
  // Keys expiring over the next 300 hours: 168 this week, the rest this month.
  vault.addMany(
    Array.from({ length: COUNT }, (_, i) => ({
      style: 'generic' as const,
      name: `due-${String(i).padStart(3, '0')}`,
      credential: { key: `seeded-api-key-${i}-00000` },
      expiresAt: now + (i + 1) * 3_600_000,
    })),
  )
  vault.close()
  services = new AppServices({ dataDir: dir, mode: 'desktop', kdf: FAST_TEST_KDF })
  await services.unlock(PASSWORD)
  const router = createRouter(services)
  const port: IpcPort = {
    async invoke(channel, input) {
      const name = channel.replace('keywarden:call:', '')
      calls.push(name)
      const result = await router.call(name, input)
      if (name === 'reminders.page' && hold) {
        const wait = hold
        hold = null
        await wait
      }
      return result
    },
    on: () => {},
    removeListener: () => {},
  }
  windowStub.keywarden = buildApi(port)
})

afterAll(async () => {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  store().clear()
  calls.length = 0
  hold = null
})

it('loads the counts per band, then rows a page at a time, never the whole list', async () => {
  await store().load()
  expect(selectDueCount(store())).toBe(COUNT)
  expect(store().snapshot!.bands.map((b) => [b.id, b.count])).toEqual([
    ['week', 168],
    ['month', COUNT - 168],
  ])
  await store().loadPage('week', 50, 50)
  const page = store().pages.week!
  expect(page).toMatchObject({ offset: 50, total: 168 })
  expect(page.items.map((i) => i.entryName)).toEqual(
    Array.from({ length: 50 }, (_, i) => `due-${String(50 + i).padStart(3, '0')}`),
  )
  expect(calls).toEqual(['reminders.summary', 'reminders.page'])
  expect(store().pages.month).toBeUndefined()
})

it('snooze and dismiss take the row out of the shown page and bring new counts', async () => {
  await store().load()
  await store().loadPage('month', 0, 50)
  const [first, second] = store().pages.month!.items
  const revision = store().revision
  await store().snooze(first!.key!, 7)
  expect(store().pages.month!.items.map((i) => i.key)).not.toContain(first!.key)
  expect(store().pages.month!.total).toBe(COUNT - 168 - 1)
  expect(store().snapshot!.bands.find((b) => b.id === 'month')!.count).toBe(COUNT - 168 - 1)
  // The view re-reads its page when the revision moves (to refill the row that left).
  expect(store().revision).toBeGreaterThan(revision)
  await store().dismiss(second!.key!)
  expect(selectDueCount(store())).toBe(COUNT - 2)
  expect(calls.filter((c) => c === 'reminders.list')).toEqual([])
  expect(store().error).toBeNull()
})

it('drops a late page answer when a newer page of that band was asked for', async () => {
  await store().load()
  let release!: () => void
  hold = new Promise((resolve) => (release = resolve))
  const older = store().loadPage('week', 0, 50)
  await store().loadPage('week', 100, 50)
  release()
  await older
  expect(store().pages.week!.offset).toBe(100)
})

it('shows the refusal when a reminder cannot be snoozed', async () => {
  await store().load()
  await store().snooze('no-such-entry:expired:0', 1)
  expect(store().error).toMatch(/no such reminder/i)
})
