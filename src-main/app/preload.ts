/**
 * The sandboxed preload: builds ONE object that satisfies KeywardenApi from the contract's call
 * names and exposes it as `window.keywarden`. Only named functions cross the bridge; ipcRenderer
 * itself, or a generic invoke(channel, ...), never does (style.md §3).
 *
 * Failures are rejected as plain `{ name: 'KeywardenError', code, message, retryAfterMs? }`
 * objects: the context bridge copies only the message of an Error, and the renderer needs the
 * code (e.g. BACKOFF with its wait).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
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

function caller(name: CallName): (input?: unknown) => Promise<unknown> {
  const channel = callChannel(name)
  return async function call(input?: unknown): Promise<unknown> {
    const result = (await ipcRenderer.invoke(channel, input)) as CallResult<CallName>
    if (result.ok) return result.value
    throw { name: 'KeywardenError', ...result.error }
  }
}

function build(): KeywardenApi {
  const api: Record<string, Record<string, unknown>> = {}
  for (const name of CALL_NAMES) {
    const [domain, verb] = name.split('.') as [string, string]
    api[domain] ??= {}
    api[domain][verb] = caller(name)
  }
  const events: ReadonlySet<string> = new Set(EVENT_NAMES)
  return {
    ...(api as unknown as Omit<KeywardenApi, 'on'>),
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!events.has(event)) throw new TypeError('Unknown event.')
      const channel = eventChannel(event)
      // The exact function added is the one removed (a fresh closure would remove nothing).
      const handler = (_event: IpcRendererEvent, payload: Events[E]): void => listener(payload)
      ipcRenderer.on(channel, handler)
      return () => {
        ipcRenderer.removeListener(channel, handler)
      }
    },
  } satisfies KeywardenApi
}

contextBridge.exposeInMainWorld('keywarden', build())
