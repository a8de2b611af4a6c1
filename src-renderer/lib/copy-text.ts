/**
 * Copy a text that is no secret (a base URL). The async clipboard API first; the desktop app
 * denies the page every permission, clipboard writes included, so the fallback copies the
 * selected text of the field the value is shown in, which a click allows without one.
 */
export async function copyPlainText(
  value: string,
  field: HTMLInputElement | null,
): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value)
    return true
  } catch {
    if (!field) return false
    field.focus()
    field.select()
    // Deprecated, but the one way to copy a selection without the clipboard permission.
    return document.execCommand('copy')
  }
}
