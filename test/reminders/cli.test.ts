// `keywarden reminders` end to end through a real child process.
import { execFile, spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startKeyServer, type KeyServerHandle } from '../../src-main/keyserver'
import { DAY, PASSWORD, newVault, tempFolder, wptKey } from './helpers'

const BIN = join(import.meta.dirname, '../../src-main/cli/bin.mjs')

let folder: ReturnType<typeof tempFolder>
let vaultPath: string
let server: KeyServerHandle
let liveId: string

function cli(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'reminders', '--vault', vaultPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  folder = tempFolder()
  server = await startKeyServer({
    dataDir: join(folder.dir, 'ks'),
    port: 0,
    adminToken: 'cli-admin-token-0123456789',
  })
  const now = Date.now()
  const vault = await newVault(folder.dir, () => now)
  vaultPath = vault.path
  vault.add({
    style: 'webpagetest',
    name: 'deploy-bot',
    credential: { key: wptKey(1) },
    expiresAt: now + 5 * DAY,
    lastRotatedAt: now - 30 * DAY,
  })
  vault.add({
    style: 'webpagetest',
    name: 'nightly',
    credential: { key: wptKey(2) },
    expiresAt: now + 3 * DAY,
    lastRotatedAt: now - 30 * DAY,
  })
  vault.add({
    style: 'similarweb',
    name: 'market, research',
    credential: { key: 'f'.repeat(32) },
    lastRotatedAt: now - 100 * DAY,
  })
  const res = await fetch(`${server.url}/admin/v1/keys`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer cli-admin-token-0123456789',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ style: 'webpagetest', name: 'live' }),
  })
  const issued = (await res.json()) as { credential: string }
  liveId = vault.add({
    style: 'webpagetest',
    name: 'live-check',
    credential: { key: issued.credential },
    baseUrl: `${server.url}/webpagetest`,
  }).id
  vault.close()
})

afterAll(async () => {
  await server?.close()
  folder?.cleanup()
})

const ENV = { KW_TEST_PASSWORD: PASSWORD }

describe('keywarden reminders', () => {
  it('works while locked and names no key', () => {
    const r = cli([])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(
      '2 keys expire within 7 days, 1 key is due for rotation — unlock to see which',
    )
    // Whole days left, never rounded up: 3 days less the moments since the set-up is "2 days".
    expect(r.stdout).toContain('- A WebPageTest key expires in 2 days')
    expect(r.stdout).toContain('- A Similarweb key is due for rotation')
    for (const name of ['deploy-bot', 'nightly', 'market']) expect(r.stdout).not.toContain(name)
    const json = JSON.parse(cli(['--json']).stdout) as {
      locked: boolean
      count: number
      items: object[]
    }
    expect(json).toMatchObject({ locked: true, count: 3 })
    for (const item of json.items) expect(item).not.toHaveProperty('entryId')
  })

  it('names the keys with the password from the environment or stdin', () => {
    const r = cli(['--password-env', 'KW_TEST_PASSWORD'], { env: ENV })
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('3 keys need attention')
    expect(r.stdout).toContain('“nightly” (WebPageTest) expires in 2 days')
    expect(r.stdout).toContain('“market, research” (Similarweb) is due for rotation')
    const json = JSON.parse(
      cli(['--json', '--password-stdin'], { input: `${PASSWORD}\n` }).stdout,
    ) as {
      locked: boolean
      items: { name: string; reminderKey: string }[]
    }
    expect(json.locked).toBe(false)
    expect(json.items.map((i) => i.name).sort()).toEqual([
      'deploy-bot',
      'market, research',
      'nightly',
    ])
    expect(json.items.map((i) => i.reminderKey.split(':').slice(1).join(':')).sort()).toEqual([
      'expires-soon:7',
      'expires-soon:7',
      'rotation-due:0',
    ])
  })

  it('fails cleanly on a wrong password or a missing vault, never echoing the password', () => {
    const wrong = cli(['--password-env', 'KW_BAD'], { env: { KW_BAD: 'hunter2-not-it' } })
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/password is wrong/)
    expect(wrong.stderr + wrong.stdout).not.toContain('hunter2-not-it')
    const missing = spawnSync(
      process.execPath,
      [BIN, 'reminders', '--vault', join(folder.dir, 'none.kwdb')],
      {
        encoding: 'utf8',
      },
    )
    expect(missing.status).not.toBe(0)
    expect(missing.stderr).toMatch(/^keywarden: /)
    expect(cli(['--with-names']).stderr).toMatch(/--ics only/)
    expect(cli(['--unlock']).stderr).toMatch(/No terminal/) // no prompt hangs a script
    const both = cli(['--password-env', 'KW_TEST_PASSWORD', '--password-stdin'], { env: ENV })
    expect(both.stderr).toMatch(/one way/)
  })

  it('writes an .ics file (mode 0600) without names unless asked', () => {
    const file = join(folder.dir, 'keys.ics')
    const r = cli(['--ics', file])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Wrote \d+ events to /)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    const events = new ICAL.Component(ICAL.parse(text))
      .getAllSubcomponents('vevent')
      .map((c) => new ICAL.Event(c))
    expect(events.map((e) => e.summary)).toContain('Keywarden: a WebPageTest key expires')
    expect(text).not.toMatch(/nightly|deploy-bot|market/)
    expect(cli(['--ics', file, '--with-names']).stderr).toMatch(/needs the vault password/)
    const named = cli(['--ics', file, '--with-names', '--password-env', 'KW_TEST_PASSWORD'], {
      env: ENV,
    })
    expect(named.code).toBe(0)
    const withNames = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')))
      .getAllSubcomponents('vevent')
      .map((c) => new ICAL.Event(c).summary)
    expect(withNames).toContain('Keywarden: “market, research” (Similarweb) is due for rotation')
  })

  it('checks a key now against its provider', async () => {
    // Asynchronous: the key server answering the child runs in this process's event loop.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          BIN,
          'reminders',
          '--vault',
          vaultPath,
          '--check',
          liveId,
          '--json',
          '--password-env',
          'KW_TEST_PASSWORD',
        ],
        { env: { ...process.env, ...ENV }, encoding: 'utf8' },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    )
    expect(JSON.parse(stdout)).toMatchObject({
      entryId: liveId,
      status: 'valid',
      httpStatus: 200,
    })
    const locked = JSON.parse(cli(['--json']).stdout) as { items: object[] }
    expect(locked.items).toHaveLength(3) // a valid check raises nothing
    expect(cli(['--check', liveId]).stderr).toMatch(/--check needs the vault password/)
  })

  it('reminds at once of a key added 3 days before its expiry: list, JSON and calendar', () => {
    // The whole path a new user takes, each step a real CLI process on its own vault file.
    const own = join(folder.dir, 'near.kwdb')
    const env = { ...ENV, NEAR_KEY: 'near-key-0123456789abcdef' }
    const kw = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
      const r = spawnSync(process.execPath, [BIN, ...args, '--vault', own], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: 60_000,
      })
      return { code: r.status, stdout: r.stdout, stderr: r.stderr }
    }
    const pw = ['--password-env', 'KW_TEST_PASSWORD']
    expect(kw(['init', ...pw, '--kdf-ops', '1', '--kdf-mem-mib', '8']).code).toBe(0)
    const add = ['--style', 'generic', '--name', 'near', '--key-env', 'NEAR_KEY']
    expect(kw(['add', ...pw, ...add, '--expires-in', '3d']).code).toBe(0)
    const locked = kw(['reminders'])
    expect(locked.code).toBe(0)
    expect(locked.stdout.split('\n')[0]).toBe('1 key expires within 7 days — unlock to see which')
    const named = kw(['reminders', ...pw])
    expect(named.stdout).toMatch(/^1 key needs attention\n- “near” expires in 2 days/)
    const json = JSON.parse(kw(['reminders', '--json']).stdout) as {
      count: number
      items: { kind: string; threshold: number }[]
    }
    expect(json).toMatchObject({ count: 1, items: [{ kind: 'expires-soon', threshold: 7 }] })
    const file = join(folder.dir, 'near.ics')
    expect(kw(['reminders', '--ics', file]).code).toBe(0)
    const triggers = readFileSync(file, 'utf8').match(/TRIGGER:[^\r]*/g)
    expect(triggers).toEqual(['TRIGGER:-P7D', 'TRIGGER:-P1D'])
  })
})
