/**
 * Merging a write made from a stale view. A form opened at version 5 saves after another process
 * wrote version 6: each field the form changed is applied when the other writer left that field
 * alone; when both changed the same field to different values, the write is refused (the caller
 * reloads and the user decides). Without the version the form started from, nothing can be told
 * apart, so any field that differs from the row as it is now is a conflict.
 */
import type { EntryPatch, EntrySummary } from './types'

const PATCH_FIELDS = [
  'name',
  'environment',
  'tags',
  'notes',
  'scope',
  'baseUrl',
  'expiresAt',
  'lastRotatedAt',
  'rotationPolicyDays',
  'status',
] as const satisfies readonly (keyof EntryPatch & keyof EntrySummary)[]

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}

/**
 * The part of `patch` to apply on `current`, or the fields in conflict. `base` is the entry as
 * the writer saw it (undefined when that version is no longer known).
 */
export function mergeStalePatch(
  patch: EntryPatch,
  base: EntrySummary | undefined,
  current: EntrySummary,
): { patch: EntryPatch } | { conflicts: string[] } {
  const out: EntryPatch = {}
  const conflicts: string[] = []
  for (const field of PATCH_FIELDS) {
    const mine = patch[field]
    if (mine === undefined) continue
    if (same(mine, current[field])) continue // already so: nothing to write
    if (base && same(base[field], current[field])) {
      // Only this writer changed it (relative to what it saw).
      ;(out as Record<string, unknown>)[field] = mine
      continue
    }
    // Unchanged by this writer (it sent back what it saw): keep the other writer's value.
    if (base && same(mine, base[field])) continue
    conflicts.push(field)
  }
  return conflicts.length > 0 ? { conflicts } : { patch: out }
}

/** Whether a rotation made from a stale view can go on: not if the key itself changed since. */
export function rotationConflicts(base: EntrySummary | undefined, current: EntrySummary): string[] {
  if (!base) return ['key']
  const out: string[] = []
  if (base.lastRotatedAt !== current.lastRotatedAt) out.push('key')
  if (base.status !== current.status) out.push('status')
  return out
}
