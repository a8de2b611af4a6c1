/**
 * The object the preload exposes, built from the contract's call names over a small IPC port
 * (ipcRenderer in the preload; a stand-in in tests). No Electron import here, so it is testable.
 *
 * Failures are rejected as plain `{ name: 'KeywardenError', code, message, retryAfterMs? }`
 * objects: the context bridge copies only the message of an Error, and the renderer needs the
 * code (e.g. BACKOFF with its wait).
 */
import {
  CALL_NAMES,
  EVENT_NAMES,
  type CallName,
  type CallResult,
  type EventName,
  type Events,
  type KeywardenApi,
} from '../ipc/contract'
import { callChannel, eventChannel } from './channels'

export type IpcHandler = (...args: unknown[]) => void

export interface IpcPort {
  invoke(channel: string, input: unknown): Promise<unknown>
  on(channel: string, handler: IpcHandler): void
  removeListener(channel: string, handler: IpcHandler): void
}

function caller(port: IpcPort, name: CallName): (input?: unknown) => Promise<unknown> {
  const channel = callChannel(name)
  return async function call(input?: unknown): Promise<unknown> {
    const result = (await port.invoke(channel, input)) as CallResult<CallName>
    if (result.ok) return result.value
    throw { name: 'KeywardenError', ...result.error }
  }
}

/** One object with a named function per call and `on` for events; nothing generic. */
export function buildApi(port: IpcPort): KeywardenApi {
  const api: Record<string, Record<string, unknown>> = {}
  for (const name of CALL_NAMES) {
    const [domain, verb] = name.split('.') as [string, string]
    api[domain] ??= {}
    api[domain][verb] = caller(port, name)
  }
  const events: ReadonlySet<string> = new Set(EVENT_NAMES)
  return {
    ...(api as unknown as Omit<KeywardenApi, 'on'>),
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!events.has(event)) throw new TypeError('Unknown event.')
      const channel = eventChannel(event)
      // The exact function added is the one removed (a fresh closure would remove nothing).
      const handler = (_event: unknown, payload: Events[E]): void => listener(payload)
      port.on(channel, handler as IpcHandler)
      return () => port.removeListener(channel, handler as IpcHandler)
    },
  } satisfies KeywardenApi
}
