import { EventEmitter } from 'node:events'
import { expect, it } from 'vitest'
import { buildApi, type IpcPort } from '../../src-main/app/preload-api'
import { CALL_NAMES } from '../../src-main/ipc/contract'

function port(
  answer: (channel: string, input: unknown) => unknown,
): IpcPort & { bus: EventEmitter } {
  const bus = new EventEmitter()
  return {
    bus,
    invoke: async (channel, input) => answer(channel, input),
    on: (channel, handler) => void bus.on(channel, handler),
    removeListener: (channel, handler) => void bus.removeListener(channel, handler),
  }
}

it('exposes one named function per call and nothing generic', () => {
  const api = buildApi(port(() => ({ ok: true, value: null })))
  for (const name of CALL_NAMES) {
    const [d, v] = name.split('.') as [string, string]
    expect(typeof (api as unknown as Record<string, Record<string, unknown>>)[d]![v], name).toBe(
      'function',
    )
  }
  expect(Object.keys(api).sort()).toEqual([
    'app',
    'audit',
    'backup',
    'entries',
    'export',
    'keyserver',
    'on',
    'reminders',
    'settings',
    'transfer',
    'vault',
  ])
  expect('invoke' in api).toBe(false)
})

it('calls go to their own channel; failures reject with code and message', async () => {
  const seen: [string, unknown][] = []
  const api = buildApi(
    port((channel, input) => {
      seen.push([channel, input])
      return channel.endsWith('vault.unlock')
        ? { ok: false, error: { code: 'BACKOFF', message: 'Wait.', retryAfterMs: 2000 } }
        : { ok: true, value: { unlocked: false } }
    }),
  )
  await expect(api.vault.status()).resolves.toEqual({ unlocked: false })
  await expect(api.vault.unlock({ password: 'x' })).rejects.toEqual({
    name: 'KeywardenError',
    code: 'BACKOFF',
    message: 'Wait.',
    retryAfterMs: 2000,
  })
  expect(seen).toEqual([
    ['keywarden:call:vault.status', undefined],
    ['keywarden:call:vault.unlock', { password: 'x' }],
  ])
})

it('a subscription returns the unsubscribe that removes exactly its listener', () => {
  const p = port(() => null)
  const api = buildApi(p)
  const a: unknown[] = []
  const b: unknown[] = []
  const offA = api.on('vault-locked', (x) => a.push(x))
  api.on('vault-locked', (x) => b.push(x))
  p.bus.emit('keywarden:event:vault-locked', {}, { reason: 'idle' })
  offA()
  p.bus.emit('keywarden:event:vault-locked', {}, { reason: 'user' })
  expect(a).toEqual([{ reason: 'idle' }])
  expect(b).toEqual([{ reason: 'idle' }, { reason: 'user' }])
  expect(p.bus.listenerCount('keywarden:event:vault-locked')).toBe(1)
  expect(() => api.on('nope' as 'vault-locked', () => undefined)).toThrow()
})
