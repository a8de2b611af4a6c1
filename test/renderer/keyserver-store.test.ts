/**
 * The key server store over the real router, real services and the real in-process key server
 * (the desktop bridge's object, events delivered as main sends them): a server that starts on
 * its own (issuing) shows as running with its keys, key actions and namespaces refresh the view.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { eventChannel } from '../../src-main/app/channels'
import { buildApi, type IpcPort } from '../../src-main/app/preload-api'
import type { EventName } from '../../src-main/ipc/contract'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'

const PASSWORD = 'pw for the key server store'
let dir: string
let services: AppServices

const windowStub = {} as { keywarden?: unknown }
vi.stubGlobal('window', windowStub)
const { useKeyServer } = await import('../../src-renderer/stores/keyserver')
const store = () => useKeyServer.getState()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-ks-store-'))
  services = new AppServices({ dataDir: dir, mode: 'desktop', kdf: FAST_TEST_KDF })
  await services.createVault(PASSWORD)
  const router = createRouter(services)
  const handlers = new Map<string, Set<(event: unknown, payload: unknown) => void>>()
  services.events.subscribe((event, payload) => {
    for (const h of handlers.get(eventChannel(event as EventName)) ?? []) h(null, payload)
  })
  const port: IpcPort = {
    invoke: (channel, input) => router.call(channel.replace('keywarden:call:', ''), input),
    on: (channel, handler) => {
      const set = handlers.get(channel) ?? new Set()
      set.add(handler as (event: unknown, payload: unknown) => void)
      handlers.set(channel, set)
    },
    removeListener: (channel, handler) =>
      void handlers.get(channel)?.delete(handler as (event: unknown, payload: unknown) => void),
  }
  windowStub.keywarden = buildApi(port)
  // As App.tsx wires it.
  const { getApi } = await import('../../src-renderer/api')
  getApi().on('keyserver-status', (status) => store().receiveStatus(status))
})

afterAll(async () => {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

it('shows a server that started on its own as running, with its keys; acts on them', async () => {
  await store().load()
  expect(store().status?.running).toBe(false)

  // Issuing starts the server without keyserver.start (as "Check now" and rotation do).
  await services.issue({ style: 'userplane', name: 'store-issued', expiresInDays: 30 })
  await vi.waitFor(() => expect(store().status?.running).toBe(true))
  await vi.waitFor(() => expect(store().keys).toHaveLength(1))
  expect(store().keys[0]).toMatchObject({ name: 'store-issued', canToggle: true })
  expect(store().namespaces.map((n) => n.name)).toContain('default')

  const id = store().keys[0]!.id
  await store().keyAction('deactivate', id)
  expect(store().keys[0]!.status).toBe('disabled')
  await store().keyAction('activate', id)
  expect(store().keys[0]!.status).toBe('active')

  await store().createNamespace('store-ns')
  expect(store().namespace).toBe('store-ns')
  expect(store().keys).toEqual([])
  await store().deleteNamespace('store-ns')
  expect(store().namespace).toBe('default')
  expect(store().keys).toHaveLength(1)

  await services.stopKeyserver()
  await vi.waitFor(() => expect(store().status?.running).toBe(false))
  expect(store().keys).toEqual([])
})
