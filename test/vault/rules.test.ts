import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DAY_MS } from '../../src-main/providers'
import { RuleViolationError, type EntryInput } from '../../src-main/vault'
import { BM_ID, BM_SECRET, UP_KEY, WPT_KEY, fakeClock, newVault, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

const clock = fakeClock()
const NOW = clock.now()
const SW_KEY = '0123456789abcdef0123456789abcdef'

async function expectViolation(fn: () => unknown, rule: string, message: RegExp): Promise<void> {
  try {
    await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolationError)
    expect(error).toMatchObject({ code: 'RULE_VIOLATION', rule })
    expect((error as Error).message).toMatch(message)
    return
  }
  throw new Error('expected a rule violation')
}

describe('provider rules on add, update and rotate', () => {
  it('WebPageTest: at most 30 keys per account; revoked keys and other accounts do not count', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const wpt = (
      i: number,
      account = 'acme',
      status: EntryInput['status'] = 'active',
    ): EntryInput => ({
      style: 'webpagetest',
      name: `app ${i}`,
      credential: { key: WPT_KEY },
      scope: { account },
      status,
    })
    vault.addMany(Array.from({ length: 30 }, (_, i) => wpt(i)))
    await expectViolation(
      () => vault.add(wpt(31)),
      'limit-exceeded',
      /at most 30 API keys per account; account "acme" already has 30/,
    )
    vault.add(wpt(31, 'other'))
    vault.add(wpt(32, 'acme', 'revoked'))
    vault.close()
  })

  it('Similarweb: up to 3 active keys per user, keys never expire', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const sw = (i: number, status: EntryInput['status'] = 'active'): EntryInput => ({
      style: 'similarweb',
      name: `sw ${i}`,
      credential: { key: SW_KEY },
      scope: { account: 'dana', apiType: 'rest' },
      status,
    })
    vault.addMany([sw(1), sw(2), sw(3)])
    await expectViolation(
      () => vault.add(sw(4)),
      'limit-exceeded',
      /up to 3 active API keys per user/,
    )
    const disabled = vault.add(sw(4, 'disabled'))
    await expectViolation(
      () => vault.update(disabled.id, { status: 'active' }),
      'limit-exceeded',
      /Deactivate one first/,
    )
    await expectViolation(
      () => vault.add({ ...sw(5, 'disabled'), expiresAt: NOW + DAY_MS }),
      'expiry-not-allowed',
      /never expire/,
    )
    vault.close()
  })

  it('Userplane: expiry exactly none/7/30/60/90 days, at most 3 keys per user, uspl_ prefix', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const up = (i: number, days: number | null): EntryInput => ({
      style: 'userplane',
      name: `up ${i}`,
      credential: { key: UP_KEY },
      scope: { account: 'eli' },
      expiresAt: days === null ? null : NOW + days * DAY_MS,
    })
    await expectViolation(
      () => vault.add(up(1, 45)),
      'expiry-not-allowed',
      /must be one of: none, 7, 30, 60, 90 days/,
    )
    await expectViolation(() => vault.add(up(1, 120)), 'expiry-not-allowed', /at most 90 days/)
    const first = vault.add(up(1, 7))
    vault.add(up(2, null))
    vault.add(up(3, 90))
    await expectViolation(
      () => vault.add(up(4, 30)),
      'limit-exceeded',
      /maximum of 3 API keys per user/,
    )
    await expectViolation(
      () => vault.update(first.id, { expiresAt: NOW + 10 * DAY_MS }),
      'expiry-not-allowed',
      /one of/,
    )
    await expectViolation(
      () =>
        vault.add({
          ...up(5, 30),
          scope: { account: 'someone else' },
          credential: { key: 'sk_live_not_a_userplane_key' },
        }),
      'credential-invalid',
      /starts with "uspl_"/,
    )
    await expectViolation(
      () => vault.rotate(first.id, { credential: { key: 'nope-not-a-userplane-key' } }),
      'credential-invalid',
      /uspl_/,
    )
    // A rotation keeps the 7-day lifetime by default, which is allowed.
    expect(vault.rotate(first.id, { credential: { key: UP_KEY + 'x' } }).expiresAt).toBe(
      NOW + 7 * DAY_MS,
    )
    vault.close()
  })

  it('Wellows: a project-level key needs a project id, a user-level key takes none', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const w = (scope: EntryInput['scope']): EntryInput => ({
      style: 'wellows',
      name: 'w',
      credential: { key: 'K'.repeat(40) },
      scope,
    })
    await expectViolation(
      () => vault.add(w({ level: 'project' })),
      'scope-invalid',
      /project-level key needs a project id/,
    )
    await expectViolation(
      () => vault.add(w({ level: 'user', projectId: 4 })),
      'scope-invalid',
      /takes no project id/,
    )
    const ok = vault.add(w({ level: 'project', projectId: 12 }))
    await expectViolation(
      () => vault.update(ok.id, { scope: { level: 'project', projectId: null } }),
      'scope-invalid',
      /project id/,
    )
    await expectViolation(
      () =>
        vault.add({
          style: 'generic',
          name: 'g',
          credential: { key: 'generic-api-key-0001' },
          scope: { level: 'user' },
        }),
      'scope-invalid',
      /Only Wellows/,
    )
    vault.close()
  })

  it('BlazeMeter: 24-hex id and 72-hex secret, expiry within the account cap', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const bm = (credential: EntryInput['credential'], days: number | null = null): EntryInput => ({
      style: 'blazemeter',
      name: 'bm',
      credential,
      expiresAt: days === null ? null : NOW + days * DAY_MS,
    })
    await expectViolation(
      () => vault.add(bm({ key: 'XYZ'.repeat(8), secret: BM_SECRET })),
      'credential-invalid',
      /24 lowercase hexadecimal/,
    )
    await expectViolation(
      () => vault.add(bm({ key: BM_ID, secret: 'abc'.repeat(8) })),
      'credential-invalid',
      /72 lowercase hexadecimal/,
    )
    await expectViolation(
      () => vault.add(bm({ key: BM_ID })),
      'credential-invalid',
      /72 lowercase hexadecimal/,
    )
    vault.add(bm({ key: BM_ID, secret: BM_SECRET }, 365))
    vault.setSetting('accountPolicy', { blazemeterExpiryCap: '1-month' })
    await expectViolation(
      () => vault.add(bm({ key: BM_ID, secret: BM_SECRET }, 60)),
      'expiry-over-cap',
      /maximum allowed by your account settings \(1 month\)/,
    )
    vault.add(bm({ key: BM_ID, secret: BM_SECRET }, 30))
    expect(() => vault.setSetting('accountPolicy', { blazemeterExpiryCap: '2-years' })).toThrow(
      /one of: 1-month, 3-months, 6-months, 1-year, 10-years/,
    )
    vault.close()
  })

  it('refuses an expiry before the key was issued and a secret on a single-key style', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    await expectViolation(
      () =>
        vault.add({
          style: 'generic',
          name: 'g',
          credential: { key: 'generic-api-key-0001' },
          expiresAt: NOW - DAY_MS,
        }),
      'expiry-in-past',
      /after the date the key was issued/,
    )
    await expectViolation(
      () =>
        vault.add({
          style: 'generic',
          name: 'g',
          credential: { key: 'generic-api-key-0001', secret: 's' },
        }),
      'credential-invalid',
      /single key/,
    )
    vault.close()
  })

  it('refuses what cannot be a key, for every style, with one clear sentence', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const notAKey = /^A key is at least 16 characters with no spaces or control characters\.$/
    for (const [style, key] of [
      ['webpagetest', 'hello'],
      ['similarweb', 'short-key-15chr'],
      ['generic', 'sixteen chars ok'],
      ['generic', 'a-key-with-a-tab\tinside'],
      ['generic', 'a-key-with-a-newline\n'],
      ['generic', 'a-key-with-a-nul\u0000inside'],
      ['wellows', 'no-break\u00a0space-in-the-key'],
    ] as const)
      await expectViolation(
        () => vault.add({ style, name: 'k', credential: { key } }),
        'credential-invalid',
        notAKey,
      )
    const ok = vault.add({ style: 'generic', name: 'k', credential: { key: 'sixteen-chars-ok' } })
    await expectViolation(
      () => vault.rotate(ok.id, { credential: { key: 'hello' } }),
      'credential-invalid',
      notAKey,
    )
    vault.close()
  })

  it('BlazeMeter takes the combined id:secret on add and rotate', async () => {
    const { vault } = await newVault(tmp.dir, clock.now)
    const e = vault.add({
      style: 'blazemeter',
      name: 'bm',
      credential: { key: `${BM_ID}:${BM_SECRET}` },
      expiresAt: NOW + 30 * DAY_MS,
    })
    expect(vault.reveal(e.id, 'key')).toBe(BM_ID)
    expect(vault.reveal(e.id, 'secret')).toBe(BM_SECRET)
    const secret2 = 'c'.repeat(72)
    vault.rotate(e.id, { credential: { key: `${BM_ID}:${secret2}` } })
    expect(vault.reveal(e.id, 'secret')).toBe(secret2)
    // A colon in the secret stays in it: the split is at the first colon, then the rules apply.
    await expectViolation(
      () => vault.add({ style: 'blazemeter', name: 'bm2', credential: { key: `${BM_ID}:a:b` } }),
      'credential-invalid',
      /72 lowercase hexadecimal/,
    )
    vault.close()
  })
})
