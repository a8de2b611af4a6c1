/**
 * Settings: auto-lock, clipboard, reminder thresholds, history, notifications, and in the
 * desktop app the tray and login item; the password.
 */
import { useEffect, useState, type FormEvent } from 'react'
import type { Settings } from '../../src-main/ipc/contract'
import { passwordStrength } from '../lib/format'
import { parseThresholds, settingsProblems, type SettingsText } from '../lib/settings-checks'
import { useSession } from '../stores/session'
import { useUi } from '../stores/ui'
import { ErrorLine, PasswordField, TextField } from './fields'

export function SettingsView() {
  const settings = useUi((s) => s.settings)
  useEffect(() => {
    void useUi.getState().loadSettings()
  }, [])
  return (
    <main className="page two-col">
      {settings ? (
        <SettingsForm settings={settings} />
      ) : (
        <section className="card" aria-busy="true" />
      )}
      <PasswordForm />
    </main>
  )
}

function SettingsForm(props: { settings: Settings }) {
  const { settings } = props
  const error = useUi((s) => s.settingsError)
  const [autoLock, setAutoLock] = useState(String(settings.autoLockMinutes))
  const [clipboard, setClipboard] = useState(String(settings.clipboardClearSeconds))
  const [thresholds, setThresholds] = useState(settings.reminderThresholds.join(', '))
  const [history, setHistory] = useState(String(settings.historyLimit))
  const [notifications, setNotifications] = useState(settings.notifications)
  const [closeToTray, setCloseToTray] = useState(settings.closeToTray)
  const [openAtLogin, setOpenAtLogin] = useState(settings.openAtLogin)
  // The tray and the login item belong to the desktop app; browser mode has neither.
  const desktop = useSession((s) => s.info?.mode === 'desktop')
  const [problem, setProblem] = useState<string | null>(null)
  /** Fields left once (or all, after a submit): their errors show and follow the typing. */
  const [touched, setTouched] = useState<ReadonlySet<keyof SettingsText>>(new Set())
  const checks = settingsProblems({ autoLock, clipboard, thresholds, history })
  const fieldError = (name: keyof SettingsText) => (touched.has(name) ? checks[name] : undefined)
  const leave = (name: keyof SettingsText) => () => setTouched((prev) => new Set(prev).add(name))

  async function submit(event: FormEvent) {
    event.preventDefault()
    const days = parseThresholds(thresholds)
    if (!days || Object.keys(checks).length > 0) {
      setTouched(new Set(['autoLock', 'clipboard', 'thresholds', 'history']))
      return setProblem('Fix the fields marked above, then save again.')
    }
    setProblem(null)
    const ok = await useUi.getState().saveSettings({
      autoLockMinutes: Number(autoLock),
      clipboardClearSeconds: Number(clipboard),
      reminderThresholds: days,
      historyLimit: Number(history),
      notifications,
      ...(desktop ? { closeToTray, openAtLogin } : {}),
    })
    if (ok) useUi.getState().notify('Settings saved.')
  }

  return (
    // noValidate: the fields say what is wrong in our words, under them, not in a browser bubble.
    <form className="card grid-form" onSubmit={submit} aria-labelledby="settings-title" noValidate>
      <h1 id="settings-title" className="wide">
        Settings
      </h1>
      <TextField
        label="Auto-lock after idle (minutes, 0 = never)"
        type="number"
        min={0}
        value={autoLock}
        onChange={setAutoLock}
        onBlur={leave('autoLock')}
        error={fieldError('autoLock')}
      />
      <TextField
        label="Clear clipboard after (seconds)"
        type="number"
        min={5}
        value={clipboard}
        onChange={setClipboard}
        onBlur={leave('clipboard')}
        error={fieldError('clipboard')}
      />
      <TextField
        label="Remind before expiry (days)"
        value={thresholds}
        onChange={setThresholds}
        onBlur={leave('thresholds')}
        error={fieldError('thresholds')}
      />
      <TextField
        label="Previous keys kept per entry"
        type="number"
        min={0}
        value={history}
        onChange={setHistory}
        onBlur={leave('history')}
        error={fieldError('history')}
      />
      <label className="check wide">
        <input
          type="checkbox"
          checked={notifications}
          onChange={(e) => setNotifications(e.target.checked)}
        />
        Show system notifications for reminders
      </label>
      {desktop && (
        <>
          <label className="check wide">
            <input
              type="checkbox"
              checked={closeToTray}
              onChange={(e) => setCloseToTray(e.target.checked)}
            />
            Keep running in the tray when the window is closed (reminders keep coming)
          </label>
          <label className="check wide">
            <input
              type="checkbox"
              checked={openAtLogin}
              onChange={(e) => setOpenAtLogin(e.target.checked)}
            />
            Open at login, in the tray
          </label>
        </>
      )}
      <ErrorLine message={problem ?? error} wide />
      <div className="wide">
        <button type="submit" className="primary">
          Save settings
        </button>
      </div>
    </form>
  )
}

function PasswordForm() {
  const [oldPassword, setOld] = useState('')
  const [newPassword, setNew] = useState('')
  const [confirm, setConfirm] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const strength = passwordStrength(newPassword)

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (newPassword.length < 8) return setProblem('Use at least 8 characters.')
    if (newPassword !== confirm) return setProblem('The two new passwords do not match.')
    const ok = await useSession.getState().changePassword(oldPassword, newPassword)
    setOld('')
    setNew('')
    setConfirm('')
    if (ok) {
      setProblem(null)
      useUi.getState().notify('Master password changed.')
    } else setProblem(useSession.getState().error)
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">Change master password</h2>
      <PasswordField
        label="Current password"
        autoComplete="current-password"
        value={oldPassword}
        onChange={setOld}
      />
      <PasswordField
        label="New password"
        autoComplete="new-password"
        value={newPassword}
        onChange={setNew}
      />
      {newPassword && (
        <p className="muted">
          Strength: {strength.label}. {strength.hint}
        </p>
      )}
      <PasswordField
        label="Confirm new password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
      />
      <ErrorLine message={problem} />
      <button type="submit">Change password</button>
    </form>
  )
}
