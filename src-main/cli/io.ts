import type { Command } from 'commander'
/** Shared CLI plumbing: secret-free errors, and reading passwords without echoing them. */

/** An error whose message is safe to print as is (it never contains a secret). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Read all of standard input as text. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Ask for a password on the terminal without echoing it. Reads raw key presses from the TTY;
 * Ctrl-C cancels, backspace edits. Refuses when there is no terminal (scripts use
 * --password-stdin or --password-env).
 */
export function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin
  if (!input.isTTY)
    return Promise.reject(
      new CliError(
        'No terminal to ask for the password on: use --password-stdin or --password-env NAME.',
      ),
    )
  process.stderr.write(prompt)
  input.setRawMode(true)
  input.setEncoding('utf8')
  input.resume()
  return new Promise((resolve, reject) => {
    let value = ''
    const finish = (): void => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      process.stderr.write('\n')
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish()
          resolve(value)
          return
        }
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) {
          finish()
          reject(new CliError('Cancelled.', 130))
          return
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (ch >= ' ') value += ch
      }
    }
    input.on('data', onData)
  })
}

/** Where a command's passwords come from: --password-env, --password-stdin or the terminal. */
export interface PasswordOptions {
  passwordStdin?: boolean
  passwordEnv?: string
}

/**
 * Hands out the passwords a command needs, in order. With --password-stdin, standard input
 * holds one per line (for `passwd`: the current one, then the new one).
 */
export class PasswordSource {
  private lines: string[] | null = null

  constructor(private readonly opts: PasswordOptions) {
    if (opts.passwordStdin && opts.passwordEnv !== undefined)
      throw new CliError('Give the password one way: --password-stdin or --password-env NAME.')
  }

  /** The next password from stdin, or null when stdin is not the source. */
  private async fromStdin(): Promise<string | null> {
    if (!this.opts.passwordStdin) return null
    if (this.lines === null) this.lines = (await readAllStdin()).split(/\r?\n/)
    const line = this.lines.shift()
    if (line === undefined || line === '')
      throw new CliError('Not enough passwords on standard input (one per line).')
    return line
  }

  /** The current password. */
  async current(prompt = 'Master password: '): Promise<string> {
    if (this.opts.passwordEnv !== undefined)
      return fromEnvOption('--password-env', this.opts.passwordEnv)
    return (await this.fromStdin()) ?? promptHidden(prompt)
  }

  /** A new password: from `envName`, the next stdin line, or prompted twice to confirm. */
  async fresh(envName: string | undefined, label = 'New master password'): Promise<string> {
    if (envName !== undefined) return fromEnvOption('--new-password-env', envName)
    const line = await this.fromStdin()
    if (line !== null) return line
    const first = await promptHidden(`${label}: `)
    const second = await promptHidden(`${label} again: `)
    if (first !== second) throw new CliError('The two passwords differ; nothing was changed.')
    return first
  }
}

/** What an environment variable's name looks like (POSIX: letters, digits and _). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

/**
 * The value of the environment variable an option names (`--key-env NAME`). Errors name the
 * option, never the variable: a key pasted where its variable's name belongs would be printed.
 */
export function fromEnvOption(option: string, name: string): string {
  if (!ENV_NAME.test(name))
    throw new CliError(
      `${option} takes the name of an environment variable (letters, digits and _), not the value itself.`,
    )
  const value = process.env[name]
  if (value === undefined || value === '')
    throw new CliError(
      `${option} names an environment variable that is not set or is empty (it takes the variable's name, e.g. ${option} MY_VAR).`,
    )
  return value
}

/** The flags every command that opens the vault takes. */
export interface VaultOptions extends PasswordOptions {
  vault?: string
  acceptOlder?: boolean
}

/** Add the flags every command that opens the vault takes. */
export function vaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault <path>', 'vault file (default: the per-user data folder)')
    .option('--password-stdin', 'read the password from standard input (one per line)')
    .option('--password-env <name>', 'read the password from this environment variable')
    .option(
      '--accept-older',
      'open a vault older than the one last opened on this computer (after restoring a backup)',
    )
}
