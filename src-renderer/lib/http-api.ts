/**
 * The browser-mode transport: the same `KeywardenApi` as the desktop preload, carried over
 * loopback HTTP (`POST /api/call/<name>`, `GET /api/events`) with the per-launch token in a
 * header. Built as a Proxy because the renderer may not import the contract's run-time list of
 * call names (type imports only): `api.<domain>.<verb>(input)` becomes a call named
 * `<domain>.<verb>`, and the router answers 404 for a name it does not know.
 */
import type { CallResult, EventName, Events, KeywardenApi } from '../../src-main/ipc/contract'
import { KeywardenError } from './errors'
import { SseParser, reconnectDelay } from './sse'

export interface HttpApiOptions {
  /** Origin of the server, '' for the page's own origin. */
  baseUrl: string
  token: string
  fetch?: typeof fetch
  /** Called when the server refuses the token (a restarted server issues a new one). */
  onUnauthorized?: () => void
}

type Listener = (payload: unknown) => void

/** Build the HTTP client for browser mode. */
export function createHttpApi(options: HttpApiOptions): KeywardenApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const headers = { 'X-Keywarden-Token': options.token }

  async function call(name: string, input: unknown): Promise<unknown> {
    let response: Response
    try {
      response = await doFetch(`${options.baseUrl}/api/call/${name}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      })
    } catch {
      throw new KeywardenError('NETWORK', 'Keywarden is not reachable. Is it still running?')
    }
    let result: CallResult<never> | null = null
    try {
      result = (await response.json()) as CallResult<never>
    } catch {
      result = null
    }
    if (response.status === 401) options.onUnauthorized?.()
    if (result && typeof result === 'object' && 'ok' in result) {
      if (result.ok) return result.value
      const { code, message, retryAfterMs, details, field } = result.error
      throw new KeywardenError(code, message, retryAfterMs, details, field)
    }
    if (response.status === 404) throw new KeywardenError('UNKNOWN_CALL', `Unknown call ${name}.`)
    throw new KeywardenError('HTTP_' + response.status, `The server answered ${response.status}.`)
  }

  const events = createEventStream(options, doFetch)

  const domains = new Map<string, Record<string, (input?: unknown) => Promise<unknown>>>()
  return new Proxy({} as KeywardenApi, {
    get(_target, prop) {
      if (prop === 'on') return events.on
      // Not a thenable, and not a source of accidental calls from devtools or inspection.
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined
      let domain = domains.get(prop)
      if (!domain) {
        const verbs = new Map<string, (input?: unknown) => Promise<unknown>>()
        domain = new Proxy({} as Record<string, (input?: unknown) => Promise<unknown>>, {
          get(_t, verb) {
            if (typeof verb !== 'string' || verb === 'then' || verb === 'toJSON') return undefined
            let fn = verbs.get(verb)
            if (!fn) {
              fn = (input?: unknown) => call(`${prop}.${verb}`, input)
              verbs.set(verb, fn)
            }
            return fn
          },
        })
        domains.set(prop, domain)
      }
      return domain
    },
  })
}

/**
 * Tell the server a person is using the page (browser mode's idle auto-lock counts from it). A
 * failure is ignored: the next report or call tries again.
 */
export async function postActivity(
  options: Pick<HttpApiOptions, 'baseUrl' | 'token' | 'fetch'>,
): Promise<void> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  try {
    await doFetch(`${options.baseUrl}/api/activity`, {
      method: 'POST',
      headers: { 'X-Keywarden-Token': options.token },
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    // Unreachable server: nothing to keep awake.
  }
}

/**
 * One streamed connection to `/api/events`, shared by every listener, opened with the first
 * subscription, reconnected with back-off, and closed when the last listener leaves.
 * EventSource cannot send the token header, hence fetch + a stream reader.
 */
function createEventStream(options: HttpApiOptions, doFetch: typeof fetch) {
  const listeners = new Map<string, Set<Listener>>()
  let controller: AbortController | null = null

  function dispatch(event: string, data: string): void {
    const set = listeners.get(event)
    if (!set || set.size === 0) return
    let payload: unknown
    try {
      payload = JSON.parse(data)
    } catch {
      return
    }
    for (const listener of [...set]) listener(payload)
  }

  async function run(abort: AbortController): Promise<void> {
    let attempt = 0
    while (!abort.signal.aborted) {
      try {
        const response = await doFetch(`${options.baseUrl}/api/events`, {
          headers: { 'X-Keywarden-Token': options.token, Accept: 'text/event-stream' },
          signal: abort.signal,
          credentials: 'omit',
          cache: 'no-store',
        })
        if (response.status === 401) options.onUnauthorized?.()
        if (response.ok && response.body) {
          attempt = 0
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
          const parser = new SseParser()
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            for (const message of parser.push(value)) dispatch(message.event, message.data)
          }
        }
      } catch {
        // Dropped connection or abort: fall through to the back-off below.
      }
      if (abort.signal.aborted) return
      await sleep(reconnectDelay(attempt++), abort.signal)
    }
  }

  function total(): number {
    let n = 0
    for (const set of listeners.values()) n += set.size
    return n
  }

  function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    // Wrap once and keep the wrapper, so unsubscribe removes exactly this listener.
    const wrapped: Listener = (payload) => listener(payload as Events[E])
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(wrapped)
    if (!controller) {
      controller = new AbortController()
      void run(controller)
    }
    let active = true
    return () => {
      if (!active) return
      active = false
      set.delete(wrapped)
      if (total() === 0 && controller) {
        controller.abort()
        controller = null
      }
    }
  }

  return { on }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
