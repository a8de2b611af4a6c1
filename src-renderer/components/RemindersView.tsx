/**
 * What is due, grouped by band (expired, this week, this month, rotation due, failed checks).
 * Each band shows its first rows and more on request, so a vault with thousands due renders a
 * few hundred nodes, not a hundred thousand.
 */
import { memo, useEffect, useState } from 'react'
import type { ReminderView } from '../../src-main/ipc/contract'
import { formatDate } from '../lib/format'
import { useNow } from '../lib/hooks'
import { groupByBand, type Band } from '../lib/reminder-bands'
import { styleLabel } from '../lib/styles'
import { ProviderIcon } from './icons'
import { useEntries } from '../stores/entries'
import { useReminders } from '../stores/reminders'
import { useUi } from '../stores/ui'
import { ErrorLine } from './fields'

export function RemindersView() {
  const snapshot = useReminders((s) => s.snapshot)
  const error = useReminders((s) => s.error)
  const now = useNow()
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
          groupByBand(snapshot.items, now).map((band) => <BandList key={band.id} band={band} />)}
      </section>
    </main>
  )
}

/** Rows a band shows at first, and how many more each "Show more" adds. */
const STEP = 50

function BandList(props: { band: Band }) {
  const { band } = props
  const [shown, setShown] = useState(STEP)
  const titleId = `band-${band.id}`
  return (
    <section className="band" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {band.title} <span className="muted">({band.items.length.toLocaleString()})</span>
      </h2>
      <ul className="reminders">
        {band.items.slice(0, shown).map((item, i) => (
          <Reminder key={item.key ?? i} item={item} />
        ))}
      </ul>
      {band.items.length > shown && (
        <button type="button" onClick={() => setShown(shown + STEP)}>
          Show {Math.min(STEP, band.items.length - shown)} more of{' '}
          {(band.items.length - shown).toLocaleString()}
        </button>
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
        <span className={`badge tone-${tone}`}>{item.kind.replace('-', ' ')}</span>{' '}
        <strong>{item.entryName}</strong> <span className="muted">{styleLabel(item.style)}</span>
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
