/**
 * The unlocked cache's memory sharing: entries without tags or scope (most of a large vault)
 * point at one frozen empty list and object instead of one each, and that sharing never lets a
 * change to one entry show on another.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { Vault } from '../../src-main/vault'
import { FAST_KDF, PASSWORD, genericInput, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('entries without tags or scope share one frozen empty list and scope, after a fresh unlock', async () => {
  const path = join(tmp.dir, 'v.kwdb')
  const lastSeenFile = join(tmp.dir, 'last-seen.json')
  const created = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
  created.addMany([genericInput(1), genericInput(2), genericInput(3, { tags: ['ci'] })])
  created.close()

  const vault = Vault.open(path, { lastSeenFile })
  await vault.unlock(PASSWORD)
  const [a, b, tagged] = vault.list()
  expect(a!.tags).toBe(b!.tags)
  expect(a!.scope).toBe(b!.scope)
  expect(Object.isFrozen(a!.tags) && Object.isFrozen(a!.scope)).toBe(true)
  expect(tagged!.tags).toEqual(['ci'])

  // A change to one entry replaces its summary; the others keep their empty tags.
  vault.update(a!.id, { tags: ['prod'] })
  expect(vault.get(a!.id).tags).toEqual(['prod'])
  expect(vault.get(b!.id).tags).toEqual([])
  expect(vault.history(b!.id)).toEqual([])
  vault.close()
})
