/**
 * The entries store over the real router of a real vault (the desktop bridge's object, as the
 * renderer gets it): only the pages in view are fetched, the cache follows the entry-set
 * revision, a late answer of an older revision or from before a lock is ignored, and keyboard
 * selection reaches rows whose page is not loaded yet.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest'
import { buildApi, type IpcPort } from '../../src-main/app/preload-api'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'
import { PAGE_SIZE, pageKey } from '../../src-renderer/lib/page-cache'

const PASSWORD = 'pw for the store tests'
const COUNT = 1000

let dir: string
let services: AppServices
/** Names of the calls the store made, in order. */
const calls: string[] = []
/** When set, answers to entries.page wait for this before they are delivered. */
let hold: Promise<void> | null = null

// The store reaches the API through window.keywarden, as in desktop mode.
const windowStub = {} as { keywarden?: unknown }
vi.stubGlobal('window', windowStub)
const { useEntries, selectLoading, selectTotal } = await import('../../src-renderer/stores/entries')
const store = () => useEntries.getState()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-store-'))
  const vault = await Vault.create(join(dir, 'vault.kwdb'), PASSWORD, { kdf: FAST_TEST_KDF })
  vault.addMany(
    Array.from({ length: COUNT }, (_, i) => ({
      style: 'generic' as const,
      name: `service-${String(i).padStart(6, '0')}`,
      credential: { key: `seeded-api-key-${i}` },
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
      if (name === 'entries.page' && hold) await hold
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

beforeEach(async () => {
  if (!services.isUnlocked) await services.unlock(PASSWORD)
  // The unlock opens entries in the background; its end changes the entry-set revision, which
  // these tests about caching by revision must not meet halfway.
  await vi.waitFor(() => expect(services.vaultStatus().loading).toBeUndefined())
  store().clear()
  calls.length = 0
  hold = null
})

const pageCalls = () => calls.filter((c) => c === 'entries.page').length
const cachedPages = () => [...store().pages.keys()].map((k) => Number(k.split('#')[1])).sort()
const settle = () => vi.waitFor(() => expect(store().loaded).toBe(true))

it('fetches only the pages in view, once each, and never the whole list', async () => {
  store().setRange(0, 23)
  await settle()
  expect(selectTotal(store())).toBe(COUNT)
  expect(cachedPages()).toEqual([0])
  expect(pageCalls()).toBe(1)

  store().setRange(190, 213) // spans pages 1 and 2
  store().setRange(190, 213)
  await vi.waitFor(() => expect(cachedPages()).toEqual([0, 1, 2]))
  expect(pageCalls()).toBe(3)
  store().setRange(5, 28) // cached: no request
  expect(pageCalls()).toBe(3)
  expect(calls).not.toContain('entries.list')
})

it('after a change, load() refetches only the visible pages and drops the stale ones', async () => {
  store().setRange(0, 23)
  await settle()
  store().setRange(300, 323)
  await vi.waitFor(() => expect(cachedPages()).toEqual([0, 3]))
  const before = store().pageRevision
  const detailRevision = store().revision
  await services.add({ style: 'generic', name: 'zz-new', credential: { key: 'new-generic-key-1' } })
  calls.length = 0
  await store().load()
  expect(pageCalls()).toBe(1)
  expect(cachedPages()).toEqual([3])
  expect(store().pageRevision).toBeGreaterThan(before)
  expect(selectTotal(store())).toBe(COUNT + 1)
  expect(store().revision).toBeGreaterThan(detailRevision)
  await services.remove(services.search('zz-new')[0]!.id)
})

it('a late page of an older revision does not overwrite a newer one', async () => {
  store().setRange(0, 23)
  await settle()
  let release!: () => void
  hold = new Promise<void>((r) => (release = r))
  store().setRange(500, 523) // its answer is cut now, delivered later
  await vi.waitFor(() => expect(pageCalls()).toBe(2))
  hold = null
  const added = await services.add({
    style: 'generic',
    name: 'late',
    credential: { key: 'k-late-generic-key' },
  })
  await store().load() // the newer revision, for pages 5
  const newer = store().pageRevision
  expect(selectTotal(store())).toBe(COUNT + 1)
  release()
  await new Promise((r) => setTimeout(r, 20))
  expect(store().pageRevision).toBe(newer)
  expect(selectTotal(store())).toBe(COUNT + 1)
  await services.remove(added.id)
})

it('an answer arriving after a lock brings nothing back', async () => {
  let release!: () => void
  hold = new Promise<void>((r) => (release = r))
  store().setRange(0, 23)
  await vi.waitFor(() => expect(pageCalls()).toBe(1))
  services.lock('user')
  store().clear()
  release()
  await new Promise((r) => setTimeout(r, 20))
  expect(store().pages.size).toBe(0)
  expect(store().loaded).toBe(false)
})

it('keyboard selection reaches a row whose page is not loaded (End), then steps back', async () => {
  store().setRange(0, 23)
  await settle()
  store().selectIndex(Infinity)
  await vi.waitFor(() => expect(store().selectedIndex).toBe(COUNT - 1))
  const last = store().pages.get(pageKey(store().viewKey, ((COUNT - 1) / PAGE_SIZE - 0.01) | 0))
  expect(last?.at(-1)?.name).toBe('service-000999')
  expect(store().selectedId).toBe(last?.at(-1)?.id)
  store().selectIndex(COUNT - 2)
  expect(store().pages.get(pageKey(store().viewKey, 9))?.[98]?.id).toBe(store().selectedId)
})

it('search, filters and sort run in main; the previous rows stay until the new ones arrive', async () => {
  store().setRange(0, 23)
  await settle()
  const allKey = store().viewKey
  store().search('service-00042')
  expect(store().shownKey).toBe(allKey)
  await vi.waitFor(() => expect(store().shownKey).toBe(store().viewKey))
  expect(selectTotal(store())).toBe(10)
  store().setSort('name')
  store().setFilters({ status: 'revoked' })
  await vi.waitFor(() => expect(selectTotal(store())).toBe(0))
  store().setFilters({ status: 'all' })
  store().search('')
  await vi.waitFor(() => expect(selectTotal(store())).toBe(COUNT))
  expect(calls).not.toContain('entries.list')
  expect(calls).not.toContain('entries.search')
})

it('says how far the unlock got while its first rows show, until the whole set arrives', async () => {
  services.lock('user')
  await services.unlock(PASSWORD)
  store().clear()
  // The plain list (other tests leave a sort or filter, which a clear keeps).
  store().setSort('added')
  store().setFilters({ style: 'all', status: 'all' })
  // Asked at once: the first page comes from the entries opened so far.
  store().setRange(0, 23)
  await settle()
  expect(selectLoading(store())).toEqual({ loaded: COUNT, total: COUNT })
  expect(selectTotal(store())).toBe(COUNT)
  await vi.waitFor(() => expect(services.vaultStatus().loading).toBeUndefined())
  // The load's end announces 'entries-changed'; the list then reloads what is in view.
  await store().load()
  expect(selectLoading(store())).toBeNull()
  expect(selectTotal(store())).toBe(COUNT)
})
