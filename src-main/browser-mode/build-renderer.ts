/**
 * Build the renderer (the page browser mode serves) when it is missing, so `npm run
 * start:browser` on a fresh checkout serves the app and not only the API. The build runs in a
 * child process: vite and rollup hold a few hundred MiB that the long-lived server should not
 * keep, and the child is killed with the server if it is stopped mid-build (no orphan).
 * Run as a script, this file is that child: `build-renderer <outDir>`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root, where electron.vite.config.ts names the renderer's entry and plugins. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Whether `dir` holds a renderer build. */
export function rendererBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'))
}

/**
 * Build the renderer into `outDir` with the project's own renderer config (electron-vite's
 * renderer preset: Chromium target, React plugin), the main and preload builds left out.
 */
export async function buildRenderer(outDir: string): Promise<void> {
  const { resolveConfig } = await import('electron-vite')
  const { build } = await import('vite')
  const resolved = await resolveConfig({ root: PROJECT_ROOT }, 'build', 'production')
  const renderer = resolved.config?.renderer
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer config')
  await build({
    ...renderer,
    build: { ...renderer.build, outDir: resolve(outDir), emptyOutDir: true },
  })
}

/** A running build child; `done` resolves true when the page was built. */
export interface RendererBuild {
  child: ChildProcess
  done: Promise<boolean>
}

/** Start the build in a child process; its output goes to our stderr (stdout is for tools). */
export function startRendererBuild(outDir: string): RendererBuild {
  const self = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, [...process.execArgv, self, outDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: PROJECT_ROOT,
  })
  child.stdout?.pipe(process.stderr, { end: false })
  child.stderr?.pipe(process.stderr, { end: false })
  const done = new Promise<boolean>((resolveDone) => {
    child.once('error', () => resolveDone(false))
    child.once('exit', (code) => resolveDone(code === 0 && rendererBuilt(outDir)))
  })
  return { child, done }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2]
  if (!outDir) {
    process.stderr.write('usage: build-renderer <outDir>\n')
    process.exit(2)
  }
  buildRenderer(outDir).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`keywarden: the page could not be built: ${String(error)}\n`)
      process.exit(1)
    },
  )
}
