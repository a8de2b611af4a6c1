/**
 * `keywarden run`, `inject` and `export` end to end: real CLI processes on a real vault file,
 * real children, real signals.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDotenv } from '../../src-main/run/dotenv'
import { Vault } from '../../src-main/vault'
import { CONCEALED } from '../../src-main/run/mask'
import {
  BM_ID,
  BM_SECRET,
  PASSWORD,
  UP_KEY,
  WPT_KEY,
  cli,
  finished,
  fixture,
  startCli,
  type CliResult,
  type Fixture,
  POSIX,
} from './helpers'

const SECRETS = [UP_KEY, WPT_KEY, BM_SECRET, PASSWORD]

let f: Fixture
let run: (
  args: string[],
  env?: Record<string, string | undefined>,
  input?: string,
) => Promise<CliResult>

beforeAll(async () => {
  f = fixture()
  run = async (args, env = {}, input = '') => {
    const r = await cli(args, { ...f.env, ...env }, input)
    // Whatever happened, no secret reaches stderr.
    for (const s of SECRETS) expect(r.stderr).not.toContain(s)
    return r
  }
  const init = await run(['init', ...f.auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])
  expect(init.code).toBe(0)
  const adds = [
    ['--style', 'userplane', '--name', 'ci deploy', '--key-env', 'K'],
    ['--style', 'blazemeter', '--name', 'team/load', '--key-env', 'K', '--secret-env', 'S'],
    ['--style', 'webpagetest', '--name', 'old wpt', '--key-env', 'W', '--status', 'revoked'],
  ]
  for (const a of adds) {
    const r = await run(['add', ...f.auth, ...a], {
      K: a.includes('userplane') ? UP_KEY : BM_ID,
      S: BM_SECRET,
      W: WPT_KEY,
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  }
  // An expired key: the CLI refuses a past expiry, so it is written through the vault itself.
  const vault = Vault.open(f.vault, { lastSeenFile: join(f.dir, 'last-seen.json') })
  await vault.unlock(PASSWORD)
  vault.add({
    style: 'webpagetest',
    name: 'expired wpt',
    credential: { key: 'A.fedcba9876543210fedcba9876543210' },
    lastRotatedAt: Date.UTC(2024, 0, 1),
    expiresAt: Date.UTC(2024, 6, 1),
  })
  vault.close()
})
afterAll(() => f.cleanup())

/** A node child that prints its environment's chosen variables as JSON. */
const printEnv = (...names: string[]): string[] => [
  process.execPath,
  '-e',
  `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map(n => [n, process.env[n] ?? null]))))`,
]

describe.runIf(POSIX)('keywarden run: resolving', () => {
  it('gives the child the resolved values, from the environment and env files', async () => {
    const envFile = join(f.dir, 'refs.env')
    writeFileSync(
      envFile,
      [
        '# references are safe to commit',
        'export BM_CRED="kw://team/load/credential"',
        "BM_ID_ONLY='kw://team/load/id'",
        'BM_SECRET_ONLY=kw://team%2Fload/secret   # escaped slash works too',
        'PLAIN=not a reference',
        'OVERRIDDEN=from the file',
      ].join('\n'),
    )
    const r = await run(
      [
        'run',
        ...f.auth,
        '--no-masking',
        '--env-file',
        envFile,
        '--',
        ...printEnv(
          'UP',
          'BM_CRED',
          'BM_ID_ONLY',
          'BM_SECRET_ONLY',
          'PLAIN',
          'OVERRIDDEN',
          'ALMOST',
        ),
      ],
      {
        UP: 'kw://CI DEPLOY/key',
        OVERRIDDEN: 'from the environment',
        ALMOST: ' kw://ci deploy/key',
      },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      UP: UP_KEY,
      BM_CRED: `${BM_ID}:${BM_SECRET}`,
      BM_ID_ONLY: BM_ID,
      BM_SECRET_ONLY: BM_SECRET,
      PLAIN: 'not a reference',
      OVERRIDDEN: 'from the file',
      // Only a value that is exactly a reference is one.
      ALMOST: ' kw://ci deploy/key',
    })
  })

  it('starts nothing when a reference fails, and says which variable and reference', async () => {
    const marker = join(f.dir, 'started')
    const child = [
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`,
    ]
    const cases: [Record<string, string>, RegExp, string[]?][] = [
      [{ A: 'kw://nobody/key' }, /A \(kw:\/\/nobody\/key\): no entry has that name or id/],
      [
        { B: 'kw://ci deploy/secret' },
        /B \(kw:\/\/ci deploy\/secret\): this key has no separate secret/,
      ],
      [
        { C: 'kw://ci deploy/password' },
        /C \(kw:\/\/ci deploy\/password\): it ends in an unknown field/,
      ],
      [{ D: 'kw://ci deploy' }, /D \(kw:\/\/ci deploy\): it names no field/],
      [
        { E: 'kw://old wpt/key' },
        /E \(kw:\/\/old wpt\/key\): the key is revoked \(--allow-expired/,
      ],
      [
        { G: 'kw://expired wpt/key' },
        /G \(kw:\/\/expired wpt\/key\): the key expired on 2024-07-01 \(--allow-expired/,
      ],
      [
        { F: 'kw://ci deploy/key', KW_PASS: 'not the password' },
        /to resolve F \(kw:\/\/ci deploy\/key\): The password is wrong/,
      ],
    ]
    for (const [env, message] of cases) {
      const r = await run(['run', ...f.auth, '--', ...child], env)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(existsSync(marker)).toBe(false)
    }
    // Two failures are reported together.
    const both = await run(['run', ...f.auth, '--', ...child], { X: 'kw://a/key', Y: 'kw://b/key' })
    expect(both.stderr).toMatch(
      /cannot resolve 2 references:\n {2}X \(kw:\/\/a\/key\).*\n {2}Y \(kw:\/\/b\/key\)/,
    )
    expect(existsSync(marker)).toBe(false)
    // A bad env file starts nothing either.
    writeFileSync(join(f.dir, 'bad.env'), 'GOOD=1\nBAD="unterminated\n')
    const bad = await run(['run', ...f.auth, '--env-file', join(f.dir, 'bad.env'), '--', ...child])
    // The file name was on the command line, so the CLI hides it (it could be a secret).
    expect(bad.stderr).toMatch(/, line 2: the value of BAD opens a " quote/)
    expect(existsSync(marker)).toBe(false)
  })

  it('uses a revoked key with --allow-expired', async () => {
    const r = await run(
      ['run', ...f.auth, '--allow-expired', '--no-masking', '--', ...printEnv('W')],
      {
        W: 'kw://old wpt/key',
      },
    )
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ W: WPT_KEY })
  })
})

describe.runIf(POSIX)('keywarden run: masking', () => {
  const emit = (script: string): string[] => [
    process.execPath,
    '-e',
    `const fs = require('fs'); const k = process.env.K; ${script}`,
  ]

  it('conceals a secret printed whole, repeated, on stdout and stderr', async () => {
    const r = await run(
      [
        'run',
        ...f.auth,
        '--',
        ...emit(
          "for (let i = 0; i < 1000; i++) fs.writeSync(1, 'k=' + k + '\\n'); fs.writeSync(2, 'err ' + k + '\\n')",
        ),
      ],
      { K: 'kw://ci deploy/key' },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(UP_KEY)
    expect(r.stdout.split('\n').filter((l) => l === `k=${CONCEALED}`)).toHaveLength(1000)
    expect(r.stderr).toBe(`err ${CONCEALED}\n`)
  })

  it('conceals a secret written byte by byte, and one across a 64 KiB chunk edge', async () => {
    const r = await run(
      [
        'run',
        ...f.auth,
        '--',
        ...emit(
          "for (const c of 'a ' + k + ' b\\n') fs.writeSync(1, c); fs.writeSync(1, 'x'.repeat(65536 - 10) + k + 'y'.repeat(70000) + '\\n')",
        ),
      ],
      { K: 'kw://ci deploy/key' },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(UP_KEY)
    expect(r.stdout).toBe(
      `a ${CONCEALED} b\n${'x'.repeat(65526)}${CONCEALED}${'y'.repeat(70000)}\n`,
    )
  })

  it('conceals a BlazeMeter secret alone and in its credential; --no-masking shows them', async () => {
    const script = "console.log(k); console.log(k.split(':')[1])"
    const masked = await run(['run', ...f.auth, '--', ...emit(script)], {
      K: 'kw://team/load/credential',
    })
    expect(masked.stdout).toBe(`${CONCEALED}\n${CONCEALED}\n`)
    const plain = await run(['run', ...f.auth, '--no-masking', '--', ...emit(script)], {
      K: 'kw://team/load/credential',
    })
    expect(plain.stdout).toBe(`${BM_ID}:${BM_SECRET}\n${BM_SECRET}\n`)
  })
})

describe.runIf(POSIX)('keywarden run: exit codes, signals, stdin', () => {
  it('passes the exit code through, and 128+N for a signal', async () => {
    expect((await run(['run', '--', 'sh', '-c', 'exit 7'])).code).toBe(7)
    expect((await run(['run', '--', 'sh', '-c', 'kill -KILL $$'])).code).toBe(137)
    expect((await run(['run', '--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143)
    const missing = await run(['run', '--', 'no-such-command-here'])
    expect(missing.code).toBe(127)
    expect(missing.stderr).toMatch(/command was not found/)
  })

  it('passes stdin through to the child', async () => {
    const r = await run(
      ['run', '--', 'sh', '-c', 'read line; echo "got $line"; cat'],
      {},
      'hello\nrest\n',
    )
    expect(r.stdout).toBe('got hello\nrest\n')
  })

  for (const masking of [true, false]) {
    it(`delivers SIGTERM and SIGINT to the child (masking ${masking ? 'on' : 'off'})`, async () => {
      for (const [signal, code] of [
        ['SIGTERM', 42],
        ['SIGINT', 43],
      ] as const) {
        const child = startCli(
          [
            'run',
            ...f.auth,
            ...(masking ? [] : ['--no-masking']),
            '--',
            process.execPath,
            '-e',
            `process.on('${signal}', () => { console.log('got ${signal}'); process.exit(${code}) }); console.log('ready'); setInterval(() => {}, 1000)`,
          ],
          { ...f.env, K: 'kw://ci deploy/key' },
        )
        const done = finished(child)
        await new Promise<void>((resolve) => {
          child.stdout?.on('data', (c: Buffer) => {
            if (c.toString().includes('ready')) resolve()
          })
        })
        child.kill(signal)
        const r = await done
        expect(r.stdout).toBe(`ready\ngot ${signal}\n`)
        expect(r.code).toBe(code)
      }
    })
  }
})

describe.runIf(POSIX)('keywarden inject', () => {
  it('fills a template into a 0600 file, or prints it', async () => {
    const template = join(f.dir, 'npmrc.tpl')
    writeFileSync(
      template,
      '//registry/:_authToken={{ kw://ci deploy/key }}\nbm={{kw://team/load/credential}}\nkeep {{ this }}\n',
    )
    const out = join(f.dir, '.npmrc')
    const r = await run(['inject', ...f.auth, '-i', template, '-o', out])
    expect(r).toMatchObject({ code: 0, stdout: '' })
    expect(readFileSync(out, 'utf8')).toBe(
      `//registry/:_authToken=${UP_KEY}\nbm=${BM_ID}:${BM_SECRET}\nkeep {{ this }}\n`,
    )
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const printed = await run(['inject', ...f.auth, '-i', template])
    expect(printed.stdout).toBe(readFileSync(out, 'utf8'))
  })

  it('writes nothing when one placeholder cannot be resolved', async () => {
    const template = join(f.dir, 'bad.tpl')
    writeFileSync(template, 'a={{ kw://ci deploy/key }}\nb={{ kw://gone/key }}\n')
    const out = join(f.dir, 'never-written')
    const r = await run(['inject', ...f.auth, '-i', template, '-o', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/line 2 \(kw:\/\/gone\/key\): no entry has that name or id/)
    expect(r.stdout).toBe('')
    expect(existsSync(out)).toBe(false)
  })
})

describe.runIf(POSIX)('keywarden export', () => {
  it('writes dotenv lines to a 0600 file and warns that it holds secrets', async () => {
    const out = join(f.dir, 'all.env')
    const r = await run(['export', ...f.auth, '--format', 'dotenv', '-o', out])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/warning: .*all\.env holds API keys in clear text/)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const values = Object.fromEntries(
      parseDotenv(readFileSync(out, 'utf8'), out).map((a) => [a.name, a.value]),
    )
    expect(values).toEqual({
      CI_DEPLOY: UP_KEY,
      TEAM_LOAD: `${BM_ID}:${BM_SECRET}`,
      OLD_WPT: WPT_KEY,
      EXPIRED_WPT: 'A.fedcba9876543210fedcba9876543210',
    })
    const one = await run(['export', ...f.auth, '--format', 'dotenv', '--entry', 'team/load'])
    expect(one.stdout).toMatch(new RegExp(`^#.*\\nTEAM_LOAD=${BM_ID}:${BM_SECRET}\\n$`))
  })

  it('writes references that run resolves to the same values', async () => {
    const out = join(f.dir, 'refs-export.env')
    const r = await run([
      'export',
      ...f.auth,
      '--format',
      'references',
      '--entry',
      'ci deploy',
      '--entry',
      'team/load',
      '-o',
      out,
    ])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const text = readFileSync(out, 'utf8')
    expect(text).toContain('CI_DEPLOY=kw://ci%20deploy/credential\n')
    expect(text).toContain('TEAM_LOAD=kw://team/load/credential\n')
    for (const s of SECRETS) expect(text).not.toContain(s)
    const resolved = await run([
      'run',
      ...f.auth,
      '--no-masking',
      '--env-file',
      out,
      '--',
      ...printEnv('CI_DEPLOY', 'TEAM_LOAD'),
    ])
    expect(JSON.parse(resolved.stdout)).toEqual({
      CI_DEPLOY: UP_KEY,
      TEAM_LOAD: `${BM_ID}:${BM_SECRET}`,
    })
  })

  it('refuses an unknown --entry', async () => {
    const r = await run(['export', ...f.auth, '--format', 'references', '--entry', 'nope'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/--entry nope: no entry has that name or id/)
  })
})

describe.runIf(POSIX)('the audit log', () => {
  it('records run with the command name, inject and export, and never a value', async () => {
    const vault = Vault.open(f.vault, { lastSeenFile: join(f.dir, 'last-seen.json') })
    await vault.unlock(PASSWORD)
    const records = vault.auditLog().list()
    vault.close()
    const runs = records.filter((r) => r.action === 'run')
    expect(runs.length).toBeGreaterThan(0)
    // Only the command's base name is kept, never its path or arguments.
    expect(runs.every((r) => r.detail?.command === basename(process.execPath))).toBe(true)
    expect(records.some((r) => r.action === 'inject')).toBe(true)
    const exports = records.filter((r) => r.action === 'export')
    expect(exports.some((r) => r.detail?.format === 'references')).toBe(true)
    expect(exports.some((r) => r.detail?.field === 'key')).toBe(true)
    const text = JSON.stringify(records)
    for (const s of SECRETS) expect(text).not.toContain(s)
  })
})
