/**
 * `npm start`: the desktop app where Electron can run, else browser mode.
 *
 * 1. The Electron binary: present, or fetched now with Electron's own installer (time-limited;
 *    npm install skips it on purpose, see allowScripts in package.json).
 * 2. better-sqlite3 for Electron's ABI, built once into .electron-native/ from a copy of the
 *    package, so the Node build in node_modules (tests, browser mode) is never touched.
 * 3. electron-vite build, then Electron on the project.
 * If 1 or 2 fails: ONE line saying why, then browser mode (renderer built first if missing).
 */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import { ADDON_FILE, ELECTRON_NATIVE_DIR } from '../app/native-binding'
import { RENDERER_DIR, runBrowserMode } from '../browser-mode/cli'
import { defaultDataFolder } from '../vault/paths'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const INSTALL_TIMEOUT_MS = 120_000
const NATIVE_BUILD_TIMEOUT_MS = 300_000
const require = createRequire(import.meta.url)

/** The Electron executable if its binary is installed, else null. */
export function electronBinary(root = ROOT): string | null {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

function electronVersion(root = ROOT): string {
  const pkg = JSON.parse(
    readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as {
    version: string
  }
  return pkg.version
}

/**
 * A short reason from a tool's stderr: the last line naming an error (not a stack frame); a
 * failed DNS lookup is said in words, since that is what "no network" looks like here.
 */
export function reason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('at '))
  if (
    lines.some((l) =>
      // Electron 45's installer downloads with fetch, which says only "fetch failed".
      /ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED|ETIMEDOUT|network connectivity|fetch failed/.test(
        l,
      ),
    )
  )
    return 'no network route to the download host'
  const named = lines.filter((l) => /error/i.test(l)).at(-1) ?? lines.at(-1) ?? ''
  return named.slice(0, 160)
}

/** Run a command quietly with a time limit; returns a short reason on failure, null on success. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeout: number,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const result = spawnSync(command, args, { cwd, timeout, stdio: 'pipe', encoding: 'utf8', env })
  if (result.error)
    return (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
      ? 'timed out'
      : result.error.message
  if (result.status !== 0) return reason(`${result.stderr}`) || `exit code ${result.status}`
  return null
}

/** Fetch the Electron binary with Electron's installer. Returns why it failed, or null. */
function fetchElectron(): string | null {
  const failure = run(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron', 'install.js')],
    ROOT,
    INSTALL_TIMEOUT_MS,
  )
  if (failure) return `the Electron binary could not be downloaded (${failure})`
  return electronBinary() ? null : 'the Electron installer finished without a binary'
}

/** Build better-sqlite3 for Electron's ABI into .electron-native/. Returns why it failed, or null. */
function buildNativeForElectron(): string | null {
  const target = join(ROOT, ELECTRON_NATIVE_DIR, ADDON_FILE)
  if (existsSync(target)) return null
  const work = join(ROOT, ELECTRON_NATIVE_DIR, 'src')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  // A copy: node-gyp writes build/ next to binding.gyp, and the Node build must stay as it is.
  cpSync(join(ROOT, 'node_modules', 'better-sqlite3'), work, {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
  })
  let gyp: string
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js')
  } catch {
    return 'node-gyp is not installed'
  }
  const failure = run(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${electronVersion()}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    work,
    NATIVE_BUILD_TIMEOUT_MS,
    withoutNodedir(process.env),
  )
  if (failure) {
    rmSync(work, { recursive: true, force: true })
    return `better-sqlite3 could not be built for Electron (${failure})`
  }
  const built = join(work, 'build', 'Release', ADDON_FILE)
  // An addon that loads in this Node was built against Node's headers, not Electron's.
  if (loadsInNode(built)) return 'the native build used Node headers instead of Electron headers'
  copyFileSync(built, target)
  rmSync(work, { recursive: true, force: true })
  return null
}

/** The environment without a nodedir setting, which would make node-gyp use Node's headers. */
export function withoutNodedir(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => k.toLowerCase() !== 'npm_config_nodedir'),
  )
}

function loadsInNode(addon: string): boolean {
  const probe = spawnSync(
    process.execPath,
    ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(addon)})`],
    {
      stdio: 'ignore',
      timeout: 30_000,
    },
  )
  return probe.status === 0
}

function electronVite(): string | null {
  return run(
    process.execPath,
    [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    ROOT,
    NATIVE_BUILD_TIMEOUT_MS,
  )
}

async function main(): Promise<void> {
  const options = new Command()
    .name('keywarden-start')
    .option('--data <dir>', 'data folder (vault and key server)')
    .option('--port <port>', 'browser mode: port on 127.0.0.1', '0')
    .option('--no-open', 'browser mode: do not open the system browser')
    .option('--browser', 'skip Electron and start browser mode')
    .option(
      '--native-only',
      'only build better-sqlite3 for Electron into .electron-native/ (packaging)',
    )
    .parse(process.argv)
    .opts<{ data?: string; port: string; open: boolean; browser?: boolean; nativeOnly?: boolean }>()
  if (options.nativeOnly) {
    const failure = buildNativeForElectron()
    process.stderr.write(
      failure ? `Keywarden: ${failure}.\n` : 'Keywarden: the Electron-ABI addon is ready.\n',
    )
    process.exit(failure ? 1 : 0)
  }
  const dataDir = resolve(options.data ?? defaultDataFolder())

  let why: string | null = options.browser ? 'browser mode was asked for' : null
  if (!why && !electronBinary()) why = fetchElectron()
  if (!why) why = buildNativeForElectron()
  if (!why) {
    const failure = electronVite()
    if (failure) why = `the app could not be built (${failure})`
  }
  if (!why) {
    const child = spawn(electronBinary()!, [ROOT], {
      stdio: 'inherit',
      env: { ...process.env, KEYWARDEN_DATA_DIR: dataDir },
    })
    child.on('exit', (code) => process.exit(code ?? 0))
    return
  }

  process.stderr.write(`Keywarden: starting in browser mode because ${why}.\n`)
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    const failure = electronVite()
    if (failure)
      process.stderr.write(
        `Keywarden: the page could not be built (${failure}); only the API is served.\n`,
      )
  }
  const { url } = await runBrowserMode({
    port: Number(options.port) || 0,
    dataDir,
    open: options.open,
  })
  process.stderr.write(`Keywarden: open ${url} in your browser.\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch(() => {
    process.stderr.write('Keywarden: could not start.\n')
    process.exit(1)
  })
}
