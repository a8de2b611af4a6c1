/**
 * Import, export and backup. The chosen file is held (base64) only while its dry-run table is
 * on screen, so a changed style can be planned again; it is dropped on import, reset and lock,
 * and never persisted. Exports and backups go straight to a download, never into state.
 */
import { create } from 'zustand'
import type { EntryStyle, ImportPreview, ImportSummary } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import { MAX_IMPORT_BYTES, downloadFile, fromBase64, toBase64 } from '../lib/download'

export type ConflictMode = 'skip' | 'rename' | 'replace'

interface ChosenFile {
  name: string
  content: string
}

export interface TransferState {
  file: ChosenFile | null
  preview: ImportPreview | null
  /** Styles the user chose, by row (`where`). */
  overrides: Record<string, EntryStyle>
  mode: ConflictMode
  busy: boolean
  error: string | null
  summary: ImportSummary | null
  /** The last export or backup, said in words beside its button. */
  exported: { text: string; holdsSecrets: boolean } | null
  exportError: string | null
  chooseFile: (file: File) => Promise<void>
  setOverride: (where: string, style: EntryStyle) => Promise<void>
  setMode: (mode: ConflictMode) => Promise<void>
  confirm: () => Promise<boolean>
  exportFile: (format: 'dotenv' | 'references') => Promise<void>
  backup: (password: string, backupPassword: string) => Promise<boolean>
  reset: () => void
}

const EMPTY = {
  file: null,
  preview: null,
  overrides: {},
  mode: 'skip' as ConflictMode,
  busy: false,
  error: null,
  summary: null,
}

export const useTransfer = create<TransferState>()((set, get) => {
  function input() {
    const { file, overrides, mode } = get()
    return {
      content: file!.content,
      encoding: 'base64' as const,
      fileName: file!.name,
      mode,
      overrides: Object.entries(overrides).map(([where, style]) => ({ where, style })),
    }
  }
  async function plan(): Promise<void> {
    if (!get().file) return
    set({ busy: true, error: null })
    try {
      set({ preview: await getApi().transfer.preview(input()), busy: false })
    } catch (error) {
      set({ error: errorMessage(error), busy: false })
    }
  }
  return {
    ...EMPTY,
    exported: null,
    exportError: null,
    chooseFile: async (file) => {
      set({ ...EMPTY })
      if (file.size > MAX_IMPORT_BYTES)
        return set({ error: 'The file is larger than 10 MB; split it and import the parts.' })
      // Sent as bytes: the main process tells the format (a .1pux is a zip) and the encoding.
      const content = toBase64(new Uint8Array(await file.arrayBuffer()))
      set({ file: { name: file.name, content } })
      await plan()
    },
    setOverride: async (where, style) => {
      set({ overrides: { ...get().overrides, [where]: style } })
      await plan()
    },
    setMode: async (mode) => {
      set({ mode })
      await plan()
    },
    confirm: async () => {
      if (!get().file) return false
      set({ busy: true, error: null })
      try {
        const summary = await getApi().transfer.import(input())
        set({ ...EMPTY, summary })
        return true
      } catch (error) {
        set({ error: errorMessage(error), busy: false })
        return false
      }
    },
    exportFile: async (format) => {
      try {
        const result = await getApi().export.file({ format })
        downloadFile(result.fileName, result.content, 'text/plain')
        set({
          exported: {
            text: `Downloaded ${result.fileName} (${result.count} keys). ${result.warning}`,
            holdsSecrets: result.holdsSecrets,
          },
          exportError: null,
        })
      } catch (error) {
        set({ exportError: errorMessage(error) })
      }
    },
    backup: async (password, backupPassword) => {
      try {
        const result = await getApi().backup.file({ password, backupPassword })
        downloadFile(result.fileName, fromBase64(result.contentBase64), 'application/octet-stream')
        set({
          exported: {
            text: `Downloaded ${result.fileName} (${result.entries} keys). It holds every key, encrypted under the backup password: keep both safe.`,
            holdsSecrets: true,
          },
          exportError: null,
        })
        return true
      } catch (error) {
        set({ exportError: errorMessage(error) })
        return false
      }
    },
    reset: () => set({ ...EMPTY, exported: null, exportError: null }),
  }
})
