/**
 * Browser mode's collection after an unlock: one full collection a while after it, cancelled by
 * a lock (so it never lands in the next unlock), none for other events or after the server stops.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import { fullCollection, settleMemoryAfterUnlock } from '../../src-main/browser-mode/settle-memory'
import { EventBus } from '../../src-main/services/events'

it('runs one collection after an unlock; a lock cancels it; other events do nothing', async () => {
  const events = new EventBus()
  let runs = 0
  const stop = settleMemoryAfterUnlock(events, () => runs++, 30)
  events.emit('entries-changed', {})
  await sleep(80)
  expect(runs).toBe(0)
  events.emit('vault-unlocked', {})
  events.emit('vault-locked', { reason: 'user' })
  await sleep(80)
  expect(runs).toBe(0)
  events.emit('vault-unlocked', {})
  events.emit('vault-unlocked', {})
  await sleep(120)
  expect(runs).toBe(1)
  events.emit('vault-unlocked', {})
  stop()
  await sleep(80)
  expect(runs).toBe(1)
  expect(events.size).toBe(0)
})

it('finds V8’s full collection in a process started without --expose-gc', () => {
  const gc = fullCollection()
  expect(typeof gc).toBe('function')
  gc!()
})
