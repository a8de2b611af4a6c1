/**
 * `keywarden init|add|list|get|update|rotate|remove|passwd`: the vault from the command line.
 * Every command opens the vault, does one thing and closes it (also on error). Messages on
 * stderr come from typed errors whose text never contains a secret.
 */
import { Command, Option } from 'commander'
import {
  DAY_MS,
  ENTRY_STYLES,
  STYLE_RULES,
  credentialWarnings,
  type EntryStyle,
  type KeyScope,
} from '../providers'
// The vault itself (libsodium, SQLite) is imported when a command runs, not when the CLI
// starts: `--help` and `--version` need none of it. These three modules are light.
import type { Vault } from '../vault'
import { VaultError } from '../vault/errors'
import { defaultVaultPath } from '../vault/paths'
import { DEFAULT_KDF, type EntryInput, type EntryPatch, type EntrySummary } from '../vault/types'
import { entryTable, formatTime } from './entry-table'
import { CliError, PasswordSource, fromEnvOption, vaultOptions, type VaultOptions } from './io'

const HOUR_MS = 3_600_000

/** Flags describing an entry, shared by add and update. */
function entryOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'a name for the key')
    .option('--account <account>', 'account or user that owns the key')
    .addOption(new Option('--level <level>', 'Wellows key level').choices(['user', 'project']))
    .option('--project-id <id>', 'Wellows project id')
    .addOption(new Option('--api-type <type>', 'Similarweb API').choices(['rest', 'batch']))
    .option('--env <environment>', 'environment, e.g. production')
    .option('--tag <tag>', 'a tag (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--notes <text>', 'notes')
    .option('--base-url <url>', 'where "check now" validates the key')
    .option('--rotation-days <days>', 'rotation policy in days, or "none"')
    .option('--expires-in <duration>', 'e.g. 30d, 12h, 2w, or "never"')
    .option('--expires-at <date>', 'expiry as an ISO date, e.g. 2026-12-31')
    .addOption(
      new Option('--status <status>', 'key status').choices(['active', 'disabled', 'revoked']),
    )
}

/** Flags giving key material (an env variable keeps it out of the process list). */
function credentialOptions(cmd: Command): Command {
  return cmd
    .option(
      '--key <key>',
      'the API key (BlazeMeter: id:secret, or the id with --secret); visible in the process list, prefer --key-env',
    )
    .option('--key-env <name>', 'read the key from this environment variable')
    .option('--secret <secret>', 'the key secret (BlazeMeter)')
    .option('--secret-env <name>', 'read the key secret from this environment variable')
}

interface EntryFlags {
  name?: string
  account?: string
  level?: 'user' | 'project'
  projectId?: string
  apiType?: 'rest' | 'batch'
  env?: string
  tag?: string[]
  notes?: string
  baseUrl?: string
  rotationDays?: string
  expiresIn?: string
  expiresAt?: string
  status?: 'active' | 'disabled' | 'revoked'
}

interface CredentialFlags {
  key?: string
  keyEnv?: string
  secret?: string
  secretEnv?: string
}

/** Parse "30d", "12h", "2w" or "never" into milliseconds (null for never). */
export function parseDuration(text: string): number | null {
  if (text === 'never' || text === 'none') return null
  const m = /^(\d{1,5})([hdw])$/.exec(text.trim())
  if (!m) throw new CliError('A duration looks like 30d, 12h or 2w (or "never").')
  const n = Number(m[1])
  if (n === 0) throw new CliError('A duration must be more than zero.')
  return n * (m[2] === 'h' ? HOUR_MS : m[2] === 'd' ? DAY_MS : 7 * DAY_MS)
}

/** The expiry the flags ask for: undefined when none was given. */
function expiryFrom(flags: EntryFlags, from: number): number | null | undefined {
  if (flags.expiresIn !== undefined && flags.expiresAt !== undefined)
    throw new CliError('Give the expiry one way: --expires-in or --expires-at.')
  if (flags.expiresIn !== undefined) {
    const ms = parseDuration(flags.expiresIn)
    return ms === null ? null : from + ms
  }
  if (flags.expiresAt !== undefined) {
    if (flags.expiresAt === 'never') return null
    const t = Date.parse(flags.expiresAt)
    if (Number.isNaN(t)) throw new CliError('--expires-at takes a date like 2026-12-31.')
    return t
  }
  return undefined
}

function wholeNumber(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new CliError(`${what} must be a whole number.`)
  return Number(text)
}

function rotationFrom(flags: EntryFlags): number | null | undefined {
  if (flags.rotationDays === undefined) return undefined
  if (flags.rotationDays === 'none') return null
  return wholeNumber(flags.rotationDays, '--rotation-days')
}

/** Scope flags merged over an existing scope. */
function scopeFrom(flags: EntryFlags, base: KeyScope = {}): KeyScope | undefined {
  if (
    flags.account === undefined &&
    flags.level === undefined &&
    flags.projectId === undefined &&
    flags.apiType === undefined
  )
    return undefined
  const scope: KeyScope = { ...base }
  if (flags.account !== undefined) scope.account = flags.account
  if (flags.level !== undefined) scope.level = flags.level
  if (flags.projectId !== undefined)
    scope.projectId =
      flags.projectId === 'none' ? null : wholeNumber(flags.projectId, '--project-id')
  if (flags.apiType !== undefined) scope.apiType = flags.apiType
  return scope
}

function fromFlagOrEnv(
  value: string | undefined,
  env: string | undefined,
  what: 'key' | 'secret',
): string | undefined {
  if (value !== undefined && env !== undefined)
    throw new CliError(`Give the ${what} one way: --${what} or --${what}-env.`)
  if (env === undefined) return value
  return fromEnvOption(`--${what}-env`, env)
}

function credentialFrom(flags: CredentialFlags): { key: string; secret?: string } {
  const key = fromFlagOrEnv(flags.key, flags.keyEnv, 'key')
  if (key === undefined) throw new CliError('Give the key with --key or --key-env.')
  const secret = fromFlagOrEnv(flags.secret, flags.secretEnv, 'secret')
  return secret === undefined ? { key } : { key, secret }
}

/** Say on stderr, without refusing, when a key lacks its provider's usual shape. */
function warnAboutShape(style: EntryStyle, credential: { key: string; secret?: string }): void {
  for (const warning of credentialWarnings(style, credential))
    process.stderr.write(`warning: ${warning}\n`)
}

/** The Vault class, loaded on first use. */
async function vaultClass(): Promise<typeof Vault> {
  return (await import('../vault')).Vault
}

/**
 * Open the vault named by the flags (default location when none). No reading ahead: the command
 * unlocks at once, and records read during the key derivation would only add to its peak memory
 * (Argon2id's 64 MiB is resident then); they are read once the derivation has let go of it.
 */
async function openVault(opts: VaultOptions): Promise<Vault> {
  return (await vaultClass()).open(opts.vault ?? defaultVaultPath(), { readAhead: false })
}

/** Open, unlock, run, and always close; vault errors become clean CLI errors. */
async function withVault<T>(opts: VaultOptions, fn: (vault: Vault) => T | Promise<T>): Promise<T> {
  return cliErrors(async () => {
    const passwords = new PasswordSource(opts)
    const vault = await openVault(opts)
    try {
      await vault.unlock(await passwords.current(), { acceptOlder: opts.acceptOlder === true })
      // One derivation per command: hand Argon2id's 64 MiB back before the command's own work.
      await (await import('../vault')).releaseKdfWorker()
      return await fn(vault)
    } finally {
      vault.close()
    }
  })
}

async function cliErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof VaultError) throw new CliError(error.message)
    throw error
  }
}

/** An entry by id, or by its name when exactly one entry has it (case-insensitive). */
function resolveEntry(vault: Vault, ref: string): EntrySummary {
  const all = vault.list()
  const byId = all.find((e) => e.id === ref)
  if (byId) return byId
  const named = all.filter((e) => e.name.toLowerCase() === ref.toLowerCase())
  if (named.length === 1) return named[0]
  // The reference is not repeated: it may be a key typed where the entry's name belongs.
  if (named.length > 1)
    throw new CliError(`${named.length} entries have that name; use the id (keywarden list).`)
  const damaged = vault.damaged().find((d) => d.id === ref)
  if (damaged) throw new CliError(`That entry is damaged: ${damaged.reason}`)
  throw new CliError('No entry has that id or name (keywarden list shows them).')
}

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

function printDetail(vault: Vault, id: string): void {
  const e = vault.get(id)
  const scope = Object.entries(e.scope)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
  const lines: [string, string][] = [
    ['id', e.id],
    ['name', e.name],
    ['provider', STYLE_RULES[e.style].displayName],
    ['key', e.keyMask + (e.hasSecret ? ' (+ secret)' : '')],
    ['status', e.status],
    ['scope', scope || '-'],
    ['environment', e.environment || '-'],
    ['tags', e.tags.join(', ') || '-'],
    ['expires', formatTime(e.expiresAt)],
    ['last rotated', formatTime(e.lastRotatedAt)],
    ['rotation policy', e.rotationPolicyDays === null ? '-' : `${e.rotationPolicyDays} days`],
    ['base URL', e.baseUrl ?? '-'],
    ['origin', e.origin],
    ['history', `${e.historyCount} previous key(s)`],
    [
      'last check',
      e.lastCheck ? `${e.lastCheck.status} at ${new Date(e.lastCheck.at).toISOString()}` : '-',
    ],
    ['notes', e.notes || '-'],
  ]
  process.stdout.write(lines.map(([k, v]) => `${(k + ':').padEnd(17)}${v}`).join('\n') + '\n')
}

/** Register the vault commands on the program. */
export function registerVaultCommands(program: Command): void {
  vaultOptions(program.command('init'))
    .description('create a new vault')
    .option('--kdf-ops <n>', `Argon2id passes (default ${DEFAULT_KDF.opsLimit})`)
    .option(
      '--kdf-mem-mib <n>',
      `Argon2id memory in MiB (default ${DEFAULT_KDF.memLimitBytes / 1024 ** 2})`,
    )
    .action(async (opts: VaultOptions & { kdfOps?: string; kdfMemMib?: string }) => {
      await cliErrors(async () => {
        const path = opts.vault ?? defaultVaultPath()
        const kdf = {
          opsLimit:
            opts.kdfOps === undefined
              ? DEFAULT_KDF.opsLimit
              : wholeNumber(opts.kdfOps, '--kdf-ops'),
          memLimitBytes:
            opts.kdfMemMib === undefined
              ? DEFAULT_KDF.memLimitBytes
              : wholeNumber(opts.kdfMemMib, '--kdf-mem-mib') * 1024 ** 2,
        }
        const passwords = new PasswordSource(opts)
        const password =
          opts.passwordEnv !== undefined
            ? await passwords.current()
            : await passwords.fresh(undefined, 'Master password')
        const vault = await (await vaultClass()).create(path, password, { kdf })
        vault.close()
        process.stdout.write(`Created a vault at ${path}\n`)
      })
    })

  credentialOptions(entryOptions(vaultOptions(program.command('add'))))
    .description('add a key to the vault')
    .addOption(
      new Option('--style <style>', 'provider style')
        .choices([...ENTRY_STYLES])
        .makeOptionMandatory(),
    )
    .option('--json', 'print the new entry as JSON')
    .action(
      async (
        opts: VaultOptions &
          EntryFlags &
          CredentialFlags & { style: EntryInput['style']; json?: boolean },
      ) => {
        if (opts.name === undefined) throw new CliError('Give the entry a name with --name.')
        const credential = credentialFrom(opts)
        await withVault(opts, (vault) => {
          const now = Date.now()
          const input: EntryInput = { style: opts.style, name: opts.name as string, credential }
          const scope = scopeFrom(opts)
          if (scope) input.scope = scope
          if (opts.env !== undefined) input.environment = opts.env
          if (opts.tag) input.tags = opts.tag
          if (opts.notes !== undefined) input.notes = opts.notes
          if (opts.baseUrl !== undefined) input.baseUrl = opts.baseUrl
          if (opts.status !== undefined) input.status = opts.status
          const expiresAt = expiryFrom(opts, now)
          if (expiresAt !== undefined) input.expiresAt = expiresAt
          const rotation = rotationFrom(opts)
          if (rotation !== undefined) input.rotationPolicyDays = rotation
          input.lastRotatedAt = now
          const e = vault.add(input)
          warnAboutShape(opts.style, credential)
          if (opts.json) printJson(vault.get(e.id))
          else process.stdout.write(`Added ${e.id}\n`)
        })
      },
    )

  vaultOptions(program.command('list'))
    .description('list the entries (no secrets)')
    .option('--search <text>', 'only entries whose name, notes, tags or provider contain this')
    .option('--json', 'machine-readable output')
    .action(async (opts: VaultOptions & { search?: string; json?: boolean }) => {
      await withVault(opts, (vault) => {
        const entries = opts.search !== undefined ? vault.search(opts.search) : vault.list()
        if (opts.json) printJson({ entries, damaged: vault.damaged() })
        else {
          process.stdout.write(entryTable(entries))
          for (const d of vault.damaged())
            process.stderr.write(`keywarden: entry ${d.id} cannot be opened: ${d.reason}\n`)
        }
      })
    })

  vaultOptions(program.command('get'))
    .description('show one entry; --field prints only the key or secret')
    .argument('<entry>', 'entry id or name')
    .option('--json', 'machine-readable output (masked key)')
    .addOption(
      new Option(
        '--field <field>',
        'print only this field: key, or secret (the BlazeMeter secret; the key for single-key styles)',
      ).choices(['key', 'secret']),
    )
    .action(
      async (ref: string, opts: VaultOptions & { json?: boolean; field?: 'key' | 'secret' }) => {
        await withVault(opts, (vault) => {
          const e = resolveEntry(vault, ref)
          if (opts.field !== undefined) {
            const field = opts.field === 'secret' && !e.hasSecret ? 'key' : opts.field
            process.stdout.write(vault.reveal(e.id, field, { as: 'get' }) + '\n')
          } else if (opts.json) printJson({ ...vault.get(e.id), history: vault.history(e.id) })
          else printDetail(vault, e.id)
        })
      },
    )

  entryOptions(vaultOptions(program.command('update')))
    .description('change an entry (not its key: use rotate)')
    .argument('<entry>', 'entry id or name')
    .option('--json', 'print the entry as JSON')
    .action(async (ref: string, opts: VaultOptions & EntryFlags & { json?: boolean }) => {
      await withVault(opts, (vault) => {
        const e = resolveEntry(vault, ref)
        const patch: EntryPatch = {}
        if (opts.name !== undefined) patch.name = opts.name
        const scope = scopeFrom(opts, e.scope)
        if (scope) patch.scope = scope
        if (opts.env !== undefined) patch.environment = opts.env
        if (opts.tag) patch.tags = opts.tag
        if (opts.notes !== undefined) patch.notes = opts.notes
        if (opts.baseUrl !== undefined)
          patch.baseUrl = opts.baseUrl === 'none' ? null : opts.baseUrl
        if (opts.status !== undefined) patch.status = opts.status
        // A relative expiry counts from when the current key was issued, as providers do.
        const expiresAt = expiryFrom(
          opts,
          opts.expiresIn !== undefined ? e.lastRotatedAt : Date.now(),
        )
        if (expiresAt !== undefined) patch.expiresAt = expiresAt
        const rotation = rotationFrom(opts)
        if (rotation !== undefined) patch.rotationPolicyDays = rotation
        if (Object.keys(patch).length === 0)
          throw new CliError('Nothing to change: give at least one flag.')
        const u = vault.update(e.id, patch)
        if (opts.json) printJson(vault.get(u.id))
        else process.stdout.write(`Updated ${u.id}\n`)
      })
    })

  credentialOptions(vaultOptions(program.command('rotate')))
    .description("replace an entry's key; the previous one is kept in its history")
    .argument('<entry>', 'entry id or name')
    .option(
      '--expires-in <duration>',
      'expiry of the new key, e.g. 30d, or "never" (default: same lifetime)',
    )
    .option('--expires-at <date>', 'expiry of the new key as an ISO date')
    .action(async (ref: string, opts: VaultOptions & CredentialFlags & EntryFlags) => {
      const credential = credentialFrom(opts)
      await withVault(opts, (vault) => {
        const e = resolveEntry(vault, ref)
        const now = Date.now()
        const expiresAt = expiryFrom(opts, now)
        const r = vault.rotate(e.id, {
          credential,
          rotatedAt: now,
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        })
        warnAboutShape(e.style, credential)
        process.stdout.write(`Rotated ${r.id}; ${r.historyCount} previous key(s) kept\n`)
      })
    })

  vaultOptions(program.command('remove'))
    .description('delete an entry and its history')
    .argument('<entry>', 'entry id or name')
    .action(async (ref: string, opts: VaultOptions) => {
      await withVault(opts, (vault) => {
        const e = resolveEntry(vault, ref)
        vault.remove(e.id)
        process.stdout.write(`Removed ${e.id}\n`)
      })
    })

  vaultOptions(program.command('passwd'))
    .description('change the master password (re-wraps the vault key; entries untouched)')
    .option('--new-password-env <name>', 'read the new password from this environment variable')
    .action(async (opts: VaultOptions & { newPasswordEnv?: string }) => {
      await cliErrors(async () => {
        const passwords = new PasswordSource(opts)
        const vault = await openVault(opts)
        try {
          const current = await passwords.current('Current master password: ')
          const next = await passwords.fresh(opts.newPasswordEnv)
          await vault.changePassword(current, next)
          process.stdout.write('Changed the master password\n')
        } finally {
          vault.close()
        }
      })
    })
}
