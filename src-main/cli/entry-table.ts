/**
 * The table `keywarden list` prints: one line per entry, columns padded to their widest cell.
 * Written for 10k-entry vaults: no array per row and one string handed to stdout (the first
 * version, a row of cells mapped, padded and joined, was a tenth of the command's own work).
 */
import { STYLE_RULES } from '../providers'
import type { EntrySummary } from '../vault/types'

const HEAD = ['ID', 'PROVIDER', 'NAME', 'STATUS', 'EXPIRES'] as const
const GAP = '  '

/** A time as its UTC date, or 'never'. */
export function formatTime(t: number | null): string {
  return t === null ? 'never' : new Date(t).toISOString().slice(0, 10)
}

/** The table's text, ending in a newline ('No entries.' for none). */
export function entryTable(entries: readonly EntrySummary[]): string {
  if (entries.length === 0) return 'No entries.\n'
  const n = entries.length
  const providers: string[] = new Array(n)
  const expires: string[] = new Array(n)
  let wId = HEAD[0].length
  let wProvider = HEAD[1].length
  let wName = HEAD[2].length
  let wStatus = HEAD[3].length
  for (let i = 0; i < n; i++) {
    const e = entries[i]!
    const provider = (providers[i] = STYLE_RULES[e.style].displayName)
    expires[i] = formatTime(e.expiresAt)
    if (e.id.length > wId) wId = e.id.length
    if (provider.length > wProvider) wProvider = provider.length
    if (e.name.length > wName) wName = e.name.length
    if (e.status.length > wStatus) wStatus = e.status.length
  }
  // The last column is never padded: a line ends with its expiry ('never' or a date).
  let out = `${HEAD[0].padEnd(wId)}${GAP}${HEAD[1].padEnd(wProvider)}${GAP}${HEAD[2].padEnd(wName)}${GAP}${HEAD[3].padEnd(wStatus)}${GAP}${HEAD[4]}\n`
  for (let i = 0; i < n; i++) {
    const e = entries[i]!
    out += `${e.id.padEnd(wId)}${GAP}${providers[i]!.padEnd(wProvider)}${GAP}${e.name.padEnd(wName)}${GAP}${e.status.padEnd(wStatus)}${GAP}${expires[i]}\n`
  }
  return out
}
