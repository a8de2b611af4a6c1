/** Keeping reminders alive without a window: close-to-tray, tray-only start, the click queue. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closeAction, HIDDEN_FLAG, PendingOpen, startsHidden } from '../../src-main/app/background'
import { readDesktopState, writeDesktopState } from '../../src-main/app/desktop-state'

const base = { quitting: false, closeToTray: true, trayAvailable: true, noticeShown: false }

describe('closing the window', () => {
  it('hides to the tray by default, telling the user the first time only', () => {
    expect(closeAction(base)).toEqual({ action: 'hide', notice: true })
    expect(closeAction({ ...base, noticeShown: true })).toEqual({ action: 'hide', notice: false })
  })

  it('really closes when quitting, when the setting is off, or with no tray to come back from', () => {
    expect(closeAction({ ...base, quitting: true })).toEqual({ action: 'close' })
    expect(closeAction({ ...base, closeToTray: false })).toEqual({ action: 'close' })
    expect(closeAction({ ...base, trayAvailable: false })).toEqual({ action: 'close' })
  })
})

describe('tray-only start', () => {
  it('comes from the login item flag or macOS login start', () => {
    expect(startsHidden(['/opt/keywarden', HIDDEN_FLAG])).toBe(true)
    expect(startsHidden(['/opt/keywarden'])).toBe(false)
    expect(startsHidden(['/opt/keywarden'], true)).toBe(true)
    expect(startsHidden(['/opt/keywarden', '--hidden-not'])).toBe(false)
  })
})

describe('notification click queue', () => {
  it('opens at once when unlocked', () => {
    const q = new PendingOpen()
    expect(q.request('e1', true)).toBe('e1')
    expect(q.unlocked()).toBeNull()
  })

  it('waits for the unlock while locked, then hands the entry out once', () => {
    const q = new PendingOpen()
    expect(q.request('e1', false)).toBeNull()
    expect(q.waiting).toBe('e1')
    expect(q.unlocked()).toBe('e1')
    expect(q.unlocked()).toBeNull()
  })

  it('keeps only the latest click, and forgets it on quit or after an open', () => {
    const q = new PendingOpen()
    q.request('e1', false)
    q.request('e2', false)
    expect(q.unlocked()).toBe('e2')
    q.request('e3', false)
    q.clear()
    expect(q.unlocked()).toBeNull()
    q.request('e4', false)
    // A click while unlocked opens that entry and drops an older waiting one.
    expect(q.request('e5', true)).toBe('e5')
    expect(q.unlocked()).toBeNull()
  })
})

describe('desktop state file', () => {
  it('remembers that the tray notice was shown, in a 0600 file; garbage reads as defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-desktop-'))
    try {
      const file = join(dir, 'electron', 'desktop.json')
      expect(readDesktopState(file)).toEqual({ trayNoticeShown: false })
      writeDesktopState(file, { trayNoticeShown: true })
      expect(readDesktopState(file)).toEqual({ trayNoticeShown: true })
      expect(statSync(file).mode & 0o777).toBe(0o600)
      writeFileSync(file, '{not json')
      expect(readDesktopState(file)).toEqual({ trayNoticeShown: false })
      writeFileSync(file, '{"trayNoticeShown":"yes"}')
      expect(readDesktopState(file)).toEqual({ trayNoticeShown: false })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
