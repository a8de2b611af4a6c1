/**
 * Reads the entries' sealed records ahead of the password. A locked vault waits at the prompt
 * for seconds; meanwhile this reads what the unlock will decrypt (ciphertext and clear columns:
 * nothing the file does not already show), one chunk per turn of the event loop, so the unlock
 * only decrypts. At 100k entries the read is about a quarter of the unlock.
 *
 * What was read ahead is used only while the entries are unchanged: a write through this vault's
 * store or a commit by another process (the CLI) changes the store's stamp, and the reader then
 * starts over. It holds ciphertext only, so it needs no wiping; it is dropped once handed over.
 */
import { nextTurn } from './next-turn'
import type { VaultStore } from './store'

/** One chunk of records as `VaultStore.unlockChunk` returns it. */
export interface RecordChunk {
  blob: Uint8Array
  last: number
}

export class RecordReadAhead {
  private chunks: RecordChunk[] = []
  private after = 0
  private complete = false
  private stamp: string
  private pending: NodeJS.Timeout | null = null

  constructor(
    private readonly store: VaultStore,
    private readonly vaultId: string,
    private readonly chunkSize: number,
  ) {
    this.stamp = store.entriesStamp()
  }

  /** Whether every record is read ahead and nothing has changed since (for tests and diagnostics). */
  get isComplete(): boolean {
    return this.complete && this.store.entriesStamp() === this.stamp
  }

  /** Start (or go on) reading in the background. It never keeps the process alive. */
  start(): void {
    if (this.pending || this.complete) return
    const step = (): void => {
      this.pending = null
      this.invalidateIfChanged()
      const chunk = this.store.unlockChunk(this.vaultId, this.after, this.chunkSize)
      if (!chunk) {
        this.complete = true
        return
      }
      this.chunks.push(chunk)
      this.after = chunk.last
      this.pending = nextTurn(step)
    }
    this.pending = nextTurn(step)
  }

  /** Stop reading in the background and forget what was read. */
  stop(): void {
    if (this.pending) clearTimeout(this.pending)
    this.pending = null
    this.forget()
  }

  /**
   * Every chunk of records as the file holds them now: those read ahead (if still current), then
   * the rest, read here. Reading ahead stops; what was read is handed over and forgotten.
   */
  *drain(): Generator<RecordChunk> {
    if (this.pending) clearTimeout(this.pending)
    this.pending = null
    this.invalidateIfChanged()
    const ahead = this.chunks
    let after = this.after
    this.forget()
    // Shifted out one by one, so a chunk already decrypted can be collected during the unlock.
    while (ahead.length > 0) yield ahead.shift() as RecordChunk
    for (;;) {
      const chunk = this.store.unlockChunk(this.vaultId, after, this.chunkSize)
      if (!chunk) return
      after = chunk.last
      yield chunk
    }
  }

  private invalidateIfChanged(): void {
    if (this.store.entriesStamp() !== this.stamp) this.forget()
  }

  private forget(): void {
    this.chunks = []
    this.after = 0
    this.complete = false
    this.stamp = this.store.entriesStamp()
  }
}
