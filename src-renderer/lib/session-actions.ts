/**
 * What happens to every store when the vault opens or closes. On lock, everything decrypted is
 * dropped at once; revealed values live in component state and go when their panel unmounts
 * (the unlock screen replaces the whole main view).
 */
import { useDrafts } from '../stores/drafts'
import { useEntries } from '../stores/entries'
import { useKeyServer } from '../stores/keyserver'
import { useReminders } from '../stores/reminders'
import { useSession } from '../stores/session'
import { useUi } from '../stores/ui'
import { useTransfer } from '../stores/transfer'
import { useAudit } from '../stores/audit'
import { clearClipboardNow } from './clipboard'

/** Drop everything decrypted and show the unlock screen. */
export function dropDecrypted(): void {
  useSession.getState().lockedByMain()
  useEntries.getState().clear()
  useReminders.getState().clear()
  useUi.getState().reset()
  // A file chosen for import, and the audit records, go with the vault's decrypted state.
  useTransfer.getState().reset()
  useAudit.getState().clear()
  clearClipboardNow()
  // The anonymous summary still works while locked.
  void useReminders.getState().load()
}

/** Lock on the user's request. */
export async function lockNow(): Promise<void> {
  await useSession.getState().lock()
  dropDecrypted()
}

/** Load what the unlocked app shows. */
export function loadUnlocked(): void {
  void useEntries.getState().load()
  void useReminders.getState().load()
  void useKeyServer.getState().load()
  void useUi.getState().loadSettings()
  resumeDraft()
}

/** Open again the form a lock interrupted, with its non-secret fields. */
function resumeDraft(): void {
  const place = useDrafts.getState().draft?.place
  if (!place) return
  const ui = useUi.getState()
  if (place.form === 'add') ui.setView('add')
  else {
    ui.setView('entries')
    useEntries.getState().select(place.entryId)
  }
  ui.notify('Your unsaved form is back. Keys and secrets are never kept: paste them again.')
}
