/**
 * Electron's clipboard behind the guard's port. Raw platform formats go through Electron's
 * `electron application/osclipboard;format="<name>"` custom format, in the same ClipboardItem
 * as the text, so they are committed in one write.
 */
import { ClipboardItem, clipboard } from 'electron'
import type { ClipboardPort } from './clipboard-guard'

/** The MIME key Electron uses for a raw platform clipboard format. */
export function osFormatKey(name: string): string {
  return `electron application/osclipboard;format="${name}"`
}

export const electronClipboard: ClipboardPort = {
  readText: () => clipboard.readText(),
  write: (text, formats) => {
    const items: Record<string, string | Blob> = { 'text/plain': text }
    for (const [name, bytes] of Object.entries(formats))
      items[osFormatKey(name)] = new Blob([new Uint8Array(bytes)])
    return clipboard.write([new ClipboardItem(items)])
  },
  clear: () => clipboard.clear(),
}
