/**
 * One-time launch codes: traded once for the session token over real HTTP, refused when used
 * again or expired (an injected clock), and the 0600 redirect file handed to the opener.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAUNCH_CODE_TTL_MS, LaunchCodes } from '../../src-main/browser-mode/guard'
import { writeLaunchFile } from '../../src-main/browser-mode/launch-file'
import {
  EXCHANGE_PATH,
  startBrowserServer,
  type BrowserServer,
} from '../../src-main/browser-mode/server'
import { makeServices, type Fixture } from '../ipc/helpers'

describe('LaunchCodes', () => {
  it('a code works once, within 60 s, and not after the clock is set back', () => {
    let now = 1_000_000
    const codes = new LaunchCodes(() => now)
    const a = codes.issue()
    expect(codes.redeem(a)).toBe(true)
    expect(codes.redeem(a)).toBe(false)

    const b = codes.issue()
    now += LAUNCH_CODE_TTL_MS
    expect(codes.redeem(b)).toBe(true)

    const c = codes.issue()
    now += LAUNCH_CODE_TTL_MS + 1
    expect(codes.redeem(c)).toBe(false)

    const d = codes.issue()
    now -= 5_000
    expect(codes.redeem(d)).toBe(false)

    expect(codes.redeem('')).toBe(false)
    expect(codes.redeem(undefined)).toBe(false)
    expect(codes.redeem('x'.repeat(10_000))).toBe(false)
  })
})

describe('POST /api/session/exchange', () => {
  let f: Fixture
  let server: BrowserServer
  let now = 5_000_000

  beforeAll(async () => {
    f = makeServices()
    server = await startBrowserServer({
      services: f.services,
      rendererDir: '/nonexistent',
      port: 0,
      now: () => now,
    })
  })
  afterAll(async () => {
    await server.close()
    await f.cleanup()
  })

  const codeOf = (url: string): string => new URL(url).hash.replace('#code=', '')
  const exchange = (code: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.origin}${EXCHANGE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ code }),
    })

  it('trades a code once for the token; the token then opens the API', async () => {
    const code = codeOf(server.launchUrl())
    const first = await exchange(code)
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const { value } = (await first.json()) as { value: { token: string } }
    expect(value.token).toBe(server.token)
    const status = await fetch(`${server.origin}/api/call/vault.status`, {
      method: 'POST',
      headers: { 'x-keywarden-token': value.token },
    })
    expect(status.status).toBe(200)

    const again = await exchange(code)
    expect(again.status).toBe(401)
    const refused = (await again.json()) as {
      ok: boolean
      error: { code: string; message: string }
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'LAUNCH_CODE_REFUSED' } })
    expect(refused.error.message).toMatch(/already used or has expired.*works once, within 60/)
    expect(JSON.stringify(refused)).not.toContain(server.token)
  })

  it('refuses an expired code and one it never issued', async () => {
    const code = codeOf(server.launchUrl())
    now += LAUNCH_CODE_TTL_MS + 1
    expect((await exchange(code)).status).toBe(401)
    expect((await exchange('A'.repeat(32))).status).toBe(401)
    expect((await exchange(42)).status).toBe(401)
  })

  it('takes the code by POST as JSON only, and from no other site', async () => {
    const code = codeOf(server.launchUrl())
    const get = await fetch(`${server.origin}${EXCHANGE_PATH}?code=${code}`)
    expect(get.status).toBe(405)
    const form = await fetch(`${server.origin}${EXCHANGE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `code=${code}`,
    })
    expect(form.status).toBe(415)
    const foreign = await exchange(code, { origin: 'http://evil.example' })
    expect(foreign.status).toBe(403)
    // None of the refusals spent it.
    expect((await exchange(code)).status).toBe(200)
  })
})

describe('the redirect file handed to the browser opener', () => {
  it('is private to its owner, forwards to the launch URL, and is removed', () => {
    const url = 'http://127.0.0.1:4321/#code=abc_DEF-123'
    const file = writeLaunchFile(url)
    expect(statSync(file.path).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(file.path)).mode & 0o777).toBe(0o700)
    const page = readFileSync(file.path, 'utf8')
    expect(page).toContain(`<meta http-equiv="refresh" content="0;url=${url}">`)
    expect(page).toContain('<meta name="referrer" content="no-referrer">')
    file.remove()
    expect(() => statSync(dirname(file.path))).toThrow()
    file.remove()
  })
})
