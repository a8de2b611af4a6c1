/** The panel for one entry: facts, secrets, and what can be done with the key. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react'
import {
  History as HistoryIcon,
  Pencil,
  RotateCw,
  ScrollText,
  ShieldCheck,
  Trash2,
} from 'lucide-react'
import type { EntryDetail as Detail, HistoryItem } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import { expiryBadge, formatDate, formatDateTime, lastCheckBadge } from '../lib/format'
import { useNow } from '../lib/hooks'
import { styleLabel, STYLE_FORMS } from '../lib/styles'
import { useAudit } from '../stores/audit'
import { useDrafts } from '../stores/drafts'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { EditForm } from './EditForm'
import { KeyReference } from './KeyReference'
import { RotateForm } from './RotateForm'
import { SecretRow } from './SecretRow'
import { ErrorLine } from './fields'
import { Icon, ProviderIcon } from './icons'

type Panel = 'none' | 'rotate' | 'edit' | 'history' | 'delete'

export function EntryDetail(props: { id: string }) {
  const { id } = props
  const revision = useEntries((s) => s.revision)
  const [detail, setDetail] = useState<Detail | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A form left open by a lock opens again after unlock.
  const [panel, setPanel] = useState<Panel>(() => draftPanel(id))
  const [checking, setChecking] = useState(false)
  const now = useNow()
  /** The buttons that open each panel: Escape closes the panel and puts focus back on its button. */
  const openers = useRef<Partial<Record<Panel, HTMLButtonElement | null>>>({})

  useEffect(() => {
    let live = true
    getApi()
      .entries.get({ id })
      .then((d) => live && (setDetail(d), setError(null)))
      .catch((e: unknown) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [id, revision])

  if (error && !detail)
    return (
      <section className="detail-pane" aria-label="Key details">
        <ErrorLine message={error} />
      </section>
    )
  if (!detail) return <section className="detail-pane" aria-label="Key details" aria-busy="true" />

  async function checkNow() {
    setChecking(true)
    try {
      const result = await useEntries.getState().validate(id)
      useUi.getState().notify(`Check: ${result.status}.`, result.status === 'valid' ? 'ok' : 'bad')
    } catch (e) {
      useUi.getState().notify(errorMessage(e), 'bad')
    } finally {
      setChecking(false)
    }
  }

  async function remove() {
    try {
      await useEntries.getState().remove(id)
      useUi.getState().notify(`Deleted “${detail?.name}”.`)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const expiry = expiryBadge(detail.expiresAt, now)
  const check = lastCheckBadge(detail.lastCheck, now)
  const idSecret = STYLE_FORMS[detail.style].credential === 'id-secret'
  const toggle = (p: Panel) => setPanel(panel === p ? 'none' : p)
  /** Close the open panel (its Cancel, by keyboard) and return focus to what opened it. */
  function closeOnEscape(event: KeyboardEvent) {
    if (event.key !== 'Escape' || panel === 'none') return
    event.preventDefault()
    if (panel === 'rotate' || panel === 'edit')
      useDrafts.getState().discard({ form: panel, entryId: id })
    openers.current[panel]?.focus()
    setPanel('none')
  }

  return (
    // Escape anywhere in the pane closes the open panel or question, as a dialog's would.
    <section className="detail-pane" aria-label="Key details" onKeyDown={closeOnEscape}>
      <header className="detail-head">
        <ProviderIcon style={detail.style} size={22} />
        <h2>{detail.name}</h2>
        <p className="muted">
          {styleLabel(detail.style)}
          {detail.environment ? ` · ${detail.environment}` : ''} · {detail.status}
          {detail.origin === 'keyserver' ? ' · issued by the local key server' : ''}
        </p>
        <div className="badges">
          <span className={`badge tone-${expiry.tone}`}>{expiry.text}</span>
          <span className={`badge tone-${check.tone}`}>last check: {check.text}</span>
        </div>
      </header>

      {/* Keyed by the rotation time: a rotation drops a value revealed before it, while a
          background refresh (another entry changed) leaves the reveal alone. */}
      <SecretRow
        key={`${id}:key:${detail.lastRotatedAt}`}
        entryId={id}
        field="key"
        label={idSecret ? 'Key id' : 'Key'}
        mask={detail.keyMask}
      />
      {detail.hasSecret && (
        <SecretRow
          key={`${id}:secret:${detail.lastRotatedAt}`}
          entryId={id}
          field="secret"
          label="Secret"
          mask="••••••••••••"
        />
      )}

      <KeyReference id={id} name={detail.name} />

      <div className="actions" role="group" aria-label="Key actions">
        <button type="button" onClick={checkNow} disabled={checking}>
          <Icon as={ShieldCheck} />
          {checking ? 'Checking…' : 'Check now'}
        </button>
        <button
          type="button"
          ref={(el) => void (openers.current.rotate = el)}
          onClick={() => toggle('rotate')}
          aria-expanded={panel === 'rotate'}
        >
          <Icon as={RotateCw} />
          Rotate
        </button>
        <button
          type="button"
          ref={(el) => void (openers.current.edit = el)}
          onClick={() => toggle('edit')}
          aria-expanded={panel === 'edit'}
        >
          <Icon as={Pencil} />
          Edit
        </button>
        <button
          type="button"
          ref={(el) => void (openers.current.history = el)}
          onClick={() => toggle('history')}
          aria-expanded={panel === 'history'}
        >
          <Icon as={HistoryIcon} />
          History ({detail.historyCount})
        </button>
        <button
          type="button"
          aria-label="Audit log of this key"
          onClick={() => {
            useAudit.getState().setFilters({ entry: id, since: '', action: '' })
            useUi.getState().setView('audit')
          }}
        >
          <Icon as={ScrollText} />
          Audit log
        </button>
        <button
          type="button"
          className="danger"
          ref={(el) => void (openers.current.delete = el)}
          onClick={() => toggle('delete')}
          aria-expanded={panel === 'delete'}
        >
          <Icon as={Trash2} />
          Delete
        </button>
      </div>
      <ErrorLine message={error} />

      {panel === 'rotate' && <RotateForm entry={detail} onDone={() => setPanel('none')} />}
      {panel === 'edit' && <EditForm entry={detail} onDone={() => setPanel('none')} />}
      {panel === 'history' && (
        <History id={id} revision={revision} hasSecret={detail.hasSecret} idSecret={idSecret} />
      )}
      {panel === 'delete' && (
        <div
          className="confirm"
          role="alertdialog"
          aria-labelledby="delete-title"
          aria-describedby="delete-text"
        >
          <h3 id="delete-title">Delete this key?</h3>
          <p id="delete-text">
            Delete “{detail.name}” and its history from the vault? This cannot be undone. The key
            itself stays valid at the provider until you revoke it there.
          </p>
          <button type="button" className="danger" onClick={remove}>
            Delete permanently
          </button>
          {/* Focus starts on the safe answer: Enter right away cancels. */}
          <button
            type="button"
            autoFocus
            onClick={() => {
              openers.current.delete?.focus()
              setPanel('none')
            }}
          >
            Cancel
          </button>
        </div>
      )}

      <dl className="facts">
        <dt>Expires</dt>
        <dd>{formatDate(detail.expiresAt)}</dd>
        <dt>Last rotated</dt>
        <dd>{formatDate(detail.lastRotatedAt)}</dd>
        <dt>Rotation policy</dt>
        <dd>
          {detail.rotationPolicyDays
            ? `every ${detail.rotationPolicyDays} days`
            : 'provider default'}
        </dd>
        {detail.scope.account && (
          <>
            <dt>Owner</dt>
            <dd>{detail.scope.account}</dd>
          </>
        )}
        {detail.scope.level && (
          <>
            <dt>Level</dt>
            <dd>
              {detail.scope.level}
              {detail.scope.projectId ? ` · project ${detail.scope.projectId}` : ''}
            </dd>
          </>
        )}
        {detail.scope.apiType && (
          <>
            <dt>API</dt>
            <dd>{detail.scope.apiType === 'rest' ? 'REST' : 'Batch'}</dd>
          </>
        )}
        {detail.baseUrl && (
          <>
            <dt>Checks against</dt>
            <dd className="mono">{detail.baseUrl}</dd>
          </>
        )}
        {detail.tags.length > 0 && (
          <>
            <dt>Tags</dt>
            <dd>{detail.tags.join(', ')}</dd>
          </>
        )}
        <dt>Added</dt>
        <dd>{formatDateTime(detail.createdAt)}</dd>
      </dl>
      {detail.notes && <p className="notes">{detail.notes}</p>}
    </section>
  )
}

/** The form of this entry a draft was kept for, if any. */
function draftPanel(id: string): Panel {
  const place = useDrafts.getState().draft?.place
  return place && place.form !== 'add' && place.entryId === id ? place.form : 'none'
}

function History(props: { id: string; revision: number; hasSecret: boolean; idSecret: boolean }) {
  const [items, setItems] = useState<HistoryItem[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    getApi()
      .entries.history({ id: props.id })
      .then((h) => live && setItems(h))
      .catch((e: unknown) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [props.id, props.revision])
  if (error) return <ErrorLine message={error} />
  if (!items) return null
  return (
    <section aria-label="Key history" className="history">
      <h3>Previous keys</h3>
      {items.length === 0 ? (
        <p className="muted">No rotation yet.</p>
      ) : (
        <ol>
          {/* Keyed by the rotation time: a new rotation renumbers the items, and a value
              revealed under an old number must not stay on screen next to another key. */}
          {items.map((h) => (
            <li key={`${h.rotatedAt}:${h.keyMask}`}>
              <span className="muted">replaced {formatDateTime(h.rotatedAt)}</span>
              <SecretRow
                entryId={props.id}
                historyIndex={h.index}
                field="key"
                label={`Previous ${props.idSecret ? 'key id' : 'key'} ${h.index + 1}`}
                mask={h.keyMask}
              />
              {props.hasSecret && (
                <SecretRow
                  entryId={props.id}
                  historyIndex={h.index}
                  field="secret"
                  label={`Previous secret ${h.index + 1}`}
                  mask="••••••••••••"
                />
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
