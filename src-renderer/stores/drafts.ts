/**
 * The form being filled, kept in memory so that a lock (idle time, another window) does not lose
 * it: after unlock the same form opens again with its non-secret fields. Only in this store's
 * memory, never in any browser storage, and never a key or secret: the forms keep those in their
 * own component state, which goes with the lock.
 */
import { create } from 'zustand'

/** Which form a draft belongs to. */
export type DraftPlace = { form: 'add' } | { form: 'edit' | 'rotate'; entryId: string }

export interface Draft {
  place: DraftPlace
  /** The form's own shape of its non-secret fields. */
  fields: unknown
}

export interface DraftsState {
  draft: Draft | null
  keep: (place: DraftPlace, fields: unknown) => void
  /** Forget the draft of this place (saved, cancelled, or left while unlocked). */
  discard: (place: DraftPlace) => void
}

/** A string naming a place, to compare two places. */
export function placeKey(place: DraftPlace): string {
  return place.form === 'add' ? 'add' : `${place.form}:${place.entryId}`
}

export const useDrafts = create<DraftsState>()((set, get) => ({
  draft: null,
  keep: (place, fields) => set({ draft: { place, fields } }),
  discard: (place) => {
    const draft = get().draft
    if (draft && placeKey(draft.place) === placeKey(place)) set({ draft: null })
  },
}))

/** The draft of this place, if there is one. */
export function draftAt(place: DraftPlace): Draft | null {
  const draft = useDrafts.getState().draft
  return draft && placeKey(draft.place) === placeKey(place) ? draft : null
}
