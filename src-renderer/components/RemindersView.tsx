/** What is due: expiring and expired keys, rotations due, failed checks. */
import { useEffect } from 'react'
import type { ReminderView } from '../../src-main/ipc/contract'
import { formatDate } from '../lib/format'
import { styleLabel } from '../lib/styles'
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
        {snapshot && !snapshot.locked && snapshot.items.length > 0 && (
          <ul className="reminders" aria-label="Due reminders">
            {snapshot.items.map((item, i) => (
              <Reminder key={item.key ?? i} item={item} />
            ))}
          </ul>
        )}
      </section>
    </main>
  )
}

function Reminder(props: { item: ReminderView }) {
  const { item } = props
  const tone = item.kind === 'expired' || item.kind === 'validation-failed' ? 'bad' : 'warn'
  return (
    <li className="reminder" aria-label={item.entryName ?? item.text}>
      <span className={`badge tone-${tone}`}>{item.kind.replace('-', ' ')}</span>
      <div className="reminder-text">
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
}
