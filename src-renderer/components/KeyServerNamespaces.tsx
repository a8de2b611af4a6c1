/** The key server's namespaces: pick one for the view, create, reset, delete; its base URLs. */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { Copy } from 'lucide-react'
import type { KeyServerNamespace } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import { copyPlainText } from '../lib/copy-text'
import { SERVER_STYLE_IDS, STYLE_FORMS } from '../lib/styles'
import { DEFAULT_NAMESPACE, useKeyServer } from '../stores/keyserver'
import { useUi } from '../stores/ui'
import { ErrorLine, SelectField, TextField } from './fields'
import { Icon } from './icons'

export function KeyServerNamespaces() {
  const namespaces = useKeyServer((s) => s.namespaces)
  const selected = useKeyServer((s) => s.namespace)
  const [newName, setNewName] = useState('')
  const [confirming, setConfirming] = useState<'reset' | 'delete' | null>(null)
  // A question asked replaces its button; when it closes, focus goes back to that button.
  const askedBy = useRef<'reset' | 'delete' | null>(null)
  const resetRef = useRef<HTMLButtonElement>(null)
  const deleteRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (confirming) askedBy.current = confirming
    else if (askedBy.current) {
      ;(askedBy.current === 'delete' ? deleteRef : resetRef).current?.focus()
      askedBy.current = null
    }
  }, [confirming])
  const escape = (e: KeyboardEvent) => {
    if (e.key === 'Escape') setConfirming(null)
  }
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const current = namespaces.find((n) => n.name === selected)

  async function run(work: () => Promise<void>, done: string) {
    setBusy(true)
    try {
      await work()
      setError(null)
      useUi.getState().notify(done)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
      setConfirming(null)
    }
  }

  function create(event: FormEvent) {
    event.preventDefault()
    const name = newName.trim()
    if (!name) return setError('Give the new namespace a name.')
    void run(async () => {
      await useKeyServer.getState().createNamespace(name)
      setNewName('')
    }, `Created namespace “${name}”.`)
  }

  return (
    <section className="subform" aria-labelledby="ns-title">
      <h2 id="ns-title">Namespaces</h2>
      <p className="muted">
        Each namespace is an isolated server: its own keys, clock and faults. Keys issued into the
        vault live in “{DEFAULT_NAMESPACE}”.
      </p>
      <div className="inline-form">
        <SelectField
          label="Namespace shown"
          value={selected}
          options={namespaces.map((n) => ({ value: n.name, label: n.name }))}
          onChange={(name) => {
            setConfirming(null)
            void useKeyServer.getState().selectNamespace(name)
          }}
        />
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onKeyDown={escape}
              onClick={() =>
                void run(
                  () =>
                    confirming === 'reset'
                      ? useKeyServer.getState().resetNamespace(selected)
                      : useKeyServer.getState().deleteNamespace(selected),
                  confirming === 'reset'
                    ? `Reset namespace “${selected}”.`
                    : `Deleted namespace “${selected}”.`,
                )
              }
            >
              {confirming === 'reset'
                ? `Confirm reset of “${selected}”`
                : `Confirm delete of “${selected}”`}
            </button>
            {/* Focus starts on the safe answer; Escape is Cancel. */}
            <button type="button" autoFocus onKeyDown={escape} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              ref={resetRef}
              disabled={busy}
              onClick={() => setConfirming('reset')}
            >
              Reset namespace
            </button>
            {selected !== DEFAULT_NAMESPACE && (
              <button
                type="button"
                ref={deleteRef}
                disabled={busy}
                onClick={() => setConfirming('delete')}
              >
                Delete namespace
              </button>
            )}
          </>
        )}
      </div>
      {confirming === 'reset' && (
        <p className="muted" role="note">
          Resetting drops every key, user and counter of “{selected}”
          {selected === DEFAULT_NAMESPACE ? '; vault entries of its keys are marked revoked' : ''}.
        </p>
      )}
      {current && <NamespaceFacts ns={current} />}
      <form className="inline-form" onSubmit={create} aria-label="Create a namespace">
        <TextField
          label="New namespace"
          value={newName}
          onChange={setNewName}
          placeholder="e.g. ci-1234"
          maxLength={63}
        />
        <button type="submit" disabled={busy}>
          Create namespace
        </button>
      </form>
      <ErrorLine message={error} />
    </section>
  )
}

function NamespaceFacts({ ns }: { ns: KeyServerNamespace }) {
  return (
    <>
      <p className="muted">
        Clock: {ns.clockNow}
        {ns.clockOffsetSeconds ? ` (offset ${ns.clockOffsetSeconds} s)` : ''} · fault rules:{' '}
        {ns.faultRules}
        {ns.seed ? (
          <>
            {' '}
            · fault seed <code>{ns.seed}</code>
          </>
        ) : null}
      </p>
      <h3 id="urls-title">Base URLs in “{ns.name}”</h3>
      <ul className="url-list" aria-labelledby="urls-title">
        {SERVER_STYLE_IDS.map((style) => (
          <BaseUrlRow key={style} label={STYLE_FORMS[style].label} url={ns.baseUrls[style] ?? ''} />
        ))}
      </ul>
    </>
  )
}

function BaseUrlRow({ label, url }: { label: string; url: string }) {
  const field = useRef<HTMLInputElement>(null)
  const id = `url-${label.replace(/\W+/g, '-').toLowerCase()}`
  return (
    <li className="url-row">
      <label htmlFor={id}>{label}</label>
      <input id={id} ref={field} className="mono" readOnly value={url} />
      <button
        type="button"
        aria-label={`Copy ${label} base URL`}
        onClick={() =>
          void copyPlainText(url, field.current).then((copied) =>
            useUi
              .getState()
              .notify(
                copied
                  ? `Copied the ${label} base URL.`
                  : 'Copy failed: select the URL and copy it.',
                copied ? 'ok' : 'bad',
              ),
          )
        }
      >
        <Icon as={Copy} />
        Copy
      </button>
    </li>
  )
}
