/**
 * What is due, grouped by band (expired, this week, this month, rotation due, failed checks).
 * The summary brings the counts; each band fetches and shows one page of rows at a time, so a
 * vault with thousands due renders a few hundred nodes and moves a few kilobytes per page.
 */
import { memo, useEffect, useRef, useState } from 'react'
import type { ReminderBandCount, ReminderView } from '../../src-main/ipc/contract'
import { formatDate } from '../lib/format'
import { styleLabel } from '../lib/styles'
import { ProviderIcon } from './icons'
import { useEntries } from '../stores/entries'
import { useReminders } from '../stores/reminders'
import { useUi } from '../stores/ui'
import { ErrorLine } from './fields'

export function RemindersView() {
  const snapshot = useReminders((s) => s.snapshot)
  const error = useReminders((s) => s.error)
  useEffect(() => {
    void useReminders.getState().load()
  }, [])

  return (
    <main className="page">
      <section className="card" aria-labelledby="reminders-title">
        <h1 id="reminders-title">Reminders</h1>
        <ErrorLine message={error} />
        {snapshot?.summary && <p className="summary">{snapshot.summary}</p>}
        {snapshot && snapshot.count === 0 && (
          <p className="muted">Nothing is due. All keys are in date.</p>
        )}
        {snapshot &&
          !snapshot.locked &&
          snapshot.bands.map((band) => <BandList key={band.id} band={band} />)}
      </section>
    </main>
  )
}

/** Rows a band shows per page. */
const STEP = 50

function BandList(props: { band: ReminderBandCount }) {
  const { band } = props
  const [offset, setOffset] = useState(0)
  const section = useRef<HTMLElement>(null)
  // A new page starts at the band's title, not where the old page's buttons were.
  const go = (next: number) => {
    setOffset(next)
    section.current?.scrollIntoView({ block: 'start' })
  }
  const page = useReminders((s) => s.pages[band.id])
  const revision = useReminders((s) => s.revision)
  // Past the end after a snooze or dismiss emptied the last page: step back.
  const start =
    offset >= band.count ? Math.max(0, (Math.ceil(band.count / STEP) - 1) * STEP) : offset
  useEffect(() => {
    void useReminders.getState().loadPage(band.id, start, STEP)
  }, [band.id, start, revision])

  const titleId = `band-${band.id}`
  const items = page && page.offset === start ? page.items : []
  const last = Math.min(start + STEP, band.count)
  return (
    <section className="band" aria-labelledby={titleId} ref={section}>
      <h2 id={titleId}>
        {band.title} <span className="muted">({band.count.toLocaleString()})</span>
      </h2>
      <ul className="reminders">
        {items.map((item, i) => (
          <Reminder key={item.key ?? i} item={item} />
        ))}
      </ul>
      {band.count > STEP && (
        <nav className="band-pages" aria-label={`${band.title} pages`}>
          <button
            type="button"
            disabled={start === 0}
            onClick={() => go(Math.max(0, start - STEP))}
          >
            Previous {STEP}
          </button>
          <span className="muted" aria-live="polite">
            {(start + 1).toLocaleString()}–{last.toLocaleString()} of {band.count.toLocaleString()}
          </span>
          <button type="button" disabled={last >= band.count} onClick={() => go(start + STEP)}>
            Next {STEP}
          </button>
        </nav>
      )}
    </section>
  )
}

// Memoized: a snooze re-renders the band lists, not every row in them.
const Reminder = memo(function Reminder(props: { item: ReminderView }) {
  const { item } = props
  const tone = item.kind === 'expired' || item.kind === 'validation-failed' ? 'bad' : 'warn'
  return (
    <li className="reminder" aria-label={item.entryName ?? item.text}>
      <ProviderIcon style={item.style} />
      <div className="reminder-text">
        <div className="reminder-title">
          <strong>{item.entryName}</strong>
          <span className="muted">{styleLabel(item.style)}</span>
          <span className={`badge tone-${tone}`}>{item.kind.replace('-', ' ')}</span>
        </div>
        <div>{item.text}</div>
        {item.dueAt !== null && <div className="muted">due {formatDate(item.dueAt)}</div>}
      </div>
      {item.key && (
        <div className="reminder-actions">
          <button type="button" onClick={() => void useReminders.getState().snooze(item.key!, 1)}>
            Snooze 1 day
          </button>
          <button type="button" onClick={() => void useReminders.getState().snooze(item.key!, 7)}>
            Snooze 1 week
          </button>
          <button type="button" onClick={() => void useReminders.getState().dismiss(item.key!)}>
            Dismiss
          </button>
          {item.entryId && (
            <button
              type="button"
              onClick={() => {
                useEntries.getState().select(item.entryId!)
                useUi.getState().setView('entries')
              }}
            >
              Open
            </button>
          )}
        </div>
      )}
    </li>
  )
})
