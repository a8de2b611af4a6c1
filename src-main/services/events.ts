/**
 * The typed event bus from the application core to whichever transport carries events to the
 * renderer (IPC in desktop mode, SSE in browser mode). Subscriptions return their exact unsubscribe.
 */
import type { EventName, Events } from '../ipc/contract'

export type AnyEventListener = <E extends EventName>(event: E, payload: Events[E]) => void

export class EventBus {
  private readonly listeners = new Set<AnyEventListener>()

  /** Listen to every event; returns the function that removes exactly this listener. */
  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Deliver an event to every listener; one failing listener does not starve the others. */
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload)
      } catch {
        // A transport that fails (a closed stream) must not break the core or other listeners.
      }
    }
  }

  get size(): number {
    return this.listeners.size
  }
}
