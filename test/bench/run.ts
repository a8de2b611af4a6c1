/**
 * `npm run bench`: runs every benchmark suite, prints each figure next to a baseline measured in
 * the same run (as a ratio), and writes all rows as JSON to bench-results/results.json.
 *
 * A suite is a module in this folder exporting `run(report)`; it calls `report(row)` per figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { BenchRow } from './report'
import { formatTable } from './report'

const SUITES: Record<
  string,
  () => Promise<{ run(report: (row: BenchRow) => void): Promise<void> }>
> = {
  vault: () => import('./vault.bench'),
  keyserver: () => import('./keyserver.bench'),
  reminders: () => import('./reminders.bench'),
  pages: () => import('./pages.bench'),
  'reminder-pages': () => import('./reminder-pages.bench'),
  ui: () => import('./ui.bench'),
  run: () => import('./run.bench'),
  transfer: () => import('./transfer.bench'),
  cli: () => import('./cli.bench'),
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const rows: BenchRow[] = []
  for (const [name, load] of Object.entries(SUITES)) {
    if (only.length > 0 && !only.includes(name)) continue
    process.stdout.write(`\n== ${name} ==\n`)
    const suite = await load()
    await suite.run((row) => {
      rows.push(row)
      process.stdout.write(formatTable([row], false))
    })
  }
  process.stdout.write(`\n${formatTable(rows, true)}`)
  const folder = resolve(process.cwd(), 'bench-results')
  mkdirSync(folder, { recursive: true })
  const file = resolve(folder, 'results.json')
  writeFileSync(
    file,
    JSON.stringify({ when: new Date().toISOString(), node: process.version, rows }, null, 2),
  )
  process.stdout.write(`\nwrote ${file}\n`)
}

await main()
