/**
 * Browser-mode copy: the page is the only thing that can reach the clipboard, so the one value
 * the user chose to copy comes back once, goes to the clipboard, and is wiped after the delay
 * if the clipboard still holds it. The value is kept only until then (to compare), never in a
 * store.
 */
let pending: { value: string; timer: ReturnType<typeof setTimeout> } | null = null

async function clearIfOurs(value: string): Promise<void> {
  try {
    const current = await navigator.clipboard.readText()
    if (current !== value) return
  } catch {
    // Reading is refused without permission: we cannot tell, and a lingering secret is worse
    // than an emptied clipboard, so clear it anyway.
  }
  try {
    await navigator.clipboard.writeText('')
  } catch {
    // The page lost focus; nothing more can be done from here.
  }
}

/** Put a value on the clipboard and clear it after `clearAfterMs` if it is still there. */
export async function copyWithClear(value: string, clearAfterMs: number): Promise<void> {
  await navigator.clipboard.writeText(value)
  if (pending) clearTimeout(pending.timer)
  const timer = setTimeout(() => {
    const v = pending?.value
    pending = null
    if (v !== undefined) void clearIfOurs(v)
  }, clearAfterMs)
  pending = { value, timer }
}

/** Clear now (on lock) if the clipboard still holds what we put there. */
export function clearClipboardNow(): void {
  if (!pending) return
  clearTimeout(pending.timer)
  const v = pending.value
  pending = null
  void clearIfOurs(v)
}
