/** The screens before the vault is open: create a vault, or unlock it. */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { ShieldCheck } from 'lucide-react'
import { formatDateTime, passwordStrength, waitText } from '../lib/format'
import { useNow } from '../lib/hooks'
import { loadUnlocked } from '../lib/session-actions'
import { useReminders } from '../stores/reminders'
import { useSession } from '../stores/session'
import { ErrorLine, PasswordField } from './fields'
import { Icon } from './icons'

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
      <GateBrand />
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
  const formRef = useRef<HTMLFormElement>(null)
  const { busy, error, errorCode, retryAt, older } = useSession()
  const now = useNow(500)
  const waitMs = Math.max(0, retryAt - now)
  const snapshot = useReminders((s) => s.snapshot)

  useEffect(() => {
    void useReminders.getState().load()
  }, [])

  async function open(acceptOlder: boolean) {
    const ok = await useSession.getState().unlock(password, acceptOlder)
    // Kept only while the question about an older vault is open: its answer needs it again.
    if (useSession.getState().older === null) setPassword('')
    if (ok) loadUnlocked()
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (waitMs > 0 || password.length === 0 || older) return
    await open(false)
  }

  function cancelOlder() {
    setPassword('')
    useSession.getState().clearError()
    // Focus goes back to where the question came from.
    formRef.current?.querySelector('input')?.focus()
  }

  let message: string | null = null
  if (waitMs > 0) message = `Too many wrong passwords. Try again in ${waitText(waitMs)}.`
  else if (errorCode !== 'BACKOFF' && errorCode !== 'VAULT_OLDER' && error) message = error

  return (
    <main className="gate">
      <GateBrand />
      <form
        ref={formRef}
        className="card gate-card"
        onSubmit={submit}
        aria-labelledby="unlock-title"
      >
        <h1 id="unlock-title">Unlock Keywarden</h1>
        <PasswordField
          label="Master password"
          autoFocus
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <ErrorLine message={message} />
        <button type="submit" className="primary" disabled={busy || waitMs > 0 || older !== null}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </form>
      {older && (
        <OlderVaultDialog
          older={older}
          busy={busy}
          onOpen={() => void open(true)}
          onCancel={cancelOlder}
        />
      )}
      {snapshot?.summary && (
        <section className="card gate-card reminders-locked" aria-label="Due reminders">
          <h2>Reminders</h2>
          <p>{snapshot.summary}</p>
        </section>
      )}
    </main>
  )
}

function when(at: number | null): string {
  return at === null ? 'unknown' : formatDateTime(at)
}

/** The vault file is older than the one last opened here: a restored backup, or a rollback. */
function OlderVaultDialog(props: {
  older: { lastSeenAt: number | null; foundAt: number | null }
  busy: boolean
  onOpen: () => void
  onCancel: () => void
}) {
  const { older, busy } = props
  const titleId = useId()
  const cancelRef = useRef<HTMLButtonElement>(null)
  // The question takes focus when it appears, on its safe answer; Escape is Cancel.
  useEffect(() => cancelRef.current?.focus(), [])
  return (
    <section
      className="card gate-card confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) props.onCancel()
      }}
    >
      <h2 id={titleId}>This vault is older</h2>
      <p>
        This vault is older than the one last opened on this computer (last seen:{' '}
        {when(older.lastSeenAt)}, this file: {when(older.foundAt)}). If you restored a backup, open
        it anyway; otherwise someone may have put back an old copy.
      </p>
      <button type="button" className="primary" disabled={busy} onClick={props.onOpen}>
        Open anyway
      </button>
      <button type="button" ref={cancelRef} disabled={busy} onClick={props.onCancel}>
        Cancel
      </button>
    </section>
  )
}

/** The app's mark above the first screens, so a locked window still says whose it is. */
function GateBrand() {
  return (
    <div className="gate-brand">
      <Icon as={ShieldCheck} size={22} /> Keywarden
    </div>
  )
}
