/** The tray icon: the count of due reminders in its tooltip and title, a small menu. */
import { Menu, Tray, nativeImage } from 'electron'
import type { RemindersSnapshot } from '../ipc/contract'

export interface TrayActions {
  show(): void
  lock(): void
  quit(): void
}

/** Tooltip text for a snapshot (names no key: the tray is visible while locked). */
export function trayTooltip(snapshot: Pick<RemindersSnapshot, 'count'>): string {
  if (snapshot.count === 0) return 'Keywarden — nothing due'
  return `Keywarden — ${snapshot.count} ${snapshot.count === 1 ? 'reminder' : 'reminders'} due`
}

export class AppTray {
  private readonly tray: Tray

  constructor(iconPath: string, actions: TrayActions) {
    const image = nativeImage.createFromPath(iconPath).resize({ width: 16, height: 16 })
    this.tray = new Tray(image)
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Keywarden', click: () => actions.show() },
        { label: 'Lock', click: () => actions.lock() },
        { type: 'separator' },
        { label: 'Quit', click: () => actions.quit() },
      ]),
    )
    this.tray.on('click', () => actions.show())
    this.update({ count: 0 })
  }

  update(snapshot: Pick<RemindersSnapshot, 'count'>): void {
    this.tray.setToolTip(trayTooltip(snapshot))
    // macOS shows a title next to the icon; elsewhere the tooltip carries the count.
    if (process.platform === 'darwin')
      this.tray.setTitle(snapshot.count > 0 ? String(snapshot.count) : '')
  }

  destroy(): void {
    this.tray.destroy()
  }
}
