/**
 * Desktop mode: the preload's object (built over a port that calls the real router of a real
 * vault in a temp folder) behind `withTypedErrors` gives the renderer the same KeywardenError,
 * code and wait as browser mode.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApi, type IpcPort } from '../../src-main/app/preload-api'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { withTypedErrors } from '../../src-renderer/api'
import { KeywardenError } from '../../src-renderer/lib/errors'

let dir: string
let services: AppServices

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-bridge-'))
  services = new AppServices({ dataDir: dir, mode: 'desktop', kdf: FAST_TEST_KDF })
  services.start()
})

afterAll(async () => {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

it('turns the bridge rejections into KeywardenError with code and retryAfterMs', async () => {
  const router = createRouter(services)
  const port: IpcPort = {
    invoke: (channel, input) => router.call(channel.replace('keywarden:call:', ''), input),
    on: () => {},
    removeListener: () => {},
  }
  const api = withTypedErrors(buildApi(port))
  await api.vault.create({ password: 'pw for the tests' })
  await api.vault.lock()
  for (let i = 0; i < 3; i++)
    await expect(api.vault.unlock({ password: 'nope' })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    })
  const backoff = await api.vault.unlock({ password: 'nope' }).catch((e: unknown) => e)
  expect(backoff).toBeInstanceOf(KeywardenError)
  expect(backoff).toMatchObject({ code: 'BACKOFF' })
  expect((backoff as KeywardenError).retryAfterMs).toBeGreaterThan(0)
  expect(typeof api.on).toBe('function')
})
