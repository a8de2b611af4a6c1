// Keys issued by the bundled key server keep checking after the server comes back on another
// port: the app's own services, a real in-process key server, real HTTP on loopback.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startKeyServer } from '../../src-main/keyserver'
import {
  BUNDLED_UNREACHABLE,
  bundledBaseUrl,
  checkNow,
  isBundled,
} from '../../src-main/reminders/validate'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'
import { PASSWORD } from './helpers'

let dir: string
let services: AppServices

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-bundled-'))
  services = new AppServices({ dataDir: dir, mode: 'browser', kdf: FAST_TEST_KDF })
})

afterEach(async () => {
  await services.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A port other than `busy` that nothing listens on now. */
async function otherPort(busy: number): Promise<number> {
  const { createServer } = await import('node:net')
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port
        s.close(() => resolve(p))
      })
    })
    if (port !== busy) return port
  }
}

describe('keys of the bundled key server', () => {
  it('stay checkable after the server restarts on another port', async () => {
    await services.createVault(PASSWORD)
    const first = await services.startKeyserver(0)
    const entry = await services.issue({ style: 'webpagetest', name: 'bundled', owner: 'ana' })
    // Stored without a port: the server's name and the style's path.
    expect(entry.baseUrl).toBe(bundledBaseUrl('webpagetest'))
    expect(entry.baseUrl).not.toContain(String(first.port))
    expect(await services.validate(entry.id)).toMatchObject({ status: 'valid' })

    await services.stopKeyserver()
    const port = await otherPort(first.port!)
    const second = await services.startKeyserver(port)
    expect(second.port).toBe(port)
    expect(await services.validate(entry.id)).toMatchObject({ status: 'valid' })

    // Stopped: "Check now" starts it (on a free port) rather than answering "unreachable".
    await services.stopKeyserver()
    expect(await services.validate(entry.id)).toMatchObject({ status: 'valid' })
    expect(services.keyserverStatus().running).toBe(true)
  })

  it('an entry stored with the old port resolves to the server as it runs now', async () => {
    await services.createVault(PASSWORD)
    const first = await services.startKeyserver(0)
    const issued = await services.issue({ style: 'similarweb', name: 'old', apiType: 'rest' })
    // As entries were written before: the server's URL with the port it had then.
    const stale = `${first.url!.replace(/\/$/, '')}/similarweb`
    services.update(issued.id, { baseUrl: stale })
    expect(services.get(issued.id).baseUrl).toContain(`:${first.port}/`)
    await services.stopKeyserver()
    await services.startKeyserver(await otherPort(first.port!))
    expect(await services.validate(issued.id)).toMatchObject({ status: 'valid' })
  })

  it('the command line, which cannot reach the app’s server, says where to check', async () => {
    await services.createVault(PASSWORD)
    await services.startKeyserver(0)
    const entry = await services.issue({ style: 'webpagetest', name: 'cli' })
    await services.close()
    const vault = Vault.open(join(dir, 'vault.kwdb'))
    try {
      await vault.unlock(PASSWORD)
      await expect(checkNow(vault, entry.id)).rejects.toThrow(BUNDLED_UNREACHABLE)
      // Nothing was recorded: no "unreachable" verdict about a server that was never asked.
      expect(vault.get(entry.id).lastCheck).toBeNull()
    } finally {
      vault.close()
    }
  })

  it('leaves other addresses alone', async () => {
    // A manual entry pointing at some other local server keeps its port.
    const server = await startKeyServer({ dataDir: join(dir, 'other'), port: 0 })
    try {
      const url = `${server.url.replace(/\/$/, '')}/webpagetest`
      expect(isBundled({ origin: 'manual', baseUrl: url })).toBe(false)
      expect(isBundled({ origin: 'keyserver', baseUrl: url })).toBe(true)
      expect(isBundled({ origin: 'keyserver', baseUrl: 'https://api.example.com/x' })).toBe(false)
      expect(isBundled({ origin: 'manual', baseUrl: bundledBaseUrl('wellows') })).toBe(true)
      expect(isBundled({ origin: 'keyserver', baseUrl: null })).toBe(false)
    } finally {
      await server.close()
    }
  })
})
