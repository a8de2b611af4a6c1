import { describe, expect, it } from 'vitest'
import { reconnectDelay, SseParser } from '../../src-renderer/lib/sse'

describe('SseParser', () => {
  it('parses events split anywhere across chunks, with CRLF, comments and multi-line data', () => {
    const text =
      ': ping\n\nevent: vault-locked\ndata: {"reason":"idle"}\n\n' +
      'event: keyserver-log\r\ndata: {"a":1,\r\ndata: "b":2}\r\n\r\n: ping\n\n'
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser()
      const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))]
      expect(messages).toEqual([
        { event: 'vault-locked', data: '{"reason":"idle"}' },
        { event: 'keyserver-log', data: '{"a":1,\n"b":2}' },
      ])
    }
  })

  it('defaults the event name to "message" and resets it after each event', () => {
    const parser = new SseParser()
    expect(parser.push('event: a\ndata: 1\n\ndata: 2\n\n')).toEqual([
      { event: 'a', data: '1' },
      { event: 'message', data: '2' },
    ])
  })
})

describe('reconnectDelay', () => {
  it('doubles from about 0.5 s and never exceeds 15 s (plus jitter)', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(500)
    expect(reconnectDelay(1, () => 0.5)).toBe(1000)
    expect(reconnectDelay(50, () => 0.5)).toBe(15_000)
    expect(reconnectDelay(50, () => 1)).toBeLessThanOrEqual(18_750)
    expect(reconnectDelay(0, () => 0)).toBeGreaterThanOrEqual(375)
  })
})
