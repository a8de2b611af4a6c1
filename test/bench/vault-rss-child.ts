/**
 * Child of vault.bench.ts: in a fresh process, open + unlock a vault and list it, then print
 * the timings and resident memory as JSON. `--baseline` only loads the modules and libsodium;
 * `--at-once` unlocks as soon as the vault opens.
 */
import { Vault } from '../../src-main/vault'
import { cryptoReady } from '../../src-main/vault/crypto'

const [path, password, mode] = process.argv.slice(2)
await cryptoReady()
if (mode === '--baseline') {
  process.stdout.write(JSON.stringify({ rssMb: process.memoryUsage().rss / 2 ** 20 }) + '\n')
} else {
  // As in the app: the vault opens locked (starting the KDF worker and reading the sealed
  // records ahead) and the password comes later; the figure is the unlock and the first list,
  // without the KDF. `--at-once` gives the password as the vault opens.
  const vault = Vault.open(path)
  if (mode !== '--at-once') await new Promise((resolve) => setTimeout(resolve, 300))
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  await vault.unlock(password)
  const entries = vault.list()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const rssMb = process.memoryUsage().rss / 2 ** 20
  process.stdout.write(
    JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb, count: entries.length }) +
      '\n',
  )
  vault.close()
}
