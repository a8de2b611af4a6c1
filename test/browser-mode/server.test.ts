import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSP, startBrowserServer, type BrowserServer } from '../../src-main/browser-mode/server'
import { credentialFor, makeServices, type Fixture } from '../ipc/helpers'

let f: Fixture
let server: BrowserServer
let root: string
let outside: string

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw HTTP request, so the path and Host header are sent exactly as written. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

function call(name: string, input: unknown, token = server.token): Promise<Raw> {
  return raw(`/api/call/${name}`, {
    method: 'POST',
    headers: { 'x-keywarden-token': token, 'content-type': 'application/json' },
    body: input === undefined ? '' : JSON.stringify(input),
  })
}

async function value<T = unknown>(name: string, input?: unknown): Promise<T> {
  const res = await call(name, input)
  expect(res.status).toBe(200)
  const parsed = JSON.parse(res.body) as { ok: boolean; value: T; error?: unknown }
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.error)}`)
  return parsed.value
}

beforeAll(async () => {
  f = makeServices()
  const base = mkdtempSync(join(tmpdir(), 'kw-static-'))
  root = join(base, 'renderer')
  outside = join(base, 'secret.txt')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keywarden</title>')
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(outside, 'outside the build folder')
  symlinkSync(outside, join(root, 'assets', 'link.txt'))
  server = await startBrowserServer({ services: f.services, rendererDir: root, port: 0 })
})

afterAll(async () => {
  await server.close()
  await f.cleanup()
  rmSync(join(root, '..'), { recursive: true, force: true })
})

describe('browser mode over real HTTP', () => {
  it('hands out launch URLs with a one-time code in the fragment, never the token', () => {
    const first = server.launchUrl()
    const second = server.launchUrl()
    expect(first).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#code=[A-Za-z0-9_-]{32}$`),
    )
    expect(second).not.toBe(first)
    expect(first).not.toContain(server.token)
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.token.length).toBeGreaterThanOrEqual(43)
  })

  it('serves the page with CSP and nosniff, from the build folder', async () => {
    const page = await raw('/')
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Keywarden</title>')
    expect(page.headers['content-security-policy']).toBe(CSP)
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    const script = await raw('/assets/app.js')
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toMatch(/javascript/)
  })

  it('refuses a call without a token, with a wrong token, and gives no data', async () => {
    const none = await raw('/api/call/vault.status', { method: 'POST' })
    expect(none.status).toBe(401)
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const wrong = await call('vault.status', undefined, 'x'.repeat(server.token.length))
    expect(wrong.status).toBe(401)
    expect(wrong.body).not.toContain('vault.kwdb')
    const events = await raw('/api/events')
    expect(events.status).toBe(401)
    // A token in the query string is not accepted either: it would end up in logs and history.
    const query = await raw(`/api/call/vault.status?token=${server.token}`, { method: 'POST' })
    expect(query.status).toBe(401)
  })

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (cross-site)', async () => {
    for (const host of [
      'evil.example:' + server.port,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
      'localhost',
      `0.0.0.0:${server.port}`,
    ])
      expect((await raw('/', { headers: { host } })).status, host).toBe(403)
    const rebound = await raw('/api/call/vault.status', {
      method: 'POST',
      headers: { host: `attacker.test:${server.port}`, 'x-keywarden-token': server.token },
    })
    expect(rebound.status).toBe(403)
    for (const origin of [
      'http://evil.example',
      `http://127.0.0.1:${server.port + 1}`,
      'null',
      `https://127.0.0.1:${server.port}`,
    ]) {
      const res = await raw('/api/call/vault.status', {
        method: 'POST',
        headers: { origin, 'x-keywarden-token': server.token },
      })
      expect(res.status, origin).toBe(403)
    }
    const same = await raw('/api/call/vault.status', {
      method: 'POST',
      headers: {
        origin: `http://localhost:${server.port}`,
        host: `localhost:${server.port}`,
        'x-keywarden-token': server.token,
      },
    })
    expect(same.status).toBe(200)
  })

  it('never serves a file outside the build folder (raw and encoded ..)', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2E%2E/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/assets/link.txt',
      '/%00index.html',
      '/%E0%A4%A',
    ]) {
      const res = await raw(path)
      expect(res.status, path).toBe(404)
      expect(res.body).not.toContain('outside the build folder')
    }
  })

  it('404 for an unknown call, 413 over 1 MiB, 400 for malformed JSON', async () => {
    expect((await call('vault.explode', {})).status).toBe(404)
    const big = await raw('/api/call/entries.search', {
      method: 'POST',
      headers: { 'x-keywarden-token': server.token, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x'.repeat(1024 * 1024 + 10) }),
    })
    expect(big.status).toBe(413)
    const bad = await raw('/api/call/vault.status', {
      method: 'POST',
      headers: { 'x-keywarden-token': server.token, 'content-type': 'application/json' },
      body: '{nope',
    })
    expect(bad.status).toBe(400)
  })

  it('a full session: create, unlock, add, reveal, lock — and events over SSE', async () => {
    const received: string[] = []
    const controller = new AbortController()
    const stream = await fetch(`http://127.0.0.1:${server.port}/api/events`, {
      headers: { 'x-keywarden-token': server.token },
      signal: controller.signal,
    })
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reader = stream.body!.getReader()
    const reading = (async () => {
      const decoder = new TextDecoder()
      try {
        for (;;) {
          const { value: chunk, done } = await reader.read()
          if (done) return
          received.push(decoder.decode(chunk))
        }
      } catch {
        // aborted at the end of the test
      }
    })()

    expect(await value('vault.status')).toMatchObject({ exists: false })
    await value('vault.create', { password: 'correct horse battery' })
    await value('vault.lock', {})
    const wrong = JSON.parse((await call('vault.unlock', { password: 'nope nope' })).body)
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSWORD' } })
    await value('vault.unlock', { password: 'correct horse battery' })
    const cred = credentialFor('wellows')
    const entry = await value<{ id: string }>('entries.add', {
      entry: { style: 'wellows', name: 'staging', credential: cred },
    })
    expect(await value('entries.reveal', { id: entry.id, field: 'key' })).toEqual({
      value: cred.key,
    })
    // The paged list and a previous credential, over the same protocol.
    expect(await value('entries.page', { offset: 0, limit: 50, query: 'STAG' })).toMatchObject({
      total: 1,
      offset: 0,
      items: [{ id: entry.id, name: 'staging' }],
    })
    const tooBig = JSON.parse((await call('entries.page', { offset: 0, limit: 5000 })).body)
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    await value('entries.rotate', { id: entry.id, credential: credentialFor('wellows') })
    expect(await value('entries.revealHistory', { id: entry.id, index: 0, field: 'key' })).toEqual({
      value: cred.key,
    })
    expect(await value('vault.lock')).toMatchObject({ unlocked: false })
    expect(JSON.parse((await call('entries.list', undefined)).body)).toMatchObject({
      ok: false,
      error: { code: 'LOCKED' },
    })

    await expect.poll(() => received.join(''), { timeout: 5000 }).toContain('event: vault-locked')
    const text = received.join('')
    expect(text).toContain('event: vault-unlocked')
    expect(text).toContain('event: entries-changed')
    expect(text).toContain('data: {"reason":"user"}')
    expect(text).not.toContain(cred.key)
    controller.abort()
    await reading
  })
})
