/**
 * "Check now": ask the provider (or the local key server) whether a stored key still works, and
 * record valid / invalid / expired / unreachable with the time.
 *
 * The request and verdict come from providers/wire.ts. The credential travels only in the
 * request; no message, log or error here contains it or the URL (a Similarweb REST key rides in
 * the query string, so the URL itself is secret).
 */
import {
  STYLE_RULES,
  interpretValidationResponse,
  isServerStyle,
  validationRequest,
  type EntryStyle,
  type KeyScope,
} from '../providers'
import type { SecretField, ValidationStatus } from '../vault/types'
import { ReminderError } from './errors'

/** The subset of the vault "check now" uses. */
export interface ValidationVault {
  readonly isUnlocked: boolean
  get(id: string): {
    id: string
    style: EntryStyle
    scope: KeyScope
    baseUrl: string | null
    origin?: string
  }
  reveal(id: string, field: SecretField): string
  recordValidation(id: string, status: ValidationStatus, at: number): void
}

export interface CheckOptions {
  now?: () => number
  /** Abort the request after this long (default 10 s); a timeout records 'unreachable'. */
  timeoutMs?: number
  fetch?: typeof fetch
  /** Called after a failed verdict is recorded, so a reminder is raised at once (the scheduler). */
  onFailure?: () => void
  /**
   * The bundled key server's address now (e.g. http://127.0.0.1:51234), starting it if needed.
   * Absent where that server cannot be reached (the command line): its keys are then refused
   * with a sentence that says where to check them.
   */
  bundledKeyServer?: () => Promise<string>
}

/**
 * The host stored as the address of keys issued by the bundled key server. That server takes a
 * free port at every start, so a stored port goes stale after a restart and every check said
 * "unreachable"; a name stands for "the bundled key server, wherever it listens now", and the
 * address is looked up when a check runs. A `.localhost` name means this computer (RFC 6761),
 * so even an unresolved marker never sends a key off the machine.
 */
export const BUNDLED_KEYSERVER_HOST = 'keywarden-bundled.localhost'

/** What is stored as the base URL of a key the bundled key server issued for a style. */
export function bundledBaseUrl(style: EntryStyle): string {
  return `http://${BUNDLED_KEYSERVER_HOST}${STYLE_RULES[style].serverPrefix}`
}

/**
 * Whether an entry's key lives on the bundled key server: it carries the marker address, or it
 * was issued there before the marker existed (origin 'keyserver' with a loopback http address,
 * whose port is ignored). An address the user pointed elsewhere is left alone.
 */
export function isBundled(entry: { origin?: string; baseUrl: string | null }): boolean {
  if (entry.baseUrl === null) return false
  let url: URL
  try {
    url = new URL(entry.baseUrl)
  } catch {
    return false
  }
  if (url.hostname.toLowerCase() === BUNDLED_KEYSERVER_HOST) return true
  return entry.origin === 'keyserver' && url.protocol === 'http:' && isLoopback(url.hostname)
}

/** Said when a key of the bundled key server is checked where that server cannot be reached. */
export const BUNDLED_UNREACHABLE =
  'This key was issued by the key server bundled with the Keywarden app; check it with "Check now" in the app, which starts that server when needed.'

export interface CheckResult {
  entryId: string
  status: ValidationStatus
  at: number
  /** The provider's HTTP status, when it answered. */
  httpStatus: number | null
  /** A sentence for the user; never contains the key or the URL. */
  detail: string
}

const MAX_BODY_BYTES = 64 * 1024

/** Whether a URL host is this computer: 127.0.0.0/8, ::1 or localhost. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  )
}

/** Parse and check an entry's base URL: http(s), no user info, plain HTTP only to this computer. */
function checkedBase(baseUrl: string): URL {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch {
    throw new ReminderError('NOT_CHECKABLE', "The entry's base URL is not a valid URL.")
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new ReminderError(
      'NOT_CHECKABLE',
      "The entry's base URL must start with http:// or https://.",
    )
  // Plain HTTP would carry the key readable across every network on the way: only this
  // computer (the local key server) is reached without TLS.
  if (base.protocol === 'http:' && !isLoopback(base.hostname))
    throw new ReminderError(
      'NOT_CHECKABLE',
      "Keywarden sends a key over plain http:// only to this computer (127.0.0.1, localhost); use the provider's https:// address.",
    )
  if (base.username || base.password)
    throw new ReminderError(
      'NOT_CHECKABLE',
      "The entry's base URL must not contain a user name or password.",
    )
  return base
}

/** The validation URL: the checked base plus the style's path (and, for Similarweb, query). */
function joinUrl(base: URL, path: string): URL {
  const url = new URL(base)
  const [pathname, query] = path.split('?', 2) as [string, string | undefined]
  url.pathname = url.pathname.replace(/\/+$/, '') + pathname
  url.search = query === undefined ? '' : `?${query}`
  return url
}

/** Read at most MAX_BODY_BYTES of the body: the verdict needs only the start of it. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
}

/** Why a request failed, in words that cannot carry the URL (undici errors may quote it). */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'the provider did not answer in time'
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code
  if (code === 'ECONNREFUSED') return 'the connection was refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name could not be resolved'
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return `the connection failed (${code})`
  return 'the connection failed'
}

/** Validate one entry's key against its provider and record the result in the vault. */
export async function checkNow(
  vault: ValidationVault,
  entryId: string,
  options: CheckOptions = {},
): Promise<CheckResult> {
  if (!vault.isUnlocked)
    throw new ReminderError(
      'LOCKED',
      'Unlock the vault to check a key: the check needs the key itself.',
    )
  const entry = vault.get(entryId)
  if (!isServerStyle(entry.style))
    throw new ReminderError(
      'NOT_CHECKABLE',
      'Keys of other services have no known validation endpoint.',
    )
  if (!entry.baseUrl)
    throw new ReminderError('NOT_CHECKABLE', 'This entry has no base URL to check the key against.')
  // The address is settled and checked before the key is revealed: a refused address never sees
  // it. A key of the bundled key server goes to that server's address now, not a stored port.
  let base: URL
  if (isBundled(entry)) {
    if (!options.bundledKeyServer) throw new ReminderError('NOT_CHECKABLE', BUNDLED_UNREACHABLE)
    const root = (await options.bundledKeyServer()).replace(/\/+$/, '')
    base = checkedBase(`${root}${STYLE_RULES[entry.style].serverPrefix}`)
  } else base = checkedBase(entry.baseUrl)
  const credential = {
    key: vault.reveal(entryId, 'key'),
    ...(entry.style === 'blazemeter' ? { secret: vault.reveal(entryId, 'secret') } : {}),
  }
  const request = validationRequest(entry.style, credential, entry.scope)
  const url = joinUrl(base, request.path)
  const now = options.now ?? Date.now
  const doFetch = options.fetch ?? fetch

  let status: ValidationStatus
  let httpStatus: number | null = null
  let detail: string
  try {
    const response = await doFetch(url, {
      method: request.method,
      headers: request.headers,
      // Never follow a redirect: it would carry the credential to wherever it points.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
    httpStatus = response.status
    const body = await readBody(response)
    if (response.status >= 300 && response.status < 400) {
      status = 'unreachable'
      detail = `The provider answered with a redirect (HTTP ${response.status}); Keywarden does not send a key on to another address.`
    } else if (response.status === 429 || response.status >= 500) {
      // Rate limits and server trouble say nothing about the key itself.
      status = 'unreachable'
      detail = `The provider could not answer now (HTTP ${response.status}); try again later.`
    } else {
      status = interpretValidationResponse(entry.style, response.status, body)
      detail =
        status === 'valid'
          ? 'The provider accepted the key.'
          : status === 'expired'
            ? 'The provider says the key has expired.'
            : `The provider refused the key (HTTP ${response.status}).`
    }
  } catch (error) {
    status = 'unreachable'
    detail = `The provider could not be reached: ${networkReason(error)}.`
  }
  const at = now()
  vault.recordValidation(entryId, status, at)
  if ((status === 'invalid' || status === 'expired') && options.onFailure) options.onFailure()
  return { entryId, status, at, httpStatus, detail }
}

/** The same "check now", under the name the application services use. */
export const validateEntry = checkNow
