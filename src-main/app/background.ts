/**
 * What keeps reminders coming with the window closed, as pure decisions the Electron shell
 * (main.ts) follows: whether a close hides the window to the tray, whether the app starts
 * without a window, and which entry a notification click opens once the vault is unlocked.
 */

/** The command-line flag the login item starts us with: tray only, no window. */
export const HIDDEN_FLAG = '--hidden'

export interface CloseContext {
  /** Quit was asked for (tray menu, Cmd+Q, the OS session ending): let the window go. */
  quitting: boolean
  /** The "keep running in the tray when the window is closed" setting. */
  closeToTray: boolean
  /** Whether a tray icon exists: without one a hidden window could never be found again. */
  trayAvailable: boolean
  /** Whether the user was already told, once, that closing keeps the app in the tray. */
  noticeShown: boolean
}

export type CloseAction = { action: 'close' } | { action: 'hide'; notice: boolean }

/** The window's `close` event: hide to the tray (telling the user the first time) or close. */
export function closeAction(context: CloseContext): CloseAction {
  if (context.quitting || !context.closeToTray || !context.trayAvailable) return { action: 'close' }
  return { action: 'hide', notice: !context.noticeShown }
}

/** Whether this launch starts in the tray only: from the login item, or asked on the command line. */
export function startsHidden(argv: readonly string[], wasOpenedAtLogin = false): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_FLAG)
}

/**
 * A notification click names an entry, but a locked vault cannot show it. The click is kept
 * (only the latest: the user clicked that one last) and handed out once the vault is unlocked.
 * An entry id is clear metadata, so holding it while locked reveals nothing.
 */
export class PendingOpen {
  private pending: string | null = null

  /** A click on a notification about `id`: returns the id to open now, or null when it waits. */
  request(id: string, unlocked: boolean): string | null {
    if (unlocked) {
      this.pending = null
      return id
    }
    this.pending = id
    return null
  }

  /** The vault was unlocked: the id to open now, if a click was waiting (handed out once). */
  unlocked(): string | null {
    const id = this.pending
    this.pending = null
    return id
  }

  /** What is waiting, without taking it. */
  get waiting(): string | null {
    return this.pending
  }

  /** Forget the click (the app is quitting). */
  clear(): void {
    this.pending = null
  }
}
