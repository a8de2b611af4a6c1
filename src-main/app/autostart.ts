/**
 * "Open at login" on Linux: an XDG autostart entry (~/.config/autostart/keywarden.desktop, per
 * the XDG Autostart spec), which GNOME, KDE, Xfce and most other desktops start at login.
 * (macOS and Windows use app.setLoginItemSettings: login-item.ts.) No Electron import: the file
 * content and the writer are tested as they are.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

export const AUTOSTART_FILE = 'keywarden.desktop'

/** Characters that force an Exec argument into quotes (Desktop Entry spec, "The Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/
/** Inside quotes these four are escaped with a backslash. */
const ESCAPED_IN_QUOTES = /["`$\\]/g

/** One Exec argument, quoted and escaped as the spec requires; control characters refused. */
export function quoteExecArg(arg: string): string {
  if (arg === '') return '""'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(arg))
    throw new TypeError('An autostart command cannot contain control characters or line breaks.')
  // '%' starts a field code (%f, %u, …): a literal one is written '%%'.
  const literal = arg.replace(/%/g, '%%')
  if (!RESERVED.test(literal)) return literal
  return `"${literal.replace(ESCAPED_IN_QUOTES, (c) => '\\' + c)}"`
}

/**
 * The Exec value: arguments quoted, then the whole value escaped once more as a desktop-entry
 * string, where a backslash is written '\\' (so a quoted `\"` is stored as `\\"`).
 */
export function execLine(command: readonly string[]): string {
  if (command.length === 0) throw new TypeError('An autostart command needs a program.')
  return command.map(quoteExecArg).join(' ').replace(/\\/g, '\\\\')
}

/** The .desktop file that starts `command` at login. */
export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Keywarden',
    'Comment=Expiry and rotation reminders for your API keys',
    `Exec=${execLine(command)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/** $XDG_CONFIG_HOME/autostart, or ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const config = env.XDG_CONFIG_HOME
  return join(config && isAbsolute(config) ? config : join(home, '.config'), 'autostart')
}

/**
 * Turn the entry on (write it, replacing an older one) or off (remove it). The file is written
 * under a temporary name and renamed, so a desktop reading the folder never sees half of it.
 * Returns the file's path.
 */
export function setAutostart(dir: string, command: readonly string[] | null): string {
  const file = join(dir, AUTOSTART_FILE)
  if (command === null) {
    rmSync(file, { force: true })
    return file
  }
  const content = autostartEntry(command)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, content, { mode: 0o644 })
  renameSync(temp, file)
  return file
}

/** Whether our entry is in `dir`. */
export function isAutostartOn(dir: string): boolean {
  return existsSync(join(dir, AUTOSTART_FILE))
}

export interface LaunchFacts {
  /** app.isPackaged */
  packaged: boolean
  /** process.execPath: the app's binary, or Electron's in development. */
  execPath: string
  /** app.getAppPath(): the project folder Electron runs in development. */
  appPath: string
  /** $APPIMAGE: the AppImage file we run from (its execPath is a temporary mount). */
  appImage?: string | undefined
}

/** The command that starts this app at login, tray only. */
export function launchCommand(facts: LaunchFacts, flag: string): string[] {
  if (!facts.packaged) return [facts.execPath, facts.appPath, flag]
  return [facts.appImage && isAbsolute(facts.appImage) ? facts.appImage : facts.execPath, flag]
}
