/**
 * Imported first by main.ts (style.md §6): before any window exists, every web contents the
 * app ever creates gets the policy of policy.ts: no window.open, no navigation or redirect away
 * from our page, no <webview>, no permissions; links only to the allowlist, in the system browser.
 */
import { app, session, shell, type Session, type WebContents } from 'electron'
import {
  DESKTOP_CSP,
  navigationDecision,
  permissionDecision,
  windowOpenDecision,
  type AppLocation,
} from './policy'

/** The in-memory session our window uses: no 'persist:' prefix, so nothing is cached on disk. */
export const SESSION_PARTITION = 'keywarden'

let location: AppLocation | null = null

/** Tell the policy where our page lives (set once the paths are known, before the window loads). */
export function setAppLocation(value: AppLocation): void {
  location = value
}

function currentLocation(): AppLocation {
  return location ?? {}
}

function openExternal(url: string | undefined): void {
  if (url) shell.openExternal(url).catch(() => undefined)
}

function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url)
    openExternal(decision.openExternal)
    return { action: 'deny' }
  })
  const guard = (event: { preventDefault(): void; url: string }): void => {
    const decision = navigationDecision(event.url, currentLocation())
    if (decision.allow) return
    event.preventDefault()
    openExternal(decision.openExternal)
  }
  // The URL is read from the event: the positional url argument is deprecated since Electron 31.
  contents.on('will-navigate', (event) => guard(event))
  contents.on('will-redirect', (event) => guard(event))
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault()
  })
  // <webview> would bring its own, weaker preferences: never attach one.
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/**
 * Deny every permission, and add the CSP to every HTTP response of a session (the dev server's;
 * app:// responses carry it from their own handler, whether or not webRequest reaches them).
 */
export function hardenSession(target: Session): void {
  target.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permissionDecision(permission)),
  )
  target.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission))
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [DESKTOP_CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    })
  })
}

app.on('web-contents-created', (_event, contents) => harden(contents))
// Every renderer sandboxed, whatever a window's own preferences say. (ELECTRON_RUN_AS_NODE and
// --inspect are closed by the fuses of packaged builds: build/electron-builder.yml.)
app.enableSandbox()

app.on('ready', () => {
  hardenSession(session.defaultSession)
  hardenSession(session.fromPartition(SESSION_PARTITION, { cache: false }))
})
