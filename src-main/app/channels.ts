/** IPC channel names, shared by the preload and main (no Electron import: the preload bundles it). */
import type { CallName, EventName } from '../ipc/contract'

/** One channel per call: main registers a handler for each, so nothing generic is exposed. */
export function callChannel(name: CallName): string {
  return `keywarden:call:${name}`
}

export function eventChannel(name: EventName): string {
  return `keywarden:event:${name}`
}
