/**
 * better-sqlite3 built for Electron's ABI lives apart from the Node build the tests use
 * (<project>/.electron-native/better_sqlite3.node in development, resources/ when packaged),
 * so starting the app never replaces the addon under `npm test`, and vice versa.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const ELECTRON_NATIVE_DIR = '.electron-native'
export const ADDON_FILE = 'better_sqlite3.node'

/** Where the Electron-ABI addon is looked for, first match wins. */
export function nativeBindingCandidates(projectRoot: string, resourcesPath?: string): string[] {
  const out = [join(projectRoot, ELECTRON_NATIVE_DIR, ADDON_FILE)]
  if (resourcesPath) out.unshift(join(resourcesPath, ELECTRON_NATIVE_DIR, ADDON_FILE))
  return out
}

/**
 * The first existing candidate, or null: then better-sqlite3 resolves its addon as usual, which
 * is right in a packaged app (electron-builder rebuilds native modules for Electron there).
 */
export function findNativeBinding(projectRoot: string, resourcesPath?: string): string | null {
  return nativeBindingCandidates(projectRoot, resourcesPath).find((p) => existsSync(p)) ?? null
}
