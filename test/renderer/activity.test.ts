import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { ACTIVITY_EVENTS, throttled, watchActivity } from '../../src-renderer/lib/activity'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('sends at once, then at most once per gap, and once more after a busy stretch', () => {
  const sent: number[] = []
  const report = throttled(() => sent.push(Date.now()), 15_000)
  const t0 = Date.now()
  report()
  expect(sent).toEqual([t0])
  // Typing for 10 s: nothing more until the gap is over, then one report for the stretch.
  for (let i = 0; i < 10; i++) {
    vi.advanceTimersByTime(1000)
    report()
  }
  expect(sent).toHaveLength(1)
  vi.advanceTimersByTime(5000)
  expect(sent).toEqual([t0, t0 + 15_000])
  // Quiet afterwards: no more reports.
  vi.advanceTimersByTime(60_000)
  expect(sent).toHaveLength(2)
  report()
  expect(sent).toHaveLength(3)
})

it('listens to keys and pointer on the window and stops cleanly', () => {
  const target = new EventTarget()
  let count = 0
  const stop = watchActivity(target as unknown as Window, () => count++, 15_000)
  target.dispatchEvent(new Event('keydown'))
  expect(count).toBe(1)
  vi.advanceTimersByTime(15_000)
  target.dispatchEvent(new Event('pointermove'))
  expect(count).toBe(2)
  target.dispatchEvent(new Event('wheel'))
  stop()
  vi.advanceTimersByTime(60_000)
  for (const e of ACTIVITY_EVENTS) target.dispatchEvent(new Event(e))
  expect(count).toBe(2)
})
