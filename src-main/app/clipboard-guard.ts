/**
 * Copy a secret from main and take it back: after `clearAfterMs` the clipboard is cleared, but
 * only if it still holds our value (the user may have copied something else meanwhile). We keep
 * a SHA-256 of the value, not the value, to make that comparison.
 *
 * Clipboard history: Windows skips content that carries the ExcludeClipboardContentFromMonitorProcessing
 * format, macOS clipboard managers honour org.nspasteboard.ConcealedType. Since Electron's
 * clipboard follows the W3C async API, one `write()` commits text and raw platform formats
 * atomically, so the markers always travel with the value (electron-clipboard.ts).
 */
import { createHash } from 'node:crypto'

/** The part of Electron's clipboard this module needs (injected, so tests run without Electron). */
export interface ClipboardPort {
  readText(): Promise<string>
  /** Text plus marker formats (platform format name → raw bytes) in one atomic write. */
  write(text: string, formats: Record<string, Buffer>): Promise<void>
  clear(): void
}

export interface TimerPort {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Formats that keep a value out of clipboard history and cloud sync, per platform. */
export function concealedFormats(platform: NodeJS.Platform): Record<string, Buffer> {
  if (platform === 'win32')
    return {
      ExcludeClipboardContentFromMonitorProcessing: Buffer.alloc(0),
      // DWORD 0: not in Win+V history, not uploaded to the cloud clipboard.
      CanIncludeInClipboardHistory: Buffer.alloc(4),
      CanUploadToCloudClipboard: Buffer.alloc(4),
    }
  if (platform === 'darwin') return { 'org.nspasteboard.ConcealedType': Buffer.alloc(0) }
  return {}
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export class ClipboardGuard {
  private pending: unknown = null
  private ours: string | null = null
  /** The write in flight: a clear waits for it, or the value would land after the clear. */
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly timers: TimerPort = {
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** Put `value` on the clipboard and schedule its removal. */
  async copy(value: string, clearAfterMs: number): Promise<void> {
    // Remembered before the write resolves, so a lock during the write still clears it.
    this.ours = digest(value)
    if (this.pending !== null) this.timers.clearTimeout(this.pending)
    this.pending = this.timers.setTimeout(() => void this.clearIfOurs(), clearAfterMs)
    const write = this.clipboard.write(value, concealedFormats(this.platform))
    this.writing = write.catch(() => undefined)
    await write
  }

  /** Clear the clipboard if it still holds what we put there (also on lock and quit). */
  async clearIfOurs(): Promise<boolean> {
    if (this.pending !== null) this.timers.clearTimeout(this.pending)
    this.pending = null
    const ours = this.ours
    this.ours = null
    if (ours === null) return false
    await this.writing
    const current = await this.clipboard.readText().catch(() => null)
    if (current === null || digest(current) !== ours) return false
    this.clipboard.clear()
    return true
  }
}
