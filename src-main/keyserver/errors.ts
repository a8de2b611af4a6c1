/** The typed error every admin operation throws; the HTTP layer turns it into JSON. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'AdminError'
  }
}

/**
 * A start-up failure with a sentence the user can act on (bad settings, an unreachable database).
 * Its message never carries a secret; the CLI prints it as is.
 */
export class StartupError extends Error {
  readonly code = 'KEYWARDEN_STARTUP'
}
