/**
 * Reminders benchmark: one scheduler check (what runs at start-up, hourly and on resume) over a
 * locked vault of 1k, 10k and 100k entries (steady, and just after opening), next to the bare
 * SQLite read of the clear metadata it needs (the baseline, same run), plus the .ics export of
 * the whole vault.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildIcs, defaultReminderSettings, ReminderScheduler } from '../../src-main/reminders'
import { openDatabase } from '../../src-main/db/sqlite'
import { Vault, type EntryInput } from '../../src-main/vault'
import { VAULT_MIGRATIONS } from '../../src-main/vault/migrations'
import { row, type BenchRow } from './report'

// The first check's rows go through Vault.putReminderStates: one transaction (one fsync) for
// all of them, which makes 100k practical (one transaction per row took about 45 s).
const SIZES = [1_000, 10_000, 100_000]
const DAY = 86_400_000
const BATCH = 10_000

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function time(fn: () => void, runs: number): number {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    out.push(performance.now() - t)
  }
  return median(out)
}

/** Entries expiring over the next 120 days. */
function inputFor(i: number, now: number): EntryInput {
  // WebPageTest allows 30 keys per account: spread them over accounts; half are other services.
  return {
    ...(i % 2 === 0
      ? { style: 'webpagetest' as const, scope: { account: `acct-${Math.floor(i / 50)}` } }
      : { style: 'generic' as const }),
    name: `bench-${i}`,
    credential: { key: `A.${i.toString(16).padStart(32, '0')}` },
    expiresAt: now + ((i % 120) + 1) * DAY,
    lastRotatedAt: now - 200 * DAY,
  }
}

/** Run the suite. */
export async function run(report: (r: BenchRow) => void): Promise<void> {
  for (const size of SIZES) {
    const dir = mkdtempSync(join(tmpdir(), 'kw-bench-rem-'))
    try {
      const now = Date.now()
      const path = join(dir, 'v.kwdb')
      let vault = await Vault.create(path, 'bench password', {
        kdf: { opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 },
      })
      for (let i = 0; i < size; i += BATCH)
        vault.addMany(
          Array.from({ length: Math.min(BATCH, size - i) }, (_, j) => inputFor(i + j, now)),
        )
      vault.lock()
      const runs = size >= 100_000 ? 3 : 7
      // The bare read of what a check needs, straight from SQLite (the vault keeps its own answer
      // between calls while the file is unchanged, so it cannot serve as the baseline).
      const raw = openDatabase(path, { migrations: VAULT_MIGRATIONS })
      const readAll = raw.prepare(
        'SELECT id, style, status, created_at, updated_at, expires_at, last_rotated_at, rotation_policy_days, last_check_status, last_check_at FROM entries',
      )
      const baseline = time(() => readAll.all(), runs)
      raw.close()
      // The first check notifies (writes one row per due reminder); later checks only read.
      const scheduler = new ReminderScheduler({ store: vault, now: () => now })
      const first = time(() => scheduler.check(), 1)
      const steady = time(() => scheduler.check(), runs)
      const due = vault.reminderState().length
      // As at start-up: a vault just opened reads the file for its first check.
      const opened: number[] = []
      for (let i = 0; i < runs; i++) {
        vault.close()
        vault = Vault.open(path)
        const fresh = new ReminderScheduler({ store: vault, now: () => now })
        opened.push(time(() => fresh.check(), 1))
      }
      report(
        row({
          suite: 'reminders',
          name: `check, ${size} entries (${due} rows), steady (file unchanged)`,
          value: steady,
          unit: 'ms',
          baselineName: 'SQLite read of the clear rows',
          baselineValue: baseline,
          target: '< 1000 ms',
          pass: steady < 1000,
        }),
      )
      report(
        row({
          suite: 'reminders',
          name: `check, ${size} entries, just after opening (reads the file)`,
          value: median(opened),
          unit: 'ms',
          baselineName: 'SQLite read of the clear rows',
          baselineValue: baseline,
          target: '< 1000 ms',
          pass: median(opened) < 1000,
        }),
      )
      report(
        row({
          suite: 'reminders',
          name: `first check, ${size} entries, notifies all`,
          value: first,
          unit: 'ms',
          baselineName: 'SQLite read of the clear rows',
          baselineValue: baseline,
        }),
      )
      const meta = vault.clearMetadata()
      const settings = defaultReminderSettings()
      const ics = time(() => buildIcs(meta, { now, settings }), runs)
      report(
        row({
          suite: 'reminders',
          name: `.ics export, ${size} entries`,
          value: ics,
          unit: 'ms',
          baselineName: 'SQLite read of the clear rows',
          baselineValue: baseline,
        }),
      )
      vault.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
