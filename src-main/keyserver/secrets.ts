/**
 * The key server's two secrets, both kept in its data folder with mode 0600: the admin token
 * (unless given by option or environment) and the per-server HMAC key that hashes every issued
 * key, so the database alone never reveals a usable credential.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StartupError } from './errors'

/** Create the data folder (0700) if needed. */
export function ensureDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 })
}

/** Read a secret file, or create it once with `make()` and mode 0600 (never overwritten). */
function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) {
    chmodSync(path, 0o600)
    return readFileSync(path, 'utf8').trim()
  }
  const value = make()
  // 'wx' fails if another process created the file meanwhile, rather than clobbering its token.
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' })
  return value
}

export interface AdminTokenSource {
  token: string
  /** The file holding the token, or null when it came from the option or the environment. */
  file: string | null
}

/** Resolve the admin token: option, else KEYWARDEN_ADMIN_TOKEN, else a generated file. */
export function resolveAdminToken(dataDir: string, explicit?: string): AdminTokenSource {
  if (explicit) return { token: explicit, file: null }
  const fromEnv = process.env.KEYWARDEN_ADMIN_TOKEN
  if (fromEnv) return { token: fromEnv, file: null }
  const file = join(dataDir, 'admin-token')
  return { token: readOrCreate(file, () => randomBytes(32).toString('base64url')), file }
}

/** The per-server HMAC key (32 random bytes, hex in `<dataDir>/hmac-secret`). */
export function loadHmacSecret(dataDir: string): Buffer {
  const hex = readOrCreate(join(dataDir, 'hmac-secret'), () => randomBytes(32).toString('hex'))
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('The key server HMAC secret file is damaged.')
  return Buffer.from(hex, 'hex')
}

/**
 * The HMAC key from KEYWARDEN_HMAC_SECRET (64 hex characters), or undefined when unset. Every
 * instance given the same value recognises every key, whatever its storage; the value is never
 * quoted in the error.
 */
export function hmacSecretFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const hex = (env.KEYWARDEN_HMAC_SECRET ?? '').trim()
  if (hex === '') return undefined
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new StartupError(
      'KEYWARDEN_HMAC_SECRET must be 64 hexadecimal characters (32 random bytes).',
    )
  return Buffer.from(hex, 'hex')
}

/**
 * A constant-time check of a presented admin token: both sides are hashed first so the
 * comparison runs over equal-length digests whatever the presented length.
 */
export function makeTokenChecker(expected: string): (presented: string | undefined) => boolean {
  const want = createHash('sha256').update(expected).digest()
  return (presented) => {
    const got = createHash('sha256')
      .update(presented ?? '')
      .digest()
    return timingSafeEqual(want, got) && presented !== undefined
  }
}
