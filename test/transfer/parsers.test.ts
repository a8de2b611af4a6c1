/**
 * Each import format read from fixture files: the records, what is skipped and why, and
 * malformed input refused with the line or record named and no value quoted.
 * keepassxc-export.xml and .csv were written by keepassxc-cli 2.7 (`export -f xml|csv`).
 */
import { describe, expect, it } from 'vitest'
import { ImportFormatError, detectFormat, parseImport } from '../../src-main/transfer'
import { fixture, onePuxArchive } from './helpers'

const byName = <T extends { name: string }>(records: T[], name: string): T => {
  const found = records.find((r) => r.name === name)
  if (!found) throw new Error(`no record named ${name}`)
  return found
}

function formatError(fn: () => unknown): ImportFormatError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFormatError)
    return error as ImportFormatError
  }
  throw new Error('expected an ImportFormatError')
}

describe('format detection', () => {
  it('tells every fixture format from its content', () => {
    expect(detectFormat(fixture('sample.env'))).toBe('dotenv')
    expect(detectFormat(fixture('keys.csv'))).toBe('csv')
    expect(detectFormat(fixture('onepassword.csv'))).toBe('1password-csv')
    expect(detectFormat(fixture('keepassxc-export.csv'))).toBe('keepassxc-csv')
    expect(detectFormat(fixture('keepassxc-export.xml'))).toBe('keepass-xml')
    expect(detectFormat(fixture('bitwarden.json'))).toBe('bitwarden-json')
    expect(detectFormat(onePuxArchive())).toBe('1pux')
    expect(() => detectFormat(Buffer.from('  \n'))).toThrow(ImportFormatError)
  })
})

describe('.env', () => {
  it('reads export, quotes, comments, empty and multi-line values in file order', () => {
    const { records } = parseImport(fixture('sample.env'))
    expect(records.map((r) => r.name)).toEqual([
      'WEBPAGETEST_API_KEY',
      'USERPLANE_KEY',
      'BLAZEMETER_CREDENTIALS',
      'SIMILARWEB_KEY',
      'STRIPE_SECRET_KEY',
      'PORT',
      'EMPTY_TOKEN',
      'MULTILINE_TOKEN',
      'STRIPE_SECRET_KEY',
    ])
    expect(byName(records, 'SIMILARWEB_KEY')).toMatchObject({
      where: 'line 5',
      key: '0123456789abcdef0123456789abcdef',
    })
    expect(byName(records, 'EMPTY_TOKEN').key).toBe('')
    expect(byName(records, 'MULTILINE_TOKEN').key).toBe('line-one-of-a-long-token\nline-two-of-it')
    expect(records.at(-1)?.where).toBe('line 11')
  })

  it('refuses a line that is not an assignment, naming it', () => {
    const e = formatError(() => parseImport(fixture('malformed.env'), 'dotenv'))
    expect(e.message).toMatch(/^line 2: /)
    expect(e.message).not.toContain('generic-key-value')
  })

  it('refuses a quote never closed', () => {
    const e = formatError(() =>
      parseImport(Buffer.from('A="open-and-never-closed\nB=x\n'), 'dotenv'),
    )
    expect(e.message).toMatch(/^line 1: /)
  })
})

describe('CSV with a header', () => {
  it('maps columns by name: expiry, tags, notes with quotes and line breaks', () => {
    const { records } = parseImport(fixture('keys.csv'))
    const wellows = byName(records, 'Wellows main')
    expect(wellows).toMatchObject({
      where: 'line 2',
      username: 'team@wellows.com',
      expiresAt: Date.UTC(2027, 2, 1),
      tags: ['seo', 'prod'],
      environment: 'production',
    })
    expect(byName(records, 'Quoted, name')).toMatchObject({
      notes: 'notes with "quotes"\nand a second line',
      where: 'line 5',
    })
    expect(byName(records, 'Quoted, name').expiresAt).toBeUndefined()
    expect(byName(records, 'Blank key').key).toBe('')
  })

  it('refuses an unclosed quote and a short row, naming the line', () => {
    expect(formatError(() => parseImport(fixture('malformed.csv'))).message).toMatch(/^line 3: /)
    const short = formatError(() => parseImport(Buffer.from('name,key\nOnly-a-name\n'), 'csv'))
    expect(short.message).toBe('line 2: 1 fields where the header has 2.')
    const noKey = formatError(() => parseImport(Buffer.from('name,owner\nx,y\n'), 'csv'))
    expect(noKey.message).toMatch(/no key/)
  })

  it('refuses an expiry that is not a date', () => {
    const e = formatError(() =>
      parseImport(Buffer.from('name,key,expires\nX,generic-secret-value-1234,next year\n'), 'csv'),
    )
    expect(e.message).toMatch(/^line 2: the expiry/)
  })
})

describe('KeePassXC exports', () => {
  it('XML keeps Expires/ExpiryTime, tags, notes and creation time; skips history versions', () => {
    const { format, records } = parseImport(fixture('keepassxc-export.xml'))
    expect(format).toBe('keepass-xml')
    expect(records.map((r) => r.name)).toEqual(['WebPageTest CI', 'Empty one', 'Userplane alice'])
    expect(byName(records, 'WebPageTest CI')).toMatchObject({
      key: 'A.0123456789abcdef0123456789abcdef',
      username: 'perf-team',
      url: 'https://www.webpagetest.org/',
      notes: 'CI key\nsecond line',
      tags: ['ci', 'perf'],
      expiresAt: Date.parse('2027-02-23T12:00:00Z'),
    })
    // The current password, not the one kept in the entry's <History>.
    expect(byName(records, 'Userplane alice').key).toBe('uspl_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210')
    expect(byName(records, 'Userplane alice').expiresAt).toBeUndefined()
  })

  it('XML: a broken element is refused with its line, a DOCTYPE refused', () => {
    const xml = fixture('keepassxc-export.xml').toString().replace('</Tags>', '</Tag>')
    expect(formatError(() => parseImport(Buffer.from(xml))).message).toMatch(
      /^line 61: <\/Tag> closes <Tags>/,
    )
    const doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><KeePassFile/>'
    expect(formatError(() => parseImport(Buffer.from(doctype))).message).toMatch(/DOCTYPE/)
  })

  it('CSV maps title, username, password, URL, notes and creation time', () => {
    const { records } = parseImport(fixture('keepassxc-export.csv'))
    expect(records).toHaveLength(3)
    expect(byName(records, 'WebPageTest CI')).toMatchObject({
      where: 'line 2',
      notes: 'CI key\nsecond line',
      createdAt: Date.parse('2026-11-25T23:09:07Z'),
    })
    expect(byName(records, 'Userplane alice').where).toBe('line 5')
  })
})

describe('Bitwarden JSON', () => {
  it('reads logins with folder, expiry field and URI; lists notes and trash as skipped', () => {
    const { records } = parseImport(fixture('bitwarden.json'))
    expect(byName(records, 'BlazeMeter API')).toMatchObject({
      where: 'item 1',
      username: '0123456789abcdef01234567',
      url: 'https://a.blazemeter.com',
      tags: ['Perf tools'],
      expiresAt: Date.UTC(2027, 0, 15),
      createdAt: Date.parse('2026-10-01T10:00:00.000Z'),
    })
    expect(byName(records, 'Runbook').skip).toMatch(/secure note/)
    expect(byName(records, 'Deleted key').skip).toMatch(/trash/)
  })

  it('refuses invalid JSON with a line, and an encrypted export', () => {
    const broken = fixture('bitwarden.json').toString().replace('"type": 2,', '"type": 2')
    expect(formatError(() => parseImport(Buffer.from(broken))).message).toMatch(
      /^line \d+: .*not valid JSON/,
    )
    const encrypted = JSON.stringify({ encrypted: true, items: [] })
    expect(formatError(() => parseImport(Buffer.from(encrypted))).message).toMatch(/encrypted/)
  })
})

describe('1Password', () => {
  it('.1pux: an API Credential keeps its expires date, user, host and tags', () => {
    const { format, records } = parseImport(onePuxArchive())
    expect(format).toBe('1pux')
    expect(byName(records, 'Userplane dashboard')).toMatchObject({
      where: 'item 1',
      key: 'uspl_OnePuxKeyOnePuxKeyOnePuxKeyOnePuxKey12',
      username: 'dana',
      url: 'api.userplane.io',
      tags: ['dashboards'],
      notes: 'Userplane key for the dashboard',
      expiresAt: 1797776000 * 1000,
      createdAt: 1790000000 * 1000,
    })
    expect(byName(records, 'GitHub bot')).toMatchObject({
      username: 'ci-bot',
      url: 'https://github.com',
    })
    expect(byName(records, 'Old password').skip).toMatch(/archived/)
    expect(byName(records, 'A note').skip).toMatch(/not a login/)
  })

  it('.1pux: a damaged archive or export.data is refused', () => {
    const zip = onePuxArchive()
    expect(formatError(() => parseImport(zip.subarray(0, 40), '1pux')).message).toMatch(/zip/)
    expect(formatError(() => parseImport(onePuxArchive('{ nope'))).message).toMatch(
      /not valid JSON/,
    )
  })

  it('CSV: tags split at semicolons, archived items skipped', () => {
    const { records } = parseImport(fixture('onepassword.csv'))
    expect(byName(records, 'Similarweb REST')).toMatchObject({
      tags: ['analytics', 'prod'],
      username: 'perf@example.com',
    })
    expect(byName(records, 'Old Wellows').skip).toMatch(/archived/)
    expect(byName(records, 'Empty pw').key).toBe('')
  })
})
