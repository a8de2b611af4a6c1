import { describe, expect, it } from 'vitest'
import { matchContext, splitMatch } from '../../src-renderer/lib/highlight'

describe('splitMatch', () => {
  it('cuts a field around its first case-insensitive match, keeping the original case', () => {
    expect(splitMatch('Billing-Service', 'service')).toEqual({
      before: 'Billing-',
      match: 'Service',
      after: '',
    })
  })
  it('finds nothing for a blank query or a miss', () => {
    expect(splitMatch('billing', '  ')).toBeNull()
    expect(splitMatch('billing', 'prod')).toBeNull()
  })
})

describe('matchContext', () => {
  const fields = {
    environment: 'production',
    owner: 'ops@example.com',
    tags: ['payments', 'eu-west'],
    notes: 'Rotated by the platform team on the first Monday of each quarter.',
  }
  it('adds nothing when the name, environment or owner (shown anyway) carry the match', () => {
    expect(matchContext('billing', fields, 'bill')).toBeNull()
    expect(matchContext('billing', fields, 'PROD')).toBeNull()
    expect(matchContext('billing', fields, 'ops@')).toBeNull()
  })
  it('names the tag that matched', () => {
    expect(matchContext('billing', fields, 'west')).toEqual({ label: 'tag', text: 'eu-west' })
  })
  it('shows an excerpt of the notes around the match, with ellipses where cut', () => {
    const found = matchContext('billing', fields, 'monday', 30)
    expect(found?.label).toBe('notes')
    expect(found?.text).toMatch(/^….*Monday.*…$/)
    expect(found!.text.length).toBeLessThanOrEqual(32)
  })
  it('finds nothing when no searched field matches', () => {
    expect(matchContext('billing', fields, 'nowhere')).toBeNull()
  })
})
