/**
 * The page handed to the browser opener: a local HTML file that forwards to a one-time launch
 * URL. The opener's argv then holds only this file's path, and the file is readable by its
 * owner alone (mode 0600 in a fresh 0700 folder), so no other local user can read the code from
 * `ps` or from the file and race the browser to it. The file is removed once the code is spent,
 * expired, or the server stops.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The redirect page: no script, so it works under any file:// policy; a link as fallback. */
export function launchPage(url: string): string {
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${href}">`,
    '<title>Opening Keywarden</title>',
    `<p>Opening Keywarden… <a href="${href}">continue</a></p>`,
    '',
  ].join('\n')
}

export interface LaunchFile {
  path: string
  /** Remove the file and its folder (idempotent). */
  remove(): void
}

/** Write the redirect page for `url` into a new private folder. */
export function writeLaunchFile(url: string, parent = tmpdir()): LaunchFile {
  const dir = mkdtempSync(join(parent, 'keywarden-launch-'))
  chmodSync(dir, 0o700)
  const path = join(dir, 'open-keywarden.html')
  writeFileSync(path, launchPage(url), { mode: 0o600, flag: 'wx' })
  let removed = false
  return {
    path,
    remove() {
      if (removed) return
      removed = true
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
