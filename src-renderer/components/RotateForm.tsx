/**
 * Rotate a key: paste the new credential from the provider, or, for a key issued by the local
 * key server, let the server rotate it in the provider's own way. Either way the new key starts
 * with the lifetime the old one had, counted from now (as the CLI rotates), within the
 * provider's options; the user may change it and sees the resulting date before saving.
 */
import { useState, type FormEvent } from 'react'
import type { EntryDetail, RotateInput } from '../../src-main/ipc/contract'
import { errorCode, getApi } from '../api'
import { toKeywardenError } from '../lib/errors'
import { expirySentence, rotateExpiresAt, rotatePrefill } from '../lib/expiry'
import { fieldOfError, keyProblem, secretProblem, withNextStep } from '../lib/field-checks'
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
  /** Credential fields left once (or all, after a submit): their errors follow the typing. */
  const [touched, setTouched] = useState<ReadonlySet<'key' | 'secret'>>(new Set())
  /** The main process's refusal of the key or the secret, until that field changes. */
  const [serverError, setServerError] = useState<{ field: 'key' | 'secret'; message: string }>()
  const now = useNow(60_000)
  const prefill = rotatePrefill(entry.style, entry, now)
  const expiry = draft.fields.expiry ?? prefill.value
  const fromServer = entry.origin === 'keyserver'
  const idSecret = form.credential === 'id-secret'
  // BlazeMeter: an empty key id keeps the current one; every other style needs the new key.
  const checks = {
    key: fromServer || (idSecret && key.trim() === '') ? null : keyProblem(entry.style, key),
    secret: fromServer || !idSecret ? null : secretProblem(secret, ''),
  }
  const fieldError = (name: 'key' | 'secret'): string | null =>
    (serverError?.field === name ? serverError.message : null) ??
    (touched.has(name) ? checks[name] : null)
  const leave = (name: 'key' | 'secret') => () => setTouched((prev) => new Set(prev).add(name))
  const typed = (name: 'key' | 'secret', set: (v: string) => void) => (value: string) => {
    set(value)
    if (serverError?.field === name) setServerError(undefined)
  }

  async function run(input: RotateInput) {
    setBusy(true)
    try {
      await useEntries.getState().rotate(input)
      draft.discard()
      useUi.getState().notify(`Rotated “${entry.name}”. The previous key is in its history.`)
      onDone()
    } catch (e) {
      const failure = toKeywardenError(e)
      // A refused key or secret is said next to its field; anything else under the form.
      const field = fieldOfError(failure.field, failure.message)
      if (field === 'key' || field === 'secret') {
        setServerError({ field, message: failure.message })
        setError(null)
      } else setError(withNextStep(failure.message))
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
    if (checks.key || checks.secret) {
      setTouched(new Set(['key', 'secret']))
      return setError('Fix the fields marked above, then save again.')
    }
    if (!fromServer) {
      if (idSecret) {
        // An empty key id keeps the current one: BlazeMeter regenerates the secret only.
        input.credential =
          key.trim() === '' ? { secret: secret.trim() } : { key: key.trim(), secret: secret.trim() }
      } else {
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
          onChange={typed('key', setKey)}
          onBlur={leave('key')}
          error={fieldError('key')}
          placeholder={`kept: ${entry.keyMask}`}
        />
      )}
      {!fromServer && (
        <CredentialField
          label={idSecret ? 'New secret' : 'New key'}
          value={idSecret ? secret : key}
          onChange={idSecret ? typed('secret', setSecret) : typed('key', setKey)}
          onBlur={leave(idSecret ? 'secret' : 'key')}
          error={fieldError(idSecret ? 'secret' : 'key')}
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
