/** One benchmark figure, with the baseline it is compared to in the same run. */
export interface BenchRow {
  suite: string
  name: string
  value: number
  unit: string
  /** What the figure is compared to, measured in the same run (e.g. "bare node:http"). */
  baselineName?: string
  baselineValue?: number
  /** value / baselineValue. */
  ratio?: number
  /** The target, as text (e.g. "< 1000 ms", ">= 0.60"), and whether this run met it. */
  target?: string
  pass?: boolean
}

/** Make a row, computing the ratio when a baseline is given. */
export function row(r: Omit<BenchRow, 'ratio'>): BenchRow {
  const ratio =
    r.baselineValue !== undefined && r.baselineValue !== 0 ? r.value / r.baselineValue : undefined
  return { ...r, ratio }
}

function fmt(n: number | undefined): string {
  if (n === undefined) return ''
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 1) return n.toFixed(2)
  return n.toPrecision(3)
}

/** Fixed-width table lines; with `header` a header line comes first. */
export function formatTable(rows: BenchRow[], header: boolean): string {
  const lines = rows.map(
    (r) =>
      `${r.suite.padEnd(10)} ${r.name.padEnd(44)} ${`${fmt(r.value)} ${r.unit}`.padStart(16)}  ` +
      `${r.baselineName ? `vs ${r.baselineName} ${fmt(r.baselineValue)} ${r.unit}`.padEnd(44) : ''.padEnd(44)} ` +
      `${r.ratio !== undefined ? `x${fmt(r.ratio)}`.padStart(9) : ''.padStart(9)}  ` +
      `${r.target ? `${r.target} ${r.pass ? 'ok' : 'MISSED'}` : ''}`,
  )
  if (header)
    lines.unshift(
      `${'suite'.padEnd(10)} ${'figure'.padEnd(44)} ${'value'.padStart(16)}  ${'baseline (same run)'.padEnd(44)} ${'ratio'.padStart(9)}  target`,
    )
  return lines.join('\n') + '\n'
}
