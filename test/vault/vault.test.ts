import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  EntryNotFoundError,
  InvalidInputError,
  LockedError,
  Vault,
  WrongPasswordError,
} from '../../src-main/vault'
import { DAY_MS } from '../../src-main/providers'
import {
  BM_ID,
  BM_SECRET,
  PASSWORD,
  UP_KEY,
  WPT_KEY,
  fakeClock,
  genericInput,
  newVault,
  rawDb,
  tempDir,
} from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

describe('vault round trips', () => {
  it('keeps every field of an entry across close and reopen', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    const added = vault.add({
      style: 'userplane',
      name: 'CI deploys',
      credential: { key: UP_KEY },
      scope: { account: 'ana@example.com' },
      environment: 'production',
      tags: ['ci', 'deploy', 'ci'],
      notes: 'rotated by the release job',
      baseUrl: 'https://api.userplane.example/',
      expiresAt: clock.now() + 30 * DAY_MS,
      rotationPolicyDays: 30,
    })
    expect(added.tags).toEqual(['ci', 'deploy'])
    vault.close()

    const reopened = Vault.open(path, { now: clock.now })
    expect(reopened.isUnlocked).toBe(false)
    await reopened.unlock(PASSWORD)
    const got = reopened.get(added.id)
    expect(got).toMatchObject({
      id: added.id,
      style: 'userplane',
      name: 'CI deploys',
      scope: { account: 'ana@example.com' },
      environment: 'production',
      tags: ['ci', 'deploy'],
      notes: 'rotated by the release job',
      baseUrl: 'https://api.userplane.example/',
      expiresAt: clock.now() + 30 * DAY_MS,
      lastRotatedAt: clock.now(),
      createdAt: clock.now(),
      rotationPolicyDays: 30,
      status: 'active',
      origin: 'manual',
      serverKeyId: null,
      hasSecret: false,
      historyCount: 0,
      lastCheck: null,
    })
    expect(got.keyMask).toBe('uspl_AbCd…6789')
    expect(JSON.stringify(got)).not.toContain(UP_KEY)
    expect(reopened.reveal(added.id, 'key')).toBe(UP_KEY)
    reopened.close()
  })

  it('stores a BlazeMeter id and secret separately and reveals each', async () => {
    const { vault } = await newVault(tmp.dir)
    const e = vault.add({
      style: 'blazemeter',
      name: 'load tests',
      credential: { key: BM_ID, secret: BM_SECRET },
    })
    expect(e.hasSecret).toBe(true)
    expect(vault.reveal(e.id, 'key')).toBe(BM_ID)
    expect(vault.reveal(e.id, 'secret')).toBe(BM_SECRET)
    const plain = vault.add(genericInput(1))
    expect(() => vault.reveal(plain.id, 'secret')).toThrow(InvalidInputError)
    vault.close()
  })

  it('lists, searches case-insensitively over name, notes, tags and provider', async () => {
    const { vault } = await newVault(tmp.dir)
    const a = vault.add({ ...genericInput(1), name: 'Stripe Live', tags: ['Payments'] })
    const b = vault.add({ ...genericInput(2), notes: 'used by the NIGHTLY job' })
    const c = vault.add({ style: 'webpagetest', name: 'perf', credential: { key: WPT_KEY } })
    expect(vault.list().map((e) => e.id)).toEqual([a.id, b.id, c.id])
    expect(vault.search('stripe').map((e) => e.id)).toEqual([a.id])
    expect(vault.search('PAYMENTS').map((e) => e.id)).toEqual([a.id])
    expect(vault.search('nightly').map((e) => e.id)).toEqual([b.id])
    expect(vault.search('WebPageTest').map((e) => e.id)).toEqual([c.id])
    expect(vault.search('  ').length).toBe(3)
    expect(vault.search('nothing like this')).toEqual([])
    // The search text is made at the first search: an edit after it must still be seen.
    vault.update(a.id, { name: 'Adyen Live' })
    expect(vault.search('stripe')).toEqual([])
    expect(vault.search('adyen').map((e) => e.id)).toEqual([a.id])
    vault.lock()
    await vault.unlock(PASSWORD)
    expect(vault.search('adyen').map((e) => e.id)).toEqual([a.id])
    vault.close()
  })

  it('makes the search text in the background after unlock, a chunk per event-loop turn', async () => {
    const { vault } = await newVault(tmp.dir)
    vault.addMany(
      Array.from({ length: 12_000 }, (_, i) => ({ ...genericInput(i), name: `svc-${i}` })),
    )
    vault.lock()
    await vault.unlock(PASSWORD)
    // White-box: the cache is private; its search text starts empty and fills without a search.
    const cache = (
      vault as unknown as {
        session: { cache: { entries: Map<string, { haystack: string | null }> } }
      }
    ).session.cache.entries
    const made = (): number => [...cache.values()].filter((c) => c.haystack !== null).length
    expect(made()).toBe(0)
    for (let turn = 0; turn < 4 && made() < cache.size; turn++)
      await new Promise((resolve) => setImmediate(resolve))
    expect(made()).toBe(12_000)
    expect(vault.search('SVC-11999').map((e) => e.name)).toEqual(['svc-11999'])
    vault.close()
  })

  it('updates descriptive fields and keeps the key', async () => {
    const clock = fakeClock()
    const { vault } = await newVault(tmp.dir, clock.now)
    const e = vault.add(genericInput(1))
    clock.advance(1000)
    const u = vault.update(e.id, {
      name: 'renamed',
      tags: ['x'],
      notes: 'n',
      status: 'disabled',
      expiresAt: clock.now() + DAY_MS,
    })
    expect(u).toMatchObject({
      name: 'renamed',
      tags: ['x'],
      notes: 'n',
      status: 'disabled',
      updatedAt: clock.now(),
    })
    expect(vault.reveal(e.id, 'key')).toBe('gk-1-secretvalue')
    expect(() => vault.update(e.id, { credential: { key: 'x' } } as never)).toThrow(
      InvalidInputError,
    )
    expect(() => vault.update(e.id, { name: '  ' })).toThrow(/name is required/)
    expect(() => vault.update('nope', { name: 'x' })).toThrow(EntryNotFoundError)
    vault.close()
  })

  it('rotates: the previous credential goes to the history, trimmed to the history limit', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    vault.setSetting('historyLimit', 2)
    const e = vault.add({
      style: 'blazemeter',
      name: 'bm',
      credential: { key: BM_ID, secret: BM_SECRET },
      expiresAt: clock.now() + 30 * DAY_MS,
    })
    const secrets = ['a', 'b', 'c'].map((ch) => ch.repeat(72))
    for (const secret of secrets) {
      clock.advance(DAY_MS)
      vault.rotate(e.id, { credential: { key: BM_ID, secret } })
    }
    const got = vault.get(e.id)
    expect(got.historyCount).toBe(2)
    expect(got.lastRotatedAt).toBe(clock.now())
    // Without an explicit expiry the new key keeps the old lifetime.
    expect(got.expiresAt).toBe(clock.now() + 30 * DAY_MS)
    expect(vault.reveal(e.id, 'secret')).toBe(secrets[2])
    const history = vault.history(e.id)
    expect(history.map((h) => h.index)).toEqual([0, 1])
    expect(vault.revealHistory(e.id, 0, 'secret')).toBe(secrets[1])
    expect(vault.revealHistory(e.id, 1, 'secret')).toBe(secrets[0])
    expect(() => vault.revealHistory(e.id, 2, 'key')).toThrow(InvalidInputError)
    vault.close()
    const again = Vault.open(path)
    await again.unlock(PASSWORD)
    expect(again.get(e.id).historyCount).toBe(2)
    expect(again.revealHistory(e.id, 0, 'key')).toBe(BM_ID)
    again.close()
  })

  it('removes an entry with its history and reminder state', async () => {
    const { vault } = await newVault(tmp.dir)
    const e = vault.add(genericInput(1))
    vault.rotate(e.id, { credential: { key: 'new-generic-key-01' } })
    vault.putReminderState({
      entryId: e.id,
      kind: 'expires-soon',
      threshold: 7,
      notifiedAt: 1,
      snoozedUntil: null,
      dismissed: false,
    })
    vault.remove(e.id)
    expect(vault.list()).toEqual([])
    expect(vault.reminderState()).toEqual([])
    expect(() => vault.get(e.id)).toThrow(EntryNotFoundError)
    expect(() => vault.remove(e.id)).toThrow(EntryNotFoundError)
    vault.close()
  })

  it('adds many entries in one transaction, all or none', async () => {
    const { vault } = await newVault(tmp.dir)
    const many = vault.addMany(Array.from({ length: 50 }, (_, i) => genericInput(i)))
    expect(many).toHaveLength(50)
    // The 4th Userplane key of one user breaks the batch: nothing of it is stored.
    const batch = [1, 2, 3, 4].map((i) => ({
      style: 'userplane' as const,
      name: `u${i}`,
      credential: { key: UP_KEY },
      scope: { account: 'bo' },
    }))
    expect(() => vault.addMany([genericInput(99), ...batch])).toThrow(/at most 3|maximum of 3/)
    expect(vault.list()).toHaveLength(50)
    vault.close()
  })
})

describe('locking and passwords', () => {
  it('refuses a wrong password and works with the right one', async () => {
    const { vault, path } = await newVault(tmp.dir)
    vault.add(genericInput(1))
    vault.close()
    const v = Vault.open(path)
    await expect(v.unlock('wrong')).rejects.toBeInstanceOf(WrongPasswordError)
    await expect(v.unlock('wrong')).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      message: 'The password is wrong.',
    })
    expect(v.isUnlocked).toBe(false)
    await v.unlock(PASSWORD)
    expect(v.list()).toHaveLength(1)
    v.close()
  })

  it('locks: secrets and descriptive fields are unavailable, clear metadata still is', async () => {
    const { vault } = await newVault(tmp.dir)
    const e = vault.add({ ...genericInput(1), expiresAt: Date.now() + DAY_MS })
    const events: string[] = []
    const off = vault.onChange((ev) => events.push(ev.kind))
    vault.lock()
    expect(vault.isUnlocked).toBe(false)
    for (const call of [
      () => vault.list(),
      () => vault.get(e.id),
      () => vault.reveal(e.id, 'key'),
      () => vault.search('x'),
      () => vault.add(genericInput(2)),
    ])
      expect(call).toThrow(LockedError)
    const meta = vault.clearMetadata()
    expect(meta).toHaveLength(1)
    expect(Object.keys(meta[0]).sort()).toEqual(
      [
        'createdAt',
        'expiresAt',
        'id',
        'lastCheck',
        'lastRotatedAt',
        'rotationPolicyDays',
        'status',
        'style',
        'updatedAt',
      ].sort(),
    )
    vault.recordValidation(e.id, 'valid', 123)
    expect(vault.clearMetadata()[0].lastCheck).toEqual({ status: 'valid', at: 123 })
    vault.putReminderState({
      entryId: e.id,
      kind: 'expires-soon',
      threshold: 1,
      notifiedAt: 5,
      snoozedUntil: null,
      dismissed: true,
    })
    expect(vault.reminderState()).toEqual([
      {
        entryId: e.id,
        kind: 'expires-soon',
        threshold: 1,
        notifiedAt: 5,
        snoozedUntil: null,
        dismissed: true,
      },
    ])
    expect(events).toEqual(['locked', 'entries', 'reminder-state'])
    off()
    await vault.unlock(PASSWORD)
    expect(events).toHaveLength(3)
    vault.close()
  })

  it('changes the password: old refused, every entry intact', async () => {
    const { vault, path } = await newVault(tmp.dir)
    const ids = vault.addMany([1, 2, 3].map((i) => genericInput(i))).map((e) => e.id)
    await expect(vault.changePassword('wrong', 'new pass')).rejects.toBeInstanceOf(
      WrongPasswordError,
    )
    await vault.changePassword(PASSWORD, 'new pass')
    expect(vault.isUnlocked).toBe(true)
    vault.close()
    const v = Vault.open(path)
    await expect(v.unlock(PASSWORD)).rejects.toBeInstanceOf(WrongPasswordError)
    await v.unlock('new pass')
    expect(ids.map((id) => v.reveal(id, 'key'))).toEqual([
      'gk-1-secretvalue',
      'gk-2-secretvalue',
      'gk-3-secretvalue',
    ])
    expect(v.damaged()).toEqual([])
    v.close()
  })
})

describe('KDF parameters', () => {
  it('moves a vault to new Argon2id parameters on a password change', async () => {
    const { vault, path } = await newVault(tmp.dir)
    const e = vault.add(genericInput(1))
    await expect(
      vault.changePassword(PASSWORD, PASSWORD, { kdf: { opsLimit: 0, memLimitBytes: 8192 } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await vault.changePassword(PASSWORD, PASSWORD, { kdf: { opsLimit: 2, memLimitBytes: 16384 } })
    vault.close()
    const db = rawDb(path)
    expect(db.prepare('SELECT kdf_ops, kdf_mem FROM vault_header').get()).toEqual({
      kdf_ops: 2,
      kdf_mem: 16384,
    })
    db.close()
    const v = Vault.open(path)
    await v.unlock(PASSWORD)
    expect(v.reveal(e.id, 'key')).toBe('gk-1-secretvalue')
    v.close()
  })
})

describe('reminder bookkeeping and settings', () => {
  it("clears an entry's reminder state when its expiry changes or it rotates, not on a rename", async () => {
    const clock = fakeClock()
    const { vault } = await newVault(tmp.dir, clock.now)
    const e = vault.add({ ...genericInput(1), expiresAt: clock.now() + 10 * DAY_MS })
    const row = {
      entryId: e.id,
      kind: 'expires-soon',
      threshold: 14,
      notifiedAt: clock.now(),
      snoozedUntil: null,
      dismissed: false,
    }
    vault.putReminderState(row)
    vault.update(e.id, { name: 'renamed' })
    expect(vault.reminderState()).toHaveLength(1)
    vault.update(e.id, { expiresAt: clock.now() + 20 * DAY_MS })
    expect(vault.reminderState()).toHaveLength(0)
    vault.putReminderState(row)
    vault.rotate(e.id, { credential: { key: 'k2-generic-api-key' } })
    expect(vault.reminderState()).toHaveLength(0)
    expect(() => vault.putReminderState({ ...row, entryId: 'missing' })).toThrow(EntryNotFoundError)
    vault.close()
  })

  it('writes many reminder rows in one transaction with one change event, all or none', async () => {
    const clock = fakeClock()
    const { vault, path } = await newVault(tmp.dir, clock.now)
    const ids = vault
      .addMany(Array.from({ length: 300 }, (_, i) => genericInput(i)))
      .map((e) => e.id)
    const rows = ids.map((entryId, i) => ({
      entryId,
      kind: 'expires-soon',
      threshold: i % 3,
      notifiedAt: clock.now(),
      snoozedUntil: null,
      dismissed: false,
    }))
    const events: string[] = []
    vault.onChange((e) => events.push(e.kind))
    // A bad row at the end: nothing of the batch is written, no event.
    expect(() => vault.putReminderStates([...rows, { ...rows[0], entryId: 'missing' }])).toThrow(
      EntryNotFoundError,
    )
    expect(() => vault.putReminderStates([...rows, { ...rows[0], threshold: 1.5 }])).toThrow(
      InvalidInputError,
    )
    expect(vault.reminderState()).toEqual([])
    expect(events).toEqual([])
    vault.putReminderStates(rows)
    expect(events).toEqual(['reminder-state'])
    vault.putReminderStates([])
    expect(events).toEqual(['reminder-state'])
    vault.close()
    const v = Vault.open(path)
    expect(v.reminderState()).toHaveLength(300)
    v.close()
  })

  it('keeps clear JSON settings and validates the history limit', async () => {
    const { vault, path } = await newVault(tmp.dir)
    expect(vault.getSetting('historyLimit')).toBeUndefined()
    vault.setSetting('accountPolicy', { blazemeterExpiryCap: '1-month' })
    expect(() => vault.setSetting('historyLimit', -1)).toThrow(InvalidInputError)
    vault.close()
    const v = Vault.open(path)
    expect(v.getSetting('accountPolicy')).toEqual({ blazemeterExpiryCap: '1-month' })
    v.close()
  })

  it('fires onChange after each committed change and stops after unsubscribe', async () => {
    const { vault } = await newVault(tmp.dir)
    const kinds: string[] = []
    const off = vault.onChange((e) => kinds.push(e.kind))
    vault.onChange(() => {
      throw new Error('a broken listener')
    })
    const e = vault.add(genericInput(1))
    vault.update(e.id, { notes: 'x' })
    vault.rotate(e.id, { credential: { key: 'k-generic-api-key' } })
    vault.remove(e.id)
    off()
    vault.add(genericInput(2))
    expect(kinds).toEqual(['entries', 'entries', 'entries', 'entries'])
    vault.close()
  })
})

describe('files', () => {
  it('creates the vault file 0600 in a 0700 folder and refuses to overwrite one', async () => {
    const nested = join(tmp.dir, 'a', 'b')
    const { vault, path } = await newVault(nested)
    vault.close()
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    await expect(Vault.create(path, PASSWORD)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('rejects bad input with typed errors naming the field, never its value', async () => {
    const { vault } = await newVault(tmp.dir)
    const bad: [unknown, RegExp][] = [
      [{ style: 'nope', name: 'x', credential: { key: 'k' } }, /provider style/],
      [{ style: 'generic', name: '', credential: { key: 'k' } }, /name is required/],
      [{ style: 'generic', name: 'x', credential: { key: 5 } }, /key must be text/],
      [{ style: 'generic', name: 'x', credential: { key: 'k' }, baseUrl: 'ftp://h' }, /http/],
      [
        { style: 'generic', name: 'x', credential: { key: 'k' }, baseUrl: 'https://u:p@h' },
        /user name or password/,
      ],
      [{ style: 'generic', name: 'x', credential: { key: 'k' }, tags: 'ci' }, /tags/],
      [{ style: 'generic', name: 'x', credential: { key: 'k' }, expiresAt: 1.5 }, /expiry/],
      [
        { style: 'generic', name: 'x', credential: { key: 'k' }, rotationPolicyDays: 0 },
        /rotation policy/,
      ],
    ]
    for (const [input, message] of bad) {
      expect(() => vault.add(input as never)).toThrow(message)
      expect(() => vault.add(input as never)).toThrow(InvalidInputError)
    }
    vault.close()
  })
})

describe('search', () => {
  it('finds exactly what a naive scan finds, across adds, updates and removes', async () => {
    const { vault } = await newVault(tmp.dir)
    const word = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', ' ', '\u0001'),
      minLength: 1,
      maxLength: 6,
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: word,
            notes: word,
            tags: fc.array(word, { maxLength: 2 }),
            drop: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.array(word, { minLength: 1, maxLength: 5 }),
        async (entries, queries) => {
          for (const e of vault.list()) vault.remove(e.id)
          const added = entries.map((e, i) => ({
            ...e,
            id: vault.add({
              style: 'generic',
              name: `${e.name}-${i}`,
              notes: e.notes,
              tags: e.tags.map((t) => t.trim()).filter(Boolean),
              credential: { key: 'k-generic-api-key' },
            }).id,
          }))
          for (const e of added) if (e.drop) vault.update(e.id, { notes: 'changed' })
          const naive = (q: string): string[] => {
            const needle = q.trim().toLowerCase()
            return vault
              .list()
              .filter(
                (s) =>
                  needle === '' ||
                  `${s.name}\n${s.notes}\n${s.tags.join('\n')}\ngeneric\nother service`
                    .toLowerCase()
                    .includes(needle),
              )
              .map((s) => s.id)
          }
          for (const q of queries) expect(vault.search(q).map((s) => s.id)).toEqual(naive(q))
        },
      ),
      { numRuns: 60 },
    )
    vault.close()
  })
})

describe('unlock in chunks', () => {
  it('opens every entry across several chunks and rowid gaps, in insertion order', async () => {
    const { vault, path } = await newVault(tmp.dir)
    const all = vault.addMany(Array.from({ length: 9000 }, (_, i) => genericInput(i)))
    const removed = new Set([0, 4095, 4096, 4097, 8999].map((i) => all[i].id))
    for (const id of removed) vault.remove(id)
    vault.recordValidation(all[5000].id, 'expired', 77)
    vault.close()
    const v = Vault.open(path)
    await v.unlock(PASSWORD)
    const ids = all.map((e) => e.id).filter((id) => !removed.has(id))
    expect(v.list().map((e) => e.id)).toEqual(ids)
    expect(v.get(all[5000].id).lastCheck).toEqual({ status: 'expired', at: 77 })
    expect(v.reveal(all[4098].id, 'key')).toBe('gk-4098-secretvalue')
    expect(v.damaged()).toEqual([])
    v.close()
  })
})
