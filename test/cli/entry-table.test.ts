import { describe, expect, it } from 'vitest'
import { entryTable } from '../../src-main/cli/entry-table'
import type { EntrySummary } from '../../src-main/vault/types'

function summary(id: string, name: string, expiresAt: number | null): EntrySummary {
  return {
    id,
    style: 'generic',
    status: 'active',
    createdAt: 0,
    updatedAt: 0,
    expiresAt,
    lastRotatedAt: 0,
    rotationPolicyDays: null,
    lastCheck: null,
    version: 1,
    name,
    environment: '',
    tags: [],
    notes: '',
    scope: {},
    baseUrl: null,
    origin: 'manual',
    serverKeyId: null,
    hasSecret: false,
    historyCount: 0,
  }
}

describe('entryTable', () => {
  it('pads every column but the last to its widest cell', () => {
    const text = entryTable([
      summary('a', 'a rather long name', Date.UTC(2027, 0, 31, 23, 59)),
      summary('bbbbbbbbbbbbb', 'short', null),
    ])
    expect(text.split('\n')).toEqual([
      'ID             PROVIDER       NAME                STATUS  EXPIRES',
      'a              Other service  a rather long name  active  2027-01-31',
      'bbbbbbbbbbbbb  Other service  short               active  never',
      '',
    ])
  })

  it('says so when there is nothing to list', () => {
    expect(entryTable([])).toBe('No entries.\n')
  })
})
