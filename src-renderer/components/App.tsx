/** The application shell: picks the screen from the vault's state and wires the events. */
import { useEffect } from 'react'
import {
  ArrowLeftRight,
  Bell,
  ScrollText,
  KeyRound,
  Lock,
  Plus,
  Server,
  Settings,
  ShieldCheck,
  type LucideIcon,
} from 'lucide-react'
import { getApi, hasTransport, reportActivity, transportKind } from '../api'
import { watchActivity } from '../lib/activity'
import { dropDecrypted, loadUnlocked, lockNow } from '../lib/session-actions'
import { launchProblem } from '../lib/token'
import { selectTotal, useEntries } from '../stores/entries'
import { useKeyServer } from '../stores/keyserver'
import { selectDueCount, useReminders } from '../stores/reminders'
import { selectUnlocked, useSession } from '../stores/session'
import { useUi, type View } from '../stores/ui'
import { AddEntryForm } from './AddEntryForm'
import { AuditView } from './AuditView'
import { EntryDetail } from './EntryDetail'
import { EntryList } from './EntryList'
import { KeyServerView } from './KeyServerView'
import { Notice } from './Notice'
import { RemindersView } from './RemindersView'
import { SettingsView } from './SettingsView'
import { TransferView } from './TransferView'
import { CreateVault, Unlock } from './VaultGate'
import { ErrorLine } from './fields'
import { Icon } from './icons'

export function App() {
  const transport = hasTransport()
  const status = useSession((s) => s.status)
  const loadError = useSession((s) => s.error)
  const loadErrorCode = useSession((s) => s.errorCode)
  const unlocked = useSession(selectUnlocked)

  useEffect(() => {
    if (!transport) return
    void useSession
      .getState()
      .load()
      .then(() => {
        if (selectUnlocked(useSession.getState())) loadUnlocked()
        else void useReminders.getState().load()
      })
    const api = getApi()
    // Bulk changes arrive as bursts of events; one reload after the burst is enough.
    let reloadTimer: ReturnType<typeof setTimeout> | undefined
    const offs = [
      api.on('vault-locked', () => dropDecrypted()),
      api.on('vault-unlocked', () => {
        void useSession.getState().load().then(loadUnlocked)
      }),
      api.on('entries-changed', () => {
        clearTimeout(reloadTimer)
        reloadTimer = setTimeout(() => {
          if (selectUnlocked(useSession.getState())) void useEntries.getState().load()
        }, 250)
      }),
      api.on('reminders-due', (snapshot) => useReminders.getState().receive(snapshot)),
      api.on('keyserver-log', (line) => useKeyServer.getState().appendLog(line)),
      api.on('keyserver-status', (status) => useKeyServer.getState().receiveStatus(status)),
      api.on('open-entry', ({ id }) => {
        useEntries.getState().select(id)
        useUi.getState().setView('entries')
      }),
    ]
    return () => {
      clearTimeout(reloadTimer)
      offs.forEach((off) => off())
    }
  }, [transport])

  if (!transport)
    return (
      <main className="gate">
        <section className="card gate-card">
          <h1>Keywarden</h1>
          <p role="alert">
            {launchProblem() ??
              'Open Keywarden with the link it printed when it started; this page has no access token.'}
          </p>
        </section>
      </main>
    )
  if (loadErrorCode === 'UNAUTHORIZED')
    return (
      <main className="gate">
        <section className="card gate-card">
          <h1>Keywarden</h1>
          <p role="alert">
            Keywarden refused this page&apos;s access token: it was restarted since. Open the new
            link it printed.
          </p>
        </section>
      </main>
    )
  if (!status)
    return (
      <main className="gate" aria-busy="true">
        <ErrorLine message={loadError} />
      </main>
    )
  if (!status.exists) return <CreateVault />
  if (!unlocked) return <Unlock />
  return <MainView />
}

const NAV: { id: View; label: string; icon: LucideIcon }[] = [
  { id: 'entries', label: 'Keys', icon: KeyRound },
  { id: 'add', label: 'Add key', icon: Plus },
  { id: 'reminders', label: 'Reminders', icon: Bell },
  { id: 'keyserver', label: 'Key server', icon: Server },
  { id: 'transfer', label: 'Import & export', icon: ArrowLeftRight },
  { id: 'audit', label: 'Audit log', icon: ScrollText },
  { id: 'settings', label: 'Settings', icon: Settings },
]

function MainView() {
  const view = useUi((s) => s.view)

  // Ctrl+Shift+L (Cmd+Shift+L) locks from anywhere.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'l') {
        event.preventDefault()
        void lockNow()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  // Browser mode: keys and pointer count as use, so a form being filled does not auto-lock.
  useEffect(
    () => (transportKind() === 'browser' ? watchActivity(window, reportActivity) : undefined),
    [],
  )
  const due = useReminders(selectDueCount)
  const damaged = useSession((s) => s.status?.damaged ?? [])
  const selectedId = useEntries((s) => s.selectedId)
  // With no key listed, "select a key" has nothing to point at: the list's empty state speaks.
  const listed = useEntries((s) => (selectTotal(s) ?? 0) > 0)

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <Icon as={ShieldCheck} size={18} /> <span className="brand-name">Keywarden</span>
        </span>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <button
              key={n.id}
              type="button"
              className={'nav' + (view === n.id ? ' current' : '')}
              aria-current={view === n.id ? 'page' : undefined}
              onClick={() => useUi.getState().setView(n.id)}
            >
              <Icon as={n.icon} />
              {n.label}
              {n.id === 'reminders' && due > 0 && (
                <span className="count-badge">
                  {due}
                  <span className="sr-only"> due</span>
                </span>
              )}
            </button>
          ))}
        </nav>
        <button
          type="button"
          className="lock"
          title="Lock (Ctrl+Shift+L)"
          onClick={() => void lockNow()}
        >
          <Icon as={Lock} />
          Lock
        </button>
      </header>
      {damaged.length > 0 && (
        <p role="alert" className="banner error">
          {damaged.length} {damaged.length === 1 ? 'entry' : 'entries'} could not be opened (damaged
          or rolled back) and are left untouched: {damaged.map((d) => d.id).join(', ')}.
        </p>
      )}
      {view === 'entries' && (
        <main className="split">
          <EntryList />
          {selectedId ? (
            <EntryDetail key={selectedId} id={selectedId} />
          ) : (
            <section className="detail-pane empty" aria-label="Key details">
              {listed && (
                <p className="muted">
                  Select a key to see it. <kbd>↑</kbd> <kbd>↓</kbd> move through the list,{' '}
                  <kbd>/</kbd> searches.
                </p>
              )}
            </section>
          )}
        </main>
      )}
      {view === 'add' && <AddEntryForm />}
      {view === 'reminders' && <RemindersView />}
      {view === 'keyserver' && <KeyServerView />}
      {view === 'transfer' && <TransferView />}
      {view === 'audit' && <AuditView />}
      {view === 'settings' && <SettingsView />}
      <Notice />
    </div>
  )
}
