/**
 * Add a key: the fields follow the provider style. Each field's error shows under it in plain
 * words, checked as the user types once the field has been left (or the form sent); a pasted
 * key whose shape names another provider offers to switch. The main process's refusal shows
 * next to the field it is about.
 */
import { useState, type FormEvent } from 'react'
import type { EntryStyle } from '../../src-main/ipc/contract'
import { toKeywardenError } from '../lib/errors'
import { buildEntryInput, EMPTY_FIELDS, type AddFields } from '../lib/entry-input'
import {
  baseUrlProblem,
  datesProblem,
  environmentProblem,
  fieldOfError,
  guessStyle,
  keyProblem,
  keyWarning,
  nameProblem,
  notesProblem,
  projectIdProblem,
  secretProblem,
  tagsProblem,
  withNextStep,
  type FieldErrors,
  type FieldName,
} from '../lib/field-checks'
import { splitTags } from '../lib/format'
import {
  API_TYPE_CHOICES,
  dateInputToMs,
  ENTRY_STYLE_IDS,
  STYLE_FORMS,
  styleChoices,
  styleLabel,
} from '../lib/styles'
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

/** What the form can tell about its fields by itself, `now` being the time it is sent. */
function checkFields(f: AddFields, now: number): FieldErrors {
  const form = STYLE_FORMS[f.style]
  const errors: FieldErrors = {}
  const name = nameProblem(f.name)
  if (name) errors.name = name
  const key = keyProblem(f.style, f.key)
  if (key) errors.key = key
  if (form.credential === 'id-secret') {
    const secret = secretProblem(f.secret, f.key)
    if (secret) errors.secret = secret
  }
  if (form.level && f.level === 'project') {
    const projectId = projectIdProblem(f.projectId)
    if (projectId) errors.projectId = projectId
  }
  const url = baseUrlProblem(f.baseUrl)
  if (url) errors.baseUrl = url
  const environment = environmentProblem(f.environment)
  if (environment) errors.environment = environment
  const tags = tagsProblem(splitTags(f.tags))
  if (tags) errors.tags = tags
  const notes = notesProblem(f.notes)
  if (notes) errors.notes = notes
  // A date typed in a date field is a choice made, not a word half typed: checked at once.
  const issuedAt = f.issuedOn ? dateInputToMs(f.issuedOn, 'start') : null
  const expiresAt = form.expiry === 'date' && f.expiry ? dateInputToMs(f.expiry) : null
  Object.assign(errors, datesProblem(issuedAt, expiresAt, now))
  return errors
}

/** The fields the form shows for the chosen style (a refusal about another goes under the form). */
function shownFields(f: AddFields): ReadonlySet<FieldName> {
  const form = STYLE_FORMS[f.style]
  const always: FieldName[] = ['name', 'key', 'issuedOn', 'environment', 'tags', 'baseUrl', 'notes']
  const shown = new Set(always)
  if (form.credential === 'id-secret') shown.add('secret')
  if (form.owner) shown.add('owner')
  if (form.level && f.level === 'project') shown.add('projectId')
  if (form.expiry !== 'never') shown.add('expiry')
  return shown
}

export function AddEntryForm() {
  const draft = useDraft<PlainFields>({ form: 'add' }, () => plainOf(EMPTY_FIELDS))
  // The key and secret live only here: a lock unmounts the form and they are gone.
  const [key, setKey] = useState('')
  const [secret, setSecret] = useState('')
  const f: AddFields = { ...draft.fields, key, secret }
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  /** Fields left once (or all, after a submit): their errors show and follow the typing. */
  const [touched, setTouched] = useState<ReadonlySet<FieldName>>(new Set())
  /** The main process's refusal, on the field it named, until that field changes. */
  const [serverError, setServerError] = useState<{ field: FieldName; message: string } | null>(null)
  /** A pasted key that looks like another provider's. */
  const [offer, setOffer] = useState<EntryStyle | null>(null)
  const form = STYLE_FORMS[f.style]
  const set = (patch: Partial<AddFields>) => {
    const { key: k, secret: sec, ...plain } = patch
    if (k !== undefined) setKey(k)
    if (sec !== undefined) setSecret(sec)
    if (Object.keys(plain).length > 0) draft.setFields((prev) => ({ ...prev, ...plain }))
    if (serverError && serverError.field in patch) setServerError(null)
  }
  const checks = checkFields(f, Date.now())
  const fieldError = (name: FieldName): string | null =>
    (serverError?.field === name ? serverError.message : null) ??
    (touched.has(name) || name === 'issuedOn' || name === 'expiry' ? (checks[name] ?? null) : null)
  const warning = touched.has('key') && !fieldError('key') ? keyWarning(f.style, f.key) : null
  const leave = (name: FieldName) => () =>
    setTouched((prev) => (prev.has(name) ? prev : new Set(prev).add(name)))

  function pasted(text: string) {
    const guess = guessStyle(text)
    setOffer(guess && guess !== f.style ? guess : null)
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const all = Object.keys(checks) as FieldName[]
    if (all.length > 0) {
      setTouched(new Set([...touched, ...all]))
      setError('Fix the fields marked above, then add the key again.')
      return
    }
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
      const failure = toKeywardenError(e)
      const field = fieldOfError(failure.field, failure.message)
      // Next to its field when the form shows that field; otherwise under the form.
      if (field && shownFields(f).has(field)) {
        setServerError({ field, message: withNextStep(failure.message) })
        setError(null)
      } else setError(failure.message)
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
            setServerError(null)
            setOffer(null)
          }}
        />
        <TextField
          label="Name"
          value={f.name}
          onChange={(name) => set({ name })}
          onBlur={leave('name')}
          error={fieldError('name')}
          placeholder="billing-service"
        />
        <CredentialField
          label={form.credential === 'id-secret' ? 'Key id' : 'API key'}
          wide
          value={f.key}
          onChange={(key) => {
            set({ key })
            if (key === '') setOffer(null)
          }}
          onBlur={leave('key')}
          onPaste={pasted}
          error={fieldError('key')}
          note={
            offer ? (
              <span className="offer">
                This looks like a {styleLabel(offer)} key.
                <button
                  type="button"
                  onClick={() => {
                    set({ style: offer, expiry: '', secret: '' })
                    setServerError(null)
                    setOffer(null)
                  }}
                >
                  Switch to {styleLabel(offer)}
                </button>
                <button type="button" onClick={() => setOffer(null)}>
                  Keep {styleLabel(f.style)}
                </button>
              </span>
            ) : (
              warning
            )
          }
          placeholder={form.keyPlaceholder}
        />
        {form.credential === 'id-secret' && (
          <CredentialField
            label="Key secret"
            wide
            value={f.secret}
            onChange={(secret) => set({ secret })}
            onBlur={leave('secret')}
            error={fieldError('secret')}
            placeholder="72 hex characters"
          />
        )}
        {form.owner && (
          <TextField
            label={form.ownerLabel ?? 'Owner'}
            value={f.owner}
            onChange={(owner) => set({ owner })}
            error={fieldError('owner')}
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
                onBlur={leave('projectId')}
                error={fieldError('projectId')}
              />
            )}
          </>
        )}
        <ExpiryField style={f.style} value={f.expiry} onChange={(expiry) => set({ expiry })} />
        {fieldError('expiry') && (
          <p className="field-error wide" role="alert">
            {fieldError('expiry')}
          </p>
        )}
        <TextField
          label="Issued on (optional, for an existing key)"
          type="date"
          value={f.issuedOn}
          onChange={(issuedOn) => set({ issuedOn })}
          error={fieldError('issuedOn')}
        />
        <TextField
          label="Environment"
          value={f.environment}
          onChange={(environment) => set({ environment })}
          onBlur={leave('environment')}
          error={fieldError('environment')}
          placeholder="production"
        />
        <TextField
          label="Tags (comma-separated)"
          value={f.tags}
          onChange={(tags) => set({ tags })}
          onBlur={leave('tags')}
          error={fieldError('tags')}
        />
        <TextField
          label="Check against (base URL, optional)"
          wide
          type="url"
          value={f.baseUrl}
          onChange={(baseUrl) => set({ baseUrl })}
          onBlur={leave('baseUrl')}
          error={fieldError('baseUrl')}
        />
        <label className="wide">
          Notes
          <textarea
            rows={2}
            value={f.notes}
            onChange={(e) => set({ notes: e.target.value })}
            onBlur={leave('notes')}
            aria-invalid={fieldError('notes') ? true : undefined}
            aria-describedby={fieldError('notes') ? 'add-notes-error' : undefined}
          />
          {fieldError('notes') && (
            <span className="field-error" id="add-notes-error" role="alert">
              {fieldError('notes')}
            </span>
          )}
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
