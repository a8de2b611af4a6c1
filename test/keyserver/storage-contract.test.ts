/**
 * The storage contract: both backends (SQLite in a temp folder, a real PostgreSQL database) pass
 * the same suite, through the one interface the key server uses.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyRecord } from '../../src-main/keyserver/keys'
import { PostgresStorage } from '../../src-main/keyserver/storage/postgres'
import { SqliteStorage } from '../../src-main/keyserver/storage/sqlite'
import type { CounterWrite, KeyServerStorage } from '../../src-main/keyserver/storage/types'
import { startPostgres, type TestPostgres } from './postgres-helper'

let pg: TestPostgres
const folders: string[] = []
beforeAll(async () => {
  pg = await startPostgres()
}, 60_000)
afterAll(async () => {
  await pg?.stop()
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

/** Opens a fresh store, and another view of the same one (a restart, or a second instance). */
interface Backend {
  name: string
  fresh(): Promise<{ store: KeyServerStorage; again(): Promise<KeyServerStorage> }>
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'kw-contract-'))
      folders.push(dir)
      const secret = randomBytes(32)
      return {
        store: SqliteStorage.open(dir, secret),
        again: async () => SqliteStorage.open(dir, secret),
      }
    },
  },
  {
    name: 'postgres',
    async fresh() {
      const url = await pg.newDatabase()
      return { store: await PostgresStorage.open(url), again: () => PostgresStorage.open(url) }
    },
  },
]

function key(id: string, hash: string, extra: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id,
    style: 'wellows',
    owner: 'alice',
    name: 'k',
    status: 'active',
    level: 'user',
    projectId: null,
    apiType: null,
    readOnly: false,
    keyHash: hash,
    displayPrefix: 'wl_',
    last4: 'abcd',
    createdAt: 1_700_000_000_000,
    issuedAt: 1_700_000_000_000,
    expiresAt: null,
    revokeAt: null,
    revokedAt: null,
    replacedBy: null,
    ...extra,
  }
}

const ns = (name: string) => ({
  name,
  seed: 'seed',
  clockOffsetMs: 0,
  faults: '[]',
  createdAt: 1_700_000_000_000,
})

function counter(scope: string, name: string, w: Partial<CounterWrite>): CounterWrite {
  return { scope, name, value: 0, deleted: false, delta: 0, absolute: false, ...w }
}

describe.each(backends)('storage contract: $name', (backend) => {
  it('keeps namespaces with their clock offset and fault rules, and removes one with its rows', async () => {
    const { store, again } = await backend.fresh()
    store.insertNamespace(ns('a'))
    store.insertNamespace(ns('b'))
    store.setClockOffset('a', 86_400_000)
    store.setFaults('a', '{"rules":[],"seed":"x"}')
    store.insertKey('b', key('k1', 'h1'))
    await store.settle()
    expect((await store.findNamespace('a'))?.clockOffsetMs).toBe(86_400_000)
    expect((await store.findNamespace('a'))?.faults).toBe('{"rules":[],"seed":"x"}')
    store.removeNamespace('b')
    await store.settle()
    await store.close()
    const reopened = await again()
    // (The SQLite migration makes `default` itself; the key server creates it on PostgreSQL.)
    const names = (await reopened.listNamespaces()).map((r) => r.name)
    expect(names.filter((n) => n !== 'default')).toEqual(['a'])
    expect(await reopened.findKey('b', 'k1')).toBeUndefined()
    await reopened.close()
  })

  it('stores keys per namespace, finds them by digest and id, and keeps updates', async () => {
    const { store } = await backend.fresh()
    store.insertNamespace(ns('a'))
    store.insertNamespace(ns('b'))
    store.insertKey('a', key('k1', 'h1', { expiresAt: 1_800_000_000_000 }))
    store.updateKey(
      'a',
      key('k1', 'h1', {
        status: 'revoked',
        revokedAt: 1_700_000_000_500,
        expiresAt: 1_800_000_000_000,
      }),
    )
    await store.settle()
    expect(await store.findKeysByHash('a', ['h1', 'nope'])).toEqual([
      key('k1', 'h1', {
        status: 'revoked',
        revokedAt: 1_700_000_000_500,
        expiresAt: 1_800_000_000_000,
      }),
    ])
    expect(await store.findKeysByHash('b', ['h1'])).toEqual([])
    expect((await store.findKey('a', 'k1'))?.status).toBe('revoked')
    expect((await store.loadNamespace('a')).keys).toHaveLength(1)
    expect((await store.loadNamespace('b')).keys).toHaveLength(0)
    await store.close()
  })

  it('stores users, projects, policies, settings and BlazeMeter items; a user leaves with their projects', async () => {
    const { store } = await backend.fresh()
    store.insertNamespace(ns('a'))
    const id = store.insertUser('a', {
      name: 'alice',
      displayName: 'Alice',
      email: 'a@example.test',
      createdAt: 5,
    })
    store.insertUser('a', {
      name: 'bob',
      displayName: 'Bob',
      email: 'b@example.test',
      createdAt: 6,
    })
    store.updateUser('a', {
      id,
      name: 'alice',
      displayName: 'A.',
      email: 'a@example.test',
      createdAt: 5,
    })
    store.insertProject('a', { id: 7, owner: 'bob', name: 'P', createdAt: 6 })
    store.putPolicy('a', 'alice', '{"similarwebRestCredits":5}')
    store.putPolicy('a', 'alice', '{"similarwebRestCredits":6}')
    store.putSetting('a', 'rateLimits', 'false')
    store.insertBlazemeterItem('a', {
      kind: 'project',
      id: 3_000_001,
      owner: 'alice',
      parentId: 2_000_001,
      name: 'Default project',
      json: '{}',
      createdAt: 9,
    })
    await store.settle()
    let data = await store.loadNamespace('a')
    expect(data.users.find((u) => u.name === 'alice')).toEqual({
      id,
      name: 'alice',
      displayName: 'A.',
      email: 'a@example.test',
      createdAt: 5,
    })
    expect(data.projects).toEqual([{ id: 7, owner: 'bob', name: 'P', createdAt: 6 }])
    expect(data.policies).toEqual([{ owner: 'alice', json: '{"similarwebRestCredits":6}' }])
    expect(data.settings).toEqual([{ name: 'rateLimits', json: 'false' }])
    expect(data.blazemeter.map((b) => [b.kind, Number(b.id), b.name])).toEqual([
      ['project', 3_000_001, 'Default project'],
    ])
    store.deleteUser('a', 'bob')
    await store.settle()
    data = await store.loadNamespace('a')
    expect(data.users.map((u) => u.name)).toEqual(['alice'])
    expect(data.projects).toEqual([])
    await store.close()
  })

  it('a transaction whose function throws writes nothing', async () => {
    const { store } = await backend.fresh()
    store.insertNamespace(ns('a'))
    expect(() =>
      store.transaction(() => {
        store.insertKey('a', key('k1', 'h1'))
        throw new Error('refused after the insert')
      }),
    ).toThrow('refused')
    store.transaction(() => store.insertKey('a', key('k2', 'h2')))
    await store.settle()
    expect((await store.loadNamespace('a')).keys.map((k) => k.id)).toEqual(['k2'])
    await store.close()
  })

  it('track() reports a refused write to its own caller only', async () => {
    const { store } = await backend.fresh()
    store.insertNamespace(ns('a'))
    const first = store.track(() => store.insertKey('a', key('k1', 'h1')))
    await first.committed
    // The same id again: SQLite refuses at once, PostgreSQL at commit (a 409 for the caller).
    const outcome = await (async () => {
      try {
        await store.track(() => store.insertKey('a', key('k1', 'h2'))).committed
        return 'committed'
      } catch (error) {
        return (error as { status?: number }).status ?? 'refused at once'
      }
    })()
    expect(['refused at once', 409]).toContain(outcome)
    // Nobody else hears of it.
    await expect(store.settle()).resolves.toBeUndefined()
    expect((await store.loadNamespace('a')).keys.map((k) => k.keyHash)).toEqual(['h1'])
    await store.close()
  })

  it('flushes counters (added, set, deleted) and the request log in batches', async () => {
    const { store, again } = await backend.fresh()
    store.insertNamespace(ns('a'))
    await store.settle()
    const entry = (path: string) => ({
      time: 1,
      method: 'GET',
      path,
      style: 'wellows',
      keyId: 'k1',
      status: 200,
      outcome: 'ok',
      namespace: 'a',
      fault: null,
    })
    await store.flush({
      counters: new Map([
        [
          'a',
          [
            counter('key:k1', 'requests', { value: 3, delta: 3 }),
            counter('key:k1', 'lastUsedAt', { value: 99, absolute: true }),
            counter('key:k1', 'gone', { value: 1, delta: 1 }),
          ],
        ],
      ]),
      rates: new Map(),
      log: [entry('/wellows/one'), entry('/wellows/two')],
    })
    await store.flush({
      counters: new Map([
        [
          'a',
          [
            counter('key:k1', 'requests', { value: 5, delta: 2 }),
            counter('key:k1', 'gone', { deleted: true }),
          ],
        ],
      ]),
      rates: new Map(),
      log: [],
    })
    await store.close()
    const reopened = await again()
    const counters = Object.fromEntries(
      (await reopened.loadNamespace('a')).counters.map((c) => [c.name, Number(c.value)]),
    )
    expect(counters).toEqual({ requests: 5, lastUsedAt: 99 })
    expect((await reopened.recentLog(10)).map((e) => e.path)).toEqual([
      '/wellows/one',
      '/wellows/two',
    ])
    expect(await reopened.recentLog(10, 'other')).toEqual([])
    expect((await reopened.recentLog(1, 'a')).map((e) => e.path)).toEqual(['/wellows/two'])
    await reopened.close()
  })

  it('a reset empties the namespace but keeps it', async () => {
    const { store } = await backend.fresh()
    store.insertNamespace(ns('a'))
    store.insertKey('a', key('k1', 'h1'))
    store.insertUser('a', { name: 'x', displayName: 'x', email: 'x@e.test', createdAt: 1 })
    store.clearNamespace('a')
    await store.settle()
    const data = await store.loadNamespace('a')
    expect([data.keys, data.users]).toEqual([[], []])
    expect(await store.findNamespace('a')).toBeDefined()
    await store.close()
  })

  it('keeps one 32-byte HMAC key across a restart (or a second instance)', async () => {
    const { store, again } = await backend.fresh()
    const first = store.hmacSecret
    await store.close()
    const second = await again()
    expect(first.length).toBe(32)
    expect(second.hmacSecret.equals(first)).toBe(true)
    await second.close()
  })
})
