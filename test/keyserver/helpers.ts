/** Test fixtures: a real key server on 127.0.0.1 in a fresh temp folder, with a settable clock. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import {
  startKeyServer,
  type KeyServerHandle,
  type KeyServerOptions,
} from '../../src-main/keyserver'

/** Parsed JSON of a response; the assertions that read it are its type check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export interface Fixture {
  server: KeyServerHandle
  dataDir: string
  clock: { t: number }
  /** Admin call with the token; returns status and parsed JSON. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>
  /** Issue a key and return the admin record plus credential. */
  issue(body: Record<string, unknown>): Promise<Json>
  restart(extra?: Partial<KeyServerOptions>): Promise<void>
  cleanup(): Promise<void>
}

export async function startFixture(extra: Partial<KeyServerOptions> = {}): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-keyserver-'))
  const clock = { t: Date.UTC(2026, 0, 15, 12, 0, 0) }
  const options: KeyServerOptions = {
    dataDir,
    port: 0,
    adminToken: ADMIN_TOKEN,
    now: () => clock.t,
    ...extra,
  }
  const fx: Fixture = {
    server: await startKeyServer(options),
    dataDir,
    clock,
    async admin(method, path, body) {
      const res = await fetch(`${fx.server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    },
    async issue(body) {
      const res = await fx.admin('POST', '/admin/v1/keys', { name: 'test key', ...body })
      if (res.status !== 201)
        throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    },
    async restart(more = {}) {
      await fx.server.close()
      fx.server = await startKeyServer({ ...options, ...more })
    },
    async cleanup() {
      await fx.server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return fx
}

/** GET (or another method) against a provider path; status, content type and raw text. */
export async function call(
  fx: Fixture,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; type: string; text: string; json: () => Json }> {
  const res = await fetch(`${fx.server.url}${path}`, { method, headers })
  const text = await res.text()
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    json: () => JSON.parse(text),
  }
}

export const DAY = 86_400_000

/** Ask the admin API to issue a key it must refuse; checks the status and, if given, the wording. */
export async function expectIssueRefused(
  fx: Fixture,
  body: Record<string, unknown>,
  status: number,
  message?: RegExp,
): Promise<void> {
  const res = await fx.admin('POST', '/admin/v1/keys', { name: 'x', ...body })
  expect(res.status).toBe(status)
  if (message) expect(res.body.message).toMatch(message)
}
