/**
 * Reading a locked vault's sealed records ahead of the password: it finishes in the background
 * of an idle process, and what it read is never used once the entries changed, whoever changed
 * them (this store, or another process's connection).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Db } from '../../src-main/db/sqlite'
import { Vault } from '../../src-main/vault'
import { RecordReadAhead, type RecordChunk } from '../../src-main/vault/read-ahead'
import { VaultStore } from '../../src-main/vault/store'
import { PASSWORD, genericInput, newVault, rawDb, tempDir } from './helpers'

const CHUNK = 10
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

let tmp: ReturnType<typeof tempDir>
let path: string
let db: Db | null = null
beforeEach(async () => {
  tmp = tempDir()
  const made = await newVault(tmp.dir)
  path = made.path
  made.vault.addMany(Array.from({ length: 300 }, (_, i) => genericInput(i)))
  made.vault.close()
})
afterEach(() => {
  db?.close()
  db = null
  tmp.cleanup()
})

function storeOf(): { store: VaultStore; vaultId: string } {
  db = rawDb(path)
  const store = new VaultStore(db)
  return { store, vaultId: store.header()!.vault_id }
}

/** Every record as the file holds them now, read directly. */
function freshRead(store: VaultStore, vaultId: string): Buffer {
  const blobs: Uint8Array[] = []
  for (let after = 0; ;) {
    const chunk = store.unlockChunk(vaultId, after, CHUNK)
    if (!chunk) break
    blobs.push(chunk.blob)
    after = chunk.last
  }
  return Buffer.concat(blobs)
}

const joined = (chunks: Iterable<RecordChunk>): Buffer =>
  Buffer.concat([...chunks].map((c) => c.blob))

describe('RecordReadAhead', () => {
  it('reads all 30 chunks while the process sits idle, and hands over exactly the file', async () => {
    const { store, vaultId } = storeOf()
    const reader = new RecordReadAhead(store, vaultId, CHUNK)
    reader.start()
    // An idle event loop: a chain of unref'd immediates advanced one step per wake-up here.
    await sleep(500)
    expect(reader.isComplete).toBe(true)
    const expected = freshRead(store, vaultId)
    expect(expected.length).toBeGreaterThan(300 * 50)
    expect(joined(reader.drain()).equals(expected)).toBe(true)
    // Handed over once: the next drain reads the file itself, and gets the same.
    expect(reader.isComplete).toBe(false)
    expect(joined(reader.drain()).equals(expected)).toBe(true)
  })

  it('starts over when another connection commits (the CLI adding and deleting keys)', async () => {
    const { store, vaultId } = storeOf()
    const reader = new RecordReadAhead(store, vaultId, CHUNK)
    reader.start()
    await sleep(500)
    const before = freshRead(store, vaultId)

    const other = Vault.open(path)
    await other.unlock(PASSWORD)
    other.remove(other.list()[5]!.id)
    other.add(genericInput(1000))
    other.close()

    expect(reader.isComplete).toBe(false)
    const after = freshRead(store, vaultId)
    expect(after.equals(before)).toBe(false)
    expect(joined(reader.drain()).equals(after)).toBe(true)
  })

  it('starts over after a write through its own store', async () => {
    const { store, vaultId } = storeOf()
    const reader = new RecordReadAhead(store, vaultId, CHUNK)
    reader.start()
    await sleep(500)
    const victim = store.allClear()[0]!.id
    store.deleteEntry(victim)
    expect(reader.isComplete).toBe(false)
    expect(joined(reader.drain()).equals(freshRead(store, vaultId))).toBe(true)
  })

  it('a vault unlocked after another process renamed a key shows the new name', async () => {
    const waiting = Vault.open(path)
    await sleep(300) // at the prompt: the records are read ahead meanwhile
    const other = Vault.open(path)
    await other.unlock(PASSWORD)
    const target = other.list().find((e) => e.name === 'service 7')!
    other.update(target.id, { name: 'renamed elsewhere' })
    other.close()

    await waiting.unlock(PASSWORD)
    const names = waiting.list().map((e) => e.name)
    expect(names).toContain('renamed elsewhere')
    expect(names).not.toContain('service 7')
    expect(names).toHaveLength(300)
    waiting.close()
  })

  it('a vault opened without reading ahead reads nothing while locked, and its unlock opens all', async () => {
    const vault = Vault.open(path, { readAhead: false })
    const reader = (vault as unknown as { readAhead: RecordReadAhead }).readAhead
    await sleep(300)
    expect(reader.isComplete).toBe(false)
    await vault.unlock(PASSWORD)
    expect(vault.list()).toHaveLength(300)
    vault.close()
  })
})
