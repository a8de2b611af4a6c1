/**
 * The key server view's calls through the router, against the real in-process key server over
 * loopback and a real vault file: status while running, issued keys, revoke / rotate / activate
 * with the vault kept in step, namespaces, and the log's namespace and fault fields.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  EntrySummary,
  Events,
  KeyServerKey,
  KeyServerLogLine,
  KeyServerNamespace,
  KeyServerStatus,
} from '../../src-main/ipc/contract'
import { createRouter, type Router } from '../../src-main/ipc/router'
import type { KeyServerControl } from '../../src-main/services/keyserver'
import { makeServices, routerCalls, type Fixture } from './helpers'

const PASSWORD = 'correct horse battery'

let f: Fixture
let router: Router
let statusEvents: KeyServerStatus[]
let logEvents: KeyServerLogLine[]
const { ok, fails } = routerCalls(() => router)

beforeEach(async () => {
  f = makeServices()
  f.services.start()
  router = createRouter(f.services)
  statusEvents = []
  logEvents = []
  f.services.events.subscribe((event, payload) => {
    if (event === 'keyserver-status') statusEvents.push(payload as Events['keyserver-status'])
    if (event === 'keyserver-log') logEvents.push(payload as Events['keyserver-log'])
  })
  await ok('vault.create', { password: PASSWORD })
})
afterEach(async () => {
  await f.cleanup()
})

async function issue(style: 'similarweb' | 'userplane' | 'webpagetest' | 'wellows') {
  return ok<EntrySummary>('keyserver.issue', {
    style,
    name: `view ${style}`,
    owner: 'alice',
    ...(style === 'userplane' ? { expiresInDays: 30 } : {}),
  })
}

const keys = (namespace?: string) =>
  ok<KeyServerKey[]>('keyserver.keys', namespace ? { namespace } : undefined)

describe('key server view: status', () => {
  it('a server started on its own (by issuing) reports running, with an event', async () => {
    expect(await ok('keyserver.status')).toMatchObject({ running: false })
    // Issuing starts the server without keyserver.start: the view learns it from the event.
    await issue('webpagetest')
    const status = await ok<KeyServerStatus>('keyserver.status')
    expect(status.running).toBe(true)
    expect(status.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
    expect(statusEvents).toEqual([status])
    await ok('keyserver.stop')
    expect(statusEvents.at(-1)).toMatchObject({ running: false, url: null })
  })

  it('view calls on a stopped server say so instead of starting it', async () => {
    const error = await fails('keyserver.keys', {})
    expect(error.code).toBe('KEYSERVER_STOPPED')
    expect((await ok<KeyServerStatus>('keyserver.status')).running).toBe(false)
  })
})

describe('key server view: keys', () => {
  it('lists issued keys with their vault entry, never a credential', async () => {
    const entry = await issue('similarweb')
    const listed = await keys()
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({
      id: entry.serverKeyId,
      style: 'similarweb',
      status: 'active',
      canToggle: true,
      vaultEntryId: entry.id,
    })
    const secret = await ok<{ value: string }>('entries.reveal', { id: entry.id, field: 'key' })
    expect(JSON.stringify(listed)).not.toContain(secret.value)
  })

  it('deactivate: the provider refuses the key; activate: it works again (Similarweb, Userplane)', async () => {
    for (const style of ['similarweb', 'userplane'] as const) {
      const entry = await issue(style)
      const id = entry.serverKeyId!
      const off = await ok<KeyServerKey>('keyserver.setKeyActive', { id, active: false })
      expect(off.status).toBe('disabled')
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'invalid' })
      const on = await ok<KeyServerKey>('keyserver.setKeyActive', { id, active: true })
      expect(on.status).toBe('active')
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
    }
  })

  it('a style without an activation switch is refused with a clear error', async () => {
    const entry = await issue('webpagetest')
    const error = await fails('keyserver.setKeyActive', { id: entry.serverKeyId, active: false })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/Similarweb and Userplane/)
  })

  it('rotate keeps the vault entry in step, also where rotation issues a new key id', async () => {
    for (const style of ['webpagetest', 'userplane'] as const) {
      const entry = await issue(style)
      const before = await ok<{ value: string }>('entries.reveal', { id: entry.id, field: 'key' })
      const rotated = await ok<KeyServerKey>('keyserver.rotateKey', { id: entry.serverKeyId })
      expect(rotated.vaultEntryId).toBe(entry.id)
      expect(rotated.status).toBe('active')
      const after = await ok<{ value: string }>('entries.reveal', { id: entry.id, field: 'key' })
      expect(after.value).not.toBe(before.value)
      // The vault's credential is the one the server honours now.
      expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'valid' })
      const history = await ok<unknown[]>('entries.history', { id: entry.id })
      expect(history.length).toBe(1)
      // Rotating again through the live id reaches the same entry.
      const again = await ok<KeyServerKey>('keyserver.rotateKey', { id: rotated.id })
      expect(again.vaultEntryId).toBe(entry.id)
    }
  })

  it('revoke marks the vault entry revoked; the provider refuses the key', async () => {
    const entry = await issue('wellows')
    const revoked = await ok<KeyServerKey>('keyserver.revokeKey', { id: entry.serverKeyId })
    expect(revoked.status).toBe('revoked')
    expect((await ok<EntrySummary>('entries.get', { id: entry.id })).status).toBe('revoked')
    expect(await ok('entries.validate', { id: entry.id })).toMatchObject({ status: 'invalid' })
  })

  it('acting on a default-namespace key while the vault is locked is refused', async () => {
    const entry = await issue('similarweb')
    await ok('vault.lock')
    const error = await fails('keyserver.revokeKey', { id: entry.serverKeyId })
    expect(error.code).toBe('VAULT_LOCKED')
    expect((await fails('keyserver.resetNamespace', { name: 'default' })).code).toBe('VAULT_LOCKED')
    await ok('vault.unlock', { password: PASSWORD })
    expect((await keys())[0]!.status).toBe('active')
  })

  it('an unknown key id is reported as the server words it', async () => {
    await ok('keyserver.start', {})
    const error = await fails('keyserver.rotateKey', { id: 'key_doesnotexist' })
    expect(error).toMatchObject({ code: 'KEYSERVER_REFUSED', message: 'No key with that id.' })
  })
})

describe('key server view: namespaces', () => {
  it('create, list with base URLs, reset, delete; the default one cannot be deleted', async () => {
    await ok('keyserver.start', {})
    const created = await ok<KeyServerNamespace>('keyserver.createNamespace', {
      name: 'ci-42',
      seed: 'fixed',
    })
    expect(created).toMatchObject({ name: 'ci-42', seed: 'fixed', faultRules: 0 })
    expect(created.baseUrls.similarweb).toMatch(/\/ns\/ci-42\/similarweb$/)
    const names = (await ok<KeyServerNamespace[]>('keyserver.namespaces')).map((n) => n.name)
    expect(names).toEqual(expect.arrayContaining(['default', 'ci-42']))
    expect(await keys('ci-42')).toEqual([])

    const duplicate = await fails('keyserver.createNamespace', { name: 'ci-42' })
    expect(duplicate.code).toBe('KEYSERVER_REFUSED')

    expect(await ok('keyserver.resetNamespace', { name: 'ci-42' })).toMatchObject({
      name: 'ci-42',
    })
    expect(await ok('keyserver.deleteNamespace', { name: 'ci-42' })).toEqual({ deleted: 'ci-42' })
    const names2 = (await ok<KeyServerNamespace[]>('keyserver.namespaces')).map((n) => n.name)
    expect(names2).not.toContain('ci-42')
    expect((await fails('keyserver.deleteNamespace', { name: 'default' })).code).toBe(
      'INVALID_INPUT',
    )
    expect((await fails('keyserver.keys', { namespace: 'ci-42' })).code).toBe('KEYSERVER_REFUSED')
  })

  it('resetting the default namespace marks the vault entries of its keys revoked', async () => {
    const entry = await issue('userplane')
    await ok('keyserver.resetNamespace', { name: 'default' })
    expect(await keys()).toEqual([])
    expect((await ok<EntrySummary>('entries.get', { id: entry.id })).status).toBe('revoked')
  })

  it('log lines name their namespace and the fault they met', async () => {
    await ok('keyserver.start', {})
    const ns = await ok<KeyServerNamespace>('keyserver.createNamespace', { name: 'faulty' })
    // Fault rules are set through the admin API directly (the view shows them, it does not edit them).
    const control = (f.services as unknown as { keyserver: KeyServerControl }).keyserver
    await control.adminCall('PUT', '/admin/v1/namespaces/faulty/faults', {
      rules: [{ provider: 'webpagetest', everyNth: 1, kind: 'status', status: 503 }],
    })
    const response = await fetch(`${ns.baseUrls.webpagetest}/testBalance.php?k=nothing`)
    expect(response.status).toBe(503)
    await response.text()
    const lines = await ok<KeyServerLogLine[]>('keyserver.log', { limit: 10 })
    const line = lines.find((l) => l.namespace === 'faulty')
    expect(line).toBeDefined()
    expect(line!.fault).toMatch(/status/)
    expect(line!.path).not.toContain('nothing')
    expect(logEvents.some((l) => l.namespace === 'faulty' && l.fault)).toBe(true)
  })
})
