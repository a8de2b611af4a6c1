/**
 * `keywarden import|backup|restore`: keys in from other tools' export files, and the vault out
 * to an encrypted backup and back. The heavy modules (vault, parsers) load when a command runs.
 */
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { ENTRY_STYLES, STYLE_RULES, type EntryStyle } from '../providers'
import type { Vault } from '../vault'
import { VaultError } from '../vault/errors'
import { defaultVaultPath } from '../vault/paths'
import type { EntryInput } from '../vault/types'
import { IMPORT_FORMATS, type ImportFormat } from '../transfer/types'
import type { ConflictMode, PlanRow } from '../transfer/plan'
import { CliError, PasswordSource, fromEnvOption, vaultOptions, type VaultOptions } from './io'

interface ImportOptions extends VaultOptions {
  format?: ImportFormat
  style?: EntryStyle
  dryRun?: boolean
  rename?: boolean
  replace?: boolean
  json?: boolean
}

/** Above this many records a terminal gets a progress bar while the entries are written. */
const PROGRESS_OVER = 1000

async function cliErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof VaultError) throw new CliError(error.message)
    throw error
  }
}

/** Open and unlock the vault the flags name, run `fn`, always close. */
async function withVault<T>(
  opts: VaultOptions,
  passwords: PasswordSource,
  fn: (vault: Vault, password: string) => T | Promise<T>,
): Promise<T> {
  return cliErrors(async () => {
    const { Vault } = await import('../vault')
    const vault = Vault.open(opts.vault ?? defaultVaultPath())
    try {
      const password = await passwords.current()
      await vault.unlock(password, { acceptOlder: opts.acceptOlder === true })
      return await fn(vault, password)
    } finally {
      vault.close()
    }
  })
}

function formatDay(t: number | null): string {
  return t === null ? '-' : new Date(t).toISOString().slice(0, 10)
}

function printRows(rows: PlanRow[]): void {
  const cells = rows.map((r) => [
    r.where,
    r.name,
    STYLE_RULES[r.style].displayName,
    formatDay(r.expiresAt),
    r.action,
    r.note,
  ])
  const head = ['WHERE', 'NAME', 'STYLE', 'EXPIRES', 'ACTION', 'NOTE']
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: string[]): string =>
    c
      .map((v, i) => v.replace(/\s+/g, ' ').padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  process.stdout.write([head, ...cells].map(line).join('\n') + '\n')
}

/** The rows without anything secret, for --json. */
function publicRows(rows: PlanRow[]): object[] {
  return rows.map((r) => ({
    where: r.where,
    name: r.name,
    style: r.style,
    expiresAt: r.expiresAt,
    action: r.action,
    note: r.note,
  }))
}

/** A bar on stderr, redrawn in place; only when stderr is a terminal. */
function progressBar(total: number): { update: (n: number) => void; done: () => void } | null {
  if (!process.stderr.isTTY || total <= PROGRESS_OVER) return null
  const draw = (n: number): void => {
    const width = 30
    const filled = Math.round((n / total) * width)
    process.stderr.write(
      `\rImporting [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${n}/${total}`,
    )
  }
  draw(0)
  return { update: draw, done: () => (draw(total), process.stderr.write('\n')) }
}

async function runImport(file: string, opts: ImportOptions): Promise<void> {
  if (opts.rename && opts.replace) throw new CliError('Give --rename or --replace, not both.')
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch {
    throw new CliError(`Cannot read ${file}.`)
  }
  const transfer = await import('../transfer')
  let parsed
  try {
    parsed = transfer.parseImport(bytes, opts.format)
  } catch (error) {
    if (error instanceof transfer.ImportFormatError)
      throw new CliError(`${error.message} Nothing was imported.`)
    throw error
  }
  const onConflict: ConflictMode = opts.rename ? 'rename' : opts.replace ? 'replace' : 'skip'
  await withVault(opts, new PasswordSource(opts), (vault) => {
    let rows: PlanRow[]
    try {
      rows = transfer.planImport(parsed.records, {
        existing: vault.list(),
        now: Date.now(),
        style: opts.style,
        onConflict,
        policy: vault.getSetting('accountPolicy') ?? {},
      })
    } catch (error) {
      if (error instanceof transfer.ImportRefusedError)
        throw new CliError(`${error.message} Nothing was imported.`)
      throw error
    }
    const adds = rows.filter((r) => r.action === 'add')
    const replaces = rows.filter((r) => r.action === 'replace')
    const skipped = rows.filter((r) => r.action === 'skip')
    if (opts.dryRun) {
      if (opts.json)
        process.stdout.write(
          JSON.stringify({ format: parsed.format, rows: publicRows(rows) }, null, 2) + '\n',
        )
      else {
        printRows(rows)
        process.stdout.write(
          `Dry run (${parsed.format}): ${adds.length} to add, ${replaces.length} to replace, ${skipped.length} skipped. Nothing was written.\n`,
        )
      }
      return
    }
    const bar = progressBar(adds.length)
    vault.importEntries(
      adds.map((r) => r.entry as EntryInput),
      replaces.map((r) => r.replace as NonNullable<PlanRow['replace']>),
      bar?.update,
    )
    bar?.done()
    if (opts.json)
      process.stdout.write(
        JSON.stringify({ format: parsed.format, rows: publicRows(rows) }, null, 2) + '\n',
      )
    else {
      if (skipped.length > 0) printRows(skipped)
      process.stdout.write(
        `Imported ${adds.length} entr${adds.length === 1 ? 'y' : 'ies'} from ${parsed.format}` +
          (replaces.length > 0 ? `, replaced the key of ${replaces.length}` : '') +
          `; ${skipped.length} skipped.\n`,
      )
    }
  })
}

/** Register import, backup and restore. */
export function registerTransferCommands(program: Command): void {
  vaultOptions(program.command('import'))
    .description('import keys from a .env, CSV, Bitwarden, 1Password or KeePass export')
    .argument('<file>', 'the export file')
    .addOption(
      new Option('--format <format>', 'the file format (default: guessed)').choices([
        ...IMPORT_FORMATS,
      ]),
    )
    .addOption(
      new Option('--style <style>', 'provider style of every key (default: guessed)').choices([
        ...ENTRY_STYLES,
      ]),
    )
    .option('--dry-run', 'show what would be imported, write nothing')
    .option('--rename', 'import a record whose name is taken under a free name ("name (2)")')
    .option('--replace', 'rotate the key of the entry with the same name to the imported one')
    .option('--json', 'machine-readable output (no secrets)')
    .action(async (file: string, opts: ImportOptions) => runImport(file, opts))

  vaultOptions(program.command('backup'))
    .description(
      "write an encrypted backup of the vault, in the vault's format, under its own password",
    )
    .argument('<file>', 'where to write the backup')
    .option(
      '--backup-password-env <name>',
      "read the backup's password from this environment variable",
    )
    .option('--force', 'replace an existing file')
    .action(
      async (
        file: string,
        opts: VaultOptions & { backupPasswordEnv?: string; force?: boolean },
      ) => {
        const passwords = new PasswordSource(opts)
        await withVault(opts, passwords, async (vault, current) => {
          const backup =
            opts.backupPasswordEnv !== undefined
              ? fromEnvOption('--backup-password-env', opts.backupPasswordEnv)
              : await passwords.fresh(undefined, 'Backup password')
          const { writeBackup } = await import('../vault/backup')
          await writeBackup(vault, file, { current, backup }, { force: opts.force })
          process.stdout.write(
            `Wrote a backup of ${vault.list().length} entries to ${file} (it opens with the backup password).\n`,
          )
        })
      },
    )

  program
    .command('restore')
    .description('restore a backup into a new vault file')
    .argument('<file>', 'the backup file')
    .requiredOption('--vault <path>', 'the new vault file to create')
    .option(
      '--backup-password-env <name>',
      "read the backup's password from this environment variable",
    )
    .option('--password-stdin', "read the backup's password from standard input")
    .option(
      '--new-password-env <name>',
      'a new master password for the restored vault (default: the backup password)',
    )
    .option('--force', 'replace an existing file at --vault')
    .action(
      async (
        file: string,
        opts: {
          vault: string
          backupPasswordEnv?: string
          passwordStdin?: boolean
          newPasswordEnv?: string
          force?: boolean
        },
      ) => {
        await cliErrors(async () => {
          const passwords = new PasswordSource({
            passwordStdin: opts.passwordStdin,
            passwordEnv: undefined,
          })
          const backup =
            opts.backupPasswordEnv !== undefined
              ? fromEnvOption('--backup-password-env', opts.backupPasswordEnv)
              : await passwords.current('Backup password: ')
          const next =
            opts.newPasswordEnv !== undefined
              ? fromEnvOption('--new-password-env', opts.newPasswordEnv)
              : undefined
          const { restoreBackup } = await import('../vault/backup')
          const { entries } = await restoreBackup(
            file,
            opts.vault,
            { backup, next },
            { force: opts.force },
          )
          process.stdout.write(
            `Restored ${entries} entries into ${opts.vault}. On a computer that opened a newer state of this vault, open it with --accept-older.\n`,
          )
        })
      },
    )
}
