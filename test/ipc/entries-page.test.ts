import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EntryPage, EntrySummary, VaultStatus } from '../../src-main/ipc/contract'
import { createRouter, type Router } from '../../src-main/ipc/router'
import { DAY_MS } from '../../src-main/providers'
import { FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'
import { rawDb } from '../vault/helpers'
import { credentialFor, makeServices, routerCalls, type Fixture } from './helpers'

const PASSWORD = 'correct horse battery'

let f: Fixture
let router: Router

const { ok, fails } = routerCalls(() => router)

const page = (input: Record<string, unknown>) =>
  ok<EntryPage>('entries.page', { offset: 0, limit: 100, ...input })
const names = (p: EntryPage) => p.items.map((e) => e.name)

beforeEach(() => {
  f = makeServices()
  router = createRouter(f.services)
})
afterEach(async () => {
  await f.cleanup()
})

/** Five entries of mixed styles, statuses and expiries, added oldest first. */
async function seed(): Promise<EntrySummary[]> {
  await ok('vault.create', { password: PASSWORD })
  const now = f.clock.now
  const specs = [
    { style: 'generic', name: 'delta', expiresAt: now + 10 * DAY_MS },
    { style: 'userplane', name: 'alpha', expiresAt: null, status: 'disabled' },
    { style: 'userplane', name: 'Charlie deploy', expiresAt: null },
    { style: 'generic', name: 'bravo', expiresAt: now + DAY_MS },
    { style: 'generic', name: 'echo deploy', expiresAt: now + 20 * DAY_MS, status: 'revoked' },
  ] as const
  const added: EntrySummary[] = []
  for (const spec of specs) {
    f.clock.now += 1000
    added.push(
      await ok<EntrySummary>('entries.add', {
        entry: {
          ...spec,
          credential:
            spec.style === 'generic'
              ? { key: `generic-api-key-${added.length}` }
              : credentialFor(spec.style),
        },
      }),
    )
  }
  // Two days on: bravo has expired, delta and echo expire within 30 days.
  f.clock.now += 2 * DAY_MS
  return added
}

describe('entries.page', () => {
  it('pages through the vault order with the total, bounded by offset and limit', async () => {
    await seed()
    const all = await page({})
    expect(all.total).toBe(5)
    expect(all.offset).toBe(0)
    expect(names(all)).toEqual(['delta', 'alpha', 'Charlie deploy', 'bravo', 'echo deploy'])
    const second = await page({ offset: 2, limit: 2 })
    expect(second).toMatchObject({ total: 5, offset: 2, revision: all.revision })
    expect(names(second)).toEqual(['Charlie deploy', 'bravo'])
    expect(names(await page({ offset: 4, limit: 500 }))).toEqual(['echo deploy'])
    const past = await page({ offset: 10, limit: 5 })
    expect(past).toMatchObject({ total: 5, offset: 10, items: [] })
    // Same items as entries.list, no secrets.
    expect(all.items).toEqual(await ok('entries.list'))
  })

  it('filters by search, style, status and condition, server-side', async () => {
    await seed()
    expect(names(await page({ query: 'DEPLOY' }))).toEqual(['Charlie deploy', 'echo deploy'])
    expect(names(await page({ query: '   ' }))).toHaveLength(5)
    expect(names(await page({ style: 'generic' }))).toEqual(['delta', 'bravo', 'echo deploy'])
    expect(names(await page({ status: 'disabled' }))).toEqual(['alpha'])
    expect(names(await page({ style: 'generic', status: 'active' }))).toEqual(['delta', 'bravo'])
    expect(names(await page({ condition: 'expired' }))).toEqual(['bravo'])
    expect(names(await page({ condition: 'expiring' }))).toEqual(['delta', 'echo deploy'])
    expect((await page({ condition: 'check-failed' })).total).toBe(0)
    const deployGeneric = await page({ query: 'deploy', style: 'generic', limit: 1 })
    expect(deployGeneric.total).toBe(1)
    expect(names(deployGeneric)).toEqual(['echo deploy'])
  })

  it('sorts by name, expiry and last update, keeping the vault order for ties', async () => {
    const [delta] = await seed()
    expect(names(await page({ sort: 'name' }))).toEqual([
      'alpha',
      'bravo',
      'Charlie deploy',
      'delta',
      'echo deploy',
    ])
    expect(names(await page({ sort: 'expiry' }))).toEqual([
      'bravo',
      'delta',
      'echo deploy',
      'alpha',
      'Charlie deploy',
    ])
    // A second look at a kept view gives the same page.
    expect(names(await page({ sort: 'expiry', offset: 1, limit: 1 }))).toEqual(['delta'])
    f.clock.now += 1000
    await ok('entries.update', { id: delta!.id, patch: { notes: 'touched' } })
    expect(names(await page({ sort: 'updated', limit: 2 }))).toEqual(['delta', 'echo deploy'])
  })

  it('the revision changes with the entry set: add, update, remove, lock and unlock', async () => {
    const [first] = await seed()
    const r0 = (await page({})).revision
    expect((await page({ sort: 'name' })).revision).toBe(r0)
    await ok('entries.add', {
      entry: { style: 'generic', name: 'foxtrot', credential: { key: 'k-1-generic-api-key' } },
    })
    const afterAdd = await page({})
    expect(afterAdd.revision).not.toBe(r0)
    expect(afterAdd.total).toBe(6)
    expect(names(afterAdd)).toContain('foxtrot')
    await ok('entries.update', { id: first!.id, patch: { name: 'delta two' } })
    const afterUpdate = await page({ query: 'delta' })
    expect(afterUpdate.revision).not.toBe(afterAdd.revision)
    expect(names(afterUpdate)).toEqual(['delta two'])
    await ok('entries.remove', { id: first!.id })
    const afterRemove = await page({})
    expect(afterRemove.total).toBe(5)
    expect(afterRemove.revision).not.toBe(afterUpdate.revision)
    await ok('vault.lock')
    expect((await fails('entries.page', { offset: 0, limit: 10 })).code).toBe('LOCKED')
    await ok('vault.unlock', { password: PASSWORD })
    expect((await page({})).revision).not.toBe(afterRemove.revision)
  })

  it('needs a vault, unlocked', async () => {
    expect((await fails('entries.page', { offset: 0, limit: 10 })).code).toBe('NO_VAULT')
  })
})

describe('entries.revealHistory', () => {
  it('reveals each previous credential by its history index, newest first', async () => {
    await ok('vault.create', { password: PASSWORD })
    const first = credentialFor('blazemeter')
    const second = credentialFor('blazemeter')
    const third = credentialFor('blazemeter')
    const { id } = await ok<EntrySummary>('entries.add', {
      entry: { style: 'blazemeter', name: 'load tests', credential: first },
    })
    await ok('entries.rotate', { id, credential: second })
    await ok('entries.rotate', { id, credential: third })
    const history = await ok<{ index: number; keyMask: string }[]>('entries.history', { id })
    expect(history.map((h) => h.index)).toEqual([0, 1])
    expect(await ok('entries.revealHistory', { id, index: 0, field: 'key' })).toEqual({
      value: second.key,
    })
    expect(await ok('entries.revealHistory', { id, index: 1, field: 'key' })).toEqual({
      value: first.key,
    })
    expect(await ok('entries.revealHistory', { id, index: 1, field: 'secret' })).toEqual({
      value: first.secret,
    })
    expect(await ok('entries.copyHistory', { id, index: 1, field: 'key' })).toEqual({
      copiedBy: 'renderer',
      value: first.key,
      clearAfterMs: 30_000,
    })
    // The current key is not in the history.
    expect(await ok('entries.reveal', { id, field: 'key' })).toEqual({ value: third.key })
  })

  it('a missing index or entry is a typed error that names no secret; locked says so', async () => {
    await ok('vault.create', { password: PASSWORD })
    const cred = credentialFor('userplane')
    const { id } = await ok<EntrySummary>('entries.add', {
      entry: { style: 'userplane', name: 'ci', credential: cred },
    })
    const none = await fails('entries.revealHistory', { id, index: 0, field: 'key' })
    expect(none.code).not.toBe('INTERNAL')
    expect(none.message).not.toContain(cred.key)
    const missing = await fails('entries.revealHistory', { id: 'nope', index: 0, field: 'key' })
    expect(missing.code).toBe('ENTRY_NOT_FOUND')
    await ok('entries.rotate', { id, credential: credentialFor('userplane') })
    await ok('vault.lock')
    expect((await fails('entries.revealHistory', { id, index: 0, field: 'key' })).code).toBe(
      'LOCKED',
    )
  })
})

describe('entries.page while the unlock opens entries', () => {
  const COUNT = 2500

  /** A vault file of COUNT entries (three 1,024-record chunks), written before the app opens it. */
  async function seedFile(): Promise<void> {
    const vault = await Vault.create(join(f.dir, 'vault.kwdb'), PASSWORD, { kdf: FAST_TEST_KDF })
    vault.addMany(
      Array.from({ length: COUNT }, (_, i) => ({
        style: 'generic' as const,
        name: `service-${String(i).padStart(4, '0')}`,
        credential: { key: `generic-api-key-${i}` },
      })),
    )
    vault.close()
  }

  it('serves the first rows with the load state, and anything else from the whole set', async () => {
    await seedFile()
    const status = await ok<VaultStatus>('vault.unlock', { password: PASSWORD })
    expect(status.unlocked).toBe(true)
    expect(status.loading?.total).toBe(COUNT)
    const first = await page({})
    expect(first.loading?.total).toBe(COUNT)
    expect(first.total).toBe(COUNT)
    expect(names(first)).toEqual(
      Array.from({ length: 100 }, (_, i) => `service-${String(i).padStart(4, '0')}`),
    )
    // A search needs every entry: it waits for the load and answers in full.
    const found = await page({ query: 'service-24' })
    expect(found.loading).toBeUndefined()
    expect(found.total).toBe(100)
    const whole = await page({})
    expect(whole.loading).toBeUndefined()
    expect(whole.total).toBe(COUNT)
    expect(whole.revision).toBeGreaterThan(first.revision)
    const after = await ok<VaultStatus>('vault.status', {})
    expect(after.loading).toBeUndefined()
    expect(after.damaged).toEqual([])
  })

  it('serves a page beyond the opened rows from the whole set, never a short one', async () => {
    await seedFile()
    await ok('vault.unlock', { password: PASSWORD })
    const last = await page({ offset: COUNT - 100 })
    expect(last.loading).toBeUndefined()
    expect(last.items).toHaveLength(100)
    expect(last.items.at(-1)?.name).toBe(`service-${COUNT - 1}`)
  })

  it('names a rolled-back entry once the load ends, and the page count leaves it out', async () => {
    await seedFile()
    const path = join(f.dir, 'vault.kwdb')
    const v = Vault.open(path)
    await v.unlock(PASSWORD)
    const late = v.list()[COUNT - 1]!.id
    const db = rawDb(path)
    const old = db.prepare('SELECT * FROM entries WHERE id = ?').get(late) as Record<
      string,
      unknown
    >
    db.close()
    v.update(late, { name: 'renamed' })
    v.close()
    const put = rawDb(path)
    const cols = Object.keys(old)
    put
      .prepare(
        `INSERT OR REPLACE INTO entries (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`,
      )
      .run(old)
    put.close()

    const status = await ok<VaultStatus>('vault.unlock', { password: PASSWORD })
    // Not known yet while the entries open: the status says it is loading, not that none is.
    expect(status.loading).toBeDefined()
    expect(status.damaged).toEqual([])
    await expect
      .poll(async () => (await ok<VaultStatus>('vault.status', {})).damaged.map((d) => d.id))
      .toEqual([late])
    expect((await page({})).total).toBe(COUNT - 1)
  })
})
