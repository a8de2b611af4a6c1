/**
 * Rotate a key: paste the new credential from the provider, or, for a key issued by the local
 * key server, let the server rotate it in the provider's own way.
 */
import { useState, type FormEvent } from 'react'
import type { Credential, EntryDetail } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import { STYLE_FORMS } from '../lib/styles'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { ExpiryField, expiryToMs } from './ExpiryField'
import { CredentialField, ErrorLine } from './fields'

const SEMANTICS: Record<string, string> = {
  userplane: 'Userplane replaces the key in its slot: the old key stops working at once.',
  blazemeter:
    'BlazeMeter keeps the key id and issues a new secret: the old secret stops working at once.',
}

export function RotateForm(props: { entry: EntryDetail; onDone: () => void }) {
  const { entry, onDone } = props
  const form = STYLE_FORMS[entry.style]
  const [key, setKey] = useState('')
  const [secret, setSecret] = useState('')
  const [expiry, setExpiry] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function run(credential?: Credential, expiresAt?: number | null) {
    setBusy(true)
    try {
      await useEntries.getState().rotate(entry.id, credential, expiresAt)
      useUi.getState().notify(`Rotated “${entry.name}”. The previous key is in its history.`)
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (entry.origin === 'keyserver')
    return (
      <div className="subform" aria-label="Rotate key">
        <p>
          {SEMANTICS[entry.style] ??
            'The local key server issues a new key and revokes the old one.'}
        </p>
        <ErrorLine message={error} />
        <button type="button" className="primary" disabled={busy} onClick={() => void run()}>
          Rotate on the local key server
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    )

  function submit(event: FormEvent) {
    event.preventDefault()
    const credential: Credential = { key: key.trim() }
    if (form.credential === 'id-secret') credential.secret = secret.trim()
    const expiresAt = expiryToMs(expiry, Date.now())
    if (expiresAt === 'invalid') return setError('The expiry date is not a valid date.')
    void run(credential, form.expiry === 'never' ? null : expiresAt)
  }

  return (
    <form className="subform" onSubmit={submit} aria-label="Rotate key">
      <p className="muted">
        {SEMANTICS[entry.style] ??
          'Create the new key at the provider, paste it here, then revoke the old one there.'}
      </p>
      <CredentialField
        label={form.credential === 'id-secret' ? 'New key id' : 'New key'}
        value={key}
        onChange={setKey}
        placeholder={form.keyPlaceholder}
      />
      {form.credential === 'id-secret' && (
        <CredentialField label="New secret" value={secret} onChange={setSecret} />
      )}
      <ExpiryField style={entry.style} value={expiry} onChange={setExpiry} />
      <ErrorLine message={error} />
      <button type="submit" className="primary" disabled={busy}>
        Save new key
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  )
}
