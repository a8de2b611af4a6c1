/**
 * Child process of crash.test.ts: adds, updates and rotates entries in a loop (any entry of the
 * vault, including those of earlier runs) and prints one acknowledgement line after each call
 * returns, until it is SIGKILLed. A "T..." line is printed before a call (the write that may
 * or may not land), the acknowledgement after it.
 * Lines are written with writeSync so an acknowledged write is never left in a buffer.
 */
import { writeSync } from 'node:fs'
import { Vault } from '../../src-main/vault'
import { PASSWORD } from './helpers'

function say(line: string): void {
  writeSync(1, line + '\n')
}

const path = process.argv[2]
const vault = Vault.open(path)
await vault.unlock(PASSWORD)
say('READY')
// Past this size only updates and rotations: the soak (500 kills) must not grow the vault, and
// the parent's check of every entry, without bound.
const MAX_ENTRIES = 1500
const mine: string[] = vault.list().map((e) => e.id)
for (let n = 0; ; n++) {
  const tag = `${process.pid}-${n}`
  const r = Math.random()
  if (mine.length < 3 || (r < 0.5 && mine.length < MAX_ENTRIES)) {
    const name = `c-${tag}`
    const key = `crash-key-${tag}-0000`
    say(`TA ${name} ${key}`)
    const e = vault.add({ style: 'generic', name, credential: { key }, notes: 'n0' })
    mine.push(e.id)
    say(`A ${e.id} ${name} ${key}`)
  } else if (r < 0.8) {
    const id = mine[Math.floor(Math.random() * mine.length)]
    const notes = `n-${tag}`
    say(`TU ${id} ${notes}`)
    vault.update(id, { notes })
    say(`U ${id} ${notes}`)
  } else {
    const id = mine[Math.floor(Math.random() * mine.length)]
    const key = `rot-${tag}-000000000000`
    say(`TR ${id} ${key}`)
    vault.rotate(id, { credential: { key } })
    say(`R ${id} ${key}`)
  }
}
