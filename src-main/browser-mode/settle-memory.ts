/**
 * Give memory back once an unlock has settled. Unlocks leave tens of megabytes dead at 100k
 * entries: the sealed records read ahead for the unlock (~56 MB of buffers, freed only when
 * their wrappers are collected) and, after lock/unlock cycles, the previous sessions' caches. V8
 * collects that old space only when its own heuristics say so, and a server idling after an
 * unlock often never reached that point: measured after three lock/unlock cycles at 100k, the
 * server held 280–310 MB, 225–240 MB once collected.
 *
 * So a full collection (two passes) runs a few seconds after an unlock, when its background work (search
 * text) is done. It costs one pause of ~70–90 ms at 100k entries, once per unlock, never during
 * the unlock itself; a search typed at that moment waits for it.
 *
 * And one runs at each lock, before the lock's answer goes out: the dropped session's cache and
 * records are freed before the next unlock reads its records again, so the allocator reuses that
 * memory instead of growing past it. Left to the collection after the next unlock, three
 * lock/unlock cycles at 100k left the allocator's heap at ~120 MB where one cycle needs ~60 MB
 * (and the process above 300 MB RSS in some runs). The pause is the lock's, never an unlock's.
 * Started by browser mode only; the desktop app's main process was not measured for this.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { EventBus } from '../services/events'

/** How long after an unlock to collect (its search text takes ~100 ms at 100k). */
export const SETTLE_MS = 3000

let collector: (() => void) | null | undefined

/**
 * V8's full collection. Without --expose-gc the flag is turned on for a fresh context, which
 * then holds `gc`; null when this runtime refuses (nothing is collected then, nothing breaks).
 */
export function fullCollection(): (() => void) | null {
  if (collector !== undefined) return collector
  try {
    const existing = (globalThis as { gc?: () => void }).gc
    if (typeof existing === 'function') collector = existing
    else {
      setFlagsFromString('--expose-gc')
      const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null')
      collector = typeof gc === 'function' ? (gc as () => void) : null
    }
  } catch {
    collector = null
  }
  return collector
}

/**
 * Collect once, `delayMs` after a 'vault-unlocked' on `events`, and at once on a 'vault-locked'
 * (which also cancels a pending one, so no pause lands in the next unlock). The timer is
 * unref'd (it never holds the process open); returns the unsubscribe.
 */
export function settleMemoryAfterUnlock(
  events: EventBus,
  collect: (() => void) | null = fullCollection(),
  delayMs = SETTLE_MS,
): () => void {
  if (!collect) return () => undefined
  let timer: NodeJS.Timeout | null = null
  const cancel = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  const unsubscribe = events.subscribe((event) => {
    if (event === 'vault-locked') {
      cancel()
      return collect()
    }
    if (event !== 'vault-unlocked') return
    cancel()
    timer = setTimeout(() => {
      timer = null
      // Twice: the first frees what died and runs the finalizers of records' buffers; only the
      // second gives their pages back (measured at 100k after the cycles above: the first
      // left ~230 MB RSS with ~30 MB of the heap free, the second ~200 MB).
      collect()
      collect()
    }, delayMs)
    timer.unref()
  })
  return () => {
    unsubscribe()
    cancel()
  }
}
