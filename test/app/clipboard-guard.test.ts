import { describe, expect, it } from 'vitest'
import {
  ClipboardGuard,
  concealedFormats,
  type ClipboardPort,
} from '../../src-main/app/clipboard-guard'

/** A stand-in for the OS clipboard (Electron's clipboard cannot run here). */
function fakeClipboard(): ClipboardPort & {
  text: string
  formats: Record<string, Buffer>
  /** Another program (or the user) puts text on the clipboard. */
  userCopies(text: string): void
} {
  const board = {
    text: '',
    formats: {} as Record<string, Buffer>,
    readText: async () => board.text,
    write: async (text: string, formats: Record<string, Buffer>) => {
      board.text = text
      board.formats = formats
    },
    clear: () => {
      board.text = ''
      board.formats = {}
    },
    userCopies: (text: string) => {
      board.text = text
      board.formats = {}
    },
  }
  return board
}

/** Let the guard's pending clipboard reads and writes finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

function fakeTimers() {
  const queue: { cb: () => void; at: number; id: number }[] = []
  let now = 0
  let next = 1
  return {
    setTimeout: (cb: () => void, ms: number) => {
      const id = next++
      queue.push({ cb, at: now + ms, id })
      return id
    },
    clearTimeout: (id: unknown) => {
      const i = queue.findIndex((q) => q.id === id)
      if (i >= 0) queue.splice(i, 1)
    },
    advance(ms: number) {
      now += ms
      for (const q of [...queue].filter((q) => q.at <= now)) {
        queue.splice(queue.indexOf(q), 1)
        q.cb()
      }
    },
  }
}

describe('clipboard guard', () => {
  it('clears our value after the delay', async () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    await guard.copy('uspl_secret', 30_000)
    expect(board.text).toBe('uspl_secret')
    timers.advance(29_999)
    await settle()
    expect(board.text).toBe('uspl_secret')
    timers.advance(1)
    await settle()
    expect(board.text).toBe('')
  })

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    await guard.copy('uspl_secret', 30_000)
    board.userCopies('my own text')
    timers.advance(30_000)
    await settle()
    expect(board.text).toBe('my own text')
  })

  it('a second copy restarts the delay and a lock clears at once', async () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    await guard.copy('first', 10_000)
    timers.advance(8_000)
    await guard.copy('second', 10_000)
    timers.advance(8_000)
    await settle()
    expect(board.text).toBe('second')
    expect(await guard.clearIfOurs()).toBe(true)
    expect(board.text).toBe('')
    expect(await guard.clearIfOurs()).toBe(false)
  })

  it('a lock while the write is still pending clears the value once it lands', async () => {
    const board = fakeClipboard()
    let land: () => void = () => undefined
    board.write = (text) =>
      new Promise<void>((resolve) => {
        land = () => {
          board.text = text
          resolve()
        }
      })
    const guard = new ClipboardGuard(board, 'linux', fakeTimers())
    const copying = guard.copy('uspl_secret', 30_000)
    // The vault locks before the OS has taken the value: the clear must wait for it.
    const clearing = guard.clearIfOurs()
    land()
    await copying
    expect(await clearing).toBe(true)
    expect(board.text).toBe('')
  })

  it('an unreadable clipboard is left alone, not cleared blindly', async () => {
    const board = fakeClipboard()
    const guard = new ClipboardGuard(board, 'linux', fakeTimers())
    await guard.copy('uspl_secret', 30_000)
    board.readText = () => Promise.reject(new Error('clipboard busy'))
    expect(await guard.clearIfOurs()).toBe(false)
    expect(board.text).toBe('uspl_secret')
  })

  it('writes the value and the history markers in one write', async () => {
    expect(Object.keys(concealedFormats('win32'))).toContain(
      'ExcludeClipboardContentFromMonitorProcessing',
    )
    expect(Object.keys(concealedFormats('darwin'))).toEqual(['org.nspasteboard.ConcealedType'])
    expect(concealedFormats('linux')).toEqual({})
    const board = fakeClipboard()
    await new ClipboardGuard(board, 'win32', fakeTimers()).copy('k', 1000)
    expect(board.text).toBe('k')
    expect(board.formats.CanIncludeInClipboardHistory).toEqual(Buffer.alloc(4))
    expect(board.formats.ExcludeClipboardContentFromMonitorProcessing).toEqual(Buffer.alloc(0))
  })
})
