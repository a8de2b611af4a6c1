/**
 * `keywarden audit [--json] [--entry E] [--since DATE] [--verify]`: the vault's audit log
 * (src-main/vault/audit.ts). Listing and verifying need the password: the chain is checked with
 * a key derived from the vault key. `--verify` exits 1 naming the first broken link.
 */
import { Command } from 'commander'
import type { Vault } from '../vault'
import type { AuditRecord, AuditVerification } from '../vault/audit'
// The vault (libsodium, SQLite) loads when the command runs, not when the CLI starts.
import { VaultError } from '../vault/errors'
import { defaultVaultPath } from '../vault/paths'
import { CliError, PasswordSource, vaultOptions, type PasswordOptions } from './io'

interface AuditOptions extends PasswordOptions {
  vault?: string
  acceptOlder?: boolean
  json?: boolean
  entry?: string
  since?: string
  verify?: boolean
}

/** Open and unlock the vault, run fn, always close; vault errors become CLI errors. */
async function withVault<T>(opts: AuditOptions, fn: (vault: Vault) => T): Promise<T> {
  const passwords = new PasswordSource(opts)
  try {
    const { Vault } = await import('../vault')
    const vault = Vault.open(opts.vault ?? defaultVaultPath(), { actor: 'cli' })
    try {
      await vault.unlock(await passwords.current(), { acceptOlder: opts.acceptOlder === true })
      return fn(vault)
    } finally {
      vault.close()
    }
  } catch (error) {
    if (error instanceof VaultError) throw new CliError(error.message)
    throw error
  }
}

/** A time from --since: an ISO date (2026-01-31) or date and time. */
export function parseSince(text: string): number {
  const t = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())
    ? Date.parse(text.trim())
    : NaN
  if (Number.isNaN(t))
    throw new CliError('--since takes a date like 2026-01-31, or a date and time (ISO 8601).')
  return t
}

/**
 * The entry id --entry means: an entry's id or its name (when exactly one has it), or the id of
 * an entry since removed that the log names. The text itself is never echoed: it may be a key.
 */
function entryIdOf(vault: Vault, ref: string): string {
  const all = vault.list()
  if (all.some((e) => e.id === ref)) return ref
  const named = all.filter((e) => e.name.toLowerCase() === ref.toLowerCase())
  if (named.length === 1) return named[0].id
  if (named.length > 1)
    throw new CliError(`${named.length} entries have that name; give the id (keywarden list).`)
  if (vault.auditLog().list({ entryId: ref }).length > 0) return ref
  throw new CliError('No entry has that id or name, and no record of the log names that id.')
}

function detailText(r: AuditRecord): string {
  const d = r.detail
  const parts: string[] = []
  if (d.field !== undefined)
    parts.push(
      d.history === undefined ? `field=${d.field}` : `field=${d.field} (history ${d.history})`,
    )
  if (d.command !== undefined) parts.push(`command=${d.command}`)
  if (d.format !== undefined) parts.push(`format=${d.format}`)
  if (d.count !== undefined) parts.push(`count=${d.count}`)
  if (d.version !== undefined) parts.push(`version=${d.version}`)
  if (d.recordedLocked) parts.push('(recorded while locked)')
  if (d.tailCut) parts.push('(the log had been cut before this)')
  return parts.join(' ')
}

function printTable(records: AuditRecord[], names: Map<string, string>): void {
  if (records.length === 0) {
    process.stdout.write('No records.\n')
    return
  }
  const rows = records.map((r) => [
    String(r.seq),
    new Date(r.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    `${r.actor}/${r.user}`,
    r.action,
    r.entryId === null
      ? '-'
      : `${r.entryId}${names.has(r.entryId) ? ` (${names.get(r.entryId)})` : ''}`,
    detailText(r),
  ])
  const head = ['#', 'TIME', 'WHO', 'ACTION', 'ENTRY', 'DETAIL']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  process.stdout.write([head, ...rows].map(line).join('\n') + '\n')
}

function brokenMessage(v: Extract<AuditVerification, { ok: false }>): string {
  return `the audit log is broken at record ${v.seq}: ${v.problem}`
}

function list(vault: Vault, opts: AuditOptions): void {
  const since = opts.since === undefined ? undefined : parseSince(opts.since)
  const entryId = opts.entry === undefined ? undefined : entryIdOf(vault, opts.entry)
  const log = vault.auditLog()
  const records = log.list({ entryId, since })
  const names = new Map(vault.list().map((e) => [e.id, e.name]))
  if (opts.json)
    process.stdout.write(
      JSON.stringify(
        records.map((r) => ({
          ...r,
          entryName: r.entryId === null ? null : (names.get(r.entryId) ?? null),
        })),
        null,
        2,
      ) + '\n',
    )
  else printTable(records, names)
  // Listing is no proof: say so when the chain does not hold (the exit code stays 0).
  const check = log.verify()
  if (!check.ok)
    process.stderr.write(`warning: ${brokenMessage(check)} (keywarden audit --verify)\n`)
}

function verify(vault: Vault, opts: AuditOptions): void {
  const result = vault.auditLog().verify()
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  if (!result.ok) throw new CliError(brokenMessage(result))
  if (!opts.json)
    process.stdout.write(`The audit log is intact: ${result.count} records, every link checked.\n`)
}

/** Register `keywarden audit`. */
export function registerAuditCommand(program: Command): void {
  vaultOptions(
    program
      .command('audit')
      .description('list the audit log of the vault, or verify its chain (--verify)'),
  )
    .option('--json', 'machine-readable output')
    .option('--entry <entry>', 'only the records of this entry (id or name)')
    .option('--since <date>', 'only records from this date or time on (ISO 8601)')
    .option('--verify', 'check every link of the chain; exit 1 naming the first broken one')
    .action(async (opts: AuditOptions) => {
      if (opts.verify && (opts.entry !== undefined || opts.since !== undefined))
        throw new CliError('--verify checks the whole log: it takes no --entry or --since.')
      if (opts.since !== undefined) parseSince(opts.since)
      await withVault(opts, (vault) => (opts.verify ? verify(vault, opts) : list(vault, opts)))
    })
}
