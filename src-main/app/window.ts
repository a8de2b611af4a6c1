/** The vault window: sandboxed, isolated, content-protected, devTools only in development. */
import { BrowserWindow } from 'electron'
import { APP_ENTRY_URL } from './app-protocol'
import { SESSION_PARTITION } from './security'

export interface WindowOptions {
  preloadPath: string
  devServerUrl?: string
  development: boolean
  iconPath?: string
  /** false: load the page but stay hidden (a start in the tray). */
  show?: boolean
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 780,
    minWidth: 760,
    minHeight: 480,
    show: false,
    title: 'Keywarden',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      devTools: options.development,
      // In-memory partition: no HTTP cache or storage of the vault UI written to disk.
      partition: SESSION_PARTITION,
    },
  })
  // Keep revealed keys out of screenshots and screen sharing where the OS supports it.
  win.setContentProtection(true)
  if (options.show !== false) win.once('ready-to-show', () => win.show())
  // The build is served by our app:// handler (app-protocol.ts), never from file://.
  void win.loadURL(options.devServerUrl ?? APP_ENTRY_URL)
  return win
}
