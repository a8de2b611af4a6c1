/**
 * Browser mode as a real process: the one JSON line, the launch code traded for the token, the
 * browser opener that never sees the token (nor a code) on its command line, and `npm run
 * start:browser` building a missing page and leaving no process behind on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { BROWSER_MODE_ENTRY } from '../helpers/node-entry'

let dir: string
/** Every process a test started and its descendants, stopped even when the test fails. */
let started: number[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-browser-cli-'))
  started = []
})
afterEach(() => {
  for (const pid of started.flatMap((p) => [p, ...descendants(p)]).reverse())
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone, as it should be.
    }
  rmSync(dir, { recursive: true, force: true })
})

/** A stand-in page build, so these tests do not build the real one. */
function stubRenderer(): string {
  const renderer = join(dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>stub</title>')
  return renderer
}

interface Started {
  child: ChildProcess
  url: string
  stdout: () => string
  exited: Promise<number | null>
}

async function start(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Started> {
  const child = spawn(command, args, {
    env: { ...process.env, KEYWARDEN_TEST_KDF: 'fast', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(child.pid!)
  let stdout = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (c: string) => (stdout += c))
  child.stderr!.resume()
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await expect.poll(() => stdout.includes('{"event":"listening"'), { timeout: 60_000 }).toBe(true)
  const line = stdout.split('\n').find((l) => l.startsWith('{"event":"listening"'))!
  const { url } = JSON.parse(line) as { url: string }
  return { child, url, stdout: () => stdout, exited }
}

async function exchange(url: string): Promise<{ status: number; token?: string }> {
  const u = new URL(url)
  const res = await fetch(`${u.origin}/api/session/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: u.hash.replace('#code=', '') }),
  })
  const body = (await res.json()) as { value?: { token: string } }
  return { status: res.status, token: body.value?.token }
}

// The compiled entry point `npm run start:browser` runs (built by the test setup).
const NODE_CLI = [BROWSER_MODE_ENTRY]

it('prints exactly one JSON line with a one-time link, serves the API, stops on SIGTERM', async () => {
  const data = join(dir, 'data')
  const s = await start(process.execPath, [
    ...NODE_CLI,
    ...['--port', '0', '--data', data, '--no-open', '--renderer', stubRenderer()],
  ])
  expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]{32}$/)
  const { status, token } = await exchange(s.url)
  expect(status).toBe(200)
  expect(s.stdout()).not.toContain(token!)
  expect((await exchange(s.url)).status).toBe(401)
  const created = await fetch(`${new URL(s.url).origin}/api/call/vault.create`, {
    method: 'POST',
    headers: { 'x-keywarden-token': token!, 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'correct horse battery' }),
  })
  expect(await created.json()).toMatchObject({ ok: true, value: { unlocked: true } })
  s.child.kill('SIGTERM')
  expect(await s.exited).toBe(0)
  expect(s.stdout().trim().split('\n')).toHaveLength(1)
})

it('hands the browser opener a private file, never the token or a code, in its argv', async () => {
  const record = join(dir, 'opener')
  const opener = join(dir, 'fake-browser.sh')
  // Records its argv and the page it was given (the page is removed once spent or stopped).
  writeFileSync(
    opener,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}.argv"\ncat "$1" > "${record}.page"\nls -l "$1" > "${record}.mode"\ntouch "${record}.done"\n`,
  )
  chmodSync(opener, 0o755)
  const s = await start(
    process.execPath,
    [...NODE_CLI, '--port', '0', '--data', join(dir, 'data'), '--renderer', stubRenderer()],
    { KEYWARDEN_BROWSER: opener },
  )
  await expect.poll(() => existsSync(`${record}.done`), { timeout: 20_000 }).toBe(true)
  const printed = await exchange(s.url)
  expect(printed.status).toBe(200)
  const token = printed.token!

  const argv = readFileSync(`${record}.argv`, 'utf8').trim().split('\n')
  expect(argv).toHaveLength(1)
  expect(argv[0]).toMatch(/open-keywarden\.html$/)
  expect(argv.join(' ')).not.toContain(token)
  expect(argv.join(' ')).not.toContain('code=')
  expect(readFileSync(`${record}.mode`, 'utf8')).toMatch(/^-rw-------/)

  // The page forwards to its own one-time code, which works once and gives the same token.
  const page = readFileSync(`${record}.page`, 'utf8')
  expect(page).not.toContain(token)
  const forwarded = /url=(http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)"/.exec(page)![1]!
  expect(forwarded).not.toBe(s.url)
  expect(await exchange(forwarded)).toEqual({ status: 200, token })
  expect((await exchange(forwarded)).status).toBe(401)

  s.child.kill('SIGTERM')
  expect(await s.exited).toBe(0)
  // Stopping removes the file.
  expect(existsSync(argv[0]!)).toBe(false)
})

/** Every process below `root` now (Linux /proc). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // Field 4 (ppid) follows the command name in parentheses, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(name), ppid)
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = []
  const walk = (pid: number): void => {
    for (const [child, parent] of parents)
      if (parent === pid) {
        out.push(child)
        walk(child)
      }
  }
  walk(root)
  return out
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

it.skipIf(process.platform !== 'linux')(
  'npm run start:browser builds a missing page, and SIGTERM to npm leaves no process behind',
  async () => {
    const renderer = join(dir, 'renderer-build')
    const s = await start('npm', [
      'run',
      'start:browser',
      '--',
      ...['--port', '0', '--data', join(dir, 'data'), '--no-open', '--renderer', renderer],
    ])
    const origin = new URL(s.url).origin
    const index = await fetch(`${origin}/`)
    expect(index.status).toBe(200)
    const html = await index.text()
    expect(html).toContain('<div id="root">')
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html)![1]!
    expect((await fetch(`${origin}${script}`)).status).toBe(200)

    const tree = descendants(s.child.pid!)
    started.push(...tree)
    expect(tree.length).toBeGreaterThan(0)
    s.child.kill('SIGTERM')
    await s.exited
    await expect.poll(() => tree.filter(alive), { timeout: 15_000 }).toEqual([])
    expect(await portOpen(Number(new URL(origin).port))).toBe(false)
  },
)
