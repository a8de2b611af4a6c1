/**
 * A incremental parser for `text/event-stream` (the subset the browser-mode server sends:
 * `event:` and `data:` lines, blank-line terminated, `:` comments for keep-alive).
 * Pure, so it is unit-tested without a network.
 */
export interface SseMessage {
  event: string
  data: string
}

/** Feed chunks of text; get back every complete message they finish. */
export class SseParser {
  private buffer = ''
  private event = ''
  private data: string[] = []

  /** Parse one chunk (may end mid-line); returns the messages completed by it. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk
    const out: SseMessage[] = []
    let newline: number
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline)
      // A lone '\r' at the end of a chunk may be half of '\r\n': wait for the next chunk.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break
      const skip = this.buffer.startsWith('\r\n', newline) ? 2 : 1
      this.buffer = this.buffer.slice(newline + skip)
      const message = this.line(line)
      if (message) out.push(message)
    }
    return out
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = ''
        return null
      }
      const message = { event: this.event || 'message', data: this.data.join('\n') }
      this.event = ''
      this.data = []
      return message
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
    return null
  }
}

/** Delay before reconnect attempt `n` (0-based): 0.5 s doubling, capped at 15 s, with jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.min(attempt, 10))
  return Math.round(base * (0.75 + random() * 0.5))
}
