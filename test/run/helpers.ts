/** Shared fixtures for the run/inject/export tests: a real vault file and real CLI processes. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI_BIN } from '../helpers/node-entry'

export const PASSWORD = 'run test password'
export const UP_KEY = 'uspl_RunSecretKey0123456789abcdefghijklmnop'
export const WPT_KEY = 'A.0123456789abcdef0123456789abcdef'
export const BM_ID = 'c'.repeat(24)
export const BM_SECRET = 'd'.repeat(72)

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Fixture {
  dir: string
  vault: string
  /** Options every vault command gets. */
  auth: string[]
  env: Record<string, string>
  cleanup(): void
}

export function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'kw-run-'))
  const vault = join(dir, 'run.kwdb')
  return {
    dir,
    vault,
    auth: ['--vault', vault, '--password-env', 'KW_PASS'],
    // The last-seen record goes to the temp folder, never to the user's config.
    env: { KW_PASS: PASSWORD, KEYWARDEN_CONFIG_DIR: dir },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Start `keywarden …` as a child process with piped stdio. */
export function startCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
): ChildProcess {
  return spawn(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd,
  })
}

/** Wait for a started CLI process and collect its output. */
export function finished(child: ChildProcess, input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    child.stdin?.end(input)
  })
}

/** Run `keywarden …` to the end. */
export function cli(
  args: string[],
  env: Record<string, string | undefined>,
  input = '',
): Promise<CliResult> {
  return finished(startCli(args, env), input)
}

/**
 * These tests drive POSIX shells and signals (sh -c, SIGTERM to a process, 128+N exit codes);
 * on Windows, where none of that exists in this form, they are skipped.
 */
export const POSIX = process.platform !== 'win32'
