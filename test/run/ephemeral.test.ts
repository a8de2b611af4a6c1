/**
 * Ephemeral keys (`keywarden run --issue`): issued by a real key server on loopback, valid while
 * the child runs (the child calls the server with it), refused afterwards however the child
 * ended, and never written anywhere but the child's environment.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer, type KeyServerHandle } from '../../src-main/keyserver'
import { CONCEALED } from '../../src-main/run/mask'
import { cli, finished, fixture, startCli, type Fixture, POSIX } from './helpers'

const TOKEN = 'run-test-admin-token-0123456789abcdef'
let f: Fixture
let server: KeyServerHandle

beforeAll(async () => {
  f = fixture()
  server = await startKeyServer({ dataDir: join(f.dir, 'ks'), port: 0, adminToken: TOKEN })
})
afterAll(async () => {
  await server.close()
  f.cleanup()
})

/** WebPageTest's answer to testBalance for a key: the remaining balance, or its error. */
async function balance(key: string): Promise<unknown> {
  const r = await fetch(`${server.url.replace(/\/$/, '')}/webpagetest/testBalance.php`, {
    headers: { 'x-wpt-api-key': key },
  })
  return ((await r.json()) as { data: unknown }).data
}

async function serverKeys(): Promise<{ name: string; status: string }[]> {
  const r = await fetch(`${server.url.replace(/\/$/, '')}/admin/v1/keys`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  })
  return ((await r.json()) as { keys: { name: string; status: string }[] }).keys
}

/**
 * A child that checks its key against the key server, writes the key to a file for the test
 * (files are not masked), prints the answer and the key (masked), then ends as `end` says.
 */
function child(keyFile: string, end: string): string[] {
  const script = `
    const key = process.env.WPT
    const url = process.env.KEYWARDEN_KEYSERVER_URL + '/webpagetest/testBalance.php'
    fetch(url, { headers: { 'x-wpt-api-key': key } }).then(r => r.json()).then(body => {
      require('fs').writeFileSync(${JSON.stringify(keyFile)}, key)
      console.log(JSON.stringify(body.data))
      console.log(key)
      ${end}
    })`
  return [process.execPath, '-e', script]
}

describe.runIf(POSIX)('keywarden run --issue', () => {
  const env = (): Record<string, string> => ({ ...f.env, KEYWARDEN_ADMIN_TOKEN: TOKEN })
  const issue = (): string[] => ['--issue', 'WPT=webpagetest:1h', '--keyserver', server.url]

  for (const [how, end, code] of [
    ['exits 0', 'process.exit(0)', 0],
    ['fails', 'process.exit(3)', 3],
    ['is SIGKILLed', "process.kill(process.pid, 'SIGKILL')", 137],
  ] as const) {
    it(`gives a key that works during the run and is refused after it, when the child ${how}`, async () => {
      const keyFile = join(f.dir, `key-${code}`)
      const r = await cli(['run', ...issue(), '--', ...child(keyFile, end)], env())
      expect(r.stderr).toBe('')
      expect(r.code).toBe(code)
      const key = readFileSync(keyFile, 'utf8')
      expect(key).toMatch(/^A\.[0-9a-f]{32}$/)
      const [during, printed] = r.stdout.split('\n')
      expect(JSON.parse(during)).toHaveProperty('remaining')
      expect(printed).toBe(CONCEALED)
      expect(await balance(key)).toEqual({ error: 'Error validating API Key Account' })
    })
  }

  it('revokes the key when run itself gets SIGTERM', async () => {
    const keyFile = join(f.dir, 'key-term')
    const proc = startCli(
      [
        'run',
        ...issue(),
        '--',
        ...child(
          keyFile,
          "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)",
        ),
      ],
      env(),
    )
    const done = finished(proc)
    await new Promise<void>((resolve) =>
      proc.stdout?.on('data', (c: Buffer) => c.toString().includes(CONCEALED) && resolve()),
    )
    const key = readFileSync(keyFile, 'utf8')
    expect(await balance(key)).toHaveProperty('remaining')
    proc.kill('SIGTERM')
    const r = await done
    expect(r.code).toBe(0)
    expect(await balance(key)).toEqual({ error: 'Error validating API Key Account' })
  })

  it('leaves no issued key active on the server', async () => {
    const mine = (await serverKeys()).filter((k) => k.name.startsWith('keywarden run WPT'))
    expect(mine.length).toBeGreaterThanOrEqual(4)
    expect(mine.every((k) => k.status === 'revoked')).toBe(true)
  })

  it('starts a key server of its own when none is given', async () => {
    const script = `
      fetch(process.env.KEYWARDEN_KEYSERVER_URL + '/userplane/api/v1/public/me', {
        headers: { authorization: 'Bearer ' + process.env.UP },
      }).then(r => { console.log(r.status, process.env.UP.slice(0, 5)); process.exit(r.ok ? 0 : 9) })`
    const r = await cli(
      ['run', '--issue', 'UP=userplane', '--', process.execPath, '-e', script],
      f.env,
    )
    expect(r.stderr).toBe('')
    expect(r).toMatchObject({ code: 0, stdout: '200 uspl_\n' })
  })

  it('refuses bad --issue specs and a --keyserver without a token, starting nothing', async () => {
    const marker = ['sh', '-c', `touch ${join(f.dir, 'started')}`]
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--issue', 'WPT=nosuchstyle'], f.env, /the style is one of/],
      [['--issue', 'lowercase-bad'], f.env, /--issue takes VAR=STYLE\[:TTL\]/],
      [['--issue', 'UP=userplane:1h'], f.env, /Userplane keys live 7, 30, 60, 90 days/],
      [['--issue', 'SW=similarweb:1h'], f.env, /never expire/],
      [issue(), f.env, /needs the admin token in KEYWARDEN_ADMIN_TOKEN/],
      [
        ['--issue', 'WPT=webpagetest', '--keyserver', server.url],
        { ...f.env, KEYWARDEN_ADMIN_TOKEN: 'wrong-token' },
        /The key server refused: A valid admin token is required/,
      ],
    ]
    for (const [args, e, message] of cases) {
      const r = await cli(['run', ...args, '--', ...marker], e)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
    }
    expect(() => readFileSync(join(f.dir, 'started'))).toThrow()
  })
})
