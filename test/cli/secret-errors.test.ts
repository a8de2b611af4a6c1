/**
 * Every error path of the CLI, run as the real `keywarden` process with a secret-looking value
 * in the argument that goes wrong: the value never reaches stdout or stderr, the exit code is
 * non-zero, and the message names the option (or says what was expected).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))
const PASSWORD = 'secret errors test password'
/** Looks like a key and also like an environment variable's name (letters, digits, _). */
const SECRET = 'sk_live_Q7xSECRETz9_4f1e2d3c'
/** Looks like a WebPageTest key: not a variable name at all. */
const SECRET_WPT = 'A.9f86d081884c7d659a2feaa0c55ad015'
const GOOD_KEY = 'gen_0123456789abcdefghij'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, KW_PASS: PASSWORD, KW_KEY: GOOD_KEY, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end('')
  })
}

let dir: string
let vault: string
let auth: string[]
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-cli-errors-'))
  vault = join(dir, 'v.kwdb')
  auth = ['--vault', vault, '--password-env', 'KW_PASS']
  const init = await run(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])
  expect(init.code).toBe(0)
  const add = await run([
    'add',
    ...auth,
    '--style',
    'generic',
    '--name',
    'ci',
    '--key-env',
    'KW_KEY',
  ])
  expect(add.code).toBe(0)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Case {
  name: string
  args: (s: string) => string[]
  /** What the message must say (it names the option or the expectation). */
  says: RegExp
  secret?: string
}

const add = (...rest: string[]): string[] => ['add', ...auth, '--style', 'generic', ...rest]

const CASES: Case[] = [
  {
    name: 'unknown --flag=value',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', `--token=${s}`),
    says: /Unknown option --token/,
  },
  {
    name: 'unknown option that is the secret',
    args: (s) => ['list', `-${s}`],
    says: /Unknown option/,
  },
  { name: 'unknown command', args: (s) => [s, '--vault', vault], says: /Unknown command.*add/ },
  {
    name: 'excess argument',
    args: (s) => ['list', ...auth, s],
    says: /too many arguments for 'list'/,
  },
  {
    name: 'excess argument after an entry',
    args: (s) => ['get', 'ci', s, ...auth],
    says: /too many arguments for 'get'/,
  },
  {
    name: 'choice: --style',
    args: (s) => ['add', ...auth, '--style', s, '--name', 'n', '--key-env', 'KW_KEY'],
    says: /--style takes one of: webpagetest/,
  },
  {
    name: 'choice: --level',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', '--level', s),
    says: /--level takes one of: user, project/,
  },
  {
    name: 'choice: --api-type',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', '--api-type', s),
    says: /--api-type takes one of: rest, batch/,
  },
  { name: 'choice: --field', args: (s) => ['get', 'ci', ...auth, '--field', s], says: /--field/ },
  {
    name: 'choice: --status',
    args: (s) => ['update', 'ci', ...auth, '--status', s],
    says: /--status/,
  },
  {
    name: '--key-env given the key itself (looks like a name)',
    args: (s) => add('--name', 'n', '--key-env', s),
    says: /--key-env names an environment variable that is not set/,
  },
  {
    name: '--key-env given the key itself (not a name)',
    args: (s) => add('--name', 'n', '--key-env', s),
    says: /--key-env takes the name of an environment variable/,
    secret: SECRET_WPT,
  },
  {
    name: '--secret-env given the secret',
    args: (s) => [
      'add',
      ...auth,
      '--style',
      'blazemeter',
      '--name',
      'n',
      '--key',
      'a'.repeat(24),
      '--secret-env',
      s,
    ],
    says: /--secret-env/,
  },
  {
    name: '--password-env given the password',
    args: (s) => ['list', '--vault', vault, '--password-env', s],
    says: /--password-env/,
  },
  {
    name: '--new-password-env given the password',
    args: (s) => ['passwd', ...auth, '--new-password-env', s],
    says: /--new-password-env/,
  },
  {
    name: '--expires-in',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', '--expires-in', s),
    says: /duration looks like 30d/,
  },
  {
    name: '--expires-at',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', '--expires-at', s),
    says: /--expires-at takes a date/,
  },
  {
    name: '--rotation-days',
    args: (s) => add('--name', 'n', '--key-env', 'KW_KEY', '--rotation-days', s),
    says: /--rotation-days must be a whole number/,
  },
  {
    name: '--project-id',
    args: (s) => [
      'add',
      ...auth,
      '--style',
      'wellows',
      '--name',
      'n',
      '--key-env',
      'KW_KEY',
      '--level',
      'project',
      '--project-id',
      s,
    ],
    says: /--project-id must be a whole number/,
  },
  {
    name: '--kdf-ops',
    args: (s) => [
      'init',
      '--vault',
      join(dir, 'new1'),
      '--password-env',
      'KW_PASS',
      '--kdf-ops',
      s,
    ],
    says: /--kdf-ops must be a whole number/,
  },
  {
    name: '--kdf-mem-mib',
    args: (s) => [
      'init',
      '--vault',
      join(dir, 'new2'),
      '--password-env',
      'KW_PASS',
      '--kdf-mem-mib',
      s,
    ],
    says: /--kdf-mem-mib must be a whole number/,
  },
  {
    name: 'get: no such entry',
    args: (s) => ['get', s, ...auth],
    says: /No entry has that id or name/,
  },
  {
    name: 'rotate: no such entry',
    args: (s) => ['rotate', s, ...auth, '--key-env', 'KW_KEY'],
    says: /No entry has that id or name/,
  },
  { name: 'remove: no such entry', args: (s) => ['remove', s, ...auth], says: /No entry/ },
  {
    name: '--vault names no vault',
    args: (s) => ['list', '--vault', join(dir, s), '--password-env', 'KW_PASS'],
    says: /Cannot open/,
  },
  {
    name: 'init over an existing file',
    args: (s) => ['init', '--vault', join(dir, s), '--password-env', 'KW_PASS'],
    says: /already exists/,
    secret: 'v.kwdb',
  },
  {
    name: '--key that breaks a provider rule',
    args: (s) => ['add', ...auth, '--style', 'userplane', '--name', 'n', '--key', s],
    says: /Userplane API key starts with "uspl_"/,
  },
  {
    name: '--key and --key-env together',
    args: (s) => add('--name', 'n', '--key', s, '--key-env', 'KW_KEY'),
    says: /Give the key one way/,
  },
  {
    name: 'keyserver --port',
    args: (s) => ['keyserver', '--data', join(dir, 'ks'), '--port', s],
    says: /--port must be a whole number/,
  },
  {
    name: 'reminders --ics into a missing folder',
    args: (s) => ['reminders', '--vault', vault, '--ics', join(dir, 'no-such-folder', s)],
    says: /calendar/,
  },
]

describe('no CLI error repeats a command-line value', () => {
  it.each(CASES)('$name', async (c) => {
    const secret = c.secret ?? SECRET
    const result = await run(c.args(secret))
    expect(result.code).not.toBe(0)
    expect(result.stderr).not.toContain(secret)
    expect(result.stdout).not.toContain(secret)
    expect(result.stderr).toMatch(/^keywarden: /)
    expect(result.stderr).toMatch(c.says)
  })
})
