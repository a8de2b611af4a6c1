/**
 * Browser mode: the router and the renderer build behind a loopback HTTP endpoint
 * (transport.md). node:http rather than fastify: the surface is four routes, every request must
 * pass the Host/Origin/token guard before any parsing, the event stream is a long-lived raw
 * response, and static files need our own confinement anyway; a framework would add plugins
 * (static, SSE) without removing any of that code.
 */
import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EventName } from '../ipc/contract'
import { createRouter } from '../ipc/router'
import type { AppServices } from '../services/app-services'
import { AutoLock } from '../services/auto-lock'
import { LaunchCodes, hostAllowed, newToken, originAllowed, tokenMatches } from './guard'
import { resolveStatic } from './static'

export const MAX_BODY_BYTES = 1024 * 1024
/** Calls that carry a file to import (up to 10 MB, as base64): their own, larger limit. */
const UPLOAD_CALLS: ReadonlySet<string> = new Set(['transfer.preview', 'transfer.import'])
export const MAX_UPLOAD_BODY_BYTES = 15 * 1024 * 1024
export const PING_INTERVAL_MS = 25_000
export const TOKEN_HEADER = 'x-keywarden-token'
/**
 * Where the page reports that a person is typing or moving the pointer: such use makes no call,
 * and without it a half-filled form would auto-lock away.
 */
export const ACTIVITY_PATH = '/api/activity'
/** Where the page trades its one-time launch code for the session token (guard.ts). */
export const EXCHANGE_PATH = '/api/session/exchange'
const MAX_EXCHANGE_BYTES = 4096
const CODE_REFUSED =
  'This Keywarden link was already used or has expired: each link works once, within 60 seconds. Use the tab it opened, or restart Keywarden for a new link.'

/** The page's policy: only our own scripts, styles and API; no framing, no plugins, no forms. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * Calls a page may make on its own (status, what is due, the live log): they do not count as a
 * person being active, so a tab left open still auto-locks.
 */
const PASSIVE_CALLS: ReadonlySet<string> = new Set([
  'app.info',
  'vault.status',
  'reminders.list',
  'reminders.summary',
  'reminders.page',
  'keyserver.status',
  'keyserver.log',
  'keyserver.namespaces',
  'keyserver.keys',
  'settings.get',
  // The list refetches its visible pages after every 'entries-changed' event, including ones
  // caused by background reminder checks: such reloads must not keep an idle vault unlocked.
  'entries.list',
  'entries.page',
])

export interface BrowserServerOptions {
  services: AppServices
  /** Folder of the renderer build (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string
  /** Clock for launch-code expiry (tests). */
  now?: () => number
}

export interface BrowserServer {
  port: number
  token: string
  /** Milliseconds since the last sign of a person (a non-passive call or an activity report). */
  idleMs(): number
  /** http://127.0.0.1:PORT, without a trailing slash. */
  origin: string
  /**
   * A fresh one-time address to open: a launch code in the fragment (never sent in a GET,
   * never logged), traded once by the page for the token. Each call issues a new code.
   */
  launchUrl(): string
  close(): Promise<void>
}

/** Start the browser-mode server on 127.0.0.1. */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const { services, rendererDir } = options
  const token = options.token ?? newToken()
  const codes = new LaunchCodes(options.now)
  let lastActivity = Date.now()
  const router = createRouter(services, (name) => {
    if (!PASSIVE_CALLS.has(name)) lastActivity = Date.now()
  })
  const autoLock = new AutoLock(services, () => Date.now() - lastActivity)
  const streams = new Set<ServerResponse>()
  let port = 0

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error.' } })
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res)
    if (!hostAllowed(req.headers.host, port))
      return sendJson(
        res,
        403,
        refusal('FORBIDDEN_HOST', 'This server answers only to 127.0.0.1 and localhost.'),
      )
    if (!originAllowed(req.headers.origin, port))
      return sendJson(
        res,
        403,
        refusal('FORBIDDEN_ORIGIN', 'Requests from other sites are refused.'),
      )
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path === '/api' || path.startsWith('/api/')) return api(req, res, path)
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, refusal('METHOD_NOT_ALLOWED', 'Only GET is allowed here.'))
    const file = resolveStatic(rendererDir, path)
    if (!file) return sendJson(res, 404, refusal('NOT_FOUND', 'Not found.'))
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.size,
      'cache-control': 'no-cache',
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file.path).pipe(res)
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    res.setHeader('cache-control', 'no-store')
    if (path === EXCHANGE_PATH) return exchange(req, res)
    if (!tokenMatches(token, req.headers[TOKEN_HEADER]))
      return sendJson(res, 401, refusal('UNAUTHORIZED', 'A valid session token is required.'))
    if (path === ACTIVITY_PATH) {
      if (req.method !== 'POST')
        return sendJson(res, 405, refusal('METHOD_NOT_ALLOWED', 'Use POST.'))
      lastActivity = Date.now()
      req.resume()
      res.writeHead(204).end()
      return
    }
    if (path === '/api/events') {
      if (req.method !== 'GET') return sendJson(res, 405, refusal('METHOD_NOT_ALLOWED', 'Use GET.'))
      return events(req, res)
    }
    const match = /^\/api\/call\/([A-Za-z]+\.[A-Za-z]+)$/.exec(path)
    if (!match || !router.has(match[1]!))
      return sendJson(res, 404, refusal('UNKNOWN_CALL', 'There is no such call.'))
    if (req.method !== 'POST') return sendJson(res, 405, refusal('METHOD_NOT_ALLOWED', 'Use POST.'))
    const upload = UPLOAD_CALLS.has(match[1]!)
    const body = await readBody(req, upload ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES)
    if (body === null) {
      sendJson(
        res,
        413,
        refusal(
          'TOO_LARGE',
          upload
            ? 'The file is larger than 10 MB; split it and import the parts.'
            : 'The request body is larger than 1 MiB.',
        ),
      )
      req.resume()
      return
    }
    let input: unknown = undefined
    if (body.trim().length > 0) {
      const type = req.headers['content-type'] ?? ''
      if (!/^application\/json\b/i.test(type))
        return sendJson(
          res,
          415,
          refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the input as application/json.'),
        )
      try {
        input = JSON.parse(body)
      } catch {
        return sendJson(res, 400, refusal('INVALID_INPUT', 'The request body is not valid JSON.'))
      }
    }
    sendJson(res, 200, await router.call(match[1]!, input))
  }

  /** The launch code in the body, traded once for the token (guard.ts says why). */
  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, refusal('METHOD_NOT_ALLOWED', 'Use POST.'))
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return sendJson(
        res,
        415,
        refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the code as application/json.'),
      )
    const body = await readBody(req, MAX_EXCHANGE_BYTES)
    if (body === null) {
      sendJson(res, 413, refusal('TOO_LARGE', 'The request body is too large.'))
      req.resume()
      return
    }
    let code: unknown
    try {
      code = (JSON.parse(body) as { code?: unknown } | null)?.code
    } catch {
      return sendJson(res, 400, refusal('INVALID_INPUT', 'The request body is not valid JSON.'))
    }
    if (!codes.redeem(code)) return sendJson(res, 401, refusal('LAUNCH_CODE_REFUSED', CODE_REFUSED))
    sendJson(res, 200, { ok: true, value: { token } })
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    res.write(': connected\n\n')
    streams.add(res)
    const unsubscribe = services.events.subscribe((event: EventName, payload: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)
    })
    const ping = setInterval(() => res.write(': ping\n\n'), PING_INTERVAL_MS)
    const done = (): void => {
      clearInterval(ping)
      unsubscribe()
      streams.delete(res)
    }
    req.on('close', done)
    res.on('close', done)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  autoLock.start()

  const origin = `http://127.0.0.1:${port}`
  return {
    port,
    token,
    idleMs: () => Date.now() - lastActivity,
    origin,
    launchUrl: () => `${origin}/#code=${codes.issue()}`,
    async close() {
      autoLock.stop()
      for (const stream of streams) stream.end()
      streams.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CSP)
  res.setHeader('x-content-type-options', 'nosniff')
  res.setHeader('referrer-policy', 'no-referrer')
  res.setHeader('x-frame-options', 'DENY')
  res.setHeader('cross-origin-opener-policy', 'same-origin')
  res.setHeader('cross-origin-resource-policy', 'same-origin')
}

function refusal(
  code: string,
  message: string,
): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** The body as text, or null once it passes `limit` bytes (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > limit) {
        over = true
        chunks.length = 0
        resolve(null)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.on('error', reject)
  })
}
