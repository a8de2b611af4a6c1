/**
 * The Authorization header's two schemes the emulated providers use, parsed once per header
 * value. Clients repeat the same header on every request, and on the hot path the regexes and
 * the base64 decode were a measurable share of a BlazeMeter validation's CPU, so parsed values
 * are remembered: at most 1024 headers (cleared when full, like KeyRepository's recent
 * digests), none over 1 KiB (no credential of ours is that long). Memory only, never logged.
 */
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)$/i
const BEARER = /^Bearer\s+(\S+)$/i
const RECENT = 1024
const LONGEST_REMEMBERED = 1024

export interface AuthorizationParts {
  /** The decoded `user:password` text of a Basic header, or null for another scheme. */
  basic: string | null
  /** The token of a Bearer header, or null for another scheme. */
  bearer: string | null
}

const parsed = new Map<string, AuthorizationParts>()

/** Parse `header` exactly as given (the caller decides whether to trim it first). */
export function parseAuthorization(header: string): AuthorizationParts {
  let parts = parsed.get(header)
  if (parts !== undefined) return parts
  const basic = BASIC.exec(header)
  parts = {
    basic: basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : null,
    // The two schemes exclude each other.
    bearer: basic ? null : (BEARER.exec(header)?.[1] ?? null),
  }
  if (header.length <= LONGEST_REMEMBERED) {
    if (parsed.size >= RECENT) parsed.clear()
    parsed.set(header, parts)
  }
  return parts
}
