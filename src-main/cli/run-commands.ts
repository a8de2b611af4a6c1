/**
 * `keywarden run | inject | export`: the vault brought to shells, templates and .env files
 * through `kw://` references (src-main/run). The work is loaded when a command runs, so the
 * CLI starts as fast as before.
 */
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import type { ReferenceSource, Wanted } from '../run/resolve'
import type { Vault } from '../vault'
import { VaultError } from '../vault/errors'
import { defaultVaultPath } from '../vault/paths'
import { CliError, PasswordSource, readAllStdin, vaultOptions, type VaultOptions } from './io'

const collect = (v: string, acc: string[] = []): string[] => [...acc, v]

/** Errors of run/ and the vault, as CLI errors (their messages never hold a secret). */
async function cliErrors<T>(fn: () => Promise<T>): Promise<T> {
  const { RunError } = await import('../run/errors')
  try {
    return await fn()
  } catch (error) {
    if (error instanceof RunError) throw new CliError(error.message, error.exitCode)
    if (error instanceof VaultError) throw new CliError(error.message)
    throw error
  }
}

/**
 * Open and unlock the vault, run fn, close (which zeroes the vault key). `why` says in errors
 * what the vault was opened for (the variables or lines and their references).
 */
async function withVault<T>(
  flags: VaultOptions,
  why: string,
  fn: (vault: Vault) => T | Promise<T>,
): Promise<T> {
  const passwords = new PasswordSource(flags)
  const { Vault } = await import('../vault')
  let vault: Vault
  try {
    vault = Vault.open(flags.vault ?? defaultVaultPath())
    await vault.unlock(await passwords.current(), { acceptOlder: flags.acceptOlder === true })
  } catch (error) {
    if (error instanceof VaultError || error instanceof CliError)
      throw new CliError(
        `cannot open the vault${why}: ${error.message}`,
        error instanceof CliError ? error.exitCode : 1,
      )
    throw error
  }
  try {
    return await fn(vault)
  } finally {
    vault.close()
  }
}

/** " to resolve A (kw://a/key), B (kw://b/key)", kept short. */
function purpose(wanted: readonly Wanted[]): string {
  const shown = wanted.slice(0, 3).map((w) => `${w.where} (${w.reference})`)
  const more = wanted.length > 3 ? ` and ${wanted.length - 3} more` : ''
  return ` to resolve ${shown.join(', ')}${more}`
}

/** Exit with the child's code once what we wrote has been handed to the OS. */
async function exitWith(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()))
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()))
  process.exit(code)
}

interface RunFlags extends VaultOptions {
  envFile?: string[]
  masking: boolean
  allowExpired?: boolean
  issue?: string[]
  keyserver?: string
}

/** Register run, inject and export. */
export function registerRunCommands(program: Command): void {
  vaultOptions(program.command('run'))
    .description('run a command with kw:// references in its environment resolved')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command and its arguments (after --)')
    .option(
      '--env-file <file>',
      'read variables from a .env file (repeatable; later wins)',
      collect,
    )
    .option('--no-masking', "don't conceal resolved secrets in the command's output")
    .option('--allow-expired', 'also use expired, revoked or disabled keys')
    .option(
      '--issue <VAR=STYLE[:TTL]>',
      'issue a key for this run only, e.g. WPT_KEY=webpagetest:1h (repeatable)',
      collect,
    )
    .option('--keyserver <url>', 'key server for --issue (token in KEYWARDEN_ADMIN_TOKEN)')
    .action(async (argv: string[], flags: RunFlags) => {
      const code = await cliErrors(async () => {
        const { runWithReferences } = await import('../run/run-command')
        const summary = await runWithReferences(
          {
            command: argv[0],
            args: argv.slice(1),
            envFiles: flags.envFile ?? [],
            masking: flags.masking,
            allowExpired: flags.allowExpired === true,
            issue: flags.issue ?? [],
            keyserver: flags.keyserver,
          },
          (fn, wanted) => withVault(flags, purpose(wanted), (vault) => fn(vault)),
        )
        return summary.exitCode
      })
      await exitWith(code)
    })

  vaultOptions(program.command('inject'))
    .description('fill {{ kw://entry/field }} placeholders in a template')
    .requiredOption('-i, --in <template>', 'the template file ("-" for standard input)')
    .option('-o, --out <file>', 'write here with mode 0600 (default: standard output)')
    .option('--allow-expired', 'also use expired, revoked or disabled keys')
    .action(async (flags: VaultOptions & { in: string; out?: string; allowExpired?: boolean }) => {
      await cliErrors(async () => {
        if (flags.in === '-' && flags.passwordStdin)
          throw new CliError(
            'Give the template as a file when the password comes on standard input.',
          )
        const template = flags.in === '-' ? await readAllStdin() : readTemplate(flags.in)
        const { templateReferences, fillTemplate } = await import('../run/inject')
        const { resolveReferences } = await import('../run/resolve')
        const wanted = templateReferences(template)
        const values =
          wanted.length === 0
            ? []
            : await withVault(flags, purpose(wanted), (vault) =>
                resolveReferences(vault as ReferenceSource, wanted, {
                  allowExpired: flags.allowExpired === true,
                  use: { as: 'inject' },
                }).map((r) => r.value),
              )
        const filled = fillTemplate(template, values)
        if (flags.out === undefined) process.stdout.write(filled)
        else (await import('../run/secret-file')).writeSecretFile(flags.out, filled)
      })
    })

  vaultOptions(program.command('export'))
    .description('write entries as NAME=value lines (dotenv) or NAME=kw://… references')
    .addOption(
      new Option('--format <format>', 'dotenv (the keys) or references (safe to commit)')
        .choices(['dotenv', 'references'])
        .makeOptionMandatory(),
    )
    .option('--entry <entry>', 'only this entry, by id or name (repeatable)', collect)
    .option('-o, --out <file>', 'write here with mode 0600 (default: standard output)')
    .action(
      async (
        flags: VaultOptions & { format: 'dotenv' | 'references'; entry?: string[]; out?: string },
      ) => {
        await cliErrors(async () => {
          const { exportLines, selectEntries } = await import('../run/export')
          const { credentialOf } = await import('../run/resolve')
          const text = await withVault(flags, '', (vault) => {
            const all = vault.list()
            const chosen = selectEntries(all, flags.entry ?? [])
            const source: ReferenceSource = vault
            const lines = exportLines(chosen, all, flags.format, (e) =>
              credentialOf(source, e, { as: 'export' }),
            )
            // A references file reveals nothing, so the vault would not log it by itself.
            if (flags.format === 'references')
              vault.audit({
                action: 'export',
                entryIds: chosen.map((e) => e.id),
                format: 'references',
              })
            return lines
          })
          if (flags.out === undefined) process.stdout.write(text)
          else (await import('../run/secret-file')).writeSecretFile(flags.out, text)
          if (flags.format === 'dotenv')
            process.stderr.write(
              `keywarden: warning: ${flags.out ?? 'the output'} holds API keys in clear text; keep it out of version control and delete it when done.\n`,
            )
        })
      },
    )
}

function readTemplate(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(
      code === 'ENOENT' ? `${path}: no such file.` : `${path}: cannot be read (${code}).`,
    )
  }
}
