// "Check now" against the running local key server, for all five styles: valid, revoked, expired.
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer, type KeyServerHandle } from '../../src-main/keyserver'
import { SERVER_STYLES, STYLE_RULES, type ServerStyle } from '../../src-main/providers'
import { ReminderScheduler, type ReminderEvent } from '../../src-main/reminders/scheduler'
import { checkNow } from '../../src-main/reminders/validate'
import type { Vault } from '../../src-main/vault'
import { newVault, tempFolder } from './helpers'

let folder: ReturnType<typeof tempFolder>
let server: KeyServerHandle
let vault: Vault
const ADMIN = 'test-admin-token-0123456789abcdef'

beforeAll(async () => {
  folder = tempFolder()
  server = await startKeyServer({ dataDir: join(folder.dir, 'ks'), port: 0, adminToken: ADMIN })
  vault = await newVault(folder.dir, Date.now)
})

afterAll(async () => {
  vault?.close()
  await server?.close()
  folder?.cleanup()
})

async function admin(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  const json = (await res.json()) as Record<string, unknown>
  if (res.status >= 300) throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Issue a key on the server and keep it in the vault, pointed at the server's style prefix. */
async function issue(
  style: ServerStyle,
  name: string,
): Promise<{ serverId: string; entryId: string; credential: string }> {
  const issued = await admin('/admin/v1/keys', { style, name })
  const credential = issued.credential as string
  const [key, secret] = style === 'blazemeter' ? credential.split(':') : [credential]
  const entry = vault.add({
    style,
    name,
    credential: { key: key!, ...(secret ? { secret } : {}) },
    baseUrl: `${server.url}${STYLE_RULES[style].serverPrefix}`,
    ...(style === 'similarweb' ? { scope: { apiType: 'rest' as const } } : {}),
  })
  return { serverId: issued.id as string, entryId: entry.id, credential }
}

describe('check now against the local key server', () => {
  it.each(SERVER_STYLES.map((s) => [s]))(
    '%s: valid, then revoked, and an expired key',
    async (style) => {
      const live = await issue(style, `${style}-live`)
      const valid = await checkNow(vault, live.entryId)
      expect(valid).toMatchObject({ status: 'valid', httpStatus: 200 })
      const meta = vault.clearMetadata().find((e) => e.id === live.entryId)!
      expect(meta.lastCheck).toEqual({ status: 'valid', at: valid.at })

      await admin(`/admin/v1/keys/${live.serverId}/revoke`)
      const revoked = await checkNow(vault, live.entryId)
      expect(revoked.status).toBe('invalid')

      const old = await issue(style, `${style}-old`)
      await admin(`/admin/v1/keys/${old.serverId}/expire`)
      const expired = await checkNow(vault, old.entryId)
      // WebPageTest and Userplane say "expired"; the other three answer an expired key with the
      // same 401 as an invalid one (providers.md), so the best anyone can record is "invalid".
      expect(expired.status).toBe(
        style === 'webpagetest' || style === 'userplane' ? 'expired' : 'invalid',
      )
      expect(vault.clearMetadata().find((e) => e.id === old.entryId)!.lastCheck?.status).toBe(
        expired.status,
      )

      for (const r of [valid, revoked, expired]) {
        const text = JSON.stringify(r)
        for (const part of live.credential.split(':').concat(old.credential.split(':')))
          expect(text).not.toContain(part)
      }
    },
  )

  it('raises a reminder at once when the server refuses a key', async () => {
    const k = await issue('userplane', 'refused-now')
    const scheduler = new ReminderScheduler({ store: vault })
    const fired: Extract<ReminderEvent, { type: 'notify' }>[] = []
    scheduler.subscribe((e) => {
      if (e.type === 'notify') fired.push(e)
    })
    scheduler.start()
    try {
      fired.length = 0
      await admin(`/admin/v1/keys/${k.serverId}/revoke`)
      await checkNow(vault, k.entryId, { onFailure: () => scheduler.check() })
      const mine = fired.flatMap((e) => e.reminders).filter((r) => r.entryId === k.entryId)
      expect(mine).toEqual([
        expect.objectContaining({ kind: 'validation-failed', verdict: 'invalid' }),
      ])
      expect(fired.at(-1)!.text.title).toContain(
        '“refused-now” (Userplane) was refused by its provider',
      )
    } finally {
      scheduler.stop()
    }
  })

  it('never puts a Similarweb REST key (it rides in the query) in a result or the server log', async () => {
    const k = await issue('similarweb', 'sw-query')
    const seen: string[] = []
    const off = server.onLog((entry) => seen.push(JSON.stringify(entry)))
    const result = await checkNow(vault, k.entryId)
    off()
    expect(result.status).toBe('valid')
    expect(seen.length).toBeGreaterThan(0)
    for (const line of seen) expect(line).not.toContain(k.credential)
  })
})

describe('check now when the provider cannot give a verdict', () => {
  let odd: Server
  let oddUrl: string
  let followed = 0

  beforeAll(async () => {
    odd = createServer((req, res) => {
      if (req.url?.startsWith('/redirect/')) {
        res.writeHead(302, { location: `${oddUrl}/target/` }).end()
      } else if (req.url?.startsWith('/target/')) {
        followed++
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"remaining":1}}')
      } else if (req.url?.startsWith('/busy/')) {
        res.writeHead(503).end('busy')
      } else {
        // /slow/: never answers
      }
    })
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r))
    const addr = odd.address() as { port: number }
    oddUrl = `http://127.0.0.1:${addr.port}`
  })
  afterAll(async () => {
    odd.closeAllConnections()
    await new Promise((r) => odd.close(r))
  })

  function entryAt(baseUrl: string | null, name: string): string {
    return vault.add({
      style: 'webpagetest',
      name,
      credential: { key: `A.${'c'.repeat(31)}${name.length % 10}` },
      baseUrl,
    }).id
  }

  it('records unreachable for a refused connection, a timeout, a 503 and a redirect (not followed)', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as { port: number }).port
    await new Promise((r) => closed.close(r))

    const refused = await checkNow(
      vault,
      entryAt(`http://127.0.0.1:${port}/webpagetest`, 'refused'),
    )
    expect(refused).toMatchObject({ status: 'unreachable', httpStatus: null })
    expect(refused.detail).toMatch(/refused/)
    expect(refused.detail).not.toContain(String(port))

    const slow = await checkNow(vault, entryAt(`${oddUrl}/slow`, 'slow-one'), { timeoutMs: 300 })
    expect(slow.status).toBe('unreachable')
    expect(slow.detail).toMatch(/in time/)

    const busy = await checkNow(vault, entryAt(`${oddUrl}/busy`, 'busy-server'))
    expect(busy).toMatchObject({ status: 'unreachable', httpStatus: 503 })

    const redirected = await checkNow(vault, entryAt(`${oddUrl}/redirect`, 'redirected-x'))
    expect(redirected).toMatchObject({ status: 'unreachable', httpStatus: 302 })
    expect(followed).toBe(0)
  })

  it('refuses what it cannot check, with typed errors', async () => {
    const noUrl = entryAt(null, 'no-url-entry')
    await expect(checkNow(vault, noUrl)).rejects.toMatchObject({ code: 'NOT_CHECKABLE' })
    const generic = vault.add({
      style: 'generic',
      name: 'other',
      credential: { key: 'abc-generic-api-key' },
      baseUrl: oddUrl,
    }).id
    await expect(checkNow(vault, generic)).rejects.toMatchObject({ code: 'NOT_CHECKABLE' })
    // A key never travels over plain HTTP to another machine.
    const remote = entryAt('http://api.example.com/webpagetest', 'plain-remote')
    await expect(checkNow(vault, remote)).rejects.toMatchObject({
      code: 'NOT_CHECKABLE',
      message: expect.stringMatching(/only to this computer/),
    })
    expect(vault.clearMetadata().find((e) => e.id === remote)!.lastCheck).toBeNull()
  })
})
