/**
 * Typed vault errors. Every message is a sentence a user understands and never contains a
 * secret (no password, key, name or note): callers may print `message` as is.
 */

export type VaultErrorCode =
  | 'WRONG_PASSWORD'
  | 'BACKOFF'
  | 'NOT_A_VAULT'
  | 'NEWER_VERSION'
  | 'LOCKED'
  | 'ENTRY_TAMPERED'
  | 'ENTRY_NOT_FOUND'
  | 'RULE_VIOLATION'
  | 'INVALID_INPUT'

/** Base class of every error the vault throws on purpose. */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message)
    // Each subclass is named after itself (the main-process bundle is not minified).
    this.name = new.target.name
  }
}

export class WrongPasswordError extends VaultError {
  constructor() {
    super('WRONG_PASSWORD', 'The password is wrong.')
  }
}

/** Too many wrong passwords in a row: the next try is allowed after `retryAfterMs`. */
export class BackoffError extends VaultError {
  constructor(readonly retryAfterMs: number) {
    super(
      'BACKOFF',
      `Too many wrong passwords. Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
    )
  }
}

export class NotAVaultError extends VaultError {
  constructor(path: string, why = 'it is not a Keywarden vault file, or it is damaged') {
    super('NOT_A_VAULT', `Cannot open ${path}: ${why}.`)
  }
}

export class NewerVersionError extends VaultError {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      'NEWER_VERSION',
      `This vault was written by a newer version of Keywarden (format ${found}; this version understands up to ${supported}). Update Keywarden to open it.`,
    )
  }
}

export class LockedError extends VaultError {
  constructor() {
    super('LOCKED', 'The vault is locked. Unlock it with your master password first.')
  }
}

/** An entry whose ciphertext fails authentication: modified, truncated or moved. */
export class EntryTamperedError extends VaultError {
  constructor(readonly entryId: string) {
    super(
      'ENTRY_TAMPERED',
      `Entry ${entryId} is damaged or was modified outside Keywarden; it cannot be opened.`,
    )
  }
}

export class EntryNotFoundError extends VaultError {
  constructor(readonly entryId: string) {
    super('ENTRY_NOT_FOUND', `No entry with id ${entryId}.`)
  }
}

/** A provider rule refused the change (wraps the providers' ProviderRuleError wording). */
export class RuleViolationError extends VaultError {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super('RULE_VIOLATION', message)
  }
}

export class InvalidInputError extends VaultError {
  constructor(message: string) {
    super('INVALID_INPUT', message)
  }
}
