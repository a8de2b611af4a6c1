/**
 * The `keywarden` command line: vault commands, reminders and the headless key server.
 * Each group of commands lives in its own module and registers itself here.
 */
import { Command, CommanderError } from 'commander'
import { registerVaultCommands } from './vault-commands'
import { registerRemindersCommand } from './reminders-command'
import { registerKeyserverCommand } from './keyserver-command'
import { CliError } from './io'

export function buildProgram(): Command {
  const program = new Command()
    .name('keywarden')
    .description("A vault for developers' API keys")
    .exitOverride()
    .showHelpAfterError(false)
  registerVaultCommands(program)
  registerRemindersCommand(program)
  registerKeyserverCommand(program)
  return program
}

/** Run the CLI; resolves to the process exit code. Errors go to stderr, never with a secret. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (error instanceof CliError) {
      process.stderr.write(`keywarden: ${error.message}\n`)
      return error.exitCode
    }
    const message = error instanceof Error && 'code' in error ? error.message : 'unexpected error'
    process.stderr.write(`keywarden: ${message}\n`)
    return 1
  }
}
