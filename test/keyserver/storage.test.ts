import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/sqlite'
import { startKeyServer } from '../../src-main/keyserver'
import { KEYSERVER_MIGRATIONS } from '../../src-main/keyserver/migrations'

const folders: string[] = []
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})
function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'kw-ks-store-'))
  folders.push(f)
  return f
}

describe('admin token', () => {
  it('is generated once into <data>/admin-token (0600) and reused after a restart', async () => {
    const dataDir = folder()
    const saved = process.env.KEYWARDEN_ADMIN_TOKEN
    delete process.env.KEYWARDEN_ADMIN_TOKEN
    try {
      const first = await startKeyServer({ dataDir })
      await first.close()
      const second = await startKeyServer({ dataDir })
      await second.close()
      expect(first.adminTokenFile).toBe(join(dataDir, 'admin-token'))
      expect(second.adminToken).toBe(first.adminToken)
      expect(readFileSync(first.adminTokenFile!, 'utf8').trim()).toBe(first.adminToken)
      expect(statSync(first.adminTokenFile!).mode & 0o777).toBe(0o600)
      expect(first.adminToken.length).toBeGreaterThanOrEqual(40)
      process.env.KEYWARDEN_ADMIN_TOKEN = 'env-token'
      const third = await startKeyServer({ dataDir })
      await third.close()
      expect(third).toMatchObject({ adminToken: 'env-token', adminTokenFile: null })
    } finally {
      if (saved === undefined) delete process.env.KEYWARDEN_ADMIN_TOKEN
      else process.env.KEYWARDEN_ADMIN_TOKEN = saved
    }
  })
})

describe('batched flushing', () => {
  it('writes counters and the log on the timer, while the server keeps running', async () => {
    const dataDir = folder()
    const server = await startKeyServer({ dataDir, adminToken: 't', flushIntervalMs: 50 })
    try {
      const created = await fetch(`${server.url}/admin/v1/keys`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: JSON.stringify({ style: 'wellows', name: 'w' }),
      })
      const { id, credential } = (await created.json()) as { id: string; credential: string }
      for (let i = 0; i < 5; i++)
        await fetch(`${server.url}/wellows/api/v1/validate`, {
          headers: { 'X-API-Key': credential },
        })
      await new Promise((r) => setTimeout(r, 300))
      const db = openDatabase(join(dataDir, 'keyserver.sqlite'), {
        migrations: KEYSERVER_MIGRATIONS,
      })
      try {
        expect(
          db
            .prepare('SELECT value FROM counters WHERE scope = ? AND name = ?')
            .get(`key:${id}`, 'requests'),
        ).toEqual({
          value: 5,
        })
        const logged = db
          .prepare("SELECT COUNT(*) AS n FROM request_log WHERE path = '/wellows/api/v1/validate'")
          .get()
        expect(logged).toEqual({ n: 5 })
      } finally {
        db.close()
      }
    } finally {
      await server.close()
    }
  })

  it('close is idempotent and the port is released', async () => {
    const server = await startKeyServer({ dataDir: folder(), adminToken: 't' })
    await Promise.all([server.close(), server.close()])
    await expect(fetch(`${server.url}/admin/v1/keys`)).rejects.toThrow()
  })
})
