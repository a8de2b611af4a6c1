/**
 * Errors the application core throws on purpose. Like the vault's, every message is a sentence
 * a user understands and never contains a secret; the router passes code and message through.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'AppError'
  }
}
