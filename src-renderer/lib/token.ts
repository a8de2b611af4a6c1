/**
 * The browser-mode token: handed to the page in the URL fragment (never a query string, so it
 * reaches no server log), kept in sessionStorage so a reload works, and wiped from the address
 * bar so it is not bookmarked or shared by accident.
 */
const STORAGE_KEY = 'keywarden.token'

/** Read the token from `#token=...` in a fragment, or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const token = params.get('token')
  return token && token.length > 0 ? token : null
}

/** Take the token from the address bar (then remove it) or from this tab's session storage. */
export function takeToken(): string | null {
  const fromHash = tokenFromHash(window.location.hash)
  if (fromHash) {
    window.sessionStorage.setItem(STORAGE_KEY, fromHash)
    const { pathname, search } = window.location
    window.history.replaceState(null, '', pathname + search)
    return fromHash
  }
  return window.sessionStorage.getItem(STORAGE_KEY)
}
