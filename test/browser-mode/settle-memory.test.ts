/**
 * Browser mode's collections: one full collection (two passes) a while after an unlock, one at
 * once on a lock (which cancels a pending one, so none lands in the next unlock), none for other
 * events or after the server stops.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import { fullCollection, settleMemoryAfterUnlock } from '../../src-main/browser-mode/settle-memory'
import { EventBus } from '../../src-main/services/events'

it('collects after an unlock and at a lock, which cancels the pending one; other events do nothing', async () => {
  const events = new EventBus()
  let runs = 0
  const stop = settleMemoryAfterUnlock(events, () => runs++, 30)
  events.emit('entries-changed', {})
  await sleep(80)
  expect(runs).toBe(0)
  events.emit('vault-unlocked', {})
  // The lock collects right away (one pass) and the unlock's pending collection is dropped.
  events.emit('vault-locked', { reason: 'user' })
  expect(runs).toBe(1)
  await sleep(80)
  expect(runs).toBe(1)
  events.emit('vault-unlocked', {})
  events.emit('vault-unlocked', {})
  await sleep(120)
  // One settled collection for the two unlocks, of two passes.
  expect(runs).toBe(3)
  events.emit('vault-unlocked', {})
  stop()
  await sleep(80)
  expect(runs).toBe(3)
  expect(events.size).toBe(0)
})

it('finds V8’s full collection in a process started without --expose-gc', () => {
  const gc = fullCollection()
  expect(typeof gc).toBe('function')
  gc!()
})
