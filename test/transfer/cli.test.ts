/**
 * `keywarden import|backup|restore` as real processes (the compiled CLI) on vault files in a
 * temp folder, with KEYWARDEN_CONFIG_DIR there too.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../vault/helpers'
import { fixturePath, onePuxArchive } from './helpers'

const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))
const PASSWORD = 'import cli password'
const BACKUP_PASSWORD = 'import cli backup password'
const SECRETS = [
  PASSWORD,
  BACKUP_PASSWORD,
  'uspl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA4',
  'A.0123456789abcdef',
]

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

let tmp: ReturnType<typeof tempDir>
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        KW_PASS: PASSWORD,
        KW_BACKUP: BACKUP_PASSWORD,
        KEYWARDEN_CONFIG_DIR: join(tmp.dir, 'config'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      for (const secret of SECRETS) {
        expect(stderr).not.toContain(secret)
        expect(stdout).not.toContain(secret)
      }
      resolve({ code, stdout, stderr })
    })
  })
}

let n = 0
async function freshVault(): Promise<string[]> {
  const auth = ['--vault', join(tmp.dir, `v${++n}.kwdb`), '--password-env', 'KW_PASS']
  expect((await run(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])).code).toBe(0)
  return auth
}

async function listJson(
  auth: string[],
): Promise<{ name: string; id: string; expiresAt: number | null; style: string }[]> {
  const r = await run(['list', ...auth, '--json'])
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout).entries
}

beforeAll(() => {
  tmp = tempDir()
})
afterAll(() => tmp.cleanup())

describe('keywarden import', () => {
  it('--dry-run prints the table and writes nothing; the import writes', async () => {
    const auth = await freshVault()
    const dry = await run(['import', fixturePath('sample.env'), ...auth, '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^WHERE\s+NAME\s+STYLE\s+EXPIRES\s+ACTION\s+NOTE/)
    expect(dry.stdout).toMatch(/line 8\s+EMPTY_TOKEN\s+Other service\s+-\s+skip\s+empty value/)
    expect(dry.stdout).toContain('5 to add, 0 to replace, 4 skipped. Nothing was written.')
    expect(await listJson(auth)).toEqual([])
    const real = await run(['import', fixturePath('sample.env'), ...auth])
    expect(real.code).toBe(0)
    expect(real.stdout).toContain('Imported 5 entries from dotenv; 4 skipped.')
    expect((await listJson(auth)).map((e) => e.style)).toEqual([
      'webpagetest',
      'userplane',
      'blazemeter',
      'similarweb',
      'generic',
    ])
    const again = await run(['import', fixturePath('sample.env'), ...auth])
    expect(again.stdout).toContain('Imported 0 entries')
    expect(again.stdout).toContain('an entry with this name exists')
  })

  it('malformed and over-limit files: exit 1 naming the line or record, the vault unchanged', async () => {
    const auth = await freshVault()
    const bad = await run(['import', fixturePath('malformed.csv'), ...auth])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(
      /^keywarden: line 3: a quoted field is never closed\. Nothing was imported\.$/m,
    )
    const over = await run(['import', fixturePath('userplane-over-limit.csv'), ...auth])
    expect(over.code).toBe(1)
    expect(over.stderr).toContain(
      'line 5 ("UP four"): Userplane allows a maximum of 3 API keys per user',
    )
    expect(await listJson(auth)).toEqual([])
  })

  it('KeePass XML and 1PUX expiries reach the reminders at once', async () => {
    const auth = await freshVault()
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)
    const csv = join(tmp.dir, 'soon.csv')
    writeFileSync(
      csv,
      `name,key,expires\nExpiring soon,generic-secret-expiring-soon-0001,${soon}\n`,
    )
    const pux = join(tmp.dir, 'export.1pux')
    writeFileSync(pux, onePuxArchive())
    for (const file of [fixturePath('keepassxc-export.xml'), pux, csv])
      expect((await run(['import', file, ...auth])).code).toBe(0)
    const entries = await listJson(auth)
    expect(entries.find((e) => e.name === 'WebPageTest CI')?.expiresAt).toBe(
      Date.parse('2027-02-23T12:00:00Z'),
    )
    expect(entries.find((e) => e.name === 'Userplane dashboard')?.expiresAt).toBe(1797776000 * 1000)
    const expiring = entries.find((e) => e.name === 'Expiring soon')
    const reminders = await run(['reminders', '--vault', auth[1], '--json'])
    expect(reminders.code).toBe(0)
    // Locked, the reminders name no entry: the imported key is the generic one expiring then.
    const items: { kind: string; style: string; deadline: string }[] = JSON.parse(
      reminders.stdout,
    ).items
    expect(expiring?.expiresAt).toBe(Date.parse(soon))
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'expires-soon',
        style: 'generic',
        deadline: `${soon}T00:00:00.000Z`,
      }),
    )
  })

  it('--rename and --replace on a second import of the same file', async () => {
    const auth = await freshVault()
    await run(['import', fixturePath('keepassxc-export.csv'), ...auth])
    const renamed = await run(['import', fixturePath('keepassxc-export.csv'), ...auth, '--rename'])
    expect(renamed.stdout).toContain('Imported 2 entries')
    const replaced = await run([
      'import',
      fixturePath('keepassxc-export.csv'),
      ...auth,
      '--replace',
    ])
    expect(replaced.stdout).toContain('replaced the key of 2')
    const both = await run([
      'import',
      fixturePath('keepassxc-export.csv'),
      ...auth,
      '--replace',
      '--rename',
    ])
    expect(both.code).toBe(1)
    expect((await listJson(auth)).length).toBe(4)
  })
})

describe('keywarden backup and restore', () => {
  it('round trip through the CLI; restore refuses an existing file without --force', async () => {
    const auth = await freshVault()
    await run(['import', fixturePath('keepassxc-export.xml'), ...auth])
    const before = await listJson(auth)
    const file = join(tmp.dir, 'cli.backup')
    const backup = await run(['backup', file, ...auth, '--backup-password-env', 'KW_BACKUP'])
    expect(backup.code).toBe(0)
    expect(backup.stdout).toContain('Wrote a backup of 2 entries')
    const target = join(tmp.dir, 'restored-cli.kwdb')
    const restore = [
      'restore',
      file,
      '--vault',
      target,
      '--backup-password-env',
      'KW_BACKUP',
      '--new-password-env',
      'KW_PASS',
    ]
    expect((await run(restore)).code).toBe(0)
    const again = await run(restore)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
    expect((await run([...restore, '--force'])).code).toBe(0)
    expect(await listJson(['--vault', target, '--password-env', 'KW_PASS'])).toEqual(before)
  })
})
