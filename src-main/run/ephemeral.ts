/**
 * Ephemeral keys for one run: `--issue VAR=STYLE[:TTL]` asks a key server's admin API for a
 * fresh key, and the run revokes it when the child ends. The key never touches the vault.
 *
 * The key server is the one at `--keyserver URL` (admin token from KEYWARDEN_ADMIN_TOKEN), or
 * else one started in this process for the run alone, on a free loopback port with its data in
 * a temporary folder that is deleted afterwards; the child finds it in KEYWARDEN_KEYSERVER_URL.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DAY_MS, SERVER_STYLES, STYLE_RULES, type ServerStyle } from '../providers'
import { RunError } from './errors'

export interface IssueSpec {
  variable: string
  style: ServerStyle
  /** Lifetime asked for, or undefined for the style's default. */
  ttlMs?: number
  text: string
}

export interface IssuedEphemeral {
  variable: string
  /** The key server's record id (used to revoke; not a secret). */
  id: string
  /** What a client presents: the key, or BlazeMeter's `id:secret`. */
  credential: string
}

export interface AdminEndpoint {
  url: string
  token: string
  /** Stops an in-process server and deletes its data; absent for a server given by URL. */
  close?: () => Promise<void>
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS }
/** Lifetime of an issued key when none is given: a run rarely lasts longer. */
const DEFAULT_TTL_MS = 3_600_000
const ADMIN_TIMEOUT_MS = 10_000

/** Parse `VAR=STYLE[:TTL]`, TTL like 90s, 30m, 1h or 7d. */
export function parseIssueSpec(text: string): IssueSpec {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=([a-z]+)(?::(\d{1,6})([smhd]))?$/.exec(text)
  if (!m)
    throw new RunError(
      `--issue takes VAR=STYLE[:TTL], e.g. WPT_KEY=webpagetest:1h (styles: ${SERVER_STYLES.join(', ')}).`,
    )
  const style = m[2] as ServerStyle
  if (!(SERVER_STYLES as readonly string[]).includes(style))
    throw new RunError(`--issue ${m[1]}: the style is one of ${SERVER_STYLES.join(', ')}.`)
  const spec: IssueSpec = { variable: m[1], style, text }
  if (m[3] !== undefined) {
    spec.ttlMs = Number(m[3]) * UNIT_MS[m[4]]
    if (spec.ttlMs === 0)
      throw new RunError(`--issue ${m[1]}: the lifetime must be more than zero.`)
  }
  return spec
}

/** The expiry part of the admin request, following the style's rule. */
function expiryOf(spec: IssueSpec): { expiresInDays?: number } {
  const rule = STYLE_RULES[spec.style].expiry
  const name = STYLE_RULES[spec.style].displayName
  if (rule.kind === 'never') {
    if (spec.ttlMs !== undefined)
      throw new RunError(
        `--issue ${spec.variable}: ${name} keys never expire; leave out the lifetime (the key is revoked when the run ends).`,
      )
    return {}
  }
  if (rule.kind === 'choices') {
    // Lifetimes here are a fixed list of days; the shortest is the default.
    const days = spec.ttlMs === undefined ? Math.min(...rule.days) : spec.ttlMs / DAY_MS
    if (!rule.days.includes(days))
      throw new RunError(
        `--issue ${spec.variable}: ${name} keys live ${rule.days.join(', ')} days (e.g. ${spec.style}:${rule.days[0]}d).`,
      )
    return { expiresInDays: days }
  }
  return { expiresInDays: (spec.ttlMs ?? DEFAULT_TTL_MS) / DAY_MS }
}

/**
 * The admin endpoint: the server at `url` with KEYWARDEN_ADMIN_TOKEN, or a fresh in-process
 * one when no URL is given.
 */
export async function connectKeyServer(
  url: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AdminEndpoint> {
  if (url !== undefined) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new RunError('--keyserver takes a URL, e.g. http://127.0.0.1:8787.')
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RunError('--keyserver takes an http:// or https:// URL.')
    if (parsed.username || parsed.password || parsed.search)
      throw new RunError(
        '--keyserver takes a plain URL (the token comes from KEYWARDEN_ADMIN_TOKEN).',
      )
    const token = env.KEYWARDEN_ADMIN_TOKEN
    if (!token) throw new RunError('--keyserver needs the admin token in KEYWARDEN_ADMIN_TOKEN.')
    return { url: parsed.href.replace(/\/$/, ''), token }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'keywarden-run-'))
  const token = randomBytes(32).toString('base64url')
  try {
    const { startKeyServer } = await import('../keyserver')
    const handle = await startKeyServer({ dataDir, port: 0, adminToken: token })
    return {
      url: handle.url.replace(/\/$/, ''),
      token,
      close: async () => {
        try {
          await handle.close()
        } finally {
          rmSync(dataDir, { recursive: true, force: true })
        }
      },
    }
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}

async function admin(
  endpoint: AdminEndpoint,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  let response: Response
  try {
    response = await fetch(`${endpoint.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
    })
  } catch {
    throw new RunError(`The key server at ${endpoint.url} did not answer.`)
  }
  const text = await response.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    // Reported by status below.
  }
  if (!response.ok) {
    // The admin API's own wording never contains a secret.
    const why = typeof parsed.message === 'string' ? parsed.message : `HTTP ${response.status}`
    throw new RunError(`The key server refused: ${why}`)
  }
  return parsed
}

/** Issue one key for a spec. */
export async function issueKey(endpoint: AdminEndpoint, spec: IssueSpec): Promise<IssuedEphemeral> {
  const body = {
    style: spec.style,
    name: `keywarden run ${spec.variable} (pid ${process.pid})`,
    ...expiryOf(spec),
  }
  const reply = await admin(endpoint, '/admin/v1/keys', body)
  const key = (reply.key && typeof reply.key === 'object' ? reply.key : reply) as Record<
    string,
    unknown
  >
  const id = key.id ?? reply.id
  const credential = reply.credential ?? key.credential
  if (typeof id !== 'string' || typeof credential !== 'string')
    throw new RunError('The key server gave an answer Keywarden does not understand.')
  return { variable: spec.variable, id, credential }
}

/** Revoke an issued key (idempotent on the server). */
export async function revokeKey(endpoint: AdminEndpoint, id: string): Promise<void> {
  await admin(endpoint, `/admin/v1/keys/${encodeURIComponent(id)}/revoke`, {})
}

/** Check every spec before anything is issued (a typo must not leave keys behind). */
export function checkIssueSpecs(specs: readonly IssueSpec[]): void {
  const seen = new Set<string>()
  for (const spec of specs) {
    if (seen.has(spec.variable)) throw new RunError(`--issue names ${spec.variable} twice.`)
    seen.add(spec.variable)
    expiryOf(spec)
  }
}
