/**
 * Seed a vault file with many generic entries before the server starts (the large-list test).
 * Run as a child process: `node --import tsx test/e2e/seed-vault.ts <dataDir> <count> <password>`.
 * Uses the vault's own bulk add, with the fast test KDF.
 */
import { join } from 'node:path'
import { FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'

const [dataDir, countText, password] = process.argv.slice(2)
if (!dataDir || !countText || !password) {
  process.stderr.write('usage: seed-vault <dataDir> <count> <password>\n')
  process.exit(2)
}
const vault = await Vault.create(join(dataDir, 'vault.kwdb'), password, { kdf: FAST_TEST_KDF })
const count = Number(countText)
vault.addMany(
  Array.from({ length: count }, (_, i) => ({
    style: 'generic' as const,
    name: `service-${String(i).padStart(6, '0')}`,
    credential: { key: `seeded-api-key-${i}` },
    environment: i % 2 ? 'production' : 'staging',
  })),
)
vault.close()
