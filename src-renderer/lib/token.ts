/**
 * The browser-mode token. The page is opened with a one-time launch code in the URL fragment
 * (`#code=…`, never a query string, so it reaches no server log), which it trades once for the
 * session token (POST /api/session/exchange); the token itself never appears in a URL, a
 * process list or the browser history. It is kept in sessionStorage so a reload works, and the
 * code is wiped from the address bar before it is spent, so a reload never sends it twice.
 */
const STORAGE_KEY = 'keywarden.token'
export const EXCHANGE_PATH = '/api/session/exchange'

/** Read the launch code from `#code=...` in a fragment, or null. */
export function codeFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const code = params.get('code')
  return code && code.length > 0 ? code : null
}

/** The token, or the server's sentence saying why the code was refused. */
export type Exchange = { token: string } | { problem: string }

/** Trade a launch code for the session token. */
export async function exchangeCode(
  code: string,
  baseUrl = '',
  doFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<Exchange> {
  try {
    const response = await doFetch(`${baseUrl}${EXCHANGE_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'omit',
      cache: 'no-store',
    })
    const body = (await response.json()) as
      { ok: true; value: { token: string } } | { ok: false; error: { message: string } }
    if (body.ok && typeof body.value?.token === 'string') return { token: body.value.token }
    return { problem: body.ok ? 'Keywarden sent no token.' : body.error.message }
  } catch {
    return { problem: 'Keywarden is not reachable. Is it still running?' }
  }
}

let problem: string | null = null

/** Why this page has no token (a used or expired link), or null. */
export function launchProblem(): string | null {
  return problem
}

async function obtainToken(): Promise<string | null> {
  // A page without an address or storage (a test's stand-in window) has no browser-mode token.
  if (!window.location || !window.sessionStorage) return null
  const code = codeFromHash(window.location.hash)
  if (code) {
    const { pathname, search } = window.location
    window.history.replaceState(null, '', pathname + search)
    const result = await exchangeCode(code)
    if ('token' in result) {
      window.sessionStorage.setItem(STORAGE_KEY, result.token)
      return result.token
    }
    problem = result.problem
  }
  // A tab that already traded its code keeps working after a reload or a stale link.
  return window.sessionStorage.getItem(STORAGE_KEY)
}

// Top-level await: every module that asks for the token runs after the trade, so callers stay
// synchronous. In the desktop app there is no code and this resolves at once.
const ready: string | null = typeof window === 'undefined' ? null : await obtainToken()

/** The session token for this tab, or null (see launchProblem). */
export function takeToken(): string | null {
  return ready
}
