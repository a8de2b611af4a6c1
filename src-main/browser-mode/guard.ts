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
