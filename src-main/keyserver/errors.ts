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
