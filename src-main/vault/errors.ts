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
  | 'CHANGED_ELSEWHERE'
  | 'VAULT_OLDER'
  | 'VAULT_DAMAGED'

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

/** A write made from a stale view that cannot be merged: the entry changed elsewhere. */
export class ChangedElsewhereError extends VaultError {
  constructor(
    readonly entryId: string,
    readonly fields: readonly string[],
  ) {
    super(
      'CHANGED_ELSEWHERE',
      `This key was changed elsewhere; it has been reloaded. Check it and save again.${fields.length > 0 ? ` (changed there too: ${fields.join(', ')})` : ''}`,
    )
  }
}

function day(at: number | null): string {
  return at === null
    ? 'an unknown date'
    : new Date(at).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
}

/**
 * The vault file is older than the newest state of it this machine has seen: an older copy was
 * put back. Legitimate after restoring a backup, so the caller may go on when the user accepts.
 */
export class VaultOlderError extends VaultError {
  constructor(
    readonly lastSeenAt: number | null,
    readonly foundAt: number | null,
  ) {
    super(
      'VAULT_OLDER',
      `This vault file is older than the one last opened on this computer: this file was last changed ${day(foundAt)}, but this computer has seen it changed ${day(lastSeenAt)}. If you restored a backup, open it anyway (--accept-older); otherwise an old copy may have been put back.`,
    )
  }
}

/** The vault header is damaged (e.g. KDF parameters out of bounds): not a wrong password. */
export class VaultDamagedError extends VaultError {
  constructor(why: string) {
    super('VAULT_DAMAGED', `The vault file is damaged: ${why}`)
  }
}
