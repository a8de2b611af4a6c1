/**
 * The keys the selected namespace issued, with what each provider lets you do to a key: revoke,
 * rotate, and (Similarweb, Userplane) activate / deactivate. A key held in the vault keeps its
 * entry in step (main does that); revoking asks for a second click, it cannot be undone.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { KeyServerKey } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import { styleLabel } from '../lib/styles'
import { useEntries } from '../stores/entries'
import { useKeyServer, type KeyAction } from '../stores/keyserver'
import { useUi } from '../stores/ui'
import { ErrorLine } from './fields'

const DONE: Record<KeyAction, string> = {
  revoke: 'Revoked',
  rotate: 'Rotated',
  activate: 'Activated',
  deactivate: 'Deactivated',
}

export function KeyServerKeys() {
  const keys = useKeyServer((s) => s.keys)
  const namespace = useKeyServer((s) => s.namespace)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [confirmRevoke, setConfirmRevoke] = useState<string | null>(null)

  async function act(action: KeyAction, key: KeyServerKey) {
    setBusy(key.id)
    setConfirmRevoke(null)
    try {
      await useKeyServer.getState().keyAction(action, key.id)
      if (key.vaultEntryId) await useEntries.getState().load()
      setError(null)
      useUi
        .getState()
        .notify(
          `${DONE[action]} “${key.name}”${key.vaultEntryId ? '; its vault entry follows.' : '.'}`,
        )
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section className="subform" aria-labelledby="keys-title">
      <div className="row-head">
        <h2 id="keys-title">Issued keys in “{namespace}”</h2>
        <button type="button" onClick={() => void useKeyServer.getState().loadServer()}>
          Refresh keys
        </button>
      </div>
      <ErrorLine message={error} />
      {keys.length === 0 ? (
        <p className="muted">No keys in this namespace yet.</p>
      ) : (
        <div className="table-scroll">
          <table aria-labelledby="keys-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Provider</th>
                <th scope="col">Key</th>
                <th scope="col">State</th>
                <th scope="col">Requests</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">
                    {k.name}
                    {k.vaultEntryId && !k.replacedBy && (
                      <span className="badge subtle">in vault</span>
                    )}
                  </th>
                  <td>{styleLabel(k.style)}</td>
                  <td className="mono">{k.masked}</td>
                  <td>
                    <span className={`badge ${stateTone(k)}`}>{stateText(k)}</span>
                  </td>
                  <td>{k.requests}</td>
                  <td className="key-actions">
                    {k.status !== 'revoked' && !k.replacedBy && (
                      <KeyButtons
                        k={k}
                        busy={busy === k.id}
                        confirming={confirmRevoke === k.id}
                        onAct={(action) => void act(action, k)}
                        onConfirm={(on) => setConfirmRevoke(on ? k.id : null)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function KeyButtons(props: {
  k: KeyServerKey
  busy: boolean
  confirming: boolean
  onAct: (action: KeyAction) => void
  onConfirm: (on: boolean) => void
}) {
  const { k, busy } = props
  const named = (verb: string) => `${verb} “${k.name}”`
  // The question replaces the Revoke button; when it closes, focus goes back to that button.
  const revokeRef = useRef<HTMLButtonElement>(null)
  const cancelRef = useRef<HTMLButtonElement>(null)
  const asked = useRef(false)
  useEffect(() => {
    if (props.confirming) {
      asked.current = true
      // Focus starts on the safe answer (the Revoke button it replaced is gone).
      cancelRef.current?.focus()
    } else if (asked.current) {
      asked.current = false
      revokeRef.current?.focus()
    }
  }, [props.confirming])
  const escape = (e: KeyboardEvent) => {
    if (e.key === 'Escape') props.onConfirm(false)
  }
  if (props.confirming)
    return (
      <>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onKeyDown={escape}
          onClick={() => props.onAct('revoke')}
        >
          {named('Confirm revoke of')}
        </button>
        <button
          type="button"
          ref={cancelRef}
          onKeyDown={escape}
          onClick={() => props.onConfirm(false)}
        >
          Cancel
        </button>
      </>
    )
  return (
    <>
      <button
        type="button"
        disabled={busy}
        aria-label={named('Rotate')}
        onClick={() => props.onAct('rotate')}
      >
        Rotate
      </button>
      {k.canToggle && (
        <button
          type="button"
          disabled={busy}
          aria-label={named(k.status === 'active' ? 'Deactivate' : 'Activate')}
          onClick={() => props.onAct(k.status === 'active' ? 'deactivate' : 'activate')}
        >
          {k.status === 'active' ? 'Deactivate' : 'Activate'}
        </button>
      )}
      <button
        type="button"
        ref={revokeRef}
        disabled={busy}
        aria-label={named('Revoke')}
        onClick={() => props.onConfirm(true)}
      >
        Revoke
      </button>
    </>
  )
}

function stateText(k: KeyServerKey): string {
  if (k.replacedBy) return 'replaced'
  if (k.status === 'active' && k.expired) return 'expired'
  return k.status
}

function stateTone(k: KeyServerKey): string {
  if (k.status === 'active' && !k.expired && !k.replacedBy) return 'tone-ok'
  if (k.status === 'disabled') return 'tone-warn'
  return 'tone-muted'
}
