/**
 * Open a URL in the system browser. Failure (no desktop, no opener installed) is tolerated: the
 * URL was already printed for the user to open by hand.
 */
import { spawn } from 'node:child_process'

/** The opener command for this platform. `start` needs an empty title argument before the URL. */
export function openerFor(
  platform: NodeJS.Platform,
  url: string,
): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] }
  if (platform === 'win32')
    return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] }
  return { command: 'xdg-open', args: [url] }
}

/** Try to open `url`; never throws and never writes to stdout. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = openerFor(platform, url)
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No opener: the printed URL is the fallback.
  }
}
