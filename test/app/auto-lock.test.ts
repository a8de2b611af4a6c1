import { afterEach, expect, it } from 'vitest'
import { AutoLock } from '../../src-main/services/auto-lock'
import { makeServices, type Fixture } from '../ipc/helpers'

let f: Fixture | undefined
afterEach(async () => {
  await f?.cleanup()
})

it('locks after autoLockMinutes of idle time with reason idle, and never when set to 0', async () => {
  f = makeServices()
  const events: unknown[] = []
  f.services.events.subscribe((event, payload) => {
    if (event === 'vault-locked') events.push(payload)
  })
  await f.services.createVault('correct horse battery')
  let idle = 0
  const autoLock = new AutoLock(f.services, () => idle)
  idle = 4 * 60_000
  expect(autoLock.check()).toBe(false)
  idle = 5 * 60_000
  expect(autoLock.check()).toBe(true)
  expect(f.services.isUnlocked).toBe(false)
  expect(events).toEqual([{ reason: 'idle' }])
  await f.services.unlock('correct horse battery')
  f.services.updateSettings({ autoLockMinutes: 0 })
  idle = 10 * 24 * 3_600_000
  expect(autoLock.check()).toBe(false)
  expect(f.services.isUnlocked).toBe(true)
})
