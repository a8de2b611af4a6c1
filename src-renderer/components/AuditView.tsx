/**
 * The vault's audit log: who did what to which key and when (never a secret), newest first,
 * filtered by entry, date and action, and a check of its hash chain.
 */
import '../transfer.css'
import { useEffect, useMemo, type FormEvent } from 'react'
import type { AuditAction, AuditRow } from '../../src-main/ipc/contract'
import { formatDateTime } from '../lib/format'
import { AUDIT_LIMIT, selectShown, useAudit } from '../stores/audit'
import { ErrorLine, TextField } from './fields'

/**
 * The actions the log records, for the filter. A copy, since the renderer imports types only;
 * the check below fails the typecheck when main adds an action this list lacks.
 */
const ACTIONS = [
  'create',
  'unlock',
  'unlock-failed',
  'reveal',
  'copy',
  'get',
  'run',
  'inject',
  'add',
  'edit',
  'rotate',
  'remove',
  'import',
  'export',
  'backup',
  'restore',
] as const satisfies readonly AuditAction[]
const everyActionListed: Exclude<AuditAction, (typeof ACTIONS)[number]> extends never
  ? true
  : never = true
void everyActionListed

function detailText(r: AuditRow): string {
  const d = r.detail
  const parts: string[] = []
  if (d.field !== undefined)
    parts.push(
      d.history === undefined ? `field ${d.field}` : `field ${d.field} (history ${d.history})`,
    )
  if (d.command !== undefined) parts.push(`command ${d.command}`)
  if (d.format !== undefined) parts.push(`format ${d.format}`)
  if (d.count !== undefined) parts.push(`count ${d.count}`)
  if (d.recordedLocked) parts.push('recorded while locked')
  if (d.tailCut) parts.push('the log had been cut before this')
  return parts.join(', ')
}

export function AuditView() {
  const state = useAudit()
  const { filters, total, loaded, verification, error } = state
  const shown = useMemo(() => selectShown(state), [state])

  useEffect(() => {
    void useAudit.getState().load()
  }, [])

  function apply(event: FormEvent) {
    event.preventDefault()
    void useAudit.getState().load()
  }

  return (
    <main className="page">
      <section className="card" aria-labelledby="audit-title">
        <h1 id="audit-title">Audit log</h1>
        <p className="muted">
          Every unlock, reveal, copy, change, import, export and backup, with who and when. It never
          holds a key. Each record is chained to the one before it, so an edited or removed record
          is detected.
        </p>
        <form className="filters" onSubmit={apply} aria-label="Audit filters">
          <TextField
            label="Entry (name or id)"
            value={filters.entry}
            onChange={(entry) => useAudit.getState().setFilters({ entry })}
          />
          <TextField
            label="Since"
            type="date"
            value={filters.since}
            onChange={(since) => useAudit.getState().setFilters({ since })}
          />
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <select
              id="audit-action"
              value={filters.action}
              onChange={(e) => useAudit.getState().setFilters({ action: e.target.value })}
            >
              <option value="">Any action</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit">Apply filters</button>
            <button type="button" onClick={() => void useAudit.getState().verify()}>
              Verify the chain
            </button>
          </div>
        </form>
        <ErrorLine message={error} />
        {verification && (
          <p role="status" className={verification.ok ? 'summary' : 'banner error'}>
            {verification.ok
              ? `The audit log is intact: ${verification.count} records, every link checked.`
              : `The audit log is broken at record ${verification.seq}: ${verification.problem}`}
          </p>
        )}
        {loaded && (
          <p className="muted">
            {shown.length} shown
            {total > AUDIT_LIMIT ? ` (the newest ${AUDIT_LIMIT} of ${total} matching)` : ''}.
          </p>
        )}
        {shown.length > 0 && (
          // Focusable: a long log scrolls inside this box, and the keyboard must reach it.
          <div className="table-wrap" role="region" aria-label="Audit records" tabIndex={0}>
            <table className="data-table">
              <caption className="sr-only">Audit records, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Key</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.seq}>
                    <td>{r.seq}</td>
                    <td>{formatDateTime(r.at)}</td>
                    <td>
                      {r.actor} / {r.user}
                    </td>
                    <td>{r.action}</td>
                    <td>{r.entryId === null ? '—' : (r.entryName ?? `${r.entryId} (removed)`)}</td>
                    <td>{detailText(r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  )
}
