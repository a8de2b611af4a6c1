/**
 * Version-checked writes: every write starts from the row as it is now (another connection's
 * commit included), a stale write is merged field by field where that is safe and refused with
 * "changed elsewhere" otherwise, and provider limits count the committed rows.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChangedElsewhereError, RuleViolationError, Vault } from '../../src-main/vault'
import { FAST_KDF, PASSWORD, UP_KEY, genericInput, tempDir } from './helpers'

let tmp: ReturnType<typeof tempDir>
let lastSeenFile: string
beforeEach(() => {
  tmp = tempDir()
  lastSeenFile = join(tmp.dir, 'last-seen.json')
})
afterEach(() => tmp.cleanup())

/** Two unlocked handles on one file: as the app and the CLI are. */
async function twoHandles(): Promise<{ app: Vault; cli: Vault; path: string }> {
  const path = join(tmp.dir, 'v.kwdb')
  const app = await Vault.create(path, PASSWORD, { kdf: FAST_KDF, lastSeenFile })
  const cli = Vault.open(path, { lastSeenFile })
  await cli.unlock(PASSWORD)
  return { app, cli, path }
}

function upKey(i: number): string {
  return UP_KEY.slice(0, -2) + String(i).padStart(2, '0')
}

describe('versions', () => {
  it('start at 1 and go up by one per write; reads see the other handle at once', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    expect(e.version).toBe(1)
    expect(cli.get(e.id).version).toBe(1)
    const u = cli.update(e.id, { notes: 'from the CLI' })
    expect(u.version).toBe(2)
    expect(app.get(e.id)).toMatchObject({ version: 2, notes: 'from the CLI' })
    app.close()
    cli.close()
  })

  it('a write without a version starts from the row as it is now (nothing reverted)', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    app.list() // the app has it cached at version 1
    const expiry = Date.UTC(2031, 0, 1)
    cli.update(e.id, { expiresAt: expiry })
    app.update(e.id, { name: 'renamed in the app' })
    const after = cli.get(e.id)
    expect(after).toMatchObject({ name: 'renamed in the app', expiresAt: expiry, version: 3 })
    app.close()
    cli.close()
  })

  it('merges a stale form field by field when the fields differ', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    const form = app.get(e.id) // the form opens at version 1
    const expiry = Date.UTC(2031, 0, 1)
    cli.update(e.id, { expiresAt: expiry })
    // The form sends every field back, its expiry as it saw it (null) and a new name.
    const saved = app.update(
      e.id,
      { name: 'new name', expiresAt: form.expiresAt, notes: form.notes },
      { expectedVersion: form.version },
    )
    expect(saved).toMatchObject({ name: 'new name', expiresAt: expiry, version: 3 })
    app.close()
    cli.close()
  })

  it('refuses a stale form that changed a field changed elsewhere, and the view is reloaded', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    const form = app.get(e.id)
    cli.update(e.id, { expiresAt: Date.UTC(2031, 0, 1) })
    const error = (() => {
      try {
        app.update(e.id, { expiresAt: Date.UTC(2029, 0, 1) }, { expectedVersion: form.version })
      } catch (err) {
        return err
      }
    })()
    expect(error).toBeInstanceOf(ChangedElsewhereError)
    expect((error as Error).message).toMatch(/changed elsewhere; it has been reloaded/)
    expect(app.get(e.id).expiresAt).toBe(Date.UTC(2031, 0, 1))
    app.close()
    cli.close()
  })

  it('refuses a stale rotation when the key was rotated elsewhere, allows it after a rename', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    const form = app.get(e.id)
    cli.update(e.id, { name: 'renamed' })
    const r = app.rotate(
      e.id,
      { credential: { key: 'gk-1-rotated-value-01' } },
      { expectedVersion: form.version },
    )
    expect(r).toMatchObject({ name: 'renamed', version: 3 })
    cli.rotate(e.id, { credential: { key: 'gk-1-rotated-value-02' } })
    expect(() =>
      app.rotate(e.id, { credential: { key: 'gk-1-rotated-value-03' } }, { expectedVersion: 3 }),
    ).toThrow(ChangedElsewhereError)
    expect(app.reveal(e.id, 'key')).toBe('gk-1-rotated-value-02')
    app.close()
    cli.close()
  })

  it("counts provider limits over committed rows: Userplane's 3 keys per user across handles", async () => {
    const { app, cli } = await twoHandles()
    const up = (i: number) => ({
      style: 'userplane' as const,
      name: `up ${i}`,
      credential: { key: upKey(i) },
      scope: { account: 'dev@example.com' },
    })
    app.add(up(1))
    app.add(up(2))
    app.list()
    cli.add(up(3))
    expect(() => app.add(up(4))).toThrow(RuleViolationError)
    expect(() => cli.add(up(5))).toThrow(RuleViolationError)
    expect(app.list().filter((e) => e.style === 'userplane')).toHaveLength(3)
    app.close()
    cli.close()
  })

  it('history lists masks without opening old keys, and reveals them on request', async () => {
    const { app, cli } = await twoHandles()
    const e = app.add(genericInput(1))
    app.rotate(e.id, { credential: { key: 'gk-1-second-value-xy' } })
    cli.rotate(e.id, { credential: { key: 'gk-1-third-value-abcd' } })
    expect(app.history(e.id).map((h) => h.keyMask)).toEqual(['gk-1…e-xy', 'gk-1…alue'])
    expect(app.revealHistory(e.id, 0, 'key')).toBe('gk-1-second-value-xy')
    expect(app.revealHistory(e.id, 1, 'key')).toBe('gk-1-secretvalue')
    app.close()
    cli.close()
  })

  it('refresh() reports another process commit once', async () => {
    const { app, cli } = await twoHandles()
    app.add(genericInput(1))
    expect(app.refresh()).toBe(false)
    cli.add(genericInput(2))
    const seen: string[] = []
    app.onChange((e) => seen.push(e.kind))
    expect(app.refresh()).toBe(true)
    expect(app.refresh()).toBe(false)
    expect(seen).toEqual(['entries'])
    expect(app.list()).toHaveLength(2)
    app.close()
    cli.close()
  })
})
