/**
 * Open a page in the system browser. Failure (no desktop, no opener installed) is tolerated: the
 * launch URL was already printed for the user to open by hand. What is opened is a local file
 * path (launch-file.ts), never a URL with a code or token: an opener's argv is visible to every
 * local user through `ps`.
 */
import { spawn } from 'node:child_process'

/** Names the program that opens the page instead of the platform's opener (tests, odd desktops). */
export const BROWSER_ENV = 'KEYWARDEN_BROWSER'

/** The opener command for this platform. `start` needs an empty title argument before the target. */
export function openerFor(
  platform: NodeJS.Platform,
  target: string,
  env: NodeJS.ProcessEnv = {},
): { command: string; args: string[] } {
  const chosen = env[BROWSER_ENV]
  if (chosen) return { command: chosen, args: [target] }
  if (platform === 'darwin') return { command: 'open', args: [target] }
  if (platform === 'win32')
    return { command: 'cmd', args: ['/c', 'start', '""', target.replace(/&/g, '^&')] }
  return { command: 'xdg-open', args: [target] }
}

/** Try to open `target`; never throws and never writes to stdout. */
export function openBrowser(
  target: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const { command, args } = openerFor(platform, target, env)
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No opener: the printed URL is the fallback.
  }
}
