/**
 * The pager over 100k summaries: filters match their definitions exactly, sorts are stable,
 * and a page of a kept view costs a slice. The source is a plain array standing in for the
 * vault's in-memory list (the interface the vault satisfies); the router tests use the vault.
 */
import { describe, expect, it } from 'vitest'
import type { EntrySummary } from '../../src-main/ipc/contract'
import { DAY_MS } from '../../src-main/providers'
import { EntryPager, buildView, type EntrySource } from '../../src-main/services/entry-pages'

const NOW = 1_800_000_000_000
const STYLES = [
  'webpagetest',
  'similarweb',
  'userplane',
  'wellows',
  'blazemeter',
  'generic',
] as const

function entry(i: number): EntrySummary {
  return {
    id: `e${i}`,
    style: STYLES[i % STYLES.length]!,
    status: i % 10 === 0 ? 'revoked' : 'active',
    createdAt: NOW,
    version: 1,
    updatedAt: NOW - ((i * 7919) % 100_000),
    expiresAt: i % 3 === 0 ? null : NOW + ((i % 90) - 10) * DAY_MS,
    lastRotatedAt: NOW,
    rotationPolicyDays: null,
    lastCheck: i % 7 === 0 ? { status: 'invalid', at: NOW } : null,
    name: `key-${String((i * 7919) % 100_000).padStart(6, '0')}`,
    environment: '',
    tags: [],
    notes: '',
    scope: {},
    baseUrl: null,
    origin: 'manual',
    serverKeyId: null,
    hasSecret: false,
    historyCount: 0,
  }
}

const ALL = Array.from({ length: 100_000 }, (_, i) => entry(i))
const source: EntrySource = {
  list: () => ALL.slice(),
  search: (q) => ALL.filter((e) => e.name.includes(q.trim().toLowerCase())),
}
const ids = (rows: readonly EntrySummary[]) => rows.map((e) => e.id)

describe('buildView', () => {
  it('filters by style, status and each condition, exactly', () => {
    const check = (view: Parameters<typeof buildView>[1], pred: (e: EntrySummary) => boolean) =>
      expect(ids(buildView(source, view, NOW))).toEqual(ids(ALL.filter(pred)))
    check({ style: 'wellows' }, (e) => e.style === 'wellows')
    check({ status: 'revoked' }, (e) => e.status === 'revoked')
    check({ condition: 'expired' }, (e) => e.expiresAt !== null && e.expiresAt <= NOW)
    check(
      { condition: 'expiring' },
      (e) => e.expiresAt !== null && e.expiresAt > NOW && e.expiresAt <= NOW + 30 * DAY_MS,
    )
    check(
      { style: 'userplane', condition: 'check-failed' },
      (e) => e.style === 'userplane' && e.lastCheck?.status === 'invalid',
    )
    check(
      { query: 'key-0424', status: 'active' },
      (e) => e.name.includes('key-0424') && e.status === 'active',
    )
  })

  it('sorts by name, expiry (never-expiring last) and update (newest first), stably', () => {
    const byName = buildView(source, { sort: 'name' }, NOW)
    expect(byName.map((e) => e.name)).toEqual(ALL.map((e) => e.name).sort())
    const byExpiry = buildView(source, { sort: 'expiry' }, NOW)
    const expiries = byExpiry.map((e) => e.expiresAt ?? Infinity)
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b))
    // Ties keep the vault order.
    const firstTie = byExpiry.filter((e) => e.expiresAt === byExpiry[0]!.expiresAt)
    expect(ids(firstTie)).toEqual(
      [...ids(firstTie)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
    )
    const byUpdate = buildView(source, { sort: 'updated' }, NOW)
    expect(byUpdate[0]!.updatedAt).toBe(NOW)
    expect(byUpdate.at(-1)!.updatedAt).toBe(Math.min(...ALL.map((e) => e.updatedAt)))
  })
})

describe('EntryPager at 100k entries', () => {
  // How fast a page is, is measured by `npm run bench -- pages`; here, that a kept view is what
  // pages are cut from: the vault's list is read and sorted once per view and revision.
  it('cuts every page of a view from one build, and builds again only for a new revision', () => {
    let builds = 0
    const counting: EntrySource = {
      list: () => {
        builds++
        return source.list()
      },
      search: (q) => {
        builds++
        return source.search(q)
      },
    }
    const pager = new EntryPager()
    for (const sort of [undefined, 'name', 'expiry', 'updated'] as const) {
      const input = sort ? { sort } : {}
      builds = 0
      const first = pager.page(counting, { offset: 0, limit: 100, ...input }, 1, NOW)
      expect(first.total).toBe(100_000)
      expect(first.items).toHaveLength(100)
      const whole = buildView(source, input, NOW)
      for (let k = 1; k < 200; k++) {
        const page = pager.page(counting, { offset: k * 500, limit: 100, ...input }, 1, NOW)
        expect(ids(page.items)).toEqual(ids(whole.slice(k * 500, k * 500 + 100)))
      }
      expect(builds).toBe(1)
      pager.page(counting, { offset: 0, limit: 100, ...input }, 2, NOW)
      expect(builds).toBe(2)
    }
  })
})
