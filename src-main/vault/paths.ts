/** Where the vault lives by default: the operating system's per-user data folder. */
import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'

export const VAULT_FILE_NAME = 'vault.kwdb'

/**
 * The default vault path: Linux `$XDG_DATA_HOME/keywarden` (else `~/.local/share/keywarden`),
 * macOS `~/Library/Application Support/Keywarden`, Windows `%APPDATA%\Keywarden`.
 */
export function defaultVaultPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  return pathFor(platform).join(defaultDataFolder(platform, env, home), VAULT_FILE_NAME)
}

/** The per-user data folder Keywarden uses on this platform. */
export function defaultDataFolder(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  const { join } = pathFor(platform)
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Keywarden')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keywarden')
  const xdg = env.XDG_DATA_HOME
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), 'keywarden')
}

function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix
}
