/**
 * The `keywarden` command as a user runs it (the compiled build, whole process), next to
 * `keepassxc-cli ls` measured in the same run on the same number of entries with the same
 * Argon2id parameters (kdbx.ts builds that file with keepassxc-cli):
 * - `keywarden --version` against a bare `node -e 0`;
 * - `keywarden list` on a 10,000-entry and a 1-entry vault, default KDF (64 MiB, 3 passes).
 * Each figure is the median of 5 runs after one warm-up, wall time and peak RSS (GNU time's
 * maximum resident set size). Runs of the two tools alternate, so a busy machine slows both.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEFAULT_KDF, Vault, type EntryInput } from '../../src-main/vault'
import { buildKdbx, keepassxcInstalled } from './kdbx'
import { row, type BenchRow } from './report'

type Report = (row: BenchRow) => void

const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'src-main/cli/bin.mjs')
const GNU_TIME = '/usr/bin/time'
const RUNS = 5
const PASSWORD = 'bench master password'
const BIG = 10_000

interface Sample {
  ms: number
  rssMib?: number
}

/** One whole-process run: wall time, and peak RSS when GNU time is there to report it. */
function once(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Sample {
  const timed = existsSync(GNU_TIME)
  const started = performance.now()
  const run = timed
    ? spawnSync(GNU_TIME, ['-f', '%M', command, ...args], { env, input, encoding: 'utf8' })
    : spawnSync(command, args, { env, input, encoding: 'utf8' })
  const ms = performance.now() - started
  if (run.status !== 0)
    throw new Error(`${command} ${args[0] ?? ''} failed: ${run.stderr.split('\n').at(-2) ?? ''}`)
  const kb = timed ? Number(run.stderr.trim().split('\n').at(-1)) : NaN
  return { ms, rssMib: Number.isFinite(kb) ? kb / 1024 : undefined }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The medians of RUNS alternating runs of each command, after one warm-up of each. */
function paired(commands: (() => Sample)[]): { ms: number; rssMib?: number }[] {
  for (const c of commands) c()
  const samples: Sample[][] = commands.map(() => [])
  for (let i = 0; i < RUNS; i++) commands.forEach((c, j) => samples[j]!.push(c()))
  return samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    rssMib: s.every((x) => x.rssMib !== undefined) ? median(s.map((x) => x.rssMib!)) : undefined,
  }))
}

function entry(i: number): EntryInput {
  return {
    style: 'generic',
    name: `${['stripe', 'github', 'datadog', 'sentry', 'twilio'][i % 5]} key ${i}`,
    tags: [`team-${i % 17}`],
    notes: `Owner: person${i % 97}@example.com. Rotate with the release runbook.`,
    credential: { key: `W${String(i).padStart(39, '0')}` },
  }
}

async function keywardenVault(path: string, n: number): Promise<void> {
  const vault = await Vault.create(path, PASSWORD, { kdf: DEFAULT_KDF })
  const inputs = Array.from({ length: n }, (_, i) => entry(i))
  for (let start = 0; start < n; start += 1000) vault.addMany(inputs.slice(start, start + 1000))
  vault.close()
}

export async function run(report: Report): Promise<void> {
  // What users run: the compiled build, fresh from the sources.
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs')], {
    encoding: 'utf8',
  })
  if (built.status !== 0) throw new Error(`the Node build failed: ${built.stderr}`)
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-cli-'))
  try {
    await measure(report, dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function measure(report: Report, dir: string): Promise<void> {
  const env = { ...process.env, KW_BENCH_PW: PASSWORD }
  const node = process.execPath
  const rss = existsSync(GNU_TIME)

  const [version, bare] = paired([
    () => once(node, [BIN, '--version'], env),
    () => once(node, ['-e', '0'], env),
  ])
  report(
    row({
      suite: 'cli',
      name: 'keywarden --version',
      value: version!.ms,
      unit: 'ms',
      baselineName: 'node -e 0',
      baselineValue: bare!.ms,
      target: '< 80 ms',
      pass: version!.ms < 80,
    }),
  )
  if (rss)
    report(
      row({
        suite: 'cli',
        name: 'keywarden --version, peak RSS',
        value: version!.rssMib!,
        unit: 'MiB',
        baselineName: 'node -e 0',
        baselineValue: bare!.rssMib,
      }),
    )

  const haveKeepassxc = keepassxcInstalled()
  for (const n of [BIG, 1]) {
    const label = n === BIG ? '10k entries' : '1 entry'
    const vault = join(dir, `v${n}.kwdb`)
    await keywardenVault(vault, n)
    const list = () =>
      once(node, [BIN, 'list', '--vault', vault, '--password-env', 'KW_BENCH_PW'], env)
    const name = `keywarden list, ${label}, Argon2id 64 MiB x3`
    if (!haveKeepassxc) {
      const [k] = paired([list])
      report(
        row({
          suite: 'cli',
          name,
          value: k!.ms,
          unit: 'ms',
          baselineName: 'KeePassXC not installed',
        }),
      )
      if (rss)
        report(
          row({
            suite: 'cli',
            name: `${name}, peak RSS`,
            value: k!.rssMib!,
            unit: 'MiB',
            baselineName: 'KeePassXC not installed',
          }),
        )
      continue
    }
    const kdbx = join(dir, `k${n}.kdbx`)
    await buildKdbx(
      kdbx,
      n,
      PASSWORD,
      { memBytes: DEFAULT_KDF.memLimitBytes, passes: DEFAULT_KDF.opsLimit },
      join(dir, `scratch${n}.kdbx`),
      join(dir, `entries${n}.xml`),
    )
    const ls = () => once('keepassxc-cli', ['ls', '-q', kdbx], env, `${PASSWORD}\n`)
    const [k, x] = paired([list, ls])
    const big = n === BIG
    report(
      row({
        suite: 'cli',
        name,
        value: k!.ms,
        unit: 'ms',
        baselineName: `keepassxc-cli ls, ${label} KDBX 4`,
        baselineValue: x!.ms,
        ...(big ? { target: '<= 0.5x', pass: k!.ms <= 0.5 * x!.ms } : {}),
      }),
    )
    if (rss)
      report(
        row({
          suite: 'cli',
          name: `${name}, peak RSS`,
          value: k!.rssMib!,
          unit: 'MiB',
          baselineName: `keepassxc-cli ls, ${label}`,
          baselineValue: x!.rssMib,
          ...(big ? { target: '<= 1x', pass: k!.rssMib! <= x!.rssMib! } : {}),
        }),
      )
  }
}
