import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CALL_NAMES, type CallName } from '../../src-main/ipc/contract'
import { createRouter, toCallError, type Router } from '../../src-main/ipc/router'
import { DAY_MS } from '../../src-main/providers'
import { credentialFor, makeServices, routerCalls, type Fixture } from './helpers'

const PASSWORD = 'correct horse battery'

let f: Fixture
let router: Router

const { ok, fails } = routerCalls(() => router)

async function addSample(): Promise<string> {
  const entry = await ok<{ id: string }>('entries.add', {
    entry: {
      style: 'userplane',
      name: 'ci deploy',
      credential: credentialFor('userplane'),
      expiresAt: f.clock.now + 30 * DAY_MS,
      tags: ['ci'],
      environment: 'prod',
    },
  })
  return entry.id
}

beforeEach(() => {
  f = makeServices()
  f.services.start()
  router = createRouter(f.services)
})
afterEach(async () => {
  await f.cleanup()
})

describe('router: every call with valid input', () => {
  it('app and vault lifecycle', async () => {
    expect(await ok('app.info')).toMatchObject({ mode: 'browser', dataDir: f.dir })
    expect(await ok('vault.status')).toMatchObject({ exists: false, unlocked: false })
    expect(await ok('vault.create', { password: PASSWORD })).toMatchObject({
      exists: true,
      unlocked: true,
    })
    expect(await ok('vault.lock', {})).toMatchObject({ unlocked: false })
    expect((await fails('vault.unlock', { password: 'wrong password' })).code).toBe(
      'WRONG_PASSWORD',
    )
    expect(await ok('vault.unlock', { password: PASSWORD })).toMatchObject({ unlocked: true })
    await ok('vault.changePassword', { oldPassword: PASSWORD, newPassword: 'another long one' })
    await ok('vault.lock')
    expect((await fails('vault.unlock', { password: PASSWORD })).code).toBe('WRONG_PASSWORD')
    expect(await ok('vault.unlock', { password: 'another long one' })).toMatchObject({
      unlocked: true,
    })
  })

  it('entries: add, list, search, get, update, reveal, copy, rotate, history, remove', async () => {
    await ok('vault.create', { password: PASSWORD })
    const cred = credentialFor('userplane')
    const added = await ok<{ id: string; name: string }>('entries.add', {
      entry: { style: 'userplane', name: 'ci deploy', credential: cred, tags: ['ci'] },
    })
    expect(added.name).toBe('ci deploy')
    expect(await ok<unknown[]>('entries.list')).toHaveLength(1)
    expect(await ok<unknown[]>('entries.search', { query: 'DEPLOY' })).toHaveLength(1)
    expect(await ok<unknown[]>('entries.search', { query: 'nothing like it' })).toHaveLength(0)
    const detail = await ok<{ keyMask: string }>('entries.get', { id: added.id })
    expect(detail.keyMask).not.toContain(cred.key)
    expect(
      await ok('entries.update', { id: added.id, patch: { notes: 'rotates monthly' } }),
    ).toMatchObject({
      notes: 'rotates monthly',
    })
    expect(await ok('entries.reveal', { id: added.id, field: 'key' })).toEqual({ value: cred.key })
    expect(await ok('entries.copy', { id: added.id, field: 'key' })).toEqual({
      copiedBy: 'renderer',
      value: cred.key,
      clearAfterMs: 30_000,
    })
    const next = credentialFor('userplane')
    expect(await ok('entries.rotate', { id: added.id, credential: next })).toMatchObject({
      historyCount: 1,
    })
    expect(await ok('entries.reveal', { id: added.id, field: 'key' })).toEqual({ value: next.key })
    expect(await ok<unknown[]>('entries.history', { id: added.id })).toHaveLength(1)
    expect(await ok('entries.remove', { id: added.id })).toEqual({ removed: true })
    expect((await fails('entries.get', { id: added.id })).code).toBe('ENTRY_NOT_FOUND')
  })

  it('entries.validate says a generic key cannot be checked (a typed error, not INTERNAL)', async () => {
    await ok('vault.create', { password: PASSWORD })
    const { id } = await ok<{ id: string }>('entries.add', {
      entry: { style: 'generic', name: 'other', credential: { key: 'abc-generic-api-key' } },
    })
    expect((await fails('entries.validate', { id })).code).toBe('NOT_CHECKABLE')
  })

  it('reminders: list while locked names nothing; snooze and dismiss while unlocked', async () => {
    await ok('vault.create', { password: PASSWORD })
    const id = await addSample()
    await ok('entries.add', {
      entry: {
        style: 'wellows',
        name: 'second',
        credential: credentialFor('wellows'),
        expiresAt: f.clock.now + 40 * DAY_MS,
      },
    })
    // 25 days on: the first key expires within 7 days, the second within 30.
    f.clock.now += 25 * DAY_MS
    f.services.reminders.refresh()
    const open = await ok<{
      count: number
      items: { key?: string; entryId?: string; entryName?: string }[]
    }>('reminders.list')
    expect(open.count).toBe(2)
    const mine = open.items.find((i) => i.entryId === id)!
    expect(mine.entryName).toBe('ci deploy')
    await ok('vault.lock')
    const locked = await ok<{ locked: boolean; summary: string; items: object[] }>('reminders.list')
    expect(locked.locked).toBe(true)
    expect(JSON.stringify(locked)).not.toContain('ci deploy')
    expect(JSON.stringify(locked)).not.toContain(id)
    expect(locked.summary).toMatch(/unlock to see which/)
    expect((await fails('reminders.snooze', { key: mine.key, days: 1 })).code).toBe('LOCKED')
    await ok('vault.unlock', { password: PASSWORD })
    const snoozed = await ok<{ count: number }>('reminders.snooze', { key: mine.key, days: 7 })
    expect(snoozed.count).toBe(1)
    const other = open.items.find((i) => i.entryId !== id)!
    expect(await ok('reminders.dismiss', { key: other.key })).toMatchObject({ count: 0 })
    // A week and a day later the snooze is over and the key has expired meanwhile.
    f.clock.now += 8 * DAY_MS
    expect((await ok<{ count: number }>('reminders.list')).count).toBeGreaterThan(0)
  })

  it('settings: defaults, update, and the update reaches the vault and the reminders', async () => {
    expect(await ok('settings.get')).toEqual({
      autoLockMinutes: 5,
      clipboardClearSeconds: 30,
      reminderThresholds: [30, 14, 7, 1],
      historyLimit: 5,
      notifications: true,
      closeToTray: true,
      openAtLogin: false,
    })
    expect((await fails('settings.update', { autoLockMinutes: 3 })).code).toBe('NO_VAULT')
    await ok('vault.create', { password: PASSWORD })
    const updated = await ok('settings.update', {
      autoLockMinutes: 10,
      reminderThresholds: [2, 60, 2],
      historyLimit: 1,
    })
    expect(updated).toMatchObject({
      autoLockMinutes: 10,
      reminderThresholds: [60, 2],
      historyLimit: 1,
    })
    await ok('vault.lock')
    expect(await ok('settings.get')).toMatchObject({ autoLockMinutes: 10, historyLimit: 1 })
    expect((await fails('settings.update', { autoLockMinutes: 0 })).code).toBe('LOCKED')
  })

  it('keyserver: start, issue into the vault, validate, rotate there, log, stop', async () => {
    await ok('vault.create', { password: PASSWORD })
    expect(await ok('keyserver.status')).toMatchObject({ running: false, url: null })
    const started = await ok<{ running: boolean; url: string }>('keyserver.start', { port: 0 })
    expect(started.running).toBe(true)
    for (const style of [
      'webpagetest',
      'similarweb',
      'userplane',
      'wellows',
      'blazemeter',
    ] as const) {
      const entry = await ok<{
        id: string
        origin: string
        serverKeyId: string
        baseUrl: string
        hasSecret: boolean
      }>('keyserver.issue', {
        style,
        name: `issued ${style}`,
        owner: 'alice',
        ...(style === 'userplane' ? { expiresInDays: 30 } : {}),
        ...(style === 'wellows' ? { level: 'project', projectId: 7 } : {}),
        ...(style === 'similarweb' ? { apiType: 'rest' } : {}),
      })
      expect(entry.origin).toBe('keyserver')
      expect(entry.serverKeyId).toBeTruthy()
      // The bundled server's name, not its port: a restart on another port keeps it checkable.
      expect(entry.baseUrl).toMatch(/^http:\/\/keywarden-bundled\.localhost\//)
      expect(entry.hasSecret).toBe(style === 'blazemeter')
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
      const before = await ok<{ value: string }>('entries.reveal', {
        id: entry.id,
        field: style === 'blazemeter' ? 'secret' : 'key',
      })
      await ok('entries.rotate', { id: entry.id })
      const after = await ok<{ value: string }>('entries.reveal', {
        id: entry.id,
        field: style === 'blazemeter' ? 'secret' : 'key',
      })
      expect(after.value).not.toBe(before.value)
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
      // A second rotation finds the live key even where the provider issued a new id.
      const second = await router.call('entries.rotate', { id: entry.id })
      expect(second, style).toMatchObject({ ok: true })
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
    }
    const log = await ok<{ path: string }[]>('keyserver.log', { limit: 5 })
    expect(log.length).toBeGreaterThan(0)
    expect(await ok('keyserver.stop')).toMatchObject({ running: false })
    expect(await ok('keyserver.log', {})).toEqual([])
  })

  it('rotating a key-server key gives the chosen expiry to the server too, not only the vault', async () => {
    await ok('vault.create', { password: PASSWORD })
    const entry = await ok<{ id: string; serverKeyId: string }>('keyserver.issue', {
      style: 'userplane',
      name: 'issued',
      owner: 'alice',
      expiresInDays: 30,
    })
    const chosen = f.clock.now + 60 * DAY_MS
    const rotated = await ok<{ expiresAt: number }>('entries.rotate', {
      id: entry.id,
      expiresAt: chosen,
    })
    expect(rotated.expiresAt).toBe(chosen)
    const status = await ok<{ url: string; dataDir: string }>('keyserver.status')
    const token = readFileSync(join(status.dataDir, 'admin-token'), 'utf8').trim()
    const view = (await (
      await fetch(new URL(`/admin/v1/keys/${entry.serverKeyId}`, status.url), {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { expiresAt: string | number | null }
    const serverExpiry = new Date(view.expiresAt as string | number).getTime()
    // Userplane keys live whole days: 60 of them from the rotation.
    expect(Math.abs(serverExpiry - chosen)).toBeLessThan(60_000)
    expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
  })

  it('keyserver.issue refused by the provider rules leaves the vault unchanged', async () => {
    await ok('vault.create', { password: PASSWORD })
    const error = await fails('keyserver.issue', {
      style: 'userplane',
      name: 'bad',
      expiresInDays: 45,
    })
    expect(error.code).toBe('KEYSERVER_REFUSED')
    expect(error.message).toMatch(/Userplane/)
    expect(await ok<unknown[]>('entries.list')).toEqual([])
  })
})

/** Bad inputs per call: each must be refused with INVALID_INPUT and change nothing. */
const MALFORMED: Record<CallName, unknown[]> = {
  'app.info': [{ x: 1 }, 'text'],
  'vault.status': [{ x: 1 }],
  'vault.create': [
    undefined,
    {},
    { password: 'short' },
    { password: 'x'.repeat(2000) },
    { password: 'long enough', extra: 1 },
  ],
  'vault.unlock': [{}, { password: 42 }, { password: '' }],
  'vault.lock': [[1]],
  'vault.changePassword': [
    { oldPassword: PASSWORD },
    { oldPassword: PASSWORD, newPassword: 'short' },
  ],
  'entries.list': [{ all: true }],
  'entries.search': [{}, { query: 'x'.repeat(600) }],
  'entries.page': [
    {},
    { offset: 0 },
    { offset: -1, limit: 10 },
    { offset: 0, limit: 0 },
    { offset: 0, limit: 501 },
    { offset: 1.5, limit: 10 },
    { offset: 0, limit: 10, sort: 'random' },
    { offset: 0, limit: 10, style: 'nope' },
    { offset: 0, limit: 10, status: 'expired' },
    { offset: 0, limit: 10, condition: 'soon' },
    { offset: 0, limit: 10, query: 'x'.repeat(600) },
    { offset: 0, limit: 10, extra: true },
  ],
  'entries.get': [{}, { id: '' }, { id: 'x'.repeat(300) }],
  'entries.add': [
    {},
    { entry: { style: 'nope', name: 'n', credential: { key: 'k' } } },
    { entry: { style: 'generic', name: '', credential: { key: 'k' } } },
    { entry: { style: 'generic', name: 'n', credential: { key: '' } } },
    { entry: { style: 'generic', name: 'n', credential: { key: 'k' }, origin: 'keyserver' } },
    { entry: { style: 'generic', name: 'n', credential: { key: 'k' }, serverKeyId: 'x' } },
    {
      entry: {
        style: 'generic',
        name: 'n',
        credential: { key: 'k' },
        baseUrl: 'javascript:alert(1)',
      },
    },
    { entry: { style: 'generic', name: 'n', credential: { key: 'k' }, tags: Array(60).fill('t') } },
    { entry: { style: 'generic', name: 'n', credential: { key: 'k' }, expiresAt: 1.5 } },
  ],
  'entries.update': [
    { id: 'a' },
    { id: 'a', patch: { credential: { key: 'k' } } },
    { id: 'a', patch: { style: 'generic' } },
  ],
  'entries.remove': [{ id: 5 }],
  'entries.reveal': [{ id: 'a', field: 'password' }, { id: 'a' }],
  'entries.copy': [{ id: 'a', field: 'all' }],
  'entries.rotate': [{}, { id: 'a', credential: {} }, { id: 'a', expiresAt: 'tomorrow' }],
  'entries.history': [{}],
  'entries.revealHistory': [
    { id: 'a', field: 'key' },
    { id: 'a', index: -1, field: 'key' },
    { id: 'a', index: 0.5, field: 'key' },
    { id: 'a', index: 0, field: 'password' },
    { id: '', index: 0, field: 'key' },
  ],
  'entries.copyHistory': [
    { id: 'a', index: 0 },
    { id: 'a', index: 1001, field: 'key' },
  ],
  'entries.validate': [{ id: null }],
  'reminders.list': [{ all: 1 }],
  'reminders.summary': [{ all: 1 }],
  'reminders.page': [
    { band: 'later', offset: 0, limit: 10 },
    { band: 'week', offset: -1, limit: 10 },
    { band: 'week', offset: 0, limit: 501 },
    { band: 'week' },
  ],
  'reminders.snooze': [
    { key: 'a:expired:0', days: 3 },
    { key: '', days: 1 },
  ],
  'reminders.dismiss': [{}, { key: 7 }],
  'keyserver.status': [{ x: 1 }],
  'keyserver.start': [{ port: 70000 }, { port: -1 }, { host: '0.0.0.0' }],
  'keyserver.stop': [{ now: true }],
  'keyserver.issue': [
    { style: 'generic', name: 'x' },
    { style: 'userplane' },
    { style: 'userplane', name: 'x', expiresInDays: 0 },
  ],
  'keyserver.log': [{ limit: 0 }, { limit: 5000 }],
  'keyserver.namespaces': [{ x: 1 }],
  'keyserver.createNamespace': [{}, { name: '' }, { name: '../admin' }, { name: 'ci', seed: '' }],
  'keyserver.resetNamespace': [{}, { name: 'a/b' }],
  'keyserver.deleteNamespace': [{ name: '-x' }, { name: 'x'.repeat(64) }],
  'keyserver.keys': [{ namespace: 'a b' }, { ns: 'ci' }],
  'keyserver.revokeKey': [{}, { id: '' }, { id: '../keys' }],
  'keyserver.rotateKey': [
    { id: 'key_1', namespace: '' },
    { id: 'key_1', extra: true },
  ],
  'keyserver.setKeyActive': [{ id: 'key_1' }, { id: 'key_1', active: 'yes' }],
  'transfer.preview': [
    {},
    { content: '', fileName: 'a.env' },
    { content: 'A=b', fileName: 'a.env', format: 'zip' },
    { content: 'A=b', fileName: 'a.env', encoding: 'base64' },
    { content: 'A=b', fileName: 'a.env', mode: 'merge' },
    { content: 'A=b', fileName: 'a.env', overrides: [{ where: 'line 1', style: 'nope' }] },
    { content: 'A=b', fileName: 'a.env', extra: 1 },
  ],
  'transfer.import': [{ content: 'A=b' }, { content: 'A=b', fileName: 'a.env', style: 'aws' }],
  'export.file': [{}, { format: 'json' }, { format: 'dotenv', entryIds: [''] }],
  'export.reference': [{}, { id: '' }],
  'backup.file': [{}, { password: PASSWORD }, { password: PASSWORD, backupPassword: 'short' }],
  'audit.list': [{ action: 'nope' }, { since: -1 }, { limit: 0 }, { entryId: '' }, { x: 1 }],
  'audit.verify': [{ x: 1 }],
  'settings.get': [{ x: 1 }],
  'settings.update': [
    { autoLockMinutes: -1 },
    { reminderThresholds: [] },
    { theme: 'dark' },
    { notifications: 'yes' },
  ],
}

describe('router: malformed input', () => {
  it('covers every call of the contract', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...CALL_NAMES].sort())
  })

  it('refuses each malformed input with INVALID_INPUT and a clear message, changing nothing', async () => {
    await ok('vault.create', { password: PASSWORD })
    const id = await addSample()
    await ok('settings.update', { autoLockMinutes: 9 })
    const snapshot = async (): Promise<string> =>
      JSON.stringify([
        await ok('vault.status'),
        await ok('entries.list'),
        await ok('settings.get'),
        await ok('keyserver.status'),
        await ok('entries.reveal', { id, field: 'key' }),
      ])
    const before = await snapshot()
    for (const [name, inputs] of Object.entries(MALFORMED))
      for (const input of inputs) {
        const error = await fails(name, input)
        expect(error.code, `${name} ${JSON.stringify(input)}`).toBe('INVALID_INPUT')
        // A sentence in plain words, never zod's raw text ("Too small: expected string…").
        expect(error.message).toMatch(/^[A-Z].+\.$/)
        expect(error.message).not.toMatch(/Too small|Too big|expected/)
      }
    expect(await snapshot()).toBe(before)
  })

  it('never echoes a refused value (a secret typed into the wrong field)', async () => {
    const secret = 'sk_live_DO_NOT_ECHO_0123456789'
    const error = await fails('vault.unlock', { password: 1, note: secret })
    expect(error.message).not.toContain(secret)
    const error2 = await fails('entries.add', {
      entry: { style: secret, name: secret, credential: { key: 1 } },
    })
    expect(error2.message).not.toContain(secret)
  })

  it('an unknown call is UNKNOWN_CALL', async () => {
    expect((await fails('vault.explode', {})).code).toBe('UNKNOWN_CALL')
    expect((await fails('__proto__', {})).code).toBe('UNKNOWN_CALL')
  })

  it('calls that need an unlocked vault say so', async () => {
    expect((await fails('entries.list', undefined)).code).toBe('NO_VAULT')
    await ok('vault.create', { password: PASSWORD })
    await ok('vault.lock')
    expect((await fails('entries.list', undefined)).code).toBe('LOCKED')
    expect((await fails('keyserver.issue', { style: 'wellows', name: 'x' })).code).toBe('LOCKED')
  })

  it('an unexpected error becomes INTERNAL without its text', () => {
    const error = toCallError(new Error('failed near sk_live_secret'))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).not.toContain('sk_live')
  })
})
