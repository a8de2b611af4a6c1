/** The screens before the vault is open: create a vault, or unlock it. */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { passwordStrength, waitText } from '../lib/format'
import { useNow } from '../lib/hooks'
import { loadUnlocked } from '../lib/session-actions'
import { useReminders } from '../stores/reminders'
import { useSession } from '../stores/session'
import { ErrorLine, PasswordField } from './fields'

const MIN_LENGTH = 8

/** First run: choose the master password. */
export function CreateVault() {
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const { busy, error } = useSession()
  const strength = passwordStrength(password)
  const hintId = useId()

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (password.length < MIN_LENGTH)
      return setProblem(
        `Use at least ${MIN_LENGTH} characters; a passphrase of four words is better.`,
      )
    if (password !== confirm) return setProblem('The two passwords do not match.')
    setProblem(null)
    if (await useSession.getState().create(password)) loadUnlocked()
  }

  return (
    <main className="gate">
      <form className="card gate-card" onSubmit={submit} aria-labelledby="create-title">
        <h1 id="create-title">Create your vault</h1>
        <p className="muted">
          One master password protects every key. It cannot be recovered: if you forget it, the
          vault cannot be opened.
        </p>
        <PasswordField
          label="Master password"
          autoFocus
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          describedBy={hintId}
        />
        <div className="strength" data-score={strength.score} id={hintId} aria-live="polite">
          <meter min={0} max={4} value={strength.score} aria-label="Password strength" />
          <span>
            Strength: {strength.label}. {strength.hint}
          </span>
        </div>
        <PasswordField
          label="Confirm password"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
        />
        <ErrorLine message={problem ?? error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create vault'}
        </button>
      </form>
    </main>
  )
}

/** The vault exists and is locked: the password, back-off, and what is due (without names). */
export function Unlock() {
  const [password, setPassword] = useState('')
  const { busy, error, errorCode, retryAt } = useSession()
  const now = useNow(500)
  const waitMs = Math.max(0, retryAt - now)
  const snapshot = useReminders((s) => s.snapshot)

  useEffect(() => {
    void useReminders.getState().load()
  }, [])

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (waitMs > 0 || password.length === 0) return
    const ok = await useSession.getState().unlock(password)
    setPassword('')
    if (ok) loadUnlocked()
  }

  let message: string | null = null
  if (waitMs > 0) message = `Too many wrong passwords. Try again in ${waitText(waitMs)}.`
  else if (errorCode !== 'BACKOFF' && error) message = error

  return (
    <main className="gate">
      <form className="card gate-card" onSubmit={submit} aria-labelledby="unlock-title">
        <h1 id="unlock-title">Unlock Keywarden</h1>
        <PasswordField
          label="Master password"
          autoFocus
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <ErrorLine message={message} />
        <button type="submit" className="primary" disabled={busy || waitMs > 0}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
      {snapshot?.summary && (
        <section className="card gate-card reminders-locked" aria-label="Due reminders">
          <h2>Reminders</h2>
          <p>{snapshot.summary}</p>
        </section>
      )}
    </main>
  )
}
