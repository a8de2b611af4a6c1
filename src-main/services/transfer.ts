/**
 * The UI's doors to import, export, backup and the audit log: the same modules the CLI uses
 * (transfer/, run/export, vault/backup, vault/audit), over the app's one unlocked vault. Files
 * travel as data (text or base64), never as paths: a page in browser mode names no file on disk.
 * Nothing here logs a file's content; errors name a line or record, never a value.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type {
  AuditListInput,
  AuditListResult,
  AuditVerifyResult,
  BackupFileResult,
  ExportFileInput,
  ExportFileResult,
  ImportInput,
  ImportPreview,
  ImportSummary,
} from '../ipc/contract'
import { MAX_IMPORT_BYTES } from '../ipc/schemas'
import { exportLines } from '../run/export'
import { formatReference } from '../run/reference'
import { credentialOf } from '../run/resolve'
import {
  ImportFormatError,
  ImportRefusedError,
  parseImport,
  planImport,
  type ImportRecord,
  type PlanRow,
} from '../transfer'
import type { Vault } from '../vault'
import { writeBackup } from '../vault/backup'
import { BackoffError, WrongPasswordError } from '../vault/errors'
import { backoffLeftMs } from '../vault/session'
import type { EntryInput } from '../vault/types'
import { AppError } from './errors'

const MB = 1024 * 1024

/** The file's bytes, refused above MAX_IMPORT_BYTES with a sentence that says the limit. */
function fileBytes(input: ImportInput): Uint8Array {
  const bytes =
    input.encoding === 'base64'
      ? Buffer.from(input.content, 'base64')
      : Buffer.from(input.content, 'utf8')
  if (bytes.length > MAX_IMPORT_BYTES)
    throw new AppError(
      'TOO_LARGE',
      `The file is larger than ${MAX_IMPORT_BYTES / MB} MB; split it and import the parts.`,
    )
  return bytes
}

/** Read the file and decide every row, with the user's per-row styles applied. */
function plan(vault: Vault, input: ImportInput, now: number): { format: string; rows: PlanRow[] } {
  let parsed: { format: string; records: ImportRecord[] }
  try {
    parsed = parseImport(fileBytes(input), input.format)
  } catch (error) {
    if (error instanceof ImportFormatError)
      throw new AppError('IMPORT_MALFORMED', `${error.message} Nothing was imported.`)
    throw error
  }
  const overrides = new Map((input.overrides ?? []).map((o) => [o.where, o.style]))
  const known = new Set(parsed.records.map((r) => r.where))
  for (const where of overrides.keys())
    if (!known.has(where))
      throw new AppError('INVALID_INPUT', `The file has no row at ${where.slice(0, 40)}.`)
  // A row's chosen style wins over the one for the whole file, which wins over the guess.
  const records = parsed.records.map((r) => {
    const style = overrides.get(r.where) ?? input.style
    return style === undefined ? r : { ...r, style }
  })
  try {
    const rows = planImport(records, {
      existing: vault.list(),
      now,
      onConflict: input.mode ?? 'skip',
      policy: vault.getSetting('accountPolicy') ?? {},
    })
    return { format: parsed.format, rows }
  } catch (error) {
    if (error instanceof ImportRefusedError)
      throw new AppError('IMPORT_REFUSED', `${error.message} Nothing was imported.`)
    throw error
  }
}

/** The table the UI shows: no key, no secret. */
function preview(format: string, rows: PlanRow[]): ImportPreview {
  return {
    format,
    rows: rows.map((r) => ({
      where: r.where,
      name: r.name,
      style: r.style,
      expiresAt: r.expiresAt,
      action: r.action,
      note: r.note,
    })),
    adds: rows.filter((r) => r.action === 'add').length,
    replaces: rows.filter((r) => r.action === 'replace').length,
    skipped: rows.filter((r) => r.action === 'skip').length,
  }
}

/** What an import would do, writing nothing. */
export function previewImport(vault: Vault, input: ImportInput, now: number): ImportPreview {
  const { format, rows } = plan(vault, input, now)
  return preview(format, rows)
}

/** Import in one transaction (all or nothing); the vault's audit log records each entry. */
export function runImport(vault: Vault, input: ImportInput, now: number): ImportSummary {
  const { format, rows } = plan(vault, input, now)
  const adds = rows.filter((r) => r.action === 'add')
  const replaces = rows.filter((r) => r.action === 'replace')
  vault.importEntries(
    adds.map((r) => r.entry as EntryInput),
    replaces.map((r) => r.replace as NonNullable<PlanRow['replace']>),
  )
  return { ...preview(format, rows), imported: adds.length, replaced: replaces.length }
}

/** The chosen entries (all when none is named); an unknown id is refused, not skipped. */
function chosenEntries(vault: Vault, ids: readonly string[] | undefined) {
  const all = vault.list()
  if (!ids || ids.length === 0) return { all, chosen: all }
  const byId = new Map(all.map((e) => [e.id, e]))
  const chosen = [...new Set(ids)].map((id) => {
    const e = byId.get(id)
    if (!e) throw new AppError('NOT_FOUND', 'One of the chosen keys is no longer in the vault.')
    return e
  })
  return { all, chosen }
}

/**
 * A .env of the chosen entries: the keys themselves (`dotenv`, every reveal audited as an
 * export, as the CLI's export) or `kw://` references (safe to commit, audited as one export).
 */
export function exportFile(vault: Vault, input: ExportFileInput): ExportFileResult {
  const { all, chosen } = chosenEntries(vault, input.entryIds)
  const content = exportLines(chosen, all, input.format, (e) =>
    credentialOf(vault, e, { as: 'export' }),
  )
  // A references file reveals nothing, so the vault would not log it by itself.
  if (input.format === 'references')
    vault.audit({ action: 'export', entryIds: chosen.map((e) => e.id), format: 'references' })
  const secret = input.format === 'dotenv'
  return {
    fileName: secret ? 'keywarden.env' : 'keywarden.references.env',
    content,
    count: chosen.length,
    holdsSecrets: secret,
    warning: secret
      ? 'This file holds your API keys in clear text. Keep it out of version control and delete it when done.'
      : 'This file holds kw:// references only, no key: it is safe to commit; keywarden run --env-file resolves it.',
  }
}

/** Wrong master passwords given to backupFile in a row, per vault. */
const backupFailures = new WeakMap<Vault, { count: number; at: number }>()

/**
 * An encrypted backup under its own password, as `keywarden backup` writes it. The master
 * password is asked again: the copy's key is re-wrapped from it, and a backup takes every key.
 */
export async function backupFile(
  vault: Vault,
  passwords: { current: string; backup: string },
  now: number,
): Promise<BackupFileResult> {
  // The password is checked on the copy, whose failure count goes with it: without a count of
  // its own here, this call would be a way to guess the master password without the back-off.
  const failed = backupFailures.get(vault)
  const wait = failed ? backoffLeftMs(failed.count, failed.at, now) : 0
  if (wait > 0) throw new BackoffError(wait)
  const dir = mkdtempSync(join(tmpdir(), 'keywarden-backup-'))
  try {
    const file = join(dir, 'backup.kwdb')
    try {
      await writeBackup(vault, file, passwords)
    } catch (error) {
      if (error instanceof WrongPasswordError)
        backupFailures.set(vault, { count: (failed?.count ?? 0) + 1, at: now })
      throw error
    }
    backupFailures.delete(vault)
    const bytes = readFileSync(file)
    return {
      fileName: `keywarden-backup-${new Date(now).toISOString().slice(0, 10)}.kwdb`,
      contentBase64: bytes.toString('base64'),
      entries: vault.list().length,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The audit log, newest first, filtered; `total` counts every match before the limit. */
export function auditList(vault: Vault, input: AuditListInput): AuditListResult {
  const all = vault.auditLog().list({ entryId: input.entryId, since: input.since })
  const matching = input.action ? all.filter((r) => r.action === input.action) : all
  const limit = input.limit ?? 500
  const names = new Map(vault.list().map((e) => [e.id, e.name]))
  const records = matching
    .slice(-limit)
    .reverse()
    .map((r) => ({ ...r, entryName: r.entryId === null ? null : (names.get(r.entryId) ?? null) }))
  return { records, total: matching.length }
}

export function auditVerify(vault: Vault): AuditVerifyResult {
  return vault.auditLog().verify()
}

/** An entry's `kw://` reference: by name, or by id when another entry has the same name. */
export function entryReference(vault: Vault, id: string): { reference: string } {
  const entry = vault.get(id)
  const lower = entry.name.toLowerCase()
  const shared = vault.list().filter((e) => e.name.toLowerCase() === lower).length > 1
  return { reference: formatReference(shared ? entry.id : entry.name, 'credential') }
}
