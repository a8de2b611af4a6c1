/**
 * Browser mode carries an import file over HTTP: the two import calls take bodies past the
 * 1 MiB limit of every other call (a 10 MB file as base64), and a body past their own limit is
 * refused with 413 and a sentence about the file's size, before it is buffered or parsed.
 */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MAX_UPLOAD_BODY_BYTES,
  startBrowserServer,
  type BrowserServer,
} from '../../src-main/browser-mode/server'
import { makeServices, type Fixture } from '../ipc/helpers'

let f: Fixture
let server: BrowserServer

function call(name: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/call/${name}`,
        method: 'POST',
        headers: {
          host: `127.0.0.1:${server.port}`,
          'x-keywarden-token': server.token,
          'content-type': 'application/json',
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    // The server may answer 413 and stop reading before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    )
    req.end(body)
  })
}

beforeAll(async () => {
  f = makeServices()
  server = await startBrowserServer({ services: f.services, rendererDir: f.dir, port: 0 })
  const created = await call('vault.create', JSON.stringify({ password: 'correct horse battery' }))
  expect(created.status).toBe(200)
})

afterAll(async () => {
  await server.close()
  await f.cleanup()
})

describe('import uploads over browser mode', () => {
  it('a 2 MB .env is previewed, though other calls stop at 1 MiB', async () => {
    const lines = Array.from(
      { length: 50_000 },
      (_, i) =>
        `KEY_${String(i).padStart(6, '0')}=sk_live_abcdefghijklmnop${String(i).padStart(6, '0')}\n`,
    ).join('')
    const content = Buffer.from(lines).toString('base64')
    expect(content.length).toBeGreaterThan(2 * 1024 * 1024)
    const res = await call(
      'transfer.preview',
      JSON.stringify({ content, encoding: 'base64', fileName: 'big.env' }),
    )
    expect(res.status).toBe(200)
    const parsed = JSON.parse(res.body) as { ok: boolean; value: { adds: number } }
    expect(parsed).toMatchObject({ ok: true, value: { adds: 50_000 } })

    const other = await call(
      'entries.search',
      JSON.stringify({ query: 'x'.repeat(2 * 1024 * 1024) }),
    )
    expect(other.status).toBe(413)
  })

  it('a body past the upload limit is refused with 413 and says the file is too large', async () => {
    const body = JSON.stringify({
      content: 'A'.repeat(MAX_UPLOAD_BODY_BYTES),
      encoding: 'base64',
      fileName: 'huge.1pux',
    })
    const res = await call('transfer.import', body)
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({
      ok: false,
      error: { code: 'TOO_LARGE', message: expect.stringContaining('10 MB') },
    })
    const entries = await call('entries.list', '')
    expect(JSON.parse(entries.body)).toMatchObject({ ok: true, value: [] })
  })
})
