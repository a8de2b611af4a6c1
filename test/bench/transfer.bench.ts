/**
 * Import benchmark (issue 11): 10,000 `.env` lines parsed, planned and written in one
 * transaction, next to a plain addMany of the same entries in the same run (the vault's own
 * cost); and the whole `keywarden import` process, Argon2id at test parameters, next to
 * `keywarden list` on the same vault (process start, unlock, close).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseImport, planImport } from '../../src-main/transfer'
import { Vault, type EntryInput, type KdfParams } from '../../src-main/vault'
import { row, type BenchRow } from './report'

const FAST_KDF: KdfParams = { opsLimit: 1, memLimitBytes: 8192 }
const PASSWORD = 'benchmark password'
const LINES = 10_000
const BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url))

function dotenv(): string {
  const out: string[] = ['# generated for the import benchmark']
  for (let i = 0; i < LINES; i++) {
    const hex = (i * 2654435761).toString(16).padStart(32, '0').slice(-32)
    // WebPageTest allows 30 keys per account: a few, the rest generic keys.
    if (i < 25) out.push(`WPT_KEY_${i}=A.${hex}`)
    else if (i % 4 === 1) out.push(`export SERVICE_TOKEN_${i}="tok_${hex}"`)
    else out.push(`API_KEY_${i}=sk_live_${hex}`)
  }
  return out.join('\n') + '\n'
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

export async function run(report: (r: BenchRow) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-import-'))
  try {
    const file = join(dir, 'big.env')
    writeFileSync(file, dotenv())
    const bytes = Buffer.from(dotenv())
    const inProcess: number[] = []
    const baseline: number[] = []
    for (let round = 0; round < 3; round++) {
      const a = await Vault.create(join(dir, `a${round}.kwdb`), PASSWORD, {
        kdf: FAST_KDF,
        lastSeenFile: join(dir, 'seen.json'),
      })
      const t0 = performance.now()
      const { records } = parseImport(bytes)
      const rows = planImport(records, { existing: a.list(), now: Date.now() })
      const inputs = rows.filter((r) => r.action === 'add').map((r) => r.entry as EntryInput)
      a.importEntries(inputs, [])
      inProcess.push(performance.now() - t0)
      a.close()
      const b = await Vault.create(join(dir, `b${round}.kwdb`), PASSWORD, {
        kdf: FAST_KDF,
        lastSeenFile: join(dir, 'seen.json'),
      })
      const t1 = performance.now()
      b.addMany(inputs)
      baseline.push(performance.now() - t1)
      b.close()
    }
    const value = median(inProcess)
    report(
      row({
        suite: 'transfer',
        name: `import ${LINES} .env lines (parse+plan+write)`,
        value,
        unit: 'ms',
        baselineName: 'addMany of the same inputs',
        baselineValue: median(baseline),
        target: '< 2000 ms',
        pass: value < 2000,
      }),
    )

    // Whole processes: `keywarden import` into a fresh vault, next to `keywarden list` of it.
    const env = { ...process.env, KW_PASS: PASSWORD, KEYWARDEN_CONFIG_DIR: join(dir, 'config') }
    const cli = (args: string[]): number => {
      const t = performance.now()
      execFileSync(process.execPath, [BIN, ...args], { env, stdio: 'ignore' })
      return performance.now() - t
    }
    const imports: number[] = []
    const lists: number[] = []
    for (let round = 0; round < 3; round++) {
      const auth = ['--vault', join(dir, `c${round}.kwdb`), '--password-env', 'KW_PASS']
      cli(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'])
      imports.push(cli(['import', file, ...auth]))
      lists.push(cli(['list', ...auth]))
    }
    const whole = median(imports)
    report(
      row({
        suite: 'transfer',
        name: `keywarden import ${LINES} .env lines (process)`,
        value: whole,
        unit: 'ms',
        baselineName: 'keywarden list of them',
        baselineValue: median(lists),
        target: '< 2000 ms',
        pass: whole < 2000,
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
