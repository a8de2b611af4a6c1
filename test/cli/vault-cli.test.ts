/**
 * The vault CLI end to end: each call is a real `node src-main/cli/bin.mjs ...` child process
 * against a vault file in a temp folder, with small Argon2 parameters.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../vault/helpers'

const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))
const PASSWORD = 'cli test password'
const UP_KEY = 'uspl_CliSecretKey0123456789abcdefghijklmnop'
const BM_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa'
const BM_SECRET = 'b'.repeat(72)
const SECRETS = [
  PASSWORD,
  UP_KEY,
  BM_SECRET,
  'sk_live_NOT_A_USERPLANE_KEY_42',
  'wrong-password-typed',
]

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, KW_PASS: PASSWORD, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      // Whatever happened, no secret may ever reach stderr.
      for (const secret of SECRETS) expect(stderr).not.toContain(secret)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}

let tmp: ReturnType<typeof tempDir>
let vault: string
let auth: string[]
beforeAll(async () => {
  tmp = tempDir()
  vault = join(tmp.dir, 'cli.kwdb')
  auth = ['--vault', vault, '--password-env', 'KW_PASS']
  const init = await run(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])
  expect(init).toMatchObject({ code: 0, stderr: '' })
  expect(init.stdout).toContain('Created a vault')
})
afterAll(() => tmp.cleanup())

describe('keywarden vault commands', () => {
  it('adds, lists, gets, updates, rotates and removes entries', async () => {
    const add = await run([
      'add',
      ...auth,
      '--style',
      'userplane',
      '--name',
      'ci',
      '--key',
      UP_KEY,
      '--expires-in',
      '30d',
      '--tag',
      'ci',
      '--tag',
      'deploy',
      '--account',
      'ana',
      '--json',
    ])
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    const added = JSON.parse(add.stdout) as { id: string; keyMask: string; tags: string[] }
    expect(added.tags).toEqual(['ci', 'deploy'])
    expect(add.stdout).not.toContain(UP_KEY)

    const bm = await run(
      [
        'add',
        ...auth,
        '--style',
        'blazemeter',
        '--name',
        'load',
        '--key-env',
        'BM_ID',
        '--secret-env',
        'BM_SECRET',
      ],
      {
        env: { BM_ID, BM_SECRET },
      },
    )
    expect(bm).toMatchObject({ code: 0, stderr: '' })

    const list = await run(['list', ...auth, '--json'])
    const parsed = JSON.parse(list.stdout) as { entries: { name: string }[]; damaged: unknown[] }
    expect(parsed.entries.map((e) => e.name)).toEqual(['ci', 'load'])
    expect(parsed.damaged).toEqual([])
    expect(list.stdout).not.toContain(UP_KEY)
    expect(list.stdout).not.toContain(BM_SECRET)

    const table = await run(['list', ...auth, '--search', 'DEPLOY'])
    expect(table.stdout).toMatch(
      /^ID\s+PROVIDER\s+NAME\s+STATUS\s+EXPIRES\n\S+\s+Userplane\s+ci\s+active\s+\d{4}-\d\d-\d\d\n$/,
    )

    expect((await run(['get', 'ci', ...auth, '--field', 'secret'])).stdout).toBe(UP_KEY + '\n')
    expect((await run(['get', 'load', ...auth, '--field', 'secret'])).stdout).toBe(BM_SECRET + '\n')
    expect((await run(['get', 'load', ...auth, '--field', 'key'])).stdout).toBe(BM_ID + '\n')

    const upd = await run([
      'update',
      'ci',
      ...auth,
      '--notes',
      'used by the deploy job',
      '--expires-in',
      '60d',
      '--json',
    ])
    expect(upd.code).toBe(0)
    expect(JSON.parse(upd.stdout)).toMatchObject({ notes: 'used by the deploy job' })

    const rot = await run(['rotate', added.id, ...auth, '--key', UP_KEY + 'NEW'])
    expect(rot).toMatchObject({ code: 0, stderr: '' })
    expect(rot.stdout).toContain('1 previous key(s) kept')
    const get = await run(['get', added.id, ...auth, '--json'])
    const detail = JSON.parse(get.stdout) as {
      historyCount: number
      history: { keyMask: string }[]
    }
    expect(detail.historyCount).toBe(1)
    expect(detail.history[0].keyMask).toBe('uspl_CliS…mnop')

    expect((await run(['remove', 'load', ...auth])).code).toBe(0)
    expect(JSON.parse((await run(['list', ...auth, '--json'])).stdout).entries).toHaveLength(1)
  })

  it('reports errors on stderr with a non-zero exit and never echoes a secret', async () => {
    const rule = await run([
      'add',
      ...auth,
      '--style',
      'userplane',
      '--name',
      'x',
      '--key',
      'sk_live_NOT_A_USERPLANE_KEY_42',
    ])
    expect(rule.code).toBe(1)
    expect(rule.stderr).toBe('keywarden: A Userplane API key starts with "uspl_".\n')

    const wrong = await run(['list', '--vault', vault, '--password-stdin'], {
      input: 'wrong-password-typed\n',
    })
    expect(wrong).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'keywarden: The password is wrong.\n',
    })

    const garbage = join(tmp.dir, 'garbage.kwdb')
    writeFileSync(garbage, 'not a database at all '.repeat(100))
    const notVault = await run(['list', '--vault', garbage, '--password-env', 'KW_PASS'])
    expect(notVault.code).toBe(1)
    expect(notVault.stderr).toMatch(/not a Keywarden vault file/)

    const noPassword = await run(['list', '--vault', vault])
    expect(noPassword.code).toBe(1)
    expect(noPassword.stderr).toMatch(/--password-stdin or --password-env/)

    const missing = await run(['get', 'no-such-entry', ...auth])
    expect(missing.stderr).toBe(
      'keywarden: No entry has that id or name (keywarden list shows them).\n',
    )

    const badExpiry = await run([
      'add',
      ...auth,
      '--style',
      'generic',
      '--name',
      'g',
      '--key',
      UP_KEY,
      '--expires-in',
      'soon',
    ])
    expect(badExpiry.stderr).toMatch(/duration looks like 30d/)
  })

  it('takes BlazeMeter id:secret in --key, warns about an odd-shaped key, refuses "hello"', async () => {
    const combined = await run(
      [
        'add',
        ...auth,
        '--style',
        'blazemeter',
        '--name',
        'combined',
        '--key-env',
        'BM_COMBINED',
        '--expires-in',
        '30d',
      ],
      { env: { BM_COMBINED: `${BM_ID}:${BM_SECRET}` } },
    )
    expect(combined).toMatchObject({ code: 0, stderr: '' })
    expect((await run(['get', 'combined', ...auth, '--field', 'secret'])).stdout).toBe(
      BM_SECRET + '\n',
    )

    const odd = await run(
      ['add', ...auth, '--style', 'webpagetest', '--name', 'odd', '--key-env', 'ODD'],
      { env: { ODD: 'wpt-key-from-an-old-wiki-page' } },
    )
    expect(odd.code).toBe(0)
    expect(odd.stderr).toBe(
      'warning: this does not look like a WebPageTest key (A. followed by 32 hex characters)\n',
    )

    const hello = await run([
      'add',
      ...auth,
      '--style',
      'similarweb',
      '--name',
      'hello',
      '--key',
      'hello',
    ])
    expect(hello).toMatchObject({
      code: 1,
      stderr: 'keywarden: A key is at least 16 characters with no spaces or control characters.\n',
    })
  })

  it('changes the master password from stdin lines or an environment variable', async () => {
    const p2 = join(tmp.dir, 'passwd.kwdb')
    const a = ['--vault', p2]
    expect(
      (
        await run(['init', ...a, '--password-stdin', '--kdf-ops', '1', '--kdf-mem-mib', '1'], {
          input: `${PASSWORD}\n`,
        })
      ).code,
    ).toBe(0)
    const byStdin = await run(['passwd', ...a, '--password-stdin'], {
      input: `${PASSWORD}\nsecond password\n`,
    })
    expect(byStdin).toMatchObject({ code: 0, stderr: '' })
    const byEnv = await run(['passwd', ...a, '--password-stdin', '--new-password-env', 'NEXT'], {
      input: 'second password\n',
      env: { NEXT: 'third password' },
    })
    expect(byEnv).toMatchObject({ code: 0, stderr: '' })
    expect((await run(['list', ...a, '--password-env', 'KW_PASS'])).stderr).toMatch(
      /password is wrong/,
    )
    expect(
      (await run(['list', ...a, '--password-env', 'T'], { env: { T: 'third password' } })).stdout,
    ).toBe('No entries.\n')
  })
})
