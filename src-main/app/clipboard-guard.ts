/**
 * Copy a secret from main and take it back: after `clearAfterMs` the clipboard is cleared, but
 * only if it still holds our value (the user may have copied something else meanwhile). We keep
 * a SHA-256 of the value, not the value, to make that comparison.
 *
 * Clipboard history: Windows skips content that carries the ExcludeClipboardContentFromMonitorProcessing
 * format, macOS clipboard managers honour org.nspasteboard.ConcealedType. Electron 39 can add a
 * custom format only by clearing the clipboard first (one custom format per write, text lost),
 * so `concealedFormats` is applied only through a writer that can write text and formats in one
 * go (`writeConcealed`); with plain Electron 39 the value is written as text alone.
 */
import { createHash } from 'node:crypto'

/** The part of Electron's clipboard this module needs (injected, so tests run without Electron). */
export interface ClipboardPort {
  readText(): string
  writeText(text: string): void
  clear(): void
  /** Text plus marker formats in one write, where the platform and Electron allow it. */
  writeConcealed?(text: string, formats: Record<string, Buffer>): void
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

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly timers: TimerPort = {
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** Put `value` on the clipboard and schedule its removal. */
  copy(value: string, clearAfterMs: number): void {
    const formats = concealedFormats(this.platform)
    if (this.clipboard.writeConcealed && Object.keys(formats).length > 0)
      this.clipboard.writeConcealed(value, formats)
    else this.clipboard.writeText(value)
    this.ours = digest(value)
    if (this.pending !== null) this.timers.clearTimeout(this.pending)
    this.pending = this.timers.setTimeout(() => this.clearIfOurs(), clearAfterMs)
  }

  /** Clear the clipboard if it still holds what we put there (also on lock and quit). */
  clearIfOurs(): boolean {
    if (this.pending !== null) this.timers.clearTimeout(this.pending)
    this.pending = null
    const ours = this.ours
    this.ours = null
    if (ours === null) return false
    if (digest(this.clipboard.readText()) !== ours) return false
    this.clipboard.clear()
    return true
  }
}
