/**
 * `keywarden run` benchmark, each figure next to a baseline from the same run:
 * - overhead: the whole process `keywarden run -- node -e 0` (no reference; and with one
 *   reference, which adds opening the vault with a small KDF) against `node -e 0` started
 *   directly, median of 5 each;
 * - masking throughput: a child writes 200 MB to stdout (one secret per MiB), read through
 *   `run` with one resolved secret, against the same child piped to us directly (MB/s from the
 *   first byte to the end);
 * - the masker alone on 64 KiB chunks with 1, 10 and 50 secrets.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI_BIN } from '../helpers/node-entry'
import { Masker } from '../../src-main/run/mask'
import { row, type BenchRow } from './report'

const RUNS = 5
const TOTAL_MB = 200
const KEY = 'uspl_BenchSecretKey0123456789abcdefghijklmno'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

interface Timed {
  ms: number
  /** From the first byte of output to the end. */
  streamMs: number
  bytes: number
  code: number | null
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    let first = 0
    let bytes = 0
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.on('data', (c: Buffer) => {
      if (bytes === 0) first = performance.now()
      bytes += c.length
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const end = performance.now()
      resolve({ ms: end - start, streamMs: end - (first || end), bytes, code })
    })
  })
}

/** A child writing TOTAL_MB of text in 64 KiB writes, the secret once per MiB. */
const WRITER = `
  const fs = require('fs')
  const line = Buffer.alloc(65536, 'progress 42% [=======>     ] building module\\n')
  const withKey = Buffer.concat([Buffer.from(process.env.K + '\\n'), line.subarray(0, 65536 - process.env.K.length - 1)])
  for (let i = 0; i < ${TOTAL_MB * 16}; i++) fs.writeSync(1, i % 16 === 0 ? withKey : line)`

export async function run(report: (r: BenchRow) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-run-'))
  try {
    const vault = join(dir, 'bench.kwdb')
    const env = { ...process.env, KW_PASS: 'bench password', KEYWARDEN_CONFIG_DIR: dir }
    const auth = ['--vault', vault, '--password-env', 'KW_PASS']
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Timed> =>
      timed(process.execPath, [CLI_BIN, ...args], { ...env, ...extra })
    await cli(['init', ...auth, '--kdf-ops', '1', '--kdf-mem-mib', '8'])
    await cli(['add', ...auth, '--style', 'userplane', '--name', 'bench', '--key-env', 'K'], {
      K: KEY,
    })

    // Warm the file cache and the compiled CLI once before timing.
    await cli(['run', '--', process.execPath, '-e', '0'])
    const direct: number[] = []
    const bare: number[] = []
    const withRef: number[] = []
    for (let i = 0; i < RUNS; i++) {
      direct.push((await timed(process.execPath, ['-e', '0'], env)).ms)
      bare.push((await cli(['run', '--', process.execPath, '-e', '0'])).ms)
      withRef.push(
        (await cli(['run', ...auth, '--', process.execPath, '-e', '0'], { K: 'kw://bench/key' }))
          .ms,
      )
    }
    const base = median(direct)
    report(
      row({
        suite: 'run',
        name: 'run -- node -e 0 (no reference), median of 5',
        value: median(bare),
        unit: 'ms',
        baselineName: 'node -e 0',
        baselineValue: base,
      }),
    )
    report(
      row({
        suite: 'run',
        name: 'run with 1 reference (KDF 1 pass, 8 MiB)',
        value: median(withRef),
        unit: 'ms',
        baselineName: 'node -e 0',
        baselineValue: base,
      }),
    )

    const plain = await timed(process.execPath, ['-e', WRITER], { ...env, K: KEY })
    const masked = await cli(['run', ...auth, '--', process.execPath, '-e', WRITER], {
      K: 'kw://bench/key',
    })
    if (masked.bytes >= plain.bytes || masked.code !== 0)
      throw new Error('masking did not replace the secret')
    const mbps = (t: Timed): number => t.bytes / 1e6 / (t.streamMs / 1000)
    report(
      row({
        suite: 'run',
        name: `masking through run, ${TOTAL_MB} MB stdout`,
        value: mbps(masked),
        unit: 'MB/s',
        baselineName: 'same child piped directly',
        baselineValue: mbps(plain),
        target: '>= 200 MB/s',
        pass: mbps(masked) >= 200,
      }),
    )

    for (const count of [1, 10, 50]) {
      const secrets = Array.from(
        { length: count },
        (_, i) => `${KEY.slice(0, 20)}${i.toString().padStart(4, '0')}${KEY.slice(24)}`,
      )
      const masker = new Masker(secrets)
      const chunk = Buffer.alloc(65536, 'progress 42% [=======>     ] building module\n')
      const rounds = 3000
      const t = performance.now()
      for (let i = 0; i < rounds; i++) masker.push(chunk)
      const s = (performance.now() - t) / 1000
      const copyT = performance.now()
      for (let i = 0; i < rounds; i++) Buffer.from(chunk)
      const copyS = (performance.now() - copyT) / 1000
      report(
        row({
          suite: 'run',
          name: `masker alone, ${count} secret(s), 64 KiB chunks`,
          value: (rounds * 65536) / 1e6 / s,
          unit: 'MB/s',
          baselineName: 'Buffer copy',
          baselineValue: (rounds * 65536) / 1e6 / copyS,
        }),
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
