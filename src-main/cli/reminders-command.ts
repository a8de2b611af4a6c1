/**
 * `keywarden reminders`: what is due, while the vault is locked (no key named) or, given the
 * password, naming the keys; `--json` for machines, `--ics <file>` for a calendar feed, and
 * `--check <entry-id>` to validate one key against its provider now.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Command } from 'commander'
import { buildIcs } from '../reminders/ics'
import { buildReport, formatReport } from '../reminders/report'
import { namesOf } from '../reminders/scheduler'
import { readReminderSettings } from '../reminders/settings'
import { ReminderError } from '../reminders/errors'
import { checkNow } from '../reminders/validate'
// The vault (libsodium, SQLite) loads when the command runs, not when the CLI starts.
import { defaultVaultPath } from '../vault/paths'
import { CliError, PasswordSource } from './io'

interface RemindersOptions {
  json?: boolean
  ics?: string
  withNames?: boolean
  vault?: string
  passwordEnv?: string
  passwordStdin?: boolean
  check?: string
  unlock?: boolean
}

/**
 * The password if one was offered. Without --password-env, --password-stdin or --unlock the
 * command runs locked and never prompts, so it works unattended (cron, a login script).
 */
async function passwordFrom(opts: RemindersOptions): Promise<string | null> {
  const source = new PasswordSource(opts)
  if (opts.passwordEnv === undefined && !opts.passwordStdin && !opts.unlock) return null
  return source.current()
}

/** Write a file atomically with mode 0600 (a calendar with names says which keys exist). */
function writePrivate(path: string, text: string): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(tmp, text, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, path)
  } catch {
    rmSync(tmp, { force: true })
    throw new CliError(`Could not write the calendar to ${path}.`)
  }
}

async function run(opts: RemindersOptions): Promise<void> {
  if (opts.withNames && !opts.ics) throw new CliError('--with-names applies to --ics only.')
  const password = await passwordFrom(opts)
  if (opts.withNames && password === null)
    throw new CliError(
      '--with-names needs the vault password (--unlock, --password-env or --password-stdin).',
    )
  if (opts.check !== undefined && password === null)
    throw new CliError(
      '--check needs the vault password (--unlock, --password-env or --password-stdin).',
    )
  const { Vault } = await import('../vault')
  const vault = Vault.open(resolve(opts.vault ?? defaultVaultPath()))
  try {
    if (password !== null) await vault.unlock(password)
    const now = Date.now()
    const out = (text: string): void => {
      process.stdout.write(text)
    }
    if (opts.check !== undefined) {
      const result = await checkNow(vault, opts.check)
      out(
        opts.json
          ? `${JSON.stringify({ ...result, at: new Date(result.at).toISOString() })}\n`
          : `${result.status}: ${result.detail}\n`,
      )
      return
    }
    const settings = readReminderSettings(vault)
    if (opts.ics) {
      const names = opts.withNames ? namesOf(vault) : null
      const ics = buildIcs(vault.clearMetadata(), { now, settings, names })
      const file = resolve(opts.ics)
      writePrivate(file, ics)
      const events = ics.split('\r\nBEGIN:VEVENT').length - 1
      out(
        opts.json
          ? `${JSON.stringify({ ics: file, events, withNames: Boolean(opts.withNames) })}\n`
          : `Wrote ${events} event${events === 1 ? '' : 's'} to ${file}\n`,
      )
      return
    }
    const report = buildReport({
      entries: vault.clearMetadata(),
      rows: vault.reminderState(),
      settings,
      now,
      names: namesOf(vault),
    })
    out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
  } catch (error) {
    if (error instanceof ReminderError) throw new CliError(error.message)
    throw error
  } finally {
    vault.close()
  }
}

/** Register `keywarden reminders`. */
export function registerRemindersCommand(program: Command): void {
  program
    .command('reminders')
    .description('List expiry and rotation reminders (works while the vault is locked)')
    .option('--json', 'machine-readable output')
    .option('--ics <file>', 'write an iCalendar (.ics) file of expiry and rotation dates')
    .option('--with-names', 'put key names in the calendar (needs the password)')
    .option('--check <entry-id>', 'validate one key against its provider now (needs the password)')
    .option('--vault <path>', 'vault file (default: the per-user data folder)')
    .option('--password-env <name>', 'read the master password from this environment variable')
    .option('--password-stdin', 'read the master password from standard input')
    .option('--unlock', 'ask for the master password on the terminal to name the keys')
    .action(async (opts: RemindersOptions) => run(opts))
}
