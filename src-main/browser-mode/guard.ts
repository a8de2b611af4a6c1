/**
 * The checks every browser-mode request passes before anything else: the Host header (DNS
 * rebinding), the Origin header (cross-site requests) and the per-launch token (compared in
 * constant time). Pure functions over header values, so they are tested without a server.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A fresh per-launch token: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison; hashing first makes the lengths equal so length leaks nothing. */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 512) return false
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(given).digest()
  return timingSafeEqual(a, b)
}

/** The Host values we answer to: the loopback address or localhost with our port, nothing else. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false
  const h = host.toLowerCase()
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`
}

/**
 * A request from a page of another origin is refused. No Origin (a top-level navigation, curl)
 * is allowed: the token still guards the API, and static files hold no secret.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}

/** How long a launch code may wait to be traded for the session token. */
export const LAUNCH_CODE_TTL_MS = 60_000

/**
 * One-time launch codes. The session token never goes into a URL: the printed URL carries a
 * code instead, which the page trades once for the token (POST /api/session/exchange), so the
 * token is in no terminal scrollback, no browser history and no process's argv. A code works
 * once and for 60 s: one seen afterwards is worth nothing, and a race for it shows up as
 * "already used" in the user's own tab. The browser opener gets not even a code on its command
 * line (`ps` shows argv to every local user): it is handed a 0600 redirect file (launch-file.ts).
 * Only the codes' hashes are kept.
 */
export class LaunchCodes {
  private readonly issuedAt = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh code: 192 random bits, URL-safe. */
  issue(): string {
    this.prune()
    const code = randomBytes(24).toString('base64url')
    this.issuedAt.set(digest(code), this.now())
    return code
  }

  /** Whether `code` is one we issued, unused and unexpired; it is spent either way. */
  redeem(code: unknown): boolean {
    if (typeof code !== 'string' || code.length === 0 || code.length > 512) return false
    const key = digest(code)
    const at = this.issuedAt.get(key)
    if (at === undefined) return false
    this.issuedAt.delete(key)
    return fresh(at, this.now())
  }

  private prune(): void {
    const now = this.now()
    for (const [key, at] of this.issuedAt) if (!fresh(at, now)) this.issuedAt.delete(key)
  }
}

/** Issued at most 60 s ago; a clock set back before the issue does not make a code immortal. */
function fresh(issuedAt: number, now: number): boolean {
  const age = now - issuedAt
  return age >= 0 && age <= LAUNCH_CODE_TTL_MS
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}
