/** The vault: encrypted storage of API keys (see vault.ts). */
export { Vault, backoffDelayMs } from './vault'
export type { VaultChangeKind, VaultChangeListener } from './vault'
export * from './errors'
export * from './types'
export { releaseKdfWorker } from './kdf'
export { defaultVaultPath, defaultDataFolder, VAULT_FILE_NAME } from './paths'
