/** Add a key: the fields follow the provider style; the provider's rule errors show as worded. */
import { useState, type FormEvent } from 'react'
import { errorMessage } from '../api'
import { buildEntryInput, EMPTY_FIELDS, type AddFields } from '../lib/entry-input'
import { API_TYPE_CHOICES, ENTRY_STYLE_IDS, STYLE_FORMS, styleChoices } from '../lib/styles'
import { useDraft } from '../lib/use-draft'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { ExpiryField } from './ExpiryField'
import { CredentialField, ErrorLine, SelectField, TextField } from './fields'

const PROVIDER_CHOICES = styleChoices(ENTRY_STYLE_IDS)
const LEVEL_CHOICES = [
  { value: 'user', label: 'User level (all projects)' },
  { value: 'project', label: 'Project level' },
] as const

/** The fields a lock may keep (everything but the key and the secret). */
type PlainFields = Omit<AddFields, 'key' | 'secret'>

function plainOf(fields: AddFields): PlainFields {
  const { key: _key, secret: _secret, ...plain } = fields
  return plain
}

export function AddEntryForm() {
  const draft = useDraft<PlainFields>({ form: 'add' }, () => plainOf(EMPTY_FIELDS))
  // The key and secret live only here: a lock unmounts the form and they are gone.
  const [key, setKey] = useState('')
  const [secret, setSecret] = useState('')
  const f: AddFields = { ...draft.fields, key, secret }
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const form = STYLE_FORMS[f.style]
  const set = (patch: Partial<AddFields>) => {
    const { key: k, secret: sec, ...plain } = patch
    if (k !== undefined) setKey(k)
    if (sec !== undefined) setSecret(sec)
    if (Object.keys(plain).length > 0) draft.setFields((prev) => ({ ...prev, ...plain }))
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const built = buildEntryInput(f, Date.now())
    if ('problem' in built) return setError(built.problem)
    setBusy(true)
    try {
      const added = await useEntries.getState().add(built)
      useUi.getState().notify(`Added “${added.name}”.`)
      draft.discard()
      setKey('')
      setSecret('')
      setError(null)
      useUi.getState().setView('entries')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="page">
      <form className="card form-card grid-form" onSubmit={submit} aria-labelledby="add-title">
        <h1 id="add-title" className="wide">
          Add a key
        </h1>
        <SelectField
          label="Provider"
          value={f.style}
          options={PROVIDER_CHOICES}
          onChange={(style) => {
            // Fields of another style do not carry over (a Userplane choice is no date).
            set({ style, expiry: '', secret: '' })
            setError(null)
          }}
        />
        <TextField
          label="Name"
          value={f.name}
          onChange={(name) => set({ name })}
          placeholder="billing-service"
        />
        <CredentialField
          label={form.credential === 'id-secret' ? 'Key id' : 'API key'}
          wide
          value={f.key}
          onChange={(key) => set({ key })}
          placeholder={form.keyPlaceholder}
        />
        {form.credential === 'id-secret' && (
          <CredentialField
            label="Key secret"
            wide
            value={f.secret}
            onChange={(secret) => set({ secret })}
            placeholder="72 hex characters"
          />
        )}
        {form.owner && (
          <TextField
            label={form.ownerLabel ?? 'Owner'}
            value={f.owner}
            onChange={(owner) => set({ owner })}
          />
        )}
        {form.apiType && (
          <SelectField
            label="API"
            value={f.apiType}
            options={API_TYPE_CHOICES}
            onChange={(apiType) => set({ apiType })}
          />
        )}
        {form.level && (
          <>
            <SelectField
              label="Key level"
              value={f.level}
              options={LEVEL_CHOICES}
              onChange={(level) => set({ level })}
            />
            {f.level === 'project' && (
              <TextField
                label="Project id"
                inputMode="numeric"
                value={f.projectId}
                onChange={(projectId) => set({ projectId })}
              />
            )}
          </>
        )}
        <ExpiryField style={f.style} value={f.expiry} onChange={(expiry) => set({ expiry })} />
        <TextField
          label="Issued on (optional, for an existing key)"
          type="date"
          value={f.issuedOn}
          onChange={(issuedOn) => set({ issuedOn })}
        />
        <TextField
          label="Environment"
          value={f.environment}
          onChange={(environment) => set({ environment })}
          placeholder="production"
        />
        <TextField
          label="Tags (comma-separated)"
          value={f.tags}
          onChange={(tags) => set({ tags })}
        />
        <TextField
          label="Check against (base URL, optional)"
          wide
          type="url"
          value={f.baseUrl}
          onChange={(baseUrl) => set({ baseUrl })}
        />
        <label className="wide">
          Notes
          <textarea rows={2} value={f.notes} onChange={(e) => set({ notes: e.target.value })} />
        </label>
        <ErrorLine message={error} wide />
        <div className="wide">
          <button type="submit" className="primary" disabled={busy}>
            Add key
          </button>
          <button
            type="button"
            onClick={() => {
              draft.discard()
              useUi.getState().setView('entries')
            }}
          >
            Cancel
          </button>
        </div>
      </form>
    </main>
  )
}
