/**
 * Electron main: the desktop shell around the application core. security.ts is imported first so
 * its policy is in place before anything can create a web contents.
 *
 * Reminders outlive the window: the scheduler lives in the services and runs from start to
 * quit, locked or not, with or without a window. Closing the window hides it to the tray (a
 * setting, on by default); only Quit (tray menu, Cmd+Q, the OS ending the session) stops the app.
 */
import './security'
import { join } from 'node:path'
import { app, BrowserWindow, session } from 'electron'
import { setDefaultNativeBinding } from '../db/sqlite'
import type { Settings } from '../ipc/contract'
import { createRouter, type Router } from '../ipc/router'
import { AppServices, kdfFromEnv } from '../services/app-services'
import { defaultDataFolder } from '../vault/paths'
import { DEFAULT_KDF } from '../vault/types'
import { closeAction, PendingOpen, startsHidden } from './background'
import { ClipboardGuard } from './clipboard-guard'
import { readDesktopState, writeDesktopState } from './desktop-state'
import { electronClipboard } from './electron-clipboard'
import { forwardEvents, registerIpc } from './ipc'
import { setOpenAtLogin, wasOpenedAtLogin } from './login-item'
import { findNativeBinding } from './native-binding'
import { notify, startReminderNotifications } from './notifications'
import type { AppLocation } from './policy'
import { watchPower } from './power'
import { registerAppScheme, serveRenderer } from './protocol'
import { SESSION_PARTITION, setAppLocation } from './security'
import { AppTray } from './tray'
import { createMainWindow } from './window'

const development = !app.isPackaged
const root = app.getAppPath()
const rendererDir = join(root, 'out', 'renderer')
const preloadPath = join(root, 'out', 'preload', 'index.cjs')
const iconPath = join(root, 'build', 'icon.png')
const devServerUrl = development ? process.env.ELECTRON_RENDERER_URL : undefined
const location: AppLocation = devServerUrl ? { devServerUrl } : {}
setAppLocation(location)
// Privileged schemes must be declared before the app is ready.
registerAppScheme()

// The Electron-ABI build of better-sqlite3, kept apart from the Node build the tests use.
setDefaultNativeBinding(findNativeBinding(root, process.resourcesPath) ?? undefined)

const dataDir = process.env.KEYWARDEN_DATA_DIR || defaultDataFolder()
// Chromium's own profile goes next to the vault, so a fresh data folder is a fresh app.
app.setPath('userData', join(dataDir, 'electron'))
const desktopStateFile = join(dataDir, 'electron', 'desktop.json')

if (!app.requestSingleInstanceLock()) {
  // The first instance gets 'second-instance' and comes to the front; this one just leaves.
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let tray: AppTray | null = null
  let quitting = false
  const guard = new ClipboardGuard(electronClipboard)
  const pendingOpen = new PendingOpen()
  const services = new AppServices({
    dataDir,
    mode: 'desktop',
    version: app.getVersion(),
    // The fast test KDF is for end-to-end tests of a development build only; a packaged app
    // always creates vaults with the default Argon2id parameters, whatever the environment says.
    kdf: development ? kdfFromEnv() : DEFAULT_KDF,
    clipboard: (value, clearAfterMs) => {
      guard.copy(value, clearAfterMs).catch(() => console.warn('keywarden: copy failed'))
    },
  })
  const router = desktopRouter(createRouter(services))

  /** Settings changed from the page: the OS-level ones are applied here. */
  function desktopRouter(inner: Router): Router {
    return {
      has: (name) => inner.has(name),
      async call(name, input) {
        const result = await inner.call(name, input)
        if (name === 'settings.update' && result.ok) {
          const patch = input as Partial<Settings>
          if (typeof patch.openAtLogin === 'boolean') {
            try {
              setOpenAtLogin(patch.openAtLogin)
            } catch {
              console.warn('keywarden: could not change the login item')
            }
          }
        }
        return result
      },
    }
  }

  const onClose = (event: Electron.Event): void => {
    const decision = closeAction({
      quitting,
      closeToTray: services.settings().closeToTray,
      trayAvailable: tray !== null,
      noticeShown: readDesktopState(desktopStateFile).trayNoticeShown,
    })
    if (decision.action === 'close') return
    event.preventDefault()
    window?.hide()
    if (decision.notice) {
      notify(
        'Keywarden is still running',
        'It keeps reminding you from the tray. Quit from the tray menu; turn this off in Settings.',
        showWindow,
      )
      writeDesktopState(desktopStateFile, { trayNoticeShown: true })
    }
  }

  function createWindow(show: boolean): BrowserWindow {
    const win = createMainWindow({
      preloadPath,
      development,
      iconPath,
      show,
      ...(devServerUrl ? { devServerUrl } : {}),
    })
    win.on('close', onClose)
    // Windows logging off or shutting down closes windows before any quit event: let them go.
    win.on('session-end', () => {
      quitting = true
    })
    win.on('closed', () => {
      if (window === win) window = null
    })
    return win
  }

  function showWindow(): void {
    if (!window || window.isDestroyed()) window = createWindow(true)
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  /** Open an entry in the window: now if unlocked, else as soon as the vault is unlocked. */
  function openEntry(id: string | null): void {
    showWindow()
    if (id === null) return
    const now = pendingOpen.request(id, services.isUnlocked)
    if (now !== null) services.events.emit('open-entry', { id: now })
  }

  app.on('second-instance', () => showWindow())

  void app.whenReady().then(() => {
    serveRenderer(session.fromPartition(SESSION_PARTITION, { cache: false }), rendererDir)
    registerIpc(router, () => window, location)
    forwardEvents(services.events, () => window)
    services.events.subscribe((event) => {
      // Whatever locked the vault, a copied secret does not outlive the session.
      if (event === 'vault-locked') void guard.clearIfOurs()
      if (event === 'vault-unlocked') {
        const id = pendingOpen.unlocked()
        if (id !== null) services.events.emit('open-entry', { id })
      }
    })
    try {
      tray = new AppTray(iconPath, {
        show: showWindow,
        lock: () => services.lock('user'),
        quit: () => app.quit(),
      })
    } catch {
      // No status area (some Linux desktops): closing the window then quits, see closeAction.
      tray = null
    }
    services.events.subscribe((event, payload) => {
      if (event === 'reminders-due') tray?.update(payload as { count: number })
    })
    startReminderNotifications(services, openEntry)
    watchPower(services)
    services.start()
    const hidden = tray !== null && startsHidden(process.argv, wasOpenedAtLogin())
    // A tray-only start still loads the page, so the first click shows it at once.
    window = createWindow(!hidden)
  })

  app.on('window-all-closed', () => {
    // Reached only when a close was not turned into a hide: then closing means quitting.
    app.quit()
  })
  app.on('activate', () => showWindow())

  let closing = false
  app.on('before-quit', (event) => {
    quitting = true
    if (closing) return
    closing = true
    event.preventDefault()
    pendingOpen.clear()
    tray?.destroy()
    void guard
      .clearIfOurs()
      .catch(() => false)
      .then(() => services.close())
      .finally(() => app.exit(0))
  })
}
