/**
 * Rotate a key: paste the new credential from the provider, or, for a key issued by the local
 * key server, let the server rotate it in the provider's own way. Either way the new key starts
 * with the lifetime the old one had, counted from now (as the CLI rotates), within the
 * provider's options; the user may change it and sees the resulting date before saving.
 */
import { useState, type FormEvent } from 'react'
import type { EntryDetail, RotateInput } from '../../src-main/ipc/contract'
import { errorCode, errorMessage, getApi } from '../api'
import { expirySentence, rotateExpiresAt, rotatePrefill } from '../lib/expiry'
import { useNow } from '../lib/hooks'
import { STYLE_FORMS } from '../lib/styles'
import { useDraft } from '../lib/use-draft'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { ExpiryField } from './ExpiryField'
import { CredentialField, ErrorLine } from './fields'

const SEMANTICS: Record<string, string> = {
  userplane: 'Userplane replaces the key in its slot: the old key stops working at once.',
  blazemeter:
    'BlazeMeter keeps the key id and issues a new secret: the old secret stops working at once.',
}

/** The form's non-secret state (kept through a lock); the new key and secret are not in it. */
interface RotateState {
  /** The expiry the user chose; null while the pre-filled one stands. */
  expiry: string | null
  /** The version of the entry the form was opened on. */
  version: number
}

export function RotateForm(props: { entry: EntryDetail; onDone: () => void }) {
  const { onDone } = props
  // The entry as the form was opened (or reloaded): a background refresh does not move it.
  const [entry, setEntry] = useState(props.entry)
  const form = STYLE_FORMS[entry.style]
  const draft = useDraft<RotateState>({ form: 'rotate', entryId: entry.id }, () => ({
    expiry: null,
    version: entry.version,
  }))
  const [key, setKey] = useState('')
  const [secret, setSecret] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const now = useNow(60_000)
  const prefill = rotatePrefill(entry.style, entry, now)
  const expiry = draft.fields.expiry ?? prefill.value
  const fromServer = entry.origin === 'keyserver'
  const idSecret = form.credential === 'id-secret'

  async function run(input: RotateInput) {
    setBusy(true)
    try {
      await useEntries.getState().rotate(input)
      draft.discard()
      useUi.getState().notify(`Rotated “${entry.name}”. The previous key is in its history.`)
      onDone()
    } catch (e) {
      setError(errorMessage(e))
      if (errorCode(e) === 'CHANGED_ELSEWHERE') await reload().catch(() => undefined)
    } finally {
      setBusy(false)
    }
  }

  /** The entry changed elsewhere: show it as it is now; a chosen expiry and typed key stay. */
  async function reload() {
    const fresh = await getApi().entries.get({ id: entry.id })
    setEntry(fresh)
    draft.setFields((s) => ({ ...s, version: fresh.version }))
    void useEntries.getState().load()
  }

  function submit(event: FormEvent) {
    event.preventDefault()
    const at = Date.now()
    const expiresAt = form.expiry === 'never' ? null : rotateExpiresAt(expiry, prefill, at)
    if (expiresAt === 'invalid') return setError('The expiry date is not a valid date.')
    const input: RotateInput = { id: entry.id, expiresAt, expectedVersion: draft.fields.version }
    if (!fromServer) {
      if (idSecret) {
        if (secret.trim() === '') return setError('Paste the new key secret.')
        // An empty key id keeps the current one: BlazeMeter regenerates the secret only.
        input.credential =
          key.trim() === '' ? { secret: secret.trim() } : { key: key.trim(), secret: secret.trim() }
      } else {
        if (key.trim() === '') return setError('Paste the new key.')
        input.credential = { key: key.trim() }
      }
    }
    setError(null)
    void run(input)
  }

  function cancel() {
    draft.discard()
    onDone()
  }

  const shownExpiry = form.expiry === 'never' ? null : rotateExpiresAt(expiry, prefill, now)

  return (
    <form className="subform" onSubmit={submit} aria-label="Rotate key">
      <p className="muted">
        {SEMANTICS[entry.style] ??
          (fromServer
            ? 'The local key server issues a new key and revokes the old one.'
            : 'Create the new key at the provider, paste it here, then revoke the old one there.')}
      </p>
      {!fromServer && idSecret && (
        <CredentialField
          label="Key id"
          value={key}
          onChange={setKey}
          placeholder={`kept: ${entry.keyMask}`}
        />
      )}
      {!fromServer && (
        <CredentialField
          label={idSecret ? 'New secret' : 'New key'}
          value={idSecret ? secret : key}
          onChange={idSecret ? setSecret : setKey}
          placeholder={idSecret ? '72 hex characters' : form.keyPlaceholder}
        />
      )}
      <ExpiryField
        style={entry.style}
        value={expiry}
        onChange={(value) => draft.setFields((s) => ({ ...s, expiry: value }))}
        dateLabel="New key expires on"
        clearable
      />
      <p className="expiry-preview" aria-live="polite" aria-label="New expiry">
        {expirySentence('New key', shownExpiry, now)}
        {prefill.lifetimeMs !== null && expiry === prefill.value && (
          <span className="muted"> Same lifetime as the current key.</span>
        )}
      </p>
      {prefill.note && expiry === prefill.value && (
        <p className="muted field-note">{prefill.note}</p>
      )}
      <ErrorLine message={error} />
      <button type="submit" className="primary" disabled={busy}>
        {fromServer ? 'Rotate on the local key server' : 'Save new key'}
      </button>
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </form>
  )
}
