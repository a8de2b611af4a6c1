/** The one error type of run/: its message is safe to print (it never holds a secret). */
export class RunError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'RunError'
  }
}
