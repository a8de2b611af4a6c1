/**
 * `keywarden export`: entries as `.env` lines. `dotenv` writes the credentials themselves;
 * `references` writes `kw://` references instead, a file that is safe to commit and that
 * `keywarden run --env-file` resolves.
 *
 * A variable's NAME comes from the entry's name: upper case, every run of characters other than
 * A–Z and 0–9 becomes one `_`, no `_` at either end, a `_` in front of a leading digit ("ci
 * deploy/prod" → CI_DEPLOY_PROD, "2fa" → _2FA). Two entries that give the same NAME get
 * `_2`, `_3`… in the order they were added.
 */
import type { EntrySummary } from '../vault/types'
import { formatDotenvValue } from './dotenv'
import { RunError } from './errors'
import { formatReference } from './reference'

export type ExportFormat = 'dotenv' | 'references'

/** An entry's variable name (see the header). */
export function envNameOf(entryName: string): string {
  const base = entryName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  if (base === '') return 'KEY'
  return /^[0-9]/.test(base) ? `_${base}` : base
}

/** The entries the --entry flags name (by id or unique name), or all when none. */
export function selectEntries(all: EntrySummary[], wanted: readonly string[]): EntrySummary[] {
  if (wanted.length === 0) return all
  const out: EntrySummary[] = []
  for (const ref of wanted) {
    const byId = all.find((e) => e.id === ref)
    const named = byId ? [byId] : all.filter((e) => e.name.toLowerCase() === ref.toLowerCase())
    if (named.length === 0) throw new RunError(`--entry ${ref}: no entry has that name or id.`)
    if (named.length > 1)
      throw new RunError(`--entry ${ref}: ${named.length} entries have that name; use the id.`)
    if (!out.includes(named[0])) out.push(named[0])
  }
  return out
}

/** NAME=… lines for the entries; `credentialOf` reveals a credential (dotenv format only). */
export function exportLines(
  entries: EntrySummary[],
  all: EntrySummary[],
  format: ExportFormat,
  credentialOf: (e: EntrySummary) => string,
): string {
  const used = new Map<string, number>()
  const nameCount = new Map<string, number>()
  for (const e of all)
    nameCount.set(e.name.toLowerCase(), (nameCount.get(e.name.toLowerCase()) ?? 0) + 1)
  const header =
    format === 'dotenv'
      ? '# Written by keywarden export: this file holds API keys in clear text.\n'
      : '# Written by keywarden export: kw:// references, resolved by keywarden run --env-file.\n'
  const lines = entries.map((e) => {
    const base = envNameOf(e.name)
    const n = (used.get(base) ?? 0) + 1
    used.set(base, n)
    const name = n === 1 ? base : `${base}_${n}`
    // A name two entries share would resolve to neither: such an entry is referred to by id.
    const ref = nameCount.get(e.name.toLowerCase()) === 1 ? e.name : e.id
    const value =
      format === 'dotenv' ? formatDotenvValue(credentialOf(e)) : formatReference(ref, 'credential')
    return `${name}=${value}\n`
  })
  return header + lines.join('')
}
