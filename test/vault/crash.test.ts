/**
 * Crash safety: a child process writing to the vault is SIGKILLed at random moments; after
 * each kill the vault must open and hold every write whose call returned (WAL +
 * synchronous=FULL). 20 kills in the normal run; KEYWARDEN_SOAK_KILLS (npm run soak) for more.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Vault } from '../../src-main/vault'
import { PASSWORD, newVault, rawDb, tempDir } from './helpers'

const KILLS = Number(process.env.KEYWARDEN_SOAK_KILLS ?? 20)
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

interface Known {
  name: string
  keys: string[] // acknowledged key, plus a rotation in flight at the kill
  notes: string[] // acknowledged notes, plus an update in flight at the kill
}

/** Run the child until it has started writing, kill it after a random delay; return its lines. */
function runAndKill(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    let armed = false
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (!armed && out.includes('READY')) {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 250)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${err}`))
      else resolve(out.split('\n'))
    })
  })
}

let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  tmp = tempDir()
})
afterAll(() => tmp.cleanup())

describe('crash safety', () => {
  it(
    `keeps every acknowledged write across ${KILLS} SIGKILLs`,
    { timeout: Math.max(120_000, KILLS * 6_000) },
    async () => {
      const { vault, path } = await newVault(tmp.dir)
      vault.close()
      const known = new Map<string, Known>()
      let acknowledged = 0
      for (let kill = 0; kill < KILLS; kill++) {
        const lines = await runAndKill(path)
        for (const line of lines) {
          const [op, id, a, b] = line.split(' ')
          if (op === 'A') known.set(id, { name: a, keys: [b], notes: ['n0'] })
          else if (op === 'TU') known.get(id)?.notes.push(a)
          else if (op === 'U') (known.get(id) as Known).notes = [a]
          else if (op === 'TR') known.get(id)?.keys.push(a)
          else if (op === 'R') (known.get(id) as Known).keys = [a]
          if (op === 'A' || op === 'U' || op === 'R') acknowledged++
        }
        const v = Vault.open(path)
        await v.unlock(PASSWORD)
        expect(v.damaged()).toEqual([])
        for (const [id, k] of known) {
          const e = v.get(id)
          expect(e.name).toBe(k.name)
          expect(k.notes).toContain(e.notes)
          expect(k.keys).toContain(v.reveal(id, 'key'))
          // What is stored is now the acknowledged state for the next round.
          k.notes = [e.notes]
          k.keys = [v.reveal(id, 'key')]
        }
        // An add that landed without its acknowledgement is fine; the next child may change it.
        for (const e of v.list())
          if (!known.has(e.id))
            known.set(e.id, { name: e.name, keys: [v.reveal(e.id, 'key')], notes: [e.notes] })
        v.close()
      }
      expect(acknowledged).toBeGreaterThan(KILLS)
      const db = rawDb(path)
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      db.close()
    },
  )
})
