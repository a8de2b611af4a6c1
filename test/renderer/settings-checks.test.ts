import { describe, expect, it } from 'vitest'
import { parseThresholds, settingsProblems } from '../../src-renderer/lib/settings-checks'

const OK = { autoLock: '15', clipboard: '30', thresholds: '30, 7, 1', history: '10' }

describe('settingsProblems', () => {
  it('accepts the ranges the main process accepts', () => {
    expect(settingsProblems(OK)).toEqual({})
    expect(
      settingsProblems({ autoLock: '0', clipboard: '5', thresholds: '3650', history: '0' }),
    ).toEqual({})
  })
  it('says for each field what to type instead', () => {
    const e = settingsProblems({
      autoLock: '1441',
      clipboard: '4',
      thresholds: '7, soon',
      history: '101',
    })
    expect(e.autoLock).toMatch(/from 0 \(never\) to 1440/)
    expect(e.clipboard).toMatch(/from 5 to 600/)
    expect(e.thresholds).toMatch(/separated by commas/)
    expect(e.history).toMatch(/from 0 to 100/)
    expect(settingsProblems({ ...OK, thresholds: '1,2,3,4,5,6,7,8,9,10,11' }).thresholds).toMatch(
      /10 reminders/,
    )
    expect(settingsProblems({ ...OK, thresholds: '4000' }).thresholds).toMatch(/3650 days/)
    expect(settingsProblems({ ...OK, autoLock: '2.5' }).autoLock).toBeDefined()
  })
  it('parses thresholds, largest first, without repeats', () => {
    expect(parseThresholds('7, 30, 7')).toEqual([30, 7])
    expect(parseThresholds('0')).toBeNull()
  })
})
