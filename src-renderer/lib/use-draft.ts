/**
 * A form's non-secret fields, kept in the drafts store while the form is open. Leaving the form
 * while the vault is open forgets them; a lock keeps them for the same form after unlock.
 */
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react'
import { draftAt, placeKey, useDrafts, type DraftPlace } from '../stores/drafts'
import { useSession } from '../stores/session'

export interface FormDraft<T> {
  fields: T
  setFields: Dispatch<SetStateAction<T>>
  /** The fields came back from before a lock. */
  restored: boolean
  /** Forget the draft now (the form was saved or cancelled). */
  discard: () => void
}

export function useDraft<T>(place: DraftPlace, initial: () => T): FormDraft<T> {
  const key = placeKey(place)
  const [restored] = useState(() => draftAt(place) !== null)
  const [fields, setFields] = useState<T>(() => {
    const draft = draftAt(place)
    return draft ? (draft.fields as T) : initial()
  })

  useEffect(() => {
    useDrafts.getState().keep(place, fields)
    // `place` is named by `key`: a new object with the same key is the same place.
  }, [key, fields])

  useEffect(
    () => () => {
      // Unmounted by a lock: the unlock screen replaced the app, and the draft waits for it.
      if (useSession.getState().status?.unlocked) useDrafts.getState().discard(place)
    },
    [key],
  )

  return { fields, setFields, restored, discard: () => useDrafts.getState().discard(place) }
}
