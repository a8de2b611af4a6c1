/**
 * Electron main: the desktop shell around the application core. security.ts is imported first so
 * its policy is in place before anything can create a web contents.
 */
import './security'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, clipboard } from 'electron'
import { setDefaultNativeBinding } from '../db/sqlite'
import { createRouter } from '../ipc/router'
import { AppServices, kdfFromEnv } from '../services/app-services'
import { defaultDataFolder } from '../vault/paths'
import { DEFAULT_KDF } from '../vault/types'
import { ClipboardGuard } from './clipboard-guard'
import { forwardEvents, registerIpc } from './ipc'
import { findNativeBinding } from './native-binding'
import { startReminderNotifications } from './notifications'
import type { AppLocation } from './policy'
import { watchPower } from './power'
import { setAppLocation } from './security'
import { AppTray } from './tray'
import { createMainWindow } from './window'

const development = !app.isPackaged
const root = app.getAppPath()
const rendererFile = join(root, 'out', 'renderer', 'index.html')
const preloadPath = join(root, 'out', 'preload', 'index.cjs')
const iconPath = join(root, 'build', 'icon.png')
const devServerUrl = development ? process.env.ELECTRON_RENDERER_URL : undefined
const location: AppLocation = {
  rendererFileUrl: pathToFileURL(rendererFile).href,
  ...(devServerUrl ? { devServerUrl } : {}),
}
setAppLocation(location)

// The Electron-ABI build of better-sqlite3, kept apart from the Node build the tests use.
setDefaultNativeBinding(findNativeBinding(root, process.resourcesPath) ?? undefined)

const dataDir = process.env.KEYWARDEN_DATA_DIR || defaultDataFolder()
// Chromium's own profile goes next to the vault, so a fresh data folder is a fresh app.
app.setPath('userData', join(dataDir, 'electron'))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | null = null
  const guard = new ClipboardGuard(clipboard)
  const services = new AppServices({
    dataDir,
    mode: 'desktop',
    version: app.getVersion(),
    // The fast test KDF is for end-to-end tests of a development build only; a packaged app
    // always creates vaults with the default Argon2id parameters, whatever the environment says.
    kdf: development ? kdfFromEnv() : DEFAULT_KDF,
    clipboard: (value, clearAfterMs) => guard.copy(value, clearAfterMs),
  })
  const router = createRouter(services)

  const showWindow = (): void => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({
        preloadPath,
        rendererFile,
        development,
        iconPath,
        ...(devServerUrl ? { devServerUrl } : {}),
      })
      window.on('closed', () => {
        window = null
      })
    }
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  app.on('second-instance', () => showWindow())

  void app.whenReady().then(() => {
    registerIpc(router, () => window, location)
    forwardEvents(services.events, () => window)
    services.events.subscribe((event) => {
      // Whatever locked the vault, a copied secret does not outlive the session.
      if (event === 'vault-locked') guard.clearIfOurs()
    })
    const tray = new AppTray(iconPath, {
      show: showWindow,
      lock: () => services.lock('user'),
      quit: () => app.quit(),
    })
    services.events.subscribe((event, payload) => {
      if (event === 'reminders-due') tray.update(payload as { count: number })
    })
    startReminderNotifications(services, showWindow)
    watchPower(services)
    services.start()
    showWindow()
  })

  app.on('window-all-closed', () => {
    // The tray keeps reminders running on macOS, as users expect there; elsewhere, quit.
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => showWindow())

  let closing = false
  app.on('before-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    guard.clearIfOurs()
    void services.close().finally(() => app.exit(0))
  })
}
