/**
 * OS notifications for reminders that fell due. The text comes from the reminders' text module
 * (it names no key while locked); a click brings the window up and opens the entry when the
 * notification is about one key.
 */
import { Notification } from 'electron'
import type { AppServices } from '../services/app-services'

/** Subscribe to the reminders; returns the unsubscribe. */
export function startReminderNotifications(
  services: AppServices,
  showWindow: () => void,
): () => void {
  return services.reminders.onNotify((event) => {
    if (!services.settings().notifications || !Notification.isSupported()) return
    const notification = new Notification({
      title: event.text.title,
      body: event.text.body,
      silent: false,
    })
    const single = event.reminders.length === 1 ? event.reminders[0] : undefined
    notification.on('click', () => {
      showWindow()
      // An entry id is clear metadata (not a name or key), so it may travel while locked; the
      // renderer opens the entry once the vault is unlocked.
      if (single) services.events.emit('open-entry', { id: single.entryId })
    })
    notification.show()
  })
}
