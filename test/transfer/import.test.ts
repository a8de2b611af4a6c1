/**
 * Import into a real vault: records planned (style, skips, duplicates, provider limits) and
 * written in one transaction with Vault.importEntries, on a SQLite file in a temp folder.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Vault } from '../../src-main/vault'
import {
  ImportRefusedError,
  parseImport,
  planImport,
  type ConflictMode,
  type ImportRecord,
  type PlanRow,
} from '../../src-main/transfer'
import type { EntryStyle } from '../../src-main/providers'
import { UP_KEY, newVault, tempDir } from '../vault/helpers'
import { fixture, onePuxArchive } from './helpers'

let tmp: ReturnType<typeof tempDir>
let vault: Vault
beforeEach(async () => {
  tmp = tempDir()
  vault = (await newVault(tmp.dir)).vault
})
afterEach(() => {
  vault.close()
  tmp.cleanup()
})

function plan(
  records: ImportRecord[],
  options: { style?: EntryStyle; onConflict?: ConflictMode } = {},
): PlanRow[] {
  return planImport(records, { existing: vault.list(), now: Date.now(), ...options })
}

/** Plan and write, as `keywarden import` does. */
function importRows(rows: PlanRow[]): void {
  vault.importEntries(
    rows.filter((r) => r.action === 'add').map((r) => r.entry!),
    rows.filter((r) => r.action === 'replace').map((r) => r.replace!),
  )
}

const entryNamed = (name: string) => {
  const e = vault.list().find((x) => x.name === name)
  if (!e) throw new Error(`no entry ${name}`)
  return e
}

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRefusedError)
    return (error as Error).message
  }
  throw new Error('expected the import to be refused')
}

describe('import into a vault', () => {
  it('a .env: styles from the key shape and name, every skipped row with its reason', () => {
    const rows = plan(parseImport(fixture('sample.env')).records)
    const summary = rows.map((r) => [r.where, r.name, r.style, r.action, r.note])
    expect(summary).toEqual([
      ['line 2', 'WEBPAGETEST_API_KEY', 'webpagetest', 'add', ''],
      ['line 3', 'USERPLANE_KEY', 'userplane', 'add', ''],
      ['line 4', 'BLAZEMETER_CREDENTIALS', 'blazemeter', 'add', ''],
      ['line 5', 'SIMILARWEB_KEY', 'similarweb', 'add', ''],
      ['line 6', 'STRIPE_SECRET_KEY', 'generic', 'add', ''],
      ['line 7', 'PORT', 'generic', 'skip', 'not a key (under 16 characters, or spaces)'],
      ['line 8', 'EMPTY_TOKEN', 'generic', 'skip', 'empty value'],
      [
        'line 9',
        'MULTILINE_TOKEN',
        'generic',
        'skip',
        'not a key (under 16 characters, or spaces)',
      ],
      ['line 11', 'STRIPE_SECRET_KEY', 'generic', 'skip', 'same name as line 6'],
    ])
    importRows(rows)
    expect(vault.list()).toHaveLength(5)
    const bm = entryNamed('BLAZEMETER_CREDENTIALS')
    expect(vault.reveal(bm.id, 'key')).toBe('0123456789abcdef01234567')
    expect(vault.reveal(bm.id, 'secret')).toHaveLength(72)
    expect(vault.reveal(entryNamed('STRIPE_SECRET_KEY').id, 'key')).toBe(
      'sk_test_51HxExampleKeyValue000111',
    )
  })

  it('a 4th Userplane key for one user refuses the whole file, naming the record', () => {
    const records = parseImport(fixture('userplane-over-limit.csv')).records
    const message = refusal(() => plan(records))
    expect(message).toMatch(
      /^line 5 \("UP four"\): Userplane allows a maximum of 3 API keys per user/,
    )
    expect(message).not.toContain('uspl_')
    expect(vault.list()).toHaveLength(0)
  })

  it('counts the keys already in the vault toward the limit', () => {
    vault.add({
      style: 'userplane',
      name: 'kept',
      credential: { key: UP_KEY },
      scope: { account: 'alice' },
    })
    const records = parseImport(fixture('userplane-over-limit.csv')).records.slice(0, 3)
    expect(refusal(() => plan(records))).toMatch(/^line 4 \("UP three"\)/)
  })

  it('a name already in the vault is skipped, renamed, or its key replaced (old key kept)', () => {
    const first = parseImport(fixture('keepassxc-export.csv')).records
    importRows(plan(first))
    const wpt = entryNamed('WebPageTest CI')
    const again = first.map((r) => ({ ...r, key: r.key.replace('0123', '4567') }))

    const skipped = plan(again)
    expect(skipped.filter((r) => r.action !== 'skip')).toEqual([])
    expect(skipped[0].note).toMatch(/exists/)

    const renamed = plan(again, { onConflict: 'rename' })
    expect(renamed.filter((r) => r.action === 'add').map((r) => r.name)).toEqual([
      'WebPageTest CI (2)',
      'Userplane alice (2)',
    ])

    const replaced = plan(again, { onConflict: 'replace' })
    expect(replaced.map((r) => r.action)).toEqual(['replace', 'skip', 'replace'])
    importRows(replaced)
    expect(vault.list()).toHaveLength(2)
    expect(vault.reveal(wpt.id, 'key')).toBe('A.4567456789abcdef0123456789abcdef')
    expect(vault.history(wpt.id)).toHaveLength(1)
    expect(vault.revealHistory(wpt.id, 0, 'key')).toBe('A.0123456789abcdef0123456789abcdef')
  })

  it('an expiry survives a KeePass XML import and a 1PUX import, and is in the clear index', () => {
    importRows(plan(parseImport(fixture('keepassxc-export.xml')).records))
    importRows(plan(parseImport(onePuxArchive()).records))
    const wpt = entryNamed('WebPageTest CI')
    expect(wpt).toMatchObject({
      style: 'webpagetest',
      expiresAt: Date.parse('2027-02-23T12:00:00Z'),
      tags: ['ci', 'perf'],
      scope: { account: 'perf-team' },
    })
    expect(wpt.notes).toBe('CI key\nsecond line\nURL: https://www.webpagetest.org/')
    const up = entryNamed('Userplane dashboard')
    expect(up).toMatchObject({
      style: 'userplane',
      expiresAt: 1797776000 * 1000,
      lastRotatedAt: 1790000000 * 1000,
      scope: { account: 'dana' },
    })
    const clear = vault.clearMetadata()
    expect(clear.find((c) => c.id === up.id)?.expiresAt).toBe(1797776000 * 1000)
    expect(clear.find((c) => c.id === wpt.id)?.expiresAt).toBe(Date.parse('2027-02-23T12:00:00Z'))
  })

  it('Bitwarden: a BlazeMeter login (id as user name, secret as password) with its expiry', () => {
    const rows = plan(parseImport(fixture('bitwarden.json')).records)
    expect(rows.map((r) => [r.name, r.style, r.action])).toEqual([
      ['BlazeMeter API', 'blazemeter', 'add'],
      ['Runbook', 'generic', 'skip'],
      ['Deleted key', 'generic', 'skip'],
      ['WebPageTest', 'webpagetest', 'add'],
    ])
    importRows(rows)
    const bm = entryNamed('BlazeMeter API')
    expect(bm.expiresAt).toBe(Date.UTC(2027, 0, 15))
    expect(bm.tags).toEqual(['Perf tools'])
    expect(vault.reveal(bm.id, 'key')).toBe('0123456789abcdef01234567')
  })

  it('a provider hint is not followed when the key cannot be that provider’s', () => {
    const rows = plan([
      { where: 'line 2', name: 'userplane staging', key: 'not-a-userplane-key-000' },
    ])
    expect(rows[0]).toMatchObject({ style: 'generic', action: 'add' })
    expect(rows[0].note).toMatch(/named like Userplane/)
  })

  it('--style forces every record, and a key the style refuses stops the import', () => {
    const records = parseImport(fixture('keys.csv')).records
    expect(plan(records, { style: 'generic' }).every((r) => r.style === 'generic')).toBe(true)
    expect(refusal(() => plan(records, { style: 'userplane' }))).toMatch(
      /^line 2 \("Wellows main"\): .*uspl_/,
    )
  })

  it('writes all or nothing: a conflicting write elsewhere leaves the vault as it was', () => {
    const rows = plan(parseImport(fixture('keys.csv')).records)
    // The entry a replacement names is gone by the time of the write.
    const replace = { id: 'no-such-entry', credential: { key: 'generic-secret-value-9999' } }
    expect(() =>
      vault.importEntries(
        rows.filter((r) => r.action === 'add').map((r) => r.entry!),
        [replace],
      ),
    ).toThrow()
    expect(vault.list()).toHaveLength(0)
  })

  it('reports progress while adding many entries', () => {
    const records = Array.from({ length: 1500 }, (_, i) => ({
      where: `line ${i + 1}`,
      name: `KEY_${i}`,
      key: `generic-secret-value-${i}-abcdef`,
    }))
    const seen: number[] = []
    vault.importEntries(
      plan(records).map((r) => r.entry!),
      [],
      (n) => seen.push(n),
    )
    expect(seen.length).toBeGreaterThan(3)
    expect(seen.at(-1)).toBeLessThanOrEqual(1500)
    expect(vault.list()).toHaveLength(1500)
  })
})
