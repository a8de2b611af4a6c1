/**
 * The edit form's fields as text, the patch they make, and how typed values survive a reload of
 * the entry after a change made elsewhere (a field the user changed keeps the user's value; every
 * other field takes the entry's new value).
 */
import type { EntryDetail, EntryPatch, KeyStatus } from '../../src-main/ipc/contract'
import { editExpiresAt, editExpiryValue } from './expiry'
import { splitTags } from './format'

export interface EditFields {
  name: string
  environment: string
  tags: string
  notes: string
  status: KeyStatus
  baseUrl: string
  rotation: string
  expiry: string
}

/** The form's fields for an entry as it is. */
export function editFieldsOf(entry: EntryDetail): EditFields {
  return {
    name: entry.name,
    environment: entry.environment,
    tags: entry.tags.join(', '),
    notes: entry.notes,
    status: entry.status,
    baseUrl: entry.baseUrl ?? '',
    rotation: entry.rotationPolicyDays ? String(entry.rotationPolicyDays) : '',
    expiry: editExpiryValue(entry.style, entry),
  }
}

/** Fields the user changed from `base`. */
export function changedFields(base: EditFields, mine: EditFields): (keyof EditFields)[] {
  return (Object.keys(base) as (keyof EditFields)[]).filter((k) => base[k] !== mine[k])
}

/** After a reload: the user's changes over the entry's new values. */
export function rebaseFields(base: EditFields, mine: EditFields, fresh: EditFields): EditFields {
  const out = { ...fresh }
  for (const k of changedFields(base, mine)) (out as Record<string, string>)[k] = mine[k]
  return out
}

/**
 * The patch of what the user changed (only that: a field left alone is not written back, so it
 * cannot undo a change made elsewhere), or a problem to show.
 */
export function editPatch(
  entry: EntryDetail,
  base: EditFields,
  mine: EditFields,
): EntryPatch | { problem: string } {
  const patch: EntryPatch = {}
  for (const k of changedFields(base, mine)) {
    switch (k) {
      case 'name':
        patch.name = mine.name.trim()
        break
      case 'environment':
        patch.environment = mine.environment.trim()
        break
      case 'tags':
        patch.tags = splitTags(mine.tags)
        break
      case 'notes':
        patch.notes = mine.notes
        break
      case 'status':
        patch.status = mine.status
        break
      case 'baseUrl':
        patch.baseUrl = mine.baseUrl.trim() === '' ? null : mine.baseUrl.trim()
        break
      case 'rotation':
        patch.rotationPolicyDays = mine.rotation.trim() === '' ? null : Number(mine.rotation)
        break
      case 'expiry': {
        const at = editExpiresAt(mine.expiry, entry)
        if (at === 'invalid') return { problem: 'The expiry date is not a valid date.' }
        patch.expiresAt = at
        break
      }
    }
  }
  return patch
}
