/** Shared set-up for the IPC and browser-mode tests: a real AppServices over a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Router } from '../../src-main/ipc/router'
import { generateCredential, type ServerStyle } from '../../src-main/providers'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'

export interface Fixture {
  dir: string
  services: AppServices
  clock: { now: number }
  cleanup(): Promise<void>
}

/** A fresh data folder and services with a settable clock and the small test KDF. */
export function makeServices(
  options: { clipboard?: (v: string, ms: number) => void } = {},
): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ipc-'))
  const clock = { now: Date.UTC(2026, 0, 10, 12) }
  const services = new AppServices({
    dataDir: dir,
    mode: 'browser',
    now: () => clock.now,
    kdf: FAST_TEST_KDF,
    ...(options.clipboard ? { clipboard: options.clipboard } : {}),
  })
  return {
    dir,
    services,
    clock,
    async cleanup() {
      await services.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A well-formed credential for a style (as its provider would issue it). */
export function credentialFor(style: ServerStyle): { key: string; secret?: string } {
  const issued = generateCredential(style, (n) => randomBytes(n))
  return issued.secret === undefined
    ? { key: issued.key }
    : { key: issued.key, secret: issued.secret }
}

/**
 * Calls through the router that expect success (the value) or failure (the typed error). The
 * router is read at call time, since each test builds a fresh one.
 */
export function routerCalls(current: () => Router) {
  return {
    async ok<T = unknown>(name: string, input?: unknown): Promise<T> {
      const result = await current().call(name, input)
      if (!result.ok)
        throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`)
      return result.value as T
    },
    async fails(name: string, input: unknown): Promise<{ code: string; message: string }> {
      const result = await current().call(name, input)
      if (result.ok) throw new Error(`${name} should fail`)
      return result.error
    },
  }
}
