/**
 * "Open at login" per platform: the OS login item on macOS and Windows
 * (`app.setLoginItemSettings`), an XDG autostart entry on Linux (autostart.ts). A login start
 * is tray only (HIDDEN_FLAG, or macOS's wasOpenedAtLogin).
 */
import { app } from 'electron'
import { autostartDir, launchCommand, setAutostart } from './autostart'
import { HIDDEN_FLAG } from './background'

function command(): string[] {
  return launchCommand(
    {
      packaged: app.isPackaged,
      execPath: process.execPath,
      appPath: app.getAppPath(),
      appImage: process.env.APPIMAGE,
    },
    HIDDEN_FLAG,
  )
}

/** Turn starting at login on or off for this user. */
export function setOpenAtLogin(enabled: boolean): void {
  if (process.platform === 'linux') {
    setAutostart(autostartDir(), enabled ? command() : null)
    return
  }
  const [path, ...args] = command()
  app.setLoginItemSettings(
    process.platform === 'win32'
      ? { openAtLogin: enabled, path: path!, args }
      : // macOS registers the app bundle itself; wasOpenedAtLogin tells a login start apart.
        { openAtLogin: enabled },
  )
}

/** Whether macOS started us as a login item (elsewhere the flag on the command line says so). */
export function wasOpenedAtLogin(): boolean {
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin
}
