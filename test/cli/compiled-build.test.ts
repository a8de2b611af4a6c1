/**
 * The compiled entry points (dist-node/, scripts/build-node.mjs): what `keywarden`, `npm run
 * keyserver`, `npm run start:browser` and `npm start` run. No TypeScript loader at run time, the
 * CLI's start-up path free of the vault, libsodium, fastify and SQLite, the Argon2id worker
 * working from the bundle, and a fresh checkout building itself on the first command.
 */
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CLI_BIN, ROOT } from '../helpers/node-entry'

interface Meta {
  outputs: Record<
    string,
    {
      inputs: Record<string, unknown>
      imports: { path: string; kind: string; external?: boolean }[]
      entryPoint?: string
    }
  >
}

const meta = (): Meta => JSON.parse(readFileSync(join(ROOT, 'dist-node/meta.json'), 'utf8')) as Meta

/** The source modules and external packages a file loads before any dynamic import() runs. */
function staticClosure(entry: string): { inputs: Set<string>; externals: Set<string> } {
  const { outputs } = meta()
  const seen = new Set<string>()
  const stack = [entry]
  const inputs = new Set<string>()
  const externals = new Set<string>()
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const out = outputs[file]
    if (!out) throw new Error(`${file} is not in the build`)
    for (const input of Object.keys(out.inputs)) inputs.add(input)
    for (const i of out.imports) {
      if (i.kind !== 'import-statement') continue
      if (i.external) externals.add(i.path)
      else stack.push(i.path)
    }
  }
  return { inputs, externals }
}

const node = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  })

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true })
})

describe('the compiled entry points', () => {
  it('import no TypeScript file and no TypeScript loader', () => {
    const { outputs } = meta()
    // Entry points proper; the chunks a dynamic import() loads are entry points to esbuild too.
    const entries = Object.entries(outputs).filter(
      ([file, o]) => o.entryPoint && !file.startsWith('dist-node/chunks/'),
    )
    expect(entries.map(([, o]) => o.entryPoint).sort()).toEqual([
      'src-main/browser-mode/build-renderer.ts',
      'src-main/browser-mode/cli.ts',
      'src-main/cli/main.ts',
      'src-main/keyserver/cli.ts',
      'src-main/launcher/start.ts',
    ])
    for (const [file, out] of Object.entries(outputs)) {
      for (const i of out.imports) {
        expect(i.path, file).not.toMatch(/\.[cm]?tsx?$/)
        expect(i.path, file).not.toMatch(/^tsx(\/|$)/)
      }
      expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(/from ["']tsx/)
    }
    expect(readFileSync(CLI_BIN, 'utf8')).not.toMatch(/tsx|\.ts['"]/)
  })

  it('start the CLI without the vault, libsodium, fastify, SQLite or the key server', () => {
    const { inputs, externals } = staticClosure('dist-node/cli/main.mjs')
    const loaded = [...inputs, ...externals]
    // The three light vault modules (errors, paths, types) are fine; the vault itself is not.
    expect(loaded.filter((i) => /src-main\/vault\/(?!errors|paths|types)/.test(i))).toEqual([])
    // The key server's option parsing and its loopback check (two small modules) are fine.
    expect(
      loaded.filter((i) => /fastify|sodium|sqlite|src-main\/keyserver\/(?!cli|hosts)/.test(i)),
    ).toEqual([])
    expect(inputs.has('src-main/cli/main.ts')).toBe(true)
    const version = node([CLI_BIN, '--version'])
    expect(version.stderr).toBe('')
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    )
  })

  it('derive Argon2id in the worker thread, with libsodium found from the bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-compiled-'))
    temps.push(dir)
    const vault = join(dir, 'v.kwdb')
    const env = { KW_PW: 'a long enough password', KW_KEY: 'generic-key-0123456789abcdef' }
    const init = node(
      [
        CLI_BIN,
        'init',
        '--vault',
        vault,
        '--password-env',
        'KW_PW',
        '--kdf-mem-mib',
        '8',
        '--kdf-ops',
        '1',
      ],
      { env },
    )
    expect(init.status, init.stderr).toBe(0)
    const vaultArgs = ['--vault', vault, '--password-env', 'KW_PW']
    const add = ['add', ...vaultArgs, '--style', 'generic', '--name', 'one', '--key-env', 'KW_KEY']
    expect(node([CLI_BIN, ...add], { env }).status).toBe(0)
    // Node's own worker debug log says whether a worker started and whether its code threw.
    // The worker is the fallback for when the native Argon2id addon is absent: switched off here.
    const list = node([CLI_BIN, 'list', ...vaultArgs], {
      env: { ...env, NODE_DEBUG: 'worker', KEYWARDEN_NATIVE_ARGON2: '0' },
    })
    expect(list.status, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/\bone\b/)
    expect(list.stderr).toContain('starts worker script')
    expect(list.stderr).toContain(join(ROOT, 'node_modules', 'libsodium-wrappers-sumo'))
    expect(list.stderr).not.toContain('uncaught exception')
    // With the addon loadable from the bundle, the same command derives natively: no worker.
    const native = node([CLI_BIN, 'list', ...vaultArgs], { env: { ...env, NODE_DEBUG: 'worker' } })
    expect(native.status, native.stderr).toBe(0)
    expect(native.stdout).toMatch(/\bone\b/)
    expect(native.stderr).not.toContain('starts worker script')
  })
})

/** Copy the checkout's tracked files (with uncommitted edits), as a fresh clone would have them. */
function freshCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kw-clone-'))
  temps.push(dir)
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  expect(files.status).toBe(0)
  for (const file of files.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    copyFileSync(join(ROOT, file), join(dir, file))
  }
  // The installed packages, except the TypeScript loader and compiler: if anything at run time
  // still needed them, the commands below would fail.
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (['tsx', 'typescript', '.bin'].includes(name)) continue
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name))
  }
  return dir
}

describe('a fresh checkout', () => {
  it('builds on the first command and then runs with plain node, without tsx', () => {
    const dir = freshCheckout()
    expect(existsSync(join(dir, 'dist-node'))).toBe(false)
    const bin = join(dir, 'src-main/cli/bin.mjs')
    const first = node([bin, '--version'], { cwd: dir })
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    expect(existsSync(join(dir, 'dist-node/cli/main.mjs'))).toBe(true)

    const vault = join(dir, 'v.kwdb')
    const env = { KW_PW: 'a long enough password' }
    const init = node(
      [
        bin,
        'init',
        '--vault',
        vault,
        '--password-env',
        'KW_PW',
        '--kdf-mem-mib',
        '8',
        '--kdf-ops',
        '1',
      ],
      { cwd: dir, env },
    )
    expect(init.status, init.stderr).toBe(0)
    const list = node([bin, 'list', '--vault', vault, '--password-env', 'KW_PW'], { cwd: dir, env })
    expect(list.status, list.stderr).toBe(0)
    expect(list.stderr).toBe('')
  })
})
