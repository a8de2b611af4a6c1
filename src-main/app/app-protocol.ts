/**
 * The renderer is served from `app://keywarden/…` instead of file://: a privileged, standard,
 * secure scheme gives the page a real origin (so 'self' in the CSP means our files and nothing
 * else on disk), lets us send the Content-Security-Policy as a response header, and confines
 * what the page can load to the renderer build folder. No Electron import here: the handler is
 * a plain `Request → Response` function, tested as is (protocol.ts hands it to Electron).
 */
import { realpath, readFile, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import { APP_HOST, APP_SCHEME, DESKTOP_CSP } from './policy'

export { APP_HOST, APP_SCHEME }
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
}

/** The content type for a file name; unknown kinds are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** Headers on every response of the scheme, errors included. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': DESKTOP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  }
}

export type AppRequestDecision =
  { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 | 405; reason: string }

/**
 * Map a request to a file under `root`, or refuse it: only GET, only our host, only paths that
 * stay inside `root` after percent-decoding (so `%2e%2e%2f` and `..%5c` cannot climb out).
 * `/` is the index page. Pure: it never touches the disk.
 */
export function resolveAppRequest(method: string, url: string, root: string): AppRequestDecision {
  if (method !== 'GET') return { ok: false, status: 405, reason: 'Only GET is served.' }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, status: 400, reason: 'Not a URL.' }
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST)
    return { ok: false, status: 404, reason: 'Unknown host.' }
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '')
    return { ok: false, status: 404, reason: 'Unknown host.' }
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return { ok: false, status: 400, reason: 'Malformed path.' }
  }
  // A backslash is a separator on Windows and a NUL ends a path in C: neither is in our build.
  if (path.includes('\\') || path.includes('\0'))
    return { ok: false, status: 400, reason: 'Malformed path.' }
  if (path === '/' || path === '') path = '/index.html'
  const base = resolve(root)
  const file = resolve(base, '.' + path)
  if (!isInside(base, file)) return { ok: false, status: 403, reason: 'Outside the app folder.' }
  return { ok: true, file }
}

/** Whether `file` is `base` itself or below it (both absolute and normalized). */
export function isInside(base: string, file: string): boolean {
  const rel = relative(base, file)
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel)
}

function refuse(status: number, reason: string): Response {
  return new Response(reason, {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  })
}

/**
 * The scheme's handler over the renderer build folder. Symbolic links are followed only when
 * their target is inside the folder too, so a link planted in the build cannot serve ~/.ssh.
 */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const realRoot = realpath(resolve(root)).catch(() => resolve(root))
  return async (request) => {
    const decision = resolveAppRequest(request.method, request.url, root)
    if (!decision.ok) return refuse(decision.status, decision.reason)
    try {
      const real = await realpath(decision.file)
      if (!isInside(await realRoot, real)) return refuse(403, 'Outside the app folder.')
      if (!(await stat(real)).isFile()) return refuse(404, 'Not found.')
      const body = await readFile(real)
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: { ...securityHeaders(), 'Content-Type': contentTypeFor(real) },
      })
    } catch {
      return refuse(404, 'Not found.')
    }
  }
}
