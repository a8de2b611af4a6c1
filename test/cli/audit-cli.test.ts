/**
 * `keywarden audit` end to end: real `node src-main/cli/bin.mjs` child processes against a vault
 * file in a temp folder. The CLI's own events (add, get --field, a wrong password) appear in the
 * list; --entry and --since filter it; --verify exits 0 on an intact chain and 1 naming the
 * record where it breaks.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawDb, tempDir } from '../vault/helpers'

const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))
const PASSWORD = 'audit cli test password'
const KEY = 'gk_audit_cli_0123456789abcdef0123'
const NAME = 'audit-cli-entry'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

let tmp: ReturnType<typeof tempDir>
let vault: string
let auth: string[]

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        ...process.env,
        KW_PASS: PASSWORD,
        KW_KEY: KEY,
        KEYWARDEN_CONFIG_DIR: join(tmp.dir, 'config'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

let entryId: string
beforeAll(async () => {
  tmp = tempDir()
  vault = join(tmp.dir, 'audit.kwdb')
  auth = ['--vault', vault, '--password-env', 'KW_PASS']
  expect(await run(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])).toMatchObject({
    code: 0,
  })
  const add = await run([
    'add',
    ...auth,
    '--style',
    'generic',
    '--name',
    NAME,
    '--key-env',
    'KW_KEY',
  ])
  expect(add.code).toBe(0)
  entryId = /Added (\S+)/.exec(add.stdout)?.[1] ?? ''
  const get = await run(['get', ...auth, NAME, '--field', 'key'])
  expect(get.stdout.trim()).toBe(KEY)
  const wrong = await run(['list', '--vault', vault, '--password-env', 'KW_WRONG'], {
    KW_WRONG: 'not the password at all',
  })
  expect(wrong.code).toBe(1)
}, 60_000)
afterAll(() => tmp.cleanup())

describe('keywarden audit', () => {
  it('lists who did what to which entry, as JSON and as a table, without the key', async () => {
    const json = await run(['audit', ...auth, '--json'])
    expect(json).toMatchObject({ code: 0, stderr: '' })
    const records = JSON.parse(json.stdout) as {
      seq: number
      action: string
      actor: string
      entryId: string | null
      entryName: string | null
      detail: Record<string, unknown>
    }[]
    const actions = records.map((r) => r.action)
    // init; add (unlock, add); get --field (unlock, reveal); a wrong password; this listing.
    expect(actions).toEqual(['create', 'unlock', 'add', 'unlock', 'get', 'unlock-failed', 'unlock'])
    expect(records.every((r) => r.actor === 'cli')).toBe(true)
    expect(records[4]).toMatchObject({ entryId, entryName: NAME, detail: { field: 'key' } })
    expect(records[5].detail).toEqual({ recordedLocked: true })

    const table = await run(['audit', ...auth])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/#\s+TIME\s+WHO\s+ACTION\s+ENTRY\s+DETAIL/)
    expect(table.stdout).toContain(`${entryId} (${NAME})`)
    expect(table.stdout).toContain('(recorded while locked)')
    for (const out of [json.stdout, table.stdout]) expect(out).not.toContain(KEY)
  })

  it('filters by entry (id or name) and by date', async () => {
    const byName = await run(['audit', ...auth, '--json', '--entry', NAME])
    const byId = await run(['audit', ...auth, '--json', '--entry', entryId])
    expect(byName.code).toBe(0)
    const actions = (JSON.parse(byName.stdout) as { action: string }[]).map((r) => r.action)
    expect(actions[0]).toBe('add')
    expect(actions).toHaveLength(2)
    expect(JSON.parse(byId.stdout)).toEqual(JSON.parse(byName.stdout))
    const future = await run(['audit', ...auth, '--json', '--since', '2999-01-01'])
    expect(JSON.parse(future.stdout)).toEqual([])
    const past = await run(['audit', ...auth, '--json', '--since', '2000-01-01T00:00:00Z'])
    expect((JSON.parse(past.stdout) as unknown[]).length).toBeGreaterThan(5)
  })

  it('refuses a bad date or an unknown entry, without echoing what was given', async () => {
    const date = await run(['audit', ...auth, '--since', 'yesterday'])
    expect(date.code).toBe(1)
    expect(date.stderr).toMatch(/--since takes a date/)
    const entry = await run(['audit', ...auth, '--entry', 'sk_live_pasted_by_mistake_1234'])
    expect(entry.code).toBe(1)
    expect(entry.stderr).toMatch(/No entry has that id or name/)
    expect(entry.stderr).not.toContain('sk_live_pasted')
  })

  it('--verify exits 0 when intact, and 1 naming the first broken record after tampering', async () => {
    const ok = await run(['audit', ...auth, '--verify'])
    expect(ok).toMatchObject({ code: 0, stderr: '' })
    expect(ok.stdout).toMatch(/intact: \d+ records/)

    const db = rawDb(vault)
    db.prepare(`UPDATE audit_log SET action = 'copy' WHERE seq = 3`).run()
    db.close()
    const bad = await run(['audit', ...auth, '--verify'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/audit log is broken at record 3: it does not match its MAC/)
    const json = await run(['audit', ...auth, '--verify', '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, seq: 3 })
    // Listing still works, and warns.
    const listed = await run(['audit', ...auth])
    expect(listed.code).toBe(0)
    expect(listed.stderr).toMatch(/warning: the audit log is broken at record 3/)
  })

  it('a wrong password lists nothing', async () => {
    const r = await run(['audit', '--vault', vault, '--password-env', 'KW_WRONG', '--json'], {
      KW_WRONG: 'still not the password',
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
  })
})
