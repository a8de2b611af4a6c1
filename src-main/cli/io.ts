/** Shared CLI plumbing: the error type every command throws for a clean, secret-free message. */

/** An error whose message is safe to print as is (it never contains a secret). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}
