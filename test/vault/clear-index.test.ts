/**
 * clearMetadata() and reminderState() are kept between calls while the file is unchanged. Every
 * way the file can change must show in the next answer: this vault's own writes, and a commit by
 * another process (a second connection to the same file, as the CLI would be).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault } from '../../src-main/vault'
import type { ReminderStateRow } from '../../src-main/vault/types'
import { PASSWORD, genericInput, newVault, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let vault: Vault
let path: string
beforeEach(async () => {
  tmp = tempDir()
  ;({ vault, path } = await newVault(tmp.dir))
  vault.addMany([genericInput(1), genericInput(2), genericInput(3)])
})
afterEach(() => {
  vault.close()
  tmp.cleanup()
})

const row = (entryId: string, threshold: number): ReminderStateRow => ({
  entryId,
  kind: 'expires-soon',
  threshold,
  notifiedAt: 1000,
  snoozedUntil: null,
  dismissed: false,
})

/** Change the file through a second connection, as another process would. */
async function elsewhere(change: (other: Vault) => void): Promise<void> {
  const other = Vault.open(path)
  await other.unlock(PASSWORD)
  change(other)
  other.close()
}

describe('clearMetadata', () => {
  it("follows this vault's own adds, updates, checks and removals", () => {
    const [a, b] = vault.list()
    expect(vault.clearMetadata()).toHaveLength(3)
    vault.add(genericInput(4))
    expect(vault.clearMetadata()).toHaveLength(4)
    vault.update(a!.id, { expiresAt: 5_000_000_000_000 })
    expect(vault.clearMetadata().find((m) => m.id === a!.id)!.expiresAt).toBe(5_000_000_000_000)
    vault.recordValidation(b!.id, 'invalid', 1234)
    expect(vault.clearMetadata().find((m) => m.id === b!.id)!.lastCheck).toEqual({
      status: 'invalid',
      at: 1234,
    })
    vault.remove(a!.id)
    expect(vault.clearMetadata().map((m) => m.id)).not.toContain(a!.id)
  })

  it("follows another process's commit, also while locked", async () => {
    vault.lock()
    expect(vault.clearMetadata()).toHaveLength(3)
    await elsewhere((other) => {
      other.add(genericInput(9))
      other.update(other.list()[0]!.id, { status: 'revoked' })
    })
    const now = vault.clearMetadata()
    expect(now).toHaveLength(4)
    expect(now.filter((m) => m.status === 'revoked')).toHaveLength(1)
  })

  it('hands out copies: a caller editing its answer changes nothing for the next', () => {
    const first = vault.clearMetadata()
    first.pop()
    expect(() => {
      ;(first[0] as { expiresAt: number | null }).expiresAt = 1
    }).toThrow(TypeError)
    expect(vault.clearMetadata()).toHaveLength(3)
    expect(vault.clearMetadata()[0]!.expiresAt).toBeNull()
  })
})

describe('reminderState', () => {
  it('follows its own writes, an entry removal and another process', async () => {
    const [a, b] = vault.list()
    expect(vault.reminderState()).toEqual([])
    vault.putReminderStates([row(a!.id, 7), row(b!.id, 7)])
    expect(vault.reminderState()).toHaveLength(2)
    vault.remove(a!.id) // its rows go with it
    expect(vault.reminderState().map((r) => r.entryId)).toEqual([b!.id])
    await elsewhere((other) => other.putReminderStates([row(b!.id, 1)]))
    expect(vault.reminderState().map((r) => r.threshold)).toEqual([1, 7])
  })
})
