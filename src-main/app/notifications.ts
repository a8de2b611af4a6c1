/**
 * OS notifications: reminders that fell due, and the one-time "still running in the tray" note.
 * Reminder text comes from the reminders' text module (it names no key while locked). A click
 * reports the entry when the notification is about exactly one key; main.ts brings the window
 * up and opens that entry, after unlock if need be.
 */
import { Notification } from 'electron'
import type { AppServices } from '../services/app-services'

/** Show a plain notification, where the platform has them. */
export function notify(title: string, body: string, onClick?: () => void): void {
  if (!Notification.isSupported()) return
  const notification = new Notification({ title, body, silent: true })
  if (onClick) notification.on('click', onClick)
  // macOS shows nothing for an unsigned build (UNNotification): say so instead of failing silently.
  notification.on('failed', () => console.warn('keywarden: the system refused a notification'))
  notification.show()
}

/** Subscribe to the reminders; returns the unsubscribe. */
export function startReminderNotifications(
  services: AppServices,
  onClick: (entryId: string | null) => void,
): () => void {
  return services.reminders.onNotify((event) => {
    if (!services.settings().notifications || !Notification.isSupported()) return
    const notification = new Notification({
      title: event.text.title,
      body: event.text.body,
      silent: false,
    })
    const single = event.reminders.length === 1 ? event.reminders[0] : undefined
    notification.on('click', () => onClick(single ? single.entryId : null))
    notification.on('failed', () => console.warn('keywarden: the system refused a notification'))
    notification.show()
  })
}
