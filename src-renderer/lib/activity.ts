/**
 * Browser mode: tell the server that a person is using the page. Typing into a form or moving the
 * pointer makes no call, so without these reports the idle auto-lock would close the vault under
 * a half-filled form. At most one report per `minGapMs`, plus one at the end of a busy stretch so
 * the idle time counts from the last keystroke, not the first. (Desktop mode counts the system's
 * idle time instead and sends nothing.)
 */

/** What counts as a person being there. */
export const ACTIVITY_EVENTS = ['keydown', 'input', 'pointerdown', 'pointermove', 'wheel'] as const

/** The default gap between two reports; the server checks idle time every 15 s as well. */
export const REPORT_GAP_MS = 15_000

export interface Throttled {
  (): void
  cancel: () => void
}

/** `send` at most once per `minGapMs`; a call inside the gap is sent once the gap is over. */
export function throttled(send: () => void, minGapMs: number, now = Date.now): Throttled {
  let last = -Infinity
  let pending: ReturnType<typeof setTimeout> | null = null
  const fire = (() => {
    const t = now()
    if (t - last >= minGapMs) {
      last = t
      send()
      return
    }
    pending ??= setTimeout(
      () => {
        pending = null
        last = now()
        send()
      },
      last + minGapMs - t,
    )
  }) as Throttled
  fire.cancel = () => {
    if (pending !== null) clearTimeout(pending)
    pending = null
  }
  return fire
}

/** Report activity on `target` (the window) until the returned function is called. */
export function watchActivity(
  target: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  send: () => void,
  minGapMs = REPORT_GAP_MS,
): () => void {
  const report = throttled(send, minGapMs)
  const listener = () => report()
  for (const event of ACTIVITY_EVENTS)
    target.addEventListener(event, listener, { passive: true, capture: true })
  return () => {
    report.cancel()
    for (const event of ACTIVITY_EVENTS)
      target.removeEventListener(event, listener, { capture: true })
  }
}
