import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  ACTIVITY_PATH,
  TOKEN_HEADER,
  startBrowserServer,
  type BrowserServer,
} from '../../src-main/browser-mode/server'
import { makeServices, type Fixture } from '../ipc/helpers'

let f: Fixture
let server: BrowserServer
let root: string

function post(path: string, headers: Record<string, string> = {}, method = 'POST') {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(method === 'POST' ? '{}' : undefined)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  f = makeServices()
  root = mkdtempSync(join(tmpdir(), 'kw-activity-'))
  server = await startBrowserServer({ services: f.services, rendererDir: root, port: 0 })
})

afterAll(async () => {
  await server.close()
  await f.cleanup()
  rmSync(root, { recursive: true, force: true })
})

it('an activity report (typing, pointer) restarts the idle time; a passive call does not', async () => {
  await sleep(30)
  expect(server.idleMs()).toBeGreaterThanOrEqual(30)
  const before = Date.now()
  expect(await post(ACTIVITY_PATH, { [TOKEN_HEADER]: server.token })).toBe(204)
  expect(server.idleMs()).toBeLessThanOrEqual(Date.now() - before)

  await sleep(30)
  const idle = server.idleMs()
  expect(
    await post('/api/call/vault.status', {
      [TOKEN_HEADER]: server.token,
      'content-type': 'application/json',
    }),
  ).toBe(200)
  expect(server.idleMs()).toBeGreaterThanOrEqual(idle)
})

it('refuses an activity report without the token or by GET, and it then counts for nothing', async () => {
  await sleep(30)
  expect(await post(ACTIVITY_PATH)).toBe(401)
  expect(await post(ACTIVITY_PATH, { [TOKEN_HEADER]: 'wrong' })).toBe(401)
  expect(await post(ACTIVITY_PATH, { [TOKEN_HEADER]: server.token }, 'GET')).toBe(405)
  expect(server.idleMs()).toBeGreaterThanOrEqual(30)
})
