/**
 * Static files of the renderer build, confined to one folder: a request path is decoded once,
 * any '..' segment, backslash or NUL is refused outright (rather than normalized), and the real
 * path of the file must still lie inside the real build folder (no escape through a symlink).
 */
import { realpathSync, statSync } from 'node:fs'
import { extname, join, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

export interface StaticFile {
  path: string
  type: string
  size: number
}

/** Resolve a URL path (without query) to a file inside `root`, or null when it is not one. */
export function resolveStatic(root: string, urlPath: string): StaticFile | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s.length > 0)
  if (segments.some((s) => s === '..' || s === '.')) return null
  const relative = segments.length === 0 ? 'index.html' : segments.join('/')
  let realRoot: string
  let realFile: string
  try {
    realRoot = realpathSync(root)
    realFile = realpathSync(join(realRoot, relative))
  } catch {
    return null
  }
  if (!realFile.startsWith(realRoot + sep)) return null
  const stat = statSync(realFile)
  if (!stat.isFile()) return null
  return {
    path: realFile,
    type: TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream',
    size: stat.size,
  }
}
