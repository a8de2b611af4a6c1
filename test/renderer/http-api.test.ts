/**
 * The browser-mode client against the real browser-mode server (real vault in a temp folder,
 * real HTTP on 127.0.0.1): calls, typed errors, the token, and the streamed events.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events } from '../../src-main/ipc/contract'
import { startBrowserServer, type BrowserServer } from '../../src-main/browser-mode/server'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { KeywardenError } from '../../src-renderer/lib/errors'
import { createHttpApi } from '../../src-renderer/lib/http-api'
import { codeFromHash, exchangeCode } from '../../src-renderer/lib/token'

let dir: string
let services: AppServices
let server: BrowserServer
let origin: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-renderer-'))
  services = new AppServices({ dataDir: dir, mode: 'browser', kdf: FAST_TEST_KDF })
  services.start()
  server = await startBrowserServer({ services, rendererDir: join(dir, 'no-renderer'), port: 0 })
  origin = server.origin
})

afterAll(async () => {
  await server.close()
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

function nextEvent<E extends keyof Events>(
  api: ReturnType<typeof createHttpApi>,
  event: E,
): { payload: Promise<Events[E]>; off: () => void } {
  let off = () => {}
  const payload = new Promise<Events[E]>((resolve) => {
    off = api.on(event, resolve)
  })
  return { payload, off }
}

describe('the launch code', () => {
  it('is read from the fragment only, and traded once for the token', async () => {
    const code = codeFromHash(new URL(server.launchUrl()).hash)
    expect(code).not.toBeNull()
    expect(codeFromHash('#other=1')).toBeNull()
    expect(codeFromHash('')).toBeNull()
    expect(await exchangeCode(code!, origin)).toEqual({ token: server.token })
    const again = await exchangeCode(code!, origin)
    expect(again).toMatchObject({ problem: expect.stringMatching(/already used or has expired/) })
  })
})

describe('createHttpApi', () => {
  it('carries calls and rethrows failures as KeywardenError with the server wording', async () => {
    const api = createHttpApi({ baseUrl: origin, token: server.token })
    expect((await api.app.info()).mode).toBe('browser')
    expect((await api.vault.status()).exists).toBe(false)
    expect((await api.vault.create({ password: 'pw for the tests' })).unlocked).toBe(true)
    const added = await api.entries.add({
      entry: { style: 'webpagetest', name: 'ci', credential: { key: 'A.' + '0'.repeat(32) } },
    })
    expect((await api.entries.search({ query: 'ci' })).map((e) => e.id)).toEqual([added.id])
    const rule = await api.entries
      .add({
        entry: { style: 'userplane', name: 'u', credential: { key: 'nope-not-a-userplane-key' } },
      })
      .catch((e: unknown) => e)
    expect(rule).toBeInstanceOf(KeywardenError)
    expect((rule as KeywardenError).message).toBe('A Userplane API key starts with "uspl_".')
    await api.vault.lock()
    const wrong = await api.vault.unlock({ password: 'wrong' }).catch((e: unknown) => e)
    expect(wrong).toMatchObject({ code: 'WRONG_PASSWORD', message: 'The password is wrong.' })
    await api.vault.unlock({ password: 'pw for the tests' })
  })

  it('reports an unknown call and a refused token as typed errors', async () => {
    let refused = 0
    const api = createHttpApi({
      baseUrl: origin,
      token: 'not-the-token',
      onUnauthorized: () => refused++,
    })
    await expect(api.vault.status()).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    expect(refused).toBe(1)
    const good = createHttpApi({ baseUrl: origin, token: server.token }) as unknown as {
      vault: { explode: () => Promise<unknown> }
    }
    await expect(good.vault.explode()).rejects.toMatchObject({
      code: expect.stringMatching(/UNKNOWN|404/),
    })
    // Not a thenable: awaiting the API object itself must not call anything.
    expect(
      (createHttpApi({ baseUrl: origin, token: server.token }) as unknown as { then?: unknown })
        .then,
    ).toBeUndefined()
  })

  it('streams events and unsubscribes exactly the listener it added', async () => {
    const api = createHttpApi({ baseUrl: origin, token: server.token })
    const first = nextEvent(api, 'vault-locked')
    let secondCalls = 0
    const offSecond = api.on('vault-locked', () => secondCalls++)
    offSecond()
    offSecond() // twice is harmless
    // The stream connects asynchronously: lock (and reopen) until the event has come through.
    let payload: Events['vault-locked'] | null = null
    void first.payload.then((p) => (payload = p))
    for (let i = 0; i < 50 && !payload; i++) {
      await api.vault.unlock({ password: 'pw for the tests' })
      await api.vault.lock()
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(payload).toEqual({ reason: 'user' })
    expect(secondCalls).toBe(0)
    first.off()
  })
})
