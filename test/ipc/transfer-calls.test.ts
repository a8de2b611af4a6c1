/**
 * The UI's import, export, backup and audit calls through the real router and services: a real
 * vault file in a temp folder, the fixture files of the import tests, a real restore of the
 * backup the call returns.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  AuditListResult,
  ExportFileResult,
  ImportPreview,
  ImportSummary,
} from '../../src-main/ipc/contract'
import { createRouter, type Router } from '../../src-main/ipc/router'
import { Vault } from '../../src-main/vault'
import { restoreBackup } from '../../src-main/vault/backup'
import { fixture, onePuxArchive } from '../transfer/helpers'
import { makeServices, routerCalls, type Fixture } from './helpers'

const PASSWORD = 'correct horse battery'
const SAMPLE = fixture('sample.env').toString('utf8')

let f: Fixture
let router: Router
const { ok, fails } = routerCalls(() => router)

beforeEach(async () => {
  f = makeServices()
  router = createRouter(f.services)
  await ok('vault.create', { password: PASSWORD })
})
afterEach(async () => {
  await f.cleanup()
})

const file = { content: SAMPLE, fileName: 'sample.env' }

describe('transfer.preview and transfer.import', () => {
  it('shows the dry-run table without writing, then imports with a style changed on one row', async () => {
    const preview = await ok<ImportPreview>('transfer.preview', file)
    expect(preview.format).toBe('dotenv')
    const byName = new Map(preview.rows.map((r) => [r.name, r]))
    expect(byName.get('WEBPAGETEST_API_KEY')).toMatchObject({ style: 'webpagetest', action: 'add' })
    expect(byName.get('EMPTY_TOKEN')).toMatchObject({ action: 'skip', note: 'empty value' })
    expect(preview.skipped).toBeGreaterThan(0)
    // Never a key in the table.
    expect(JSON.stringify(preview)).not.toContain('sk_test_51HxExampleKeyValue000111')
    expect(await ok<unknown[]>('entries.list')).toEqual([])

    const stripe = preview.rows.find((r) => r.name === 'STRIPE_SECRET_KEY' && r.action === 'add')!
    expect(stripe.style).toBe('generic')
    const overrides = [{ where: stripe.where, style: 'userplane' }]
    // The chosen style is checked against the provider's rules: a Stripe key is no Userplane key.
    const refused = await fails('transfer.preview', { ...file, overrides })
    expect(refused.code).toBe('IMPORT_REFUSED')
    expect(refused.message).toContain(stripe.where)
    expect(refused.message).not.toContain('sk_test_51Hx')

    const similarweb = preview.rows.find((r) => r.name === 'SIMILARWEB_KEY')!
    const chosen = [{ where: similarweb.where, style: 'generic' }]
    const again = await ok<ImportPreview>('transfer.preview', { ...file, overrides: chosen })
    expect(again.rows.find((r) => r.where === similarweb.where)?.style).toBe('generic')

    const summary = await ok<ImportSummary>('transfer.import', { ...file, overrides: chosen })
    expect(summary.imported).toBe(preview.adds)
    const listed = await ok<{ name: string; style: string }[]>('entries.list')
    expect(listed).toHaveLength(preview.adds)
    expect(listed.find((e) => e.name === 'SIMILARWEB_KEY')?.style).toBe('generic')

    // The same file again: every name is taken, so skipped unless rename or replace.
    const second = await ok<ImportPreview>('transfer.preview', file)
    expect(second.adds).toBe(0)
    const renamed = await ok<ImportPreview>('transfer.preview', { ...file, mode: 'rename' })
    // The name repeated inside the file is added under a free name too.
    expect(renamed.adds).toBe(preview.adds + 1)
  })

  it('reads a .1pux sent as base64', async () => {
    const content = Buffer.from(onePuxArchive()).toString('base64')
    const preview = await ok<ImportPreview>('transfer.preview', {
      content,
      encoding: 'base64',
      fileName: 'export.1pux',
      // The fixture's Userplane expiry is over that provider's cap at the test clock's date.
      style: 'generic',
    })
    expect(preview.format).toBe('1pux')
    expect(preview.rows.some((r) => r.expiresAt !== null)).toBe(true)
  })

  it('a malformed file is IMPORT_MALFORMED naming the line, and nothing is written', async () => {
    const error = await fails('transfer.import', {
      content: fixture('malformed.env').toString('utf8'),
      fileName: 'bad.env',
    })
    expect(error.code).toBe('IMPORT_MALFORMED')
    expect(error.message).toMatch(/line \d+/)
    expect(await ok<unknown[]>('entries.list')).toEqual([])
  })

  it('refuses a file over 10 MB with a clear error, as text or as base64', async () => {
    const big = 'A'.repeat(10 * 1024 * 1024 + 1)
    const asText = await fails('transfer.preview', { content: big, fileName: 'big.env' })
    expect(asText.code).toBe('TOO_LARGE')
    expect(asText.message).toContain('10 MB')
    const asBase64 = await fails('transfer.import', {
      content: Buffer.alloc(10 * 1024 * 1024 + 300).toString('base64'),
      encoding: 'base64',
      fileName: 'big.1pux',
    })
    expect(asBase64.code).toBe('INVALID_INPUT')
    expect(asBase64.message).toContain('10 MB')
  })

  it('an override for a row the file does not have is refused', async () => {
    const error = await fails('transfer.preview', {
      ...file,
      overrides: [{ where: 'line 999', style: 'generic' }],
    })
    expect(error.code).toBe('INVALID_INPUT')
  })
})

describe('export.file, export.reference, backup.file, audit', () => {
  it('exports references (safe) and keys (said to hold secrets, audited), and the log shows it all', async () => {
    await ok('transfer.import', file)
    const entries = await ok<{ id: string; name: string }[]>('entries.list')
    const wpt = entries.find((e) => e.name === 'WEBPAGETEST_API_KEY')!

    const refs = await ok<ExportFileResult>('export.file', { format: 'references' })
    expect(refs.holdsSecrets).toBe(false)
    expect(refs.content).toContain('WEBPAGETEST_API_KEY=kw://WEBPAGETEST_API_KEY/credential')
    expect(refs.content).not.toContain('A.0123456789abcdef')
    expect(refs.warning).toMatch(/safe to commit/)

    const keys = await ok<ExportFileResult>('export.file', {
      format: 'dotenv',
      entryIds: [wpt.id],
    })
    expect(keys.holdsSecrets).toBe(true)
    expect(keys.warning).toMatch(/clear text/)
    expect(keys.content).toContain('WEBPAGETEST_API_KEY=A.0123456789abcdef0123456789abcdef')
    expect(keys.count).toBe(1)
    expect((await fails('export.file', { format: 'dotenv', entryIds: ['nope'] })).code).toBe(
      'NOT_FOUND',
    )

    expect(await ok('export.reference', { id: wpt.id })).toEqual({
      reference: 'kw://WEBPAGETEST_API_KEY/credential',
    })

    const log = await ok<AuditListResult>('audit.list', {})
    const actions = log.records.map((r) => r.action)
    expect(actions).toContain('import')
    expect(log.records[0].seq).toBeGreaterThan(log.records.at(-1)!.seq) // newest first
    const exports = await ok<AuditListResult>('audit.list', {
      action: 'export',
      entryId: wpt.id,
    })
    // One record for the references file, one for the key written in clear.
    expect(exports.records.map((r) => r.detail.format ?? r.detail.field)).toEqual(
      expect.arrayContaining(['references', 'key']),
    )
    expect(exports.records.every((r) => r.entryName === 'WEBPAGETEST_API_KEY')).toBe(true)
    expect(JSON.stringify(log)).not.toContain('A.0123456789abcdef')
    const limited = await ok<AuditListResult>('audit.list', { limit: 2 })
    expect(limited.records).toHaveLength(2)
    expect(limited.total).toBe(log.total)
    const future = await ok<AuditListResult>('audit.list', { since: f.clock.now + 86_400_000 })
    expect(future.records).toEqual([])
    expect(await ok('audit.verify')).toEqual({ ok: true, count: log.total })
  })

  it('backup.file backs off after wrong master passwords, as unlock does', async () => {
    const wrong = { password: 'wrong password', backupPassword: 'backup pass 1' }
    const codes: string[] = []
    for (let i = 0; i < 5; i++) codes.push((await fails('backup.file', wrong)).code)
    // Three free tries, then a wait before each next one.
    expect(codes).toEqual([
      'WRONG_PASSWORD',
      'WRONG_PASSWORD',
      'WRONG_PASSWORD',
      'BACKOFF',
      'BACKOFF',
    ])
    const right = { password: PASSWORD, backupPassword: 'backup pass 1' }
    expect((await fails('backup.file', right)).code).toBe('BACKOFF')
    f.clock.now += 60_000
    await ok('backup.file', right)
  })

  it('backup.file returns an encrypted backup that restores under the backup password', async () => {
    await ok('transfer.import', file)
    expect(
      (await fails('backup.file', { password: 'wrong password', backupPassword: 'backup pass 1' }))
        .code,
    ).toBe('WRONG_PASSWORD')
    const backup = await ok<{ fileName: string; contentBase64: string; entries: number }>(
      'backup.file',
      { password: PASSWORD, backupPassword: 'backup pass 1' },
    )
    expect(backup.fileName).toMatch(/^keywarden-backup-\d{4}-\d{2}-\d{2}\.kwdb$/)
    const bytes = Buffer.from(backup.contentBase64, 'base64')
    expect(bytes.subarray(0, 15).toString()).toBe('SQLite format 3')
    const copy = join(f.dir, 'downloaded.kwdb')
    writeFileSync(copy, bytes)
    const restored = join(f.dir, 'restored.kwdb')
    const { entries } = await restoreBackup(copy, restored, { backup: 'backup pass 1' })
    expect(entries).toBe(backup.entries)
    const vault = Vault.open(restored, { lastSeenFile: join(f.dir, 'seen.json') })
    await expect(vault.unlock(PASSWORD, { acceptOlder: true })).rejects.toThrow()
    await vault.unlock('backup pass 1', { acceptOlder: true })
    expect(vault.list().map((e) => e.name)).toContain('WEBPAGETEST_API_KEY')
    vault.close()
    // The refused attempt had already copied the sealed file, so it is on record too.
    const log = await ok<AuditListResult>('audit.list', { action: 'backup' })
    expect(log.records.length).toBeGreaterThanOrEqual(1)
    expect(readFileSync(copy).length).toBeGreaterThan(0)
  })
})
