/**
 * A whole vault file put back from an older copy, as the CLI meets it: exit 1 with a message
 * naming both dates, nothing printed from the vault, until `--accept-older` (restoring a backup
 * is legitimate); then it opens, and keeps opening. Real CLI processes, a real vault file, and
 * the per-machine record in a temp config folder.
 */
import { spawn } from 'node:child_process'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../vault/helpers'

const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))
const PASSWORD = 'rollback test password'

let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  tmp = tempDir()
})
afterAll(() => tmp.cleanup())

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, ...args, '--vault', join(tmp.dir, 'v.kwdb'), '--password-env', 'KW_PASS'],
      {
        env: {
          ...process.env,
          KW_PASS: PASSWORD,
          KEY: 'gk-rollback-secretvalue-1',
          KEYWARDEN_CONFIG_DIR: join(tmp.dir, 'config'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
  })
}

describe('a vault file older than this machine last saw', () => {
  it('is refused naming both dates until --accept-older', async () => {
    expect((await cli('init', '--kdf-ops', '1', '--kdf-mem-mib', '8')).code).toBe(0)
    expect(
      (await cli('add', '--style', 'generic', '--name', 'first', '--key-env', 'KEY')).code,
    ).toBe(0)
    copyFileSync(join(tmp.dir, 'v.kwdb'), join(tmp.dir, 'backup.kwdb'))
    const added = await cli('add', '--style', 'generic', '--name', 'second', '--key-env', 'KEY')
    expect(added.code, added.err).toBe(0)
    copyFileSync(join(tmp.dir, 'backup.kwdb'), join(tmp.dir, 'v.kwdb'))

    const refused = await cli('list')
    expect(refused.code).toBe(1)
    expect(refused.out).toBe('')
    expect(refused.err).toMatch(/older than the one last opened on this computer/)
    expect(refused.err.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g)).toHaveLength(2)
    expect(refused.err).toMatch(/--accept-older/)

    const accepted = await cli('list', '--accept-older')
    expect(accepted.code, accepted.err).toBe(0)
    expect(accepted.out).toMatch(/first/)
    expect(accepted.out).not.toMatch(/second/)
    const later = await cli('list')
    expect(later.code, later.err).toBe(0)
  })
})
