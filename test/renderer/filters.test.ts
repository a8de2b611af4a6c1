import { describe, expect, it } from 'vitest'
import { isFiltered, viewKey, viewParams } from '../../src-renderer/lib/filters'
import { appendCapped } from '../../src-renderer/stores/keyserver'

describe('viewParams', () => {
  it('maps the toolbar to entries.page filters', () => {
    expect(viewParams('', { style: 'all', status: 'all' }, 'added')).toEqual({})
    expect(viewParams('  ci  ', { style: 'wellows', status: 'revoked' }, 'name')).toEqual({
      query: 'ci',
      style: 'wellows',
      status: 'revoked',
      sort: 'name',
    })
    for (const condition of ['expired', 'expiring', 'check-failed'] as const)
      expect(viewParams('', { style: 'all', status: condition }, 'expiry')).toEqual({
        condition,
        sort: 'expiry',
      })
  })

  it('names a view stably; search is case-insensitive; sort alone does not filter', () => {
    const a = viewParams('Deploy', { style: 'all', status: 'all' }, 'added')
    const b = viewParams('deploy ', { style: 'all', status: 'all' }, 'added')
    expect(viewKey(a)).toBe(viewKey(b))
    expect(viewKey(a)).not.toBe(
      viewKey(viewParams('deploy', { style: 'all', status: 'all' }, 'name')),
    )
    expect(isFiltered(viewParams('', { style: 'all', status: 'all' }, 'name'))).toBe(false)
    expect(isFiltered(viewParams('', { style: 'all', status: 'expired' }, 'added'))).toBe(true)
  })
})

describe('appendCapped', () => {
  it('keeps the newest lines up to the limit', () => {
    let log: number[] = []
    for (let i = 0; i < 7; i++) log = appendCapped(log, i, 3)
    expect(log).toEqual([4, 5, 6])
  })
})
