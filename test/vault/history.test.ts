/**
 * History: previous credentials are kept sealed, listed from masks kept in the entry's sealed
 * document (no old key is opened to list them), trimmed to the history limit, and revealed one
 * field at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EntryTamperedError } from '../../src-main/vault'
import { BM_ID, BM_SECRET, genericInput, newVault, rawDb, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

describe('history', () => {
  it('lists masks without opening old keys: a damaged old key still lists, and fails only on reveal', async () => {
    const { vault, path } = await newVault(tmp.dir)
    const e = vault.add(genericInput(1))
    vault.rotate(e.id, { credential: { key: 'gk-1-second-value-xy' }, rotatedAt: 5000 })
    const db = rawDb(path)
    db.prepare('UPDATE entry_history SET key_ct = zeroblob(60) WHERE entry_id = ?').run(e.id)
    db.close()
    expect(vault.history(e.id)).toEqual([{ index: 0, rotatedAt: 5000, keyMask: 'gk-1…alue' }])
    expect(() => vault.revealHistory(e.id, 0, 'key')).toThrow(EntryTamperedError)
    vault.close()
  })

  it('keeps at most the history limit, newest first, with BlazeMeter secrets', async () => {
    const { vault } = await newVault(tmp.dir)
    vault.setSetting('historyLimit', 2)
    const e = vault.add({
      style: 'blazemeter',
      name: 'bm',
      credential: { key: BM_ID, secret: BM_SECRET },
    })
    const secrets = ['c', 'd', 'e'].map((ch) => ch.repeat(72))
    secrets.forEach((secret, i) =>
      vault.rotate(e.id, { credential: { key: BM_ID, secret }, rotatedAt: 10_000 + i }),
    )
    expect(vault.history(e.id).map((h) => h.rotatedAt)).toEqual([10_002, 10_001])
    expect(vault.revealHistory(e.id, 0, 'secret')).toBe(secrets[1])
    expect(vault.revealHistory(e.id, 1, 'secret')).toBe(secrets[0])
    expect(vault.get(e.id).historyCount).toBe(2)
    expect(() => vault.revealHistory(e.id, 2, 'key')).toThrow(/no history item 2/)
    vault.close()
  })

  it('a history limit of 0 keeps nothing', async () => {
    const { vault } = await newVault(tmp.dir)
    vault.setSetting('historyLimit', 0)
    const e = vault.add(genericInput(1))
    vault.rotate(e.id, { credential: { key: 'gk-1-second-value-xy' } })
    expect(vault.history(e.id)).toEqual([])
    vault.close()
  })
})
