import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/sqlite'
import { KEYSERVER_MIGRATIONS } from '../../src-main/keyserver/migrations'
import { KEYSERVER_ENTRY } from '../helpers/node-entry'

const root = resolve(import.meta.dirname, '../..')
// The compiled entry point `npm run keyserver` runs (built by the test setup), with plain node.
// The fixture below is TypeScript: `node --import tsx` rather than the tsx CLI, which relays
// SIGTERM to its child through a 30 ms handshake that a loaded 2-core machine can miss (it then
// SIGKILLs and exits 143), and what is under test is our process's own signal handling.
const tsxArgs = ['--import', 'tsx']
const folders: string[] = []
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})

/** Start a headless server; resolve with its first stdout line and a way to stop it. */
function launch(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, KEYWARDEN_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  )
  const listening = new Promise<string>((done, fail) => {
    const timer = setInterval(() => {
      if (stdout.includes('\n')) {
        clearInterval(timer)
        done(stdout.split('\n')[0]!)
      }
    }, 20)
    void exited.then(() => {
      clearInterval(timer)
      fail(new Error(`exited early: ${stderr}`))
    })
  })
  return { child, listening, exited, output: () => ({ stdout, stderr }) }
}

describe('headless key server', () => {
  it('prints exactly one JSON line, serves, and on SIGTERM flushes counters and exits 0', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kw-ks-cli-'))
    folders.push(data)
    const run = launch([KEYSERVER_ENTRY, '--port', '0', '--data', data])
    const line = JSON.parse(await run.listening) as {
      event: string
      url: string
      adminTokenFile: string
    }
    expect(Object.keys(line)).toEqual(['event', 'url', 'adminTokenFile'])
    expect(line.event).toBe('listening')
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(line.adminTokenFile).toBe(join(data, 'admin-token'))
    expect(statSync(line.adminTokenFile).mode & 0o777).toBe(0o600)
    const token = readFileSync(line.adminTokenFile, 'utf8').trim()
    const created = await fetch(`${line.url}/admin/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ style: 'userplane', name: 'ci' }),
    })
    expect(created.status).toBe(201)
    const { credential, id } = (await created.json()) as { credential: string; id: string }
    const me = await fetch(`${line.url}/userplane/api/v1/public/me`, {
      headers: { authorization: `Bearer ${credential}` },
    })
    expect(me.status).toBe(200)
    run.child.kill('SIGTERM')
    expect(await run.exited).toEqual({ code: 0, signal: null })
    const { stdout, stderr } = run.output()
    expect(stdout.trimEnd().split('\n')).toHaveLength(1)
    expect(stdout + stderr).not.toContain(credential)
    expect(stdout + stderr).not.toContain(token)
    // The usage counter reached the disk at shutdown, not one second later.
    const db = openDatabase(join(data, 'keyserver.sqlite'), { migrations: KEYSERVER_MIGRATIONS })
    expect(
      db
        .prepare('SELECT value FROM counters WHERE scope = ? AND name = ?')
        .get(`key:${id}`, 'requests'),
    ).toEqual({ value: 1 })
    db.close()
  })

  // The full `keywarden` binary also loads the other command groups; test it once they exist.
  const fullCli = ['vault-commands.ts', 'reminders-command.ts'].every((f) =>
    existsSync(join(root, 'src-main/cli', f)),
  )
  it.each([
    ['the keyserver subcommand', [...tsxArgs, 'test/keyserver/fixtures/subcommand.ts']],
    ...(fullCli ? [['keywarden keyserver', ['src-main/cli/bin.mjs']]] : []),
  ])('%s takes the admin token from KEYWARDEN_ADMIN_TOKEN', async (_name, entry) => {
    const data = mkdtempSync(join(tmpdir(), 'kw-ks-cli-'))
    folders.push(data)
    const run = launch([...(entry as string[]), 'keyserver', '--port', '0', '--data', data], {
      KEYWARDEN_ADMIN_TOKEN: 'from-the-environment',
    })
    const line = JSON.parse(await run.listening) as { url: string; adminTokenFile: string | null }
    expect(line.adminTokenFile).toBeNull()
    const res = await fetch(`${line.url}/admin/v1/keys`, {
      headers: { authorization: 'Bearer from-the-environment' },
    })
    expect(res.status).toBe(200)
    run.child.kill('SIGTERM')
    expect((await run.exited).code).toBe(0)
  })

  it('refuses a port in use with a clear message', async () => {
    const { createServer } = await import('node:net')
    const blocker = createServer()
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done))
    const port = (blocker.address() as { port: number }).port
    const data = mkdtempSync(join(tmpdir(), 'kw-ks-cli-'))
    folders.push(data)
    try {
      const run = launch([KEYSERVER_ENTRY, '--port', String(port), '--data', data])
      await run.listening.catch(() => undefined)
      expect((await run.exited).code).toBe(1)
      expect(run.output().stderr).toContain(`Port ${port} is already in use`)
      expect(run.output().stdout).toBe('')
    } finally {
      blocker.close()
    }
  })

  it('refuses a bad port with a clear message and exit code 1', async () => {
    const run = launch([KEYSERVER_ENTRY, '--port', 'http', '--data', tmpdir()])
    await run.listening.catch(() => undefined)
    expect((await run.exited).code).toBe(1)
    expect(run.output().stderr).toContain('--port must be a whole number from 0 to 65535.')
    expect(run.output().stdout).toBe('')
  })
})
