/**
 * How the UI reaches the main process: the preload's `window.keywarden` in desktop mode, else
 * the loopback HTTP client of browser mode. Same contract either way.
 */
import type { KeywardenApi } from '../src-main/ipc/contract'
import { toKeywardenError } from './lib/errors'
import { createHttpApi, postActivity } from './lib/http-api'
import { takeToken } from './lib/token'

export { KeywardenError, errorMessage, errorCode } from './lib/errors'

declare global {
  interface Window {
    keywarden?: KeywardenApi
  }
}

let api: KeywardenApi | null = null
let unauthorized = false

/** Whether the browser-mode server refused our token (the page needs the launch link again). */
export function isUnauthorized(): boolean {
  return unauthorized
}

/** Whether this page has a way to reach Keywarden at all (desktop bridge or a token). */
export function hasTransport(): boolean {
  return Boolean(window.keywarden) || getToken() !== null
}

let token: string | null | undefined
function getToken(): string | null {
  if (token === undefined) token = takeToken()
  return token
}

/** The API object for this page; built once. */
export function getApi(): KeywardenApi {
  if (api) return api
  if (window.keywarden) {
    api = withTypedErrors(window.keywarden)
    return api
  }
  api = createHttpApi({
    baseUrl: '',
    token: getToken() ?? '',
    onUnauthorized: () => {
      unauthorized = true
    },
  })
  return api
}

type AnyFn = (...args: unknown[]) => Promise<unknown>

/** The desktop bridge with every rejection turned into a KeywardenError (see toKeywardenError). */
export function withTypedErrors(bridge: KeywardenApi): KeywardenApi {
  const wrapped: Record<string, unknown> = { on: bridge.on.bind(bridge) }
  for (const [domain, verbs] of Object.entries(bridge)) {
    if (domain === 'on' || !verbs || typeof verbs !== 'object') continue
    const out: Record<string, AnyFn> = {}
    for (const [verb, fn] of Object.entries(verbs as Record<string, AnyFn>))
      out[verb] = (...args) =>
        fn(...args).catch((error: unknown) => {
          throw toKeywardenError(error)
        })
    wrapped[domain] = out
  }
  return wrapped as KeywardenApi
}

/**
 * Browser mode: report that a person is using the page, so typing into a form holds off the idle
 * auto-lock. Desktop mode needs nothing: the system's idle time counts there.
 */
export function reportActivity(): void {
  if (window.keywarden) return
  void postActivity({ baseUrl: '', token: getToken() ?? '' })
}

/** Which transport is in use, for the status bar. */
export function transportKind(): 'desktop' | 'browser' {
  return window.keywarden ? 'desktop' : 'browser'
}
