/**
 * Run `fn` on a later turn of the event loop without keeping the process alive, for background
 * work done in slices (reading ahead, making search text).
 *
 * Not an unref'd setImmediate: with no ref'd immediate pending, the event loop sleeps in poll
 * until its next timer or I/O, so a chain of them advanced one slice per wake-up (measured: 4 of
 * 25 read-ahead slices in 300 ms). An unref'd zero-delay timer wakes the loop, yet never holds it.
 */
export function nextTurn(fn: () => void): NodeJS.Timeout {
  return setTimeout(fn, 0).unref()
}
