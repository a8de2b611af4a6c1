import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer } from '../../src-main/keyserver'
import { ADMIN_TOKEN, startFixture, type Fixture } from './helpers'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(async () => fx.cleanup())
const folders: string[] = []
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})
function folder(): string {
  const f = mkdtempSync(join(tmpdir(), 'kw-ks-hard-'))
  folders.push(f)
  return f
}

/** A raw GET with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string, token = ADMIN_TOKEN): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { host, authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode ?? 0))
    })
    req.on('error', fail)
    req.end()
  })
}

describe('admin API hardening', () => {
  it('on loopback, answers only to its own Host (DNS rebinding)', async () => {
    const url = `${fx.server.url}/admin/v1/keys`
    expect(await getWithHost(url, `127.0.0.1:${fx.server.port}`)).toBe(200)
    expect(await getWithHost(url, `localhost:${fx.server.port}`)).toBe(200)
    expect(await getWithHost(url, `evil.example:${fx.server.port}`)).toBe(403)
    expect(await getWithHost(url, 'evil.example')).toBe(403)
    // Provider routes are not the admin API: a client may use any name for the server.
    expect(await getWithHost(`${fx.server.url}/healthz`, 'ci-keyserver:8080')).toBe(200)
  })

  it('sends Cache-Control: no-store on answers that carry a credential', async () => {
    const res = await fetch(`${fx.server.url}/admin/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ style: 'userplane', name: 'n' }),
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const { id } = (await res.json()) as { id: string }
    const rotated = await fetch(`${fx.server.url}/admin/v1/keys/${id}/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(rotated.headers.get('cache-control')).toBe('no-store')
  })

  it('never echoes a form-encoded body in an error', async () => {
    const secret = 'sk_live_0123456789abcdefSECRET'
    for (const path of ['/admin/v1/keys', '/admin/v1/namespaces', '/admin/v1/settings']) {
      const res = await fetch(`${fx.server.url}${path}`, {
        method: path.endsWith('settings') ? 'PUT' : 'POST',
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `${secret}=1&style=${secret}`,
      })
      expect(res.status).toBe(415)
      expect(await res.text()).not.toContain('SECRET')
    }
    const wpt = await fetch(`${fx.server.url}/webpagetest/runtest.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `url=${secret}&${secret}=x`,
    })
    expect(await wpt.text()).not.toContain('SECRET')
  })

  it('beyond loopback, refuses to start without an explicit admin token', async () => {
    const saved = process.env.KEYWARDEN_ADMIN_TOKEN
    delete process.env.KEYWARDEN_ADMIN_TOKEN
    try {
      await expect(startKeyServer({ dataDir: folder(), host: '0.0.0.0' })).rejects.toThrow(
        /admin token/,
      )
      const open = await startKeyServer({
        dataDir: folder(),
        host: '0.0.0.0',
        adminToken: 'x'.repeat(20),
      })
      try {
        const url = `http://127.0.0.1:${open.port}/admin/v1/keys`
        expect(await getWithHost(url, 'keyserver.internal', 'x'.repeat(20))).toBe(200)
        expect(await getWithHost(url, 'keyserver.internal', 'wrong')).toBe(401)
      } finally {
        await open.close()
      }
    } finally {
      if (saved !== undefined) process.env.KEYWARDEN_ADMIN_TOKEN = saved
    }
  })
})

const root = resolve(import.meta.dirname, '../..')

/** Run the headless server; resolve with its first stdout line (or its exit), then stop it. */
async function headless(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/keyserver/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, KEYWARDEN_ADMIN_TOKEN: '', CI_JOB_ID: '', GITHUB_RUN_ID: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  const line = await new Promise<string | null>((done) => {
    const timer = setInterval(() => {
      if (stdout.includes('\n')) {
        clearInterval(timer)
        done(stdout.split('\n')[0]!)
      }
    }, 20)
    void exited.then(() => {
      clearInterval(timer)
      done(null)
    })
  })
  return {
    line: line === null ? null : (JSON.parse(line) as Record<string, any>), // eslint-disable-line @typescript-eslint/no-explicit-any
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const code = await exited
      return { code, stdout, stderr }
    },
  }
}

describe('headless: --host, --admin-token-file, --namespace-from-env', () => {
  it('beyond loopback without a token: exit 1 with a sentence naming the fix', async () => {
    const run = await headless(['--data', folder(), '--host', '0.0.0.0'])
    expect(run.line).toBeNull()
    const { code, stderr } = await run.stop()
    expect(code).toBe(1)
    expect(stderr).toContain('KEYWARDEN_ADMIN_TOKEN or --admin-token-file')
  })

  it('beyond loopback with a token file: warns of the risk and never prints the token', async () => {
    const dir = folder()
    const token = 'file-token-0123456789abcdef'
    writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 })
    const run = await headless([
      '--data',
      join(dir, 'data'),
      '--host',
      '0.0.0.0',
      '--admin-token-file',
      join(dir, 'token'),
    ])
    expect(run.line).toMatchObject({ event: 'listening', adminTokenFile: null })
    const port = new URL(run.line!.url).port
    const res = await fetch(`http://127.0.0.1:${port}/admin/v1/keys`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    const { code, stdout, stderr } = await run.stop()
    expect(code).toBe(0)
    expect(stderr).toMatch(/warning: listening on 0\.0\.0\.0, not loopback.*admin token/)
    expect(stdout + stderr).not.toContain(token)
  })

  it('--namespace-from-env serves the job namespace and prints its base URLs', async () => {
    const run = await headless(['--data', folder(), '--namespace-from-env'], {
      CI_JOB_ID: '4812',
      KEYWARDEN_ADMIN_TOKEN: 'env-admin-token-0123456789',
    })
    const line = run.line!
    expect(line.namespace).toBe('job-4812')
    expect(line.baseUrls.userplane).toBe(`${line.url}/ns/job-4812/userplane`)
    const issued = await fetch(`${line.url}/admin/v1/keys?namespace=job-4812`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer env-admin-token-0123456789',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ style: 'userplane', name: 'ci' }),
    })
    const { credential } = (await issued.json()) as { credential: string }
    const me = await fetch(`${line.baseUrls.userplane}/api/v1/public/me`, {
      headers: { authorization: `Bearer ${credential}` },
    })
    expect(me.status).toBe(200)
    expect((await run.stop()).code).toBe(0)

    const github = await headless(['--data', folder(), '--namespace-from-env'], {
      GITHUB_RUN_ID: '987654',
    })
    expect(github.line!.namespace).toBe('run-987654')
    await github.stop()
    const none = await headless(['--data', folder(), '--namespace-from-env'])
    expect(none.line).toBeNull()
    expect((await none.stop()).stderr).toContain('needs CI_JOB_ID or GITHUB_RUN_ID')
  })
})
