/**
 * Reminders view at 100k entries, through the router as a transport calls it (JSON included):
 * snooze and dismiss (which now answer with counts per band), the summary the renderer loads on
 * unlock, and one page of one band, each next to `reminders.list` measured in the same run: the
 * whole snapshot that unlock fetched and every snooze or dismiss returned before paging.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ReminderPage } from '../../src-main/ipc/contract'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'
import { row, type BenchRow } from './report'

const COUNT = 100_000
const PASSWORD = 'bench password'
const DAY = 86_400_000

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function timed(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    out.push(performance.now() - t)
  }
  return median(out)
}

/** Run the Reminders-view figures. */
export async function run(report: (row: BenchRow) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-rempages-'))
  try {
    const now = Date.now()
    const vault = await Vault.create(join(dir, 'vault.kwdb'), PASSWORD, {
      kdf: FAST_TEST_KDF,
      lastSeenFile: join(dir, 'last-seen.json'),
    })
    // Expiries spread over 400 days; the app then runs 10 days on, so some have expired and
    // about a tenth of the vault is due.
    vault.addMany(
      Array.from({ length: COUNT }, (_, i) => ({
        style: 'generic' as const,
        name: `service-${String(i).padStart(6, '0')}`,
        credential: { key: `bench-api-key-${i}-0000` },
        expiresAt: now + ((i * 7919) % 400) * DAY + (i % 1000) * 1000 + 60_000,
      })),
    )
    vault.close()
    let skew = 10 * DAY
    const services = new AppServices({
      dataDir: dir,
      mode: 'browser',
      kdf: FAST_TEST_KDF,
      now: () => Date.now() + skew,
    })
    await services.unlock(PASSWORD)
    const router = createRouter(services)
    const call = async (name: string, input?: unknown) => {
      const result = await router.call(name, input)
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`)
      return JSON.stringify(result)
    }
    const value = <T>(json: string) => (JSON.parse(json) as { value: T }).value

    const listJson = await call('reminders.list')
    const due = value<{ count: number }>(listJson).count
    const list = await timed(() => call('reminders.list'), 5)
    const summaryJson = await call('reminders.summary')
    const summary = await timed(() => call('reminders.summary'), 50)
    const pageJson = await call('reminders.page', { band: 'month', offset: 0, limit: 50 })
    const page = await timed(
      () => call('reminders.page', { band: 'month', offset: 0, limit: 50 }),
      50,
    )

    // Each snooze or dismiss takes the first row of a band, as a user working down the list.
    const first = async (band: string) =>
      value<ReminderPage>(await call('reminders.page', { band, offset: 0, limit: 1 })).items[0]!
        .key!
    let snoozeBytes = 0
    const snoozes: number[] = []
    const dismisses: number[] = []
    for (let i = 0; i < 20; i++) {
      const a = await first('month')
      let t = performance.now()
      snoozeBytes = (await call('reminders.snooze', { key: a, days: 7 })).length
      snoozes.push(performance.now() - t)
      const b = await first('week')
      t = performance.now()
      await call('reminders.dismiss', { key: b })
      dismisses.push(performance.now() - t)
    }
    // Once the kept bands are a minute old (or entries changed), the next call bands all 100k.
    const rebanded = await timed(() => {
      skew += 61_000
      return call('reminders.summary')
    }, 5)
    await services.close()

    const suite = 'rem-pages'
    const base = { baselineName: `reminders.list ${due} due + JSON`, baselineValue: list }
    const ms = (name: string, v: number, target?: number) =>
      report(
        row({
          suite,
          name,
          value: v,
          unit: 'ms',
          ...base,
          ...(target ? { target: `< ${target} ms`, pass: v < target } : {}),
        }),
      )
    const kib = (name: string, bytes: number) =>
      report(
        row({
          suite,
          name,
          value: bytes / 1024,
          unit: 'KiB',
          baselineName: `reminders.list ${due} due, JSON`,
          baselineValue: listJson.length / 1024,
        }),
      )
    ms('snooze at 100k (answer: counts)', median(snoozes), 50)
    ms('dismiss at 100k (answer: counts)', median(dismisses), 50)
    kib('snooze/dismiss answer, JSON', snoozeBytes)
    ms('reminders.summary (on unlock)', summary)
    kib('reminders.summary, JSON', summaryJson.length)
    ms('reminders.page 50 rows', page)
    kib('reminders.page 50 rows, JSON', pageJson.length)
    ms('reminders.summary banding all 100k afresh', rebanded)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
