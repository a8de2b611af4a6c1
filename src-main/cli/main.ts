/**
 * The `keywarden` command line: vault commands, reminders and the headless key server.
 * Each group of commands lives in its own module and registers itself here.
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { registerVaultCommands } from './vault-commands'
import { registerRemindersCommand } from './reminders-command'
import { registerKeyserverCommand } from './keyserver-command'
import { registerRunCommands } from './run-commands'
import { registerTransferCommands } from './transfer-commands'
import { registerAuditCommand } from './audit-command'
import { CliError } from './io'
import { argumentValues, commanderMessage, redact } from './safe-errors'

/**
 * The version in package.json. The path is the same from this source file and from its compiled
 * copy (dist-node/cli/main.mjs): both sit two folders below the project root.
 */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('keywarden')
    .description("A vault for developers' API keys")
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError(false)
    // Commander quotes option values in its errors; runCli prints its own wording instead.
    // Set before the subcommands are added so that each of them inherits it.
    .configureOutput({ outputError: () => undefined })
  registerVaultCommands(program)
  registerRemindersCommand(program)
  registerKeyserverCommand(program)
  registerRunCommands(program)
  registerTransferCommands(program)
  registerAuditCommand(program)
  return program
}

/** Exit codes of commander's non-errors: help and version requested on purpose. */
const COMMANDER_NON_ERRORS = new Set([
  'commander.help',
  'commander.helpDisplayed',
  'commander.version',
])

/**
 * Run the CLI; resolves to the process exit code. Errors go to stderr, never with a secret:
 * every message is written not to quote a value, and any command-line value that still reaches
 * one is replaced before printing.
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram()
  const fail = (message: string, code: number): number => {
    const safe = redact(message, argumentValues(argv.slice(2), program))
    process.stderr.write(`keywarden: ${safe}\n`)
    return code
  }
  try {
    await program.parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      if (COMMANDER_NON_ERRORS.has(error.code)) return error.exitCode
      return fail(commanderMessage(error, program), error.exitCode || 1)
    }
    if (error instanceof CliError) return fail(error.message, error.exitCode)
    const message = error instanceof Error && 'code' in error ? error.message : 'unexpected error'
    return fail(message, 1)
  }
}
