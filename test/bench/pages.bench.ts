/**
 * Entry-list paging benchmark: one `entries.page` of 100 rows through the router over a real
 * vault of 100k entries, next to `entries.list` of the whole vault (the baseline, same run: what
 * the renderer fetched per load before paging), in time and in JSON bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRouter } from '../../src-main/ipc/router'
import { AppServices, FAST_TEST_KDF } from '../../src-main/services/app-services'
import { Vault } from '../../src-main/vault'
import { row, type BenchRow } from './report'

const COUNT = 100_000
const PASSWORD = 'bench password'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Median of `runs` timings; `fn` may return its own timing (to leave set-up work out). */
async function timed(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const own = await fn()
    out.push(typeof own === 'number' ? own : performance.now() - t)
  }
  return median(out)
}

/** Run the paging figures. */
export async function run(report: (row: BenchRow) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-pages-'))
  try {
    const vault = await Vault.create(join(dir, 'vault.kwdb'), PASSWORD, { kdf: FAST_TEST_KDF })
    vault.addMany(
      Array.from({ length: COUNT }, (_, i) => ({
        style: 'generic' as const,
        name: `service-${String((i * 7919) % COUNT).padStart(6, '0')}`,
        credential: { key: `bench-api-key-${i}-0000` },
        environment: i % 2 ? 'production' : 'staging',
      })),
    )
    vault.close()
    const services = new AppServices({ dataDir: dir, mode: 'browser', kdf: FAST_TEST_KDF })
    await services.unlock(PASSWORD)
    const router = createRouter(services)
    // Each call is serialized as a transport would: the JSON is most of the cost of a long list.
    const call = async (name: string, input?: unknown) =>
      JSON.stringify(await router.call(name, input))

    let offset = 0
    const page = await timed(
      () => call('entries.page', { offset: (offset += 997) % COUNT, limit: 100 }),
      200,
    )
    const list = await timed(() => call('entries.list'), 5)
    const pageJson = (await call('entries.page', { offset: 0, limit: 100 })).length
    const listJson = (await call('entries.list')).length
    // The first page of a new view filters and sorts all 100k once; later pages are slices.
    let n = 0
    const firstSorted = await timed(async () => {
      await services.add({ style: 'generic', name: `bump-${n++}`, credential: { key: `bump-api-key-${n}-0000` } })
      const t = performance.now()
      await call('entries.page', { offset: 0, limit: 100, sort: 'name' })
      return performance.now() - t
    }, 5)
    const search = await timed(
      () => call('entries.page', { offset: 0, limit: 100, query: `service-0${n++ % 10}42` }),
      10,
    )
    await services.close()

    const suite = 'pages'
    report(
      row({
        suite,
        name: 'entries.page 100 rows at 100k (kept view)',
        value: page,
        unit: 'ms',
        baselineName: 'entries.list 100k + JSON',
        baselineValue: list,
        target: '< 5 ms',
        pass: page < 5,
      }),
    )
    report(
      row({
        suite,
        name: 'entries.page 100 rows, JSON',
        value: pageJson / 1024,
        unit: 'KiB',
        baselineName: 'entries.list 100k, JSON',
        baselineValue: listJson / 1024,
      }),
    )
    report(
      row({
        suite,
        name: 'entries.page after a change, sort by name',
        value: firstSorted,
        unit: 'ms',
        baselineName: 'entries.list 100k + JSON',
        baselineValue: list,
      }),
    )
    report(
      row({
        suite,
        name: 'entries.page with a new search (100k scan)',
        value: search,
        unit: 'ms',
        baselineName: 'entries.list 100k + JSON',
        baselineValue: list,
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
