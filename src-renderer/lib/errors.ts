/** An error from a call, as the main process worded it (code + a sentence for people). */
export class KeywardenError extends Error {
  readonly code: string
  readonly retryAfterMs?: number
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'KeywardenError'
    this.code = code
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs
  }
}

/** The message to show for anything a call threw, never the raw object. */
export function errorMessage(error: unknown): string {
  if (error instanceof KeywardenError) return error.message
  if (error instanceof Error) return error.message
  return 'Something went wrong.'
}

/** The error code of anything a call threw ('UNKNOWN' when it carries none). */
export function errorCode(error: unknown): string {
  return error instanceof KeywardenError ? error.code : 'UNKNOWN'
}
