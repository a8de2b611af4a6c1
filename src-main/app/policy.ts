/**
 * The desktop security policy as pure functions of URLs, so it is tested without Electron
 * (security.ts wires these into Electron's hooks). Every decision parses the URL; none compares
 * string prefixes, because `url.startsWith('https://example.com')` also admits
 * `https://example.com.evil.net` and `https://example.com@evil.net`.
 */

/** Hosts the app may open in the system browser: the providers' consoles and docs. */
export const EXTERNAL_ALLOWLIST: readonly string[] = [
  'https://www.webpagetest.org',
  'https://docs.webpagetest.org',
  'https://account.similarweb.com',
  'https://developers.similarweb.com',
  'https://userplane.io',
  'https://wellows.com',
  'https://a.blazemeter.com',
  'https://help.blazemeter.com',
]

/** The privileged scheme and host the renderer build is served from (app-protocol.ts). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'keywarden'

/**
 * Where our renderer is loaded from: always app://keywarden/ (file:// is never ours, so a page
 * that got the window to a local file gains nothing), plus the dev server in development.
 */
export interface AppLocation {
  /** The electron-vite dev server origin, only in development. */
  devServerUrl?: string
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Whether `url` may be opened in the system browser: http(s) only, no credentials in the URL,
 * and the exact origin (scheme, host, port) of an allowlist entry.
 */
export function isAllowedExternalUrl(
  url: string,
  allowlist: readonly string[] = EXTERNAL_ALLOWLIST,
): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
  if (parsed.username !== '' || parsed.password !== '') return false
  return allowlist.some((entry) => {
    const allowed = parse(entry)
    return allowed !== null && allowed.origin === parsed.origin
  })
}

/** Whether `url` is our own renderer page (app://keywarden/…, or the dev server's origin). */
export function isAppUrl(url: string, location: AppLocation): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (parsed.protocol === `${APP_SCHEME}:`)
    // Node gives custom schemes an opaque origin, so host and the absence of credentials and
    // port are compared one by one.
    return (
      parsed.host === APP_HOST &&
      parsed.port === '' &&
      parsed.username === '' &&
      parsed.password === ''
    )
  if (location.devServerUrl) {
    const dev = parse(location.devServerUrl)
    return dev !== null && dev.origin === parsed.origin
  }
  return false
}

export type NavigationDecision = { allow: false; openExternal?: string } | { allow: true }

/**
 * `will-navigate` / `will-redirect`: the single-page app never navigates, so anything else is
 * stopped; an allowlisted link goes to the system browser instead. A reload of our own page is
 * allowed.
 */
export function navigationDecision(url: string, location: AppLocation): NavigationDecision {
  if (isAppUrl(url, location)) return { allow: true }
  return isAllowedExternalUrl(url) ? { allow: false, openExternal: url } : { allow: false }
}

/**
 * `setWindowOpenHandler`: always deny (middle-click and target=_blank would otherwise open a
 * new, unhardened window); an allowlisted link is opened in the system browser instead.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternal?: string } {
  return isAllowedExternalUrl(url) ? { action: 'deny', openExternal: url } : { action: 'deny' }
}

/** Permission requests (camera, notifications from the page, clipboard-read, ...): all denied. */
export function permissionDecision(_permission: string): boolean {
  return false
}

/**
 * The sender check done before any IPC handler runs: the message must come from the main frame
 * of our window, showing our page (not an iframe, not a page it navigated to).
 */
export function isTrustedSender(
  sender: { url: string; isMainFrame: boolean; isOurWindow: boolean },
  location: AppLocation,
): boolean {
  return sender.isOurWindow && sender.isMainFrame && isAppUrl(sender.url, location)
}

/**
 * The CSP sent as a header with every app:// response (and added to the dev server's responses),
 * on top of the meta tag in index.html. frame-ancestors works only as a header.
 */
export const DESKTOP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'"
