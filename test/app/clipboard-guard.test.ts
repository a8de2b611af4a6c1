import { describe, expect, it } from 'vitest'
import {
  ClipboardGuard,
  concealedFormats,
  type ClipboardPort,
} from '../../src-main/app/clipboard-guard'

/** A stand-in for the OS clipboard (Electron's clipboard cannot run here). */
function fakeClipboard(): ClipboardPort & { text: string; formats: string[] } {
  const board = {
    text: '',
    formats: [] as string[],
    readText: () => board.text,
    writeText: (t: string) => {
      board.text = t
      board.formats = []
    },
    clear: () => {
      board.text = ''
      board.formats = []
    },
  }
  return board
}

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
  it('clears our value after the delay', () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    guard.copy('uspl_secret', 30_000)
    expect(board.text).toBe('uspl_secret')
    timers.advance(29_999)
    expect(board.text).toBe('uspl_secret')
    timers.advance(1)
    expect(board.text).toBe('')
  })

  it('leaves the clipboard alone when the user copied something else meanwhile', () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    guard.copy('uspl_secret', 30_000)
    board.writeText('my own text')
    timers.advance(30_000)
    expect(board.text).toBe('my own text')
  })

  it('a second copy restarts the delay and a lock clears at once', () => {
    const board = fakeClipboard()
    const timers = fakeTimers()
    const guard = new ClipboardGuard(board, 'linux', timers)
    guard.copy('first', 10_000)
    timers.advance(8_000)
    guard.copy('second', 10_000)
    timers.advance(8_000)
    expect(board.text).toBe('second')
    expect(guard.clearIfOurs()).toBe(true)
    expect(board.text).toBe('')
    expect(guard.clearIfOurs()).toBe(false)
  })

  it('marks the value to stay out of clipboard history where a writer can', () => {
    expect(Object.keys(concealedFormats('win32'))).toContain(
      'ExcludeClipboardContentFromMonitorProcessing',
    )
    expect(Object.keys(concealedFormats('darwin'))).toEqual(['org.nspasteboard.ConcealedType'])
    expect(concealedFormats('linux')).toEqual({})
    const board = fakeClipboard()
    let written: Record<string, Buffer> = {}
    board.writeConcealed = (text, formats) => {
      board.text = text
      written = formats
    }
    new ClipboardGuard(board, 'win32', fakeTimers()).copy('k', 1000)
    expect(board.text).toBe('k')
    expect(written.CanIncludeInClipboardHistory).toEqual(Buffer.alloc(4))
  })
})
