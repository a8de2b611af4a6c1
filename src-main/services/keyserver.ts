/**
 * Control of the bundled local key server from the application: started on demand in-process,
 * its request log forwarded as events, and its admin API used to issue and rotate keys.
 */
import { join } from 'node:path'
import { DAY_MS } from '../providers'
import type { IssueKeyInput, KeyServerLogLine, KeyServerStatus, ServerStyle } from '../ipc/contract'
import { BUNDLED_KEYSERVER_HOST } from '../reminders/validate'
import { AppError } from './errors'

/** The part of the key server's handle this module uses (src-main/keyserver). */
interface KeyServerHandle {
  url: string
  port: number
  adminToken: string
  close(): Promise<void>
  onLog(listener: (entry: KeyServerLogLine) => void): () => void
  recentLog(limit?: number): KeyServerLogLine[]
}

/** What the admin API answers for a created or rotated key. */
export interface IssuedKey {
  id: string
  credential: { key: string; secret?: string }
  expiresAt: number | null
}

/** What the key server's admin API is asked for: the contract's input less the vault-only fields. */
export type IssueRequest = Omit<IssueKeyInput, 'environment' | 'tags'>

const ADMIN_TIMEOUT_MS = 10_000

export class KeyServerControl {
  private handle: KeyServerHandle | null = null
  private starting: Promise<KeyServerHandle> | null = null
  private unsubscribeLog: (() => void) | null = null
  readonly dataDir: string

  constructor(
    appDataDir: string,
    private readonly onLog: (line: KeyServerLogLine) => void,
    /** The app's clock, shared so issue and expiry times agree with the vault's. */
    private readonly now: () => number = Date.now,
    /**
     * Told of every start and stop. The server also starts on its own (issue, rotate, "Check
     * now"), so a view that read the status once would keep saying "stopped" without this.
     */
    private readonly onStatus: (status: KeyServerStatus) => void = () => undefined,
  ) {
    this.dataDir = join(appDataDir, 'keyserver')
  }

  status(): KeyServerStatus {
    return {
      running: this.handle !== null,
      url: this.handle?.url ?? null,
      port: this.handle?.port ?? null,
      dataDir: this.dataDir,
    }
  }

  /** Start the server (idempotent: a running server is kept, concurrent starts share one). */
  async start(port = 0): Promise<KeyServerStatus> {
    if (this.handle) return this.status()
    if (!this.starting) {
      this.starting = (async () => {
        // Loaded on first use: most sessions never start the key server.
        const { startKeyServer } = await import('../keyserver')
        try {
          return (await startKeyServer({
            dataDir: this.dataDir,
            port,
            now: this.now,
          })) as KeyServerHandle
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          if (code === 'EADDRINUSE')
            throw new AppError('PORT_IN_USE', `Port ${port} is already in use; choose another one.`)
          throw error
        }
      })()
    }
    try {
      const handle = await this.starting
      // Concurrent starts share one handle: only the first to resume subscribes and reports.
      if (this.handle !== handle) {
        this.handle = handle
        this.unsubscribeLog = handle.onLog((entry) => this.onLog(toLogLine(entry)))
        this.onStatus(this.status())
      }
    } finally {
      this.starting = null
    }
    return this.status()
  }

  async stop(): Promise<KeyServerStatus> {
    const handle = this.handle
    this.handle = null
    this.unsubscribeLog?.()
    this.unsubscribeLog = null
    if (handle) {
      await handle.close()
      this.onStatus(this.status())
    }
    return this.status()
  }

  log(limit = 100): KeyServerLogLine[] {
    return this.handle ? this.handle.recentLog(limit).map(toLogLine) : []
  }

  /**
   * The base URL stored with a key this server issued: the bundled server's name plus the style's
   * prefix, never its current port (a free one at every start); a check looks the address up
   * through `currentUrl` (see reminders/validate.ts).
   */
  baseUrl(prefix: string): string {
    return `http://${BUNDLED_KEYSERVER_HOST}${prefix}`
  }

  /**
   * Where the server listens now, starting it if it is stopped. "Check now" on a key this server
   * issued starts it, as issuing and rotating do: the key exists nowhere else, the server is
   * in-process and local, and a user who asked for a check expects an answer, not a chore.
   */
  async currentUrl(): Promise<string> {
    if (!this.handle) await this.start()
    return this.running().url
  }

  /** Issue a key through the admin API (starting the server if needed). */
  async issue(request: IssueRequest): Promise<IssuedKey> {
    if (!this.handle) await this.start()
    const body = await this.admin('POST', '/admin/v1/keys', request)
    return toIssuedKey(body, request.style)
  }

  /**
   * Rotate a key on the server the way its provider does; returns the new credential. With
   * `lifetimeMs` the new key lives that long on the server too (the form's choice), as whole
   * days for Userplane, whose keys live exactly 7, 30, 60 or 90 days.
   */
  async rotate(serverKeyId: string, style: ServerStyle, lifetimeMs?: number): Promise<IssuedKey> {
    if (!this.handle) await this.start()
    const current = await this.currentId(serverKeyId)
    const body: Record<string, unknown> = {}
    if (lifetimeMs !== undefined) {
      const days = lifetimeMs / DAY_MS
      if (days <= 0) throw new AppError('INVALID_INPUT', 'The new expiry must be in the future.')
      body.expiresInDays = style === 'userplane' ? Math.max(1, Math.round(days)) : days
    }
    const reply = await this.admin(
      'POST',
      `/admin/v1/keys/${encodeURIComponent(current)}/rotate`,
      body,
    )
    return toIssuedKey(reply, style)
  }

  /**
   * Styles that rotate by issuing a new key (WebPageTest, Similarweb, Wellows) leave the old key
   * pointing at its successor (`replacedBy`). The vault keeps the id it was first given, so the
   * chain is followed to the live key before rotating again.
   */
  private async currentId(serverKeyId: string): Promise<string> {
    let id = serverKeyId
    for (let hops = 0; hops < 1000; hops++) {
      const view = await this.admin('GET', `/admin/v1/keys/${encodeURIComponent(id)}`)
      const next = view.replacedBy
      if (typeof next !== 'string' || next.length === 0 || next === id) return id
      id = next
    }
    return id
  }

  /** Revoke a key on the server (used to undo an issue the vault then refused). */
  async revoke(serverKeyId: string): Promise<void> {
    await this.admin('POST', `/admin/v1/keys/${encodeURIComponent(serverKeyId)}/revoke`, {})
  }

  /**
   * One admin call on a namespace of the running server (the key server view's calls). Never
   * starts the server: the view shows a stopped server as stopped rather than starting it.
   */
  adminIn(
    namespace: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const query = namespace === 'default' ? '' : `?namespace=${encodeURIComponent(namespace)}`
    return this.admin(method, `${path}${query}`, body)
  }

  /** An admin call outside any namespace (the namespace routes name theirs in the path). */
  adminCall(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return this.admin(method, path, body)
  }

  private running(): KeyServerHandle {
    if (!this.handle)
      throw new AppError(
        'KEYSERVER_STOPPED',
        'The local key server is not running. Start it first.',
      )
    return this.handle
  }

  private async admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const handle = this.running()
    let response: Response
    try {
      response = await fetch(`${handle.url.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${handle.adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
      })
    } catch {
      throw new AppError('KEYSERVER_UNREACHABLE', 'The local key server did not answer.')
    }
    const text = await response.text()
    let parsed: Record<string, unknown> = {}
    try {
      parsed = JSON.parse(text) as Record<string, unknown>
    } catch {
      // A non-JSON answer is reported by status below.
    }
    if (!response.ok) {
      // The server's own error wording (provider rules) is safe: it never contains a secret.
      const error = parsed.error as { message?: unknown } | string | undefined
      const message =
        typeof error === 'object' && typeof error?.message === 'string'
          ? error.message
          : typeof parsed.message === 'string'
            ? parsed.message
            : `The local key server refused the request (HTTP ${response.status}).`
      throw new AppError('KEYSERVER_REFUSED', message)
    }
    return parsed
  }
}

/** The fields the UI gets (an allowlist: a field added to the server's log is not passed on unseen). */
function toLogLine(entry: KeyServerLogLine): KeyServerLogLine {
  const { time, method, path, style, keyId, status, outcome } = entry
  return {
    time,
    method,
    path,
    style,
    keyId,
    status,
    outcome,
    namespace: entry.namespace ?? 'default',
    fault: entry.fault ?? null,
  }
}

/** Read an admin answer: `credential` is the exact string a client presents (BlazeMeter `id:secret`). */
function toIssuedKey(body: Record<string, unknown>, style: ServerStyle): IssuedKey {
  const source = (body.key && typeof body.key === 'object' ? body.key : body) as Record<
    string,
    unknown
  >
  const id = source.id ?? body.id
  const credential = body.credential ?? source.credential
  if (typeof id !== 'string' || typeof credential !== 'string')
    throw new AppError(
      'KEYSERVER_REFUSED',
      'The local key server gave an answer Keywarden does not understand.',
    )
  let key = credential
  let secret: string | undefined
  if (style === 'blazemeter') {
    const at = credential.indexOf(':')
    if (at > 0) {
      key = credential.slice(0, at)
      secret = credential.slice(at + 1)
    }
  }
  return {
    id,
    credential: secret === undefined ? { key } : { key, secret },
    expiresAt: toTime(source.expiresAt ?? body.expiresAt),
  }
}

function toTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? null : parsed
  }
  return null
}
