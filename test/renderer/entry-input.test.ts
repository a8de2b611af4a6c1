import { describe, expect, it } from 'vitest'
import { buildEntryInput, EMPTY_FIELDS, type AddFields } from '../../src-renderer/lib/entry-input'
import { DAY_MS } from '../../src-renderer/lib/format'

const NOW = new Date(2026, 5, 10, 12, 0, 0).getTime()
const fields = (patch: Partial<AddFields>): AddFields => ({ ...EMPTY_FIELDS, ...patch })

describe('buildEntryInput', () => {
  it('asks for a name and a key before anything reaches the vault', () => {
    expect(buildEntryInput(fields({ key: 'k' }), NOW)).toHaveProperty('problem')
    expect(buildEntryInput(fields({ name: 'n' }), NOW)).toEqual({ problem: 'Paste the key.' })
    expect(buildEntryInput(fields({ style: 'blazemeter', name: 'n' }), NOW)).toEqual({
      problem: 'Paste the key id.',
    })
  })

  it('sends BlazeMeter id + secret, and no secret for single-key styles', () => {
    const b = buildEntryInput(
      fields({ style: 'blazemeter', name: 'n', key: ' id ', secret: 's ' }),
      NOW,
    )
    expect(b).toMatchObject({ credential: { key: 'id', secret: 's' } })
    // id:secret pasted into the id field alone is sent as the two parts.
    const pair = buildEntryInput(fields({ style: 'blazemeter', name: 'n', key: 'id:sec' }), NOW)
    expect(pair).toMatchObject({ credential: { key: 'id', secret: 'sec' } })
    const w = buildEntryInput(
      fields({ style: 'webpagetest', name: 'n', key: 'k', secret: 'x' }),
      NOW,
    )
    expect(w).toMatchObject({ credential: { key: 'k' } })
    expect((w as { credential: object }).credential).not.toHaveProperty('secret')
  })

  it('sends only the scope fields of the chosen style', () => {
    expect(
      buildEntryInput(
        fields({ style: 'similarweb', name: 'n', key: 'k', owner: 'ann', apiType: 'batch' }),
        NOW,
      ),
    ).toMatchObject({
      scope: { account: 'ann', apiType: 'batch' },
    })
    const wellows = buildEntryInput(
      fields({
        style: 'wellows',
        name: 'n',
        key: 'k',
        owner: 'x',
        level: 'project',
        projectId: '42',
      }),
      NOW,
    )
    expect(wellows).toMatchObject({ scope: { level: 'project', projectId: 42 } })
    expect((wellows as { scope: object }).scope).not.toHaveProperty('account')
    // A missing project id goes to the vault as null, which words the rule.
    expect(
      buildEntryInput(fields({ style: 'wellows', name: 'n', key: 'k', level: 'project' }), NOW),
    ).toMatchObject({
      scope: { level: 'project', projectId: null },
    })
    expect(buildEntryInput(fields({ name: 'n', key: 'k' }), NOW)).not.toHaveProperty('scope')
  })

  it('turns expiry choices into a lifetime from the issue date, and ignores expiry for Similarweb', () => {
    const up = buildEntryInput(
      fields({ style: 'userplane', name: 'n', key: 'uspl_x', expiry: 'd30' }),
      NOW,
    )
    expect(up).toMatchObject({ expiresAt: NOW + 30 * DAY_MS })
    expect(up).not.toHaveProperty('lastRotatedAt')
    const old = buildEntryInput(
      fields({
        style: 'userplane',
        name: 'n',
        key: 'uspl_x',
        expiry: 'd30',
        issuedOn: '2026-06-01',
      }),
      NOW,
    )
    const issued = new Date(2026, 5, 1).getTime()
    expect(old).toMatchObject({ lastRotatedAt: issued, expiresAt: issued + 30 * DAY_MS })
    expect(
      buildEntryInput(
        fields({ style: 'similarweb', name: 'n', key: 'k', expiry: '2027-01-01' }),
        NOW,
      ),
    ).not.toHaveProperty('expiresAt')
    expect(buildEntryInput(fields({ name: 'n', key: 'k', issuedOn: '2030-01-01' }), NOW)).toEqual({
      problem: 'The issue date cannot be in the future.',
    })
  })
})
