/** An error from a call, as the main process worded it (code + a sentence for people). */
export class KeywardenError extends Error {
  readonly code: string
  readonly retryAfterMs?: number
  /** Facts some errors carry (VAULT_OLDER: the two dates), never a secret. */
  readonly details?: Readonly<Record<string, unknown>>
  /** The input the error is about (INVALID_INPUT, RULE_VIOLATION), e.g. "entry.credential.key". */
  readonly field?: string
  constructor(
    code: string,
    message: string,
    retryAfterMs?: number,
    details?: Readonly<Record<string, unknown>>,
    field?: string,
  ) {
    super(message)
    this.name = 'KeywardenError'
    this.code = code
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs
    if (details !== undefined) this.details = details
    if (field !== undefined) this.field = field
  }
}

/**
 * Any rejection as a KeywardenError. The desktop preload rejects with plain
 * `{ code, message, retryAfterMs?, details? }` objects (the context bridge would keep only the message of
 * an Error), so both transports end up with the same class here.
 */
export function toKeywardenError(error: unknown): KeywardenError {
  if (error instanceof KeywardenError) return error
  if (error && typeof error === 'object') {
    const { code, message, retryAfterMs, details, field } = error as Record<string, unknown>
    if (typeof message === 'string')
      return new KeywardenError(
        typeof code === 'string' ? code : 'UNKNOWN',
        message,
        typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
        details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined,
        typeof field === 'string' ? field : undefined,
      )
  }
  return new KeywardenError('UNKNOWN', 'Something went wrong.')
}

/** The message to show for anything a call threw, never the raw object. */
export function errorMessage(error: unknown): string {
  return toKeywardenError(error).message
}

/** The error code of anything a call threw ('UNKNOWN' when it carries none). */
export function errorCode(error: unknown): string {
  return toKeywardenError(error).code
}
