/**
 * The local key server: HTTP emulation of five providers' API-key handling plus an admin API,
 * startable in-process by the desktop app and headless from the command line.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify'
import { DAY_MS } from '../providers'
import { DEFAULT_SETTINGS, type Settings } from './accounts'
import { registerAdmin } from './admin'
import { baseUrlsOf } from './admin-namespaces'
import { AdminError } from './errors'
import { NamespaceRegistry } from './namespaces'
import { isLoopbackHost } from './hosts'
import { RING_SIZE, RequestLog, type RequestLogEntry } from './request-log'
import { faultUnrouted, registerProviders } from './routing'
import {
  ensureDataDir,
  hmacSecretFromEnv,
  loadHmacSecret,
  makeTokenChecker,
  resolveAdminToken,
} from './secrets'
import { SqliteStorage } from './storage/sqlite'
import type { KeyServerStorage } from './storage/types'

export type { RequestLogEntry } from './request-log'

export interface KeyServerOptions {
  /**
   * Default 127.0.0.1. Any other address exposes the server to the network: the admin token must
   * then be given (option or KEYWARDEN_ADMIN_TOKEN), never generated into the data folder.
   */
  host?: string
  /** 0 = a free port. */
  port?: number
  dataDir: string
  /** Else env KEYWARDEN_ADMIN_TOKEN, else generated once into <dataDir>/admin-token (0600). */
  adminToken?: string
  /** Injectable clock (ms since the epoch). */
  now?: () => number
  /** WebPageTest's grace after expiry, in days, until changed by the settings API (default 2). */
  webpagetestGraceDays?: number
  /**
   * How often counters and the request log are written (default 1000 ms on SQLite; 250 ms on
   * PostgreSQL, where each flush also reads back the totals other instances added).
   */
  flushIntervalMs?: number
  /**
   * A postgres:// URL: keep all state in that shared database, so several instances act as one
   * server. Without it, the SQLite file in the data folder (private to this process).
   */
  database?: string
  /** On PostgreSQL, how often to re-check for changes missed by notifications (default 5000 ms). */
  recheckIntervalMs?: number
}

export interface KeyServerHandle {
  url: string
  port: number
  adminToken: string
  adminTokenFile: string | null
  close(): Promise<void>
  /** Subscribe to request log entries; returns the unsubscribe. */
  onLog(listener: (entry: RequestLogEntry) => void): () => void
  recentLog(limit?: number): RequestLogEntry[]
  /** Per provider, the base URL of a namespace's clients. */
  baseUrls(namespace?: string): Record<string, string>
  /** Create the namespace unless it exists (it is kept across restarts); its base URLs. */
  ensureNamespace(name: string): Promise<Record<string, string>>
}

export { isLoopbackHost } from './hosts'

export const BODY_LIMIT_BYTES = 64 * 1024

/** Every fastify error becomes JSON in the admin error shape; messages never echo the body. */
function installErrorHandling(app: FastifyInstance, registry: NamespaceRegistry): void {
  app.setErrorHandler((error: FastifyError | AdminError, req, reply) => {
    if (error instanceof AdminError)
      return reply.code(error.status).send({ error: error.code, message: error.message })
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500
    if (status === 413)
      return reply
        .code(413)
        .send({ error: 'body-too-large', message: 'The request body is larger than 64 KiB.' })
    if (status === 415)
      return reply
        .code(415)
        .send({ error: 'unsupported-media-type', message: 'Send the body as application/json.' })
    if (status >= 400 && status < 500) {
      // Parser messages can quote the body (which may hold a secret): fixed wording only.
      const json = String(error.code ?? '').includes('JSON')
      return reply.code(400).send({
        error: json ? 'malformed-json' : 'malformed-request',
        message: json ? 'The request body is not valid JSON.' : 'The request could not be read.',
      })
    }
    req.log.error({ code: (error as FastifyError).code }, 'unexpected error')
    return reply
      .code(500)
      .send({ error: 'internal', message: 'The key server hit an unexpected error.' })
  })
  app.setNotFoundHandler((req, reply) => {
    const q = req.url.indexOf('?')
    const path = q === -1 ? req.url : req.url.slice(0, q)
    faultUnrouted(registry, req, reply, () => {
      void reply.code(404).send({ error: 'not-found', message: `No route ${req.method} ${path}` })
    })
    return reply
  })
  // Provider clients post forms (WebPageTest runtest); anything else is read as text so that a
  // wrong content type on the admin API is a 400 from its schema, not a crash.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  )
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  // An empty body sent with `content-type: application/json` (curl with a shared header list,
  // on DELETE or reset) is no body, not malformed JSON; others go to fastify's own parser,
  // which also refuses prototype poisoning.
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined)
    void json(req, body as string, done)
  })
}

/** Start the key server; resolves once it is listening. */
export async function startKeyServer(options: KeyServerOptions): Promise<KeyServerHandle> {
  const baseNow = options.now ?? Date.now
  const host = options.host ?? '127.0.0.1'
  const loopback = isLoopbackHost(host)
  if (!loopback && !options.adminToken && !process.env.KEYWARDEN_ADMIN_TOKEN)
    throw new AdminError(
      400,
      'admin-token-required',
      'Listening beyond loopback needs an admin token from KEYWARDEN_ADMIN_TOKEN or a token file.',
    )
  ensureDataDir(options.dataDir)
  const token = resolveAdminToken(options.dataDir, options.adminToken)
  const envSecret = hmacSecretFromEnv()
  let store: KeyServerStorage
  if (options.database) {
    // Loaded only here: the driver is no cost to the default (SQLite) server or the CLI.
    const { PostgresStorage } = await import('./storage/postgres')
    store = await PostgresStorage.open(options.database, {
      hmacSecret: envSecret,
      recheckIntervalMs: options.recheckIntervalMs,
    })
  } else store = SqliteStorage.open(options.dataDir, envSecret ?? loadHmacSecret(options.dataDir))
  const hmacSecret = store.hmacSecret
  let app: FastifyInstance | undefined
  let stopFlushing = () => {}
  try {
    const initialSettings: Settings = {
      ...DEFAULT_SETTINGS,
      ...(options.webpagetestGraceDays !== undefined
        ? { webpagetestGraceMs: options.webpagetestGraceDays * DAY_MS }
        : {}),
    }
    const log = new RequestLog(await store.recentLog(RING_SIZE))
    const registry = await NamespaceRegistry.open({
      store,
      hmacSecret,
      log,
      baseNow,
      initialSettings,
    })
    if (store.shared)
      store.onChange((change) => {
        // A failed reload leaves the old record; the periodic re-check brings the change again.
        registry.apply(change).catch(() => undefined)
      })

    app = Fastify({
      logger: false,
      bodyLimit: BODY_LIMIT_BYTES,
      forceCloseConnections: true,
      // Router-level errors (a malformed URL) bypass the error handler; answer them in the same
      // shape, without echoing the URL (a query string may carry a key).
      frameworkErrors: (_error, _req, reply) => {
        void (reply as FastifyReply)
          .code(400)
          .send({ error: 'malformed-request', message: 'The request URL is not valid.' })
      },
    })
    let port = options.port ?? 0
    const url = () => `http://${host.includes(':') ? `[${host}]` : host}:${port}`
    // On loopback the admin API answers only to its own Host (DNS rebinding); beyond loopback
    // any name may reach it, and the token is what guards it.
    let hosts: Set<string> | null = null
    installErrorHandling(app, registry)
    app.get('/healthz', async () => ({ status: 'ok' }))
    registerAdmin(app, {
      registry,
      log,
      checkToken: makeTokenChecker(token.token),
      allowedHosts: () => hosts,
      baseUrl: url,
      track: (fn) => store.track(fn),
      sharedLog: store.shared
        ? async (limit, namespace) => {
            await flush().catch(() => undefined)
            return store.recentLog(limit, namespace)
          }
        : undefined,
    })
    registerProviders(app, registry, store.shared)

    await app.listen({ host, port })
    const address = app.server.address()
    port = typeof address === 'object' && address ? address.port : port
    if (loopback)
      hosts = new Set(
        [host.includes(':') ? `[${host}]` : host, 'localhost', '127.0.0.1', '[::1]'].map(
          (h) => `${h}:${port}`,
        ),
      )

    // One flush at a time: on PostgreSQL a slow one must not overlap the next tick's.
    let flushing: Promise<void> | null = null
    const flush = (): Promise<void> => {
      flushing ??= registry.flush().finally(() => {
        flushing = null
      })
      return flushing
    }
    const timer = setInterval(
      () => {
        // Kept in memory and retried at the next tick; a full disk or a lost database
        // connection must not stop validation.
        flush().catch(() => undefined)
      },
      options.flushIntervalMs ?? (store.shared ? 250 : 1000),
    )
    timer.unref()
    stopFlushing = () => clearInterval(timer)

    const server = app
    let closing: Promise<void> | undefined
    return {
      url: url(),
      port,
      adminToken: token.token,
      adminTokenFile: token.file,
      close() {
        closing ??= (async () => {
          stopFlushing()
          await server.close()
          await flushing?.catch(() => undefined)
          try {
            await flush()
          } finally {
            await store.close()
          }
        })()
        return closing
      },
      onLog: (listener) => log.subscribe(listener),
      recentLog: (limit) => log.recent(limit),
      baseUrls: (namespace = 'default') => baseUrlsOf(url(), namespace),
      async ensureNamespace(name) {
        if (!(await registry.find(name))) {
          registry.create(name)
          // Another instance may have made it a moment ago: that is what was asked for.
          await store.settle().catch(async (error: unknown) => {
            if (!(await store.findNamespace(name))) throw error
          })
        }
        return baseUrlsOf(url(), name)
      },
    }
  } catch (error) {
    stopFlushing()
    if (app) await app.close().catch(() => undefined)
    await store.close().catch(() => undefined)
    throw error
  }
}
