/**
 * Electron's side of app-protocol.ts: the scheme is registered as privileged before the app is
 * ready (Electron requires that), and handled on the session our window uses: a handler on the
 * default session would not serve a window in another partition.
 */
import { protocol, type Session } from 'electron'
import { APP_SCHEME, createAppProtocolHandler } from './app-protocol'

/** Call once, before `app.whenReady()` resolves. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: real origin and relative URLs; secure: a secure context like https.
      // No bypassCSP, no corsEnabled for others, no service workers.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ])
}

/** Serve the renderer build folder on `target`'s app:// scheme. */
export function serveRenderer(target: Session, rendererDir: string): void {
  target.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir))
}
