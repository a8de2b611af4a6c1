/**
 * An empty vault says what to do next, as buttons: add a key, import a file, or start the local
 * key server and issue one.
 */
import { FileUp, KeyRound, Plus, Server } from 'lucide-react'
import { useKeyServer } from '../stores/keyserver'
import { useUi } from '../stores/ui'
import { Icon } from './icons'

export function EmptyVault() {
  const running = useKeyServer((s) => s.status?.running === true)
  const busy = useKeyServer((s) => s.busy)
  return (
    <section className="empty-vault" aria-labelledby="empty-title">
      <div className="empty-mark">
        <Icon as={KeyRound} size={28} />
      </div>
      <h2 id="empty-title">No keys yet</h2>
      <p className="muted">
        Keep your first API key here, bring keys in from a file or a password manager, or have the
        local key server issue one.
      </p>
      <div className="empty-actions">
        <button type="button" className="primary" onClick={() => useUi.getState().setView('add')}>
          <Icon as={Plus} /> Add a key
        </button>
        <button type="button" onClick={() => useUi.getState().setView('transfer')}>
          <Icon as={FileUp} /> Import a file
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            if (!running) void useKeyServer.getState().start()
            useUi.getState().setView('keyserver')
          }}
        >
          <Icon as={Server} /> {running ? 'Open the key server' : 'Start the key server'}
        </button>
      </div>
    </section>
  )
}
