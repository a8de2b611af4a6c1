/** Typed errors of the reminder engine. Messages are safe to show: they never hold a secret. */

export type ReminderErrorCode =
  'INVALID_SETTING' | 'INVALID_INPUT' | 'NOT_CHECKABLE' | 'LOCKED' | 'ENTRY_NOT_FOUND'

/** A reminder operation refused, with a code callers branch on and a safe message. */
export class ReminderError extends Error {
  constructor(
    readonly code: ReminderErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'ReminderError'
  }
}
