/** Edit what describes a key, and its expiry (never the key: that changes only by rotation). */
import { useState, type FormEvent } from 'react'
import type { EntryDetail, KeyStatus } from '../../src-main/ipc/contract'
import { errorCode, getApi } from '../api'
import { editFieldsOf, editPatch, rebaseFields, type EditFields } from '../lib/edit-fields'
import { toKeywardenError } from '../lib/errors'
import { editExpiresAt, expirySentence } from '../lib/expiry'
import {
  baseUrlProblem,
  environmentProblem,
  fieldOfError,
  nameProblem,
  notesProblem,
  rotationProblem,
  tagsProblem,
  withNextStep,
  type FieldErrors,
  type FieldName,
} from '../lib/field-checks'
import { splitTags } from '../lib/format'
import { useNow } from '../lib/hooks'
import { useDraft } from '../lib/use-draft'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { ExpiryField } from './ExpiryField'
import { ErrorLine, SelectField, TextField, type Choice } from './fields'

const STATUS_CHOICES: readonly Choice<KeyStatus>[] = [
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'revoked', label: 'Revoked' },
]

/** What the form can tell about its fields by itself. */
function checkFields(f: EditFields): FieldErrors {
  const found: FieldErrors = {
    name: nameProblem(f.name) ?? undefined,
    environment: environmentProblem(f.environment) ?? undefined,
    rotation: rotationProblem(f.rotation) ?? undefined,
    tags: tagsProblem(splitTags(f.tags)) ?? undefined,
    baseUrl: baseUrlProblem(f.baseUrl) ?? undefined,
    notes: notesProblem(f.notes) ?? undefined,
  }
  return Object.fromEntries(Object.entries(found).filter(([, v]) => v)) as FieldErrors
}

/** The fields this form shows (a refusal about another goes under the form). */
const SHOWN: ReadonlySet<FieldName> = new Set<FieldName>([
  'name',
  'environment',
  'rotation',
  'expiry',
  'tags',
  'baseUrl',
  'notes',
])

/** What the form holds: the user's fields, the entry they started from, and its version. */
interface EditState {
  fields: EditFields
  base: EditFields
  version: number
  /** The entry's dates the form started from (a Userplane lifetime counts from the issue). */
  lastRotatedAt: number
}

export function EditForm(props: { entry: EntryDetail; onDone: () => void }) {
  const { entry, onDone } = props
  const draft = useDraft<EditState>({ form: 'edit', entryId: entry.id }, () => {
    const base = editFieldsOf(entry)
    return { fields: base, base, version: entry.version, lastRotatedAt: entry.lastRotatedAt }
  })
  const { fields: f, base } = draft.fields
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  /** Fields left once (or all, after a submit): their errors show and follow the typing. */
  const [touched, setTouched] = useState<ReadonlySet<FieldName>>(new Set())
  /** The main process's refusal, on the field it named, until that field changes. */
  const [serverError, setServerError] = useState<{ field: FieldName; message: string } | null>(null)
  const now = useNow()
  const set = (patch: Partial<EditFields>) => {
    draft.setFields((s) => ({ ...s, fields: { ...s.fields, ...patch } }))
    if (serverError && serverError.field in patch) setServerError(null)
  }
  const checks = checkFields(f)
  const fieldError = (name: FieldName): string | null =>
    (serverError?.field === name ? serverError.message : null) ??
    (touched.has(name) ? (checks[name] ?? null) : null)
  const leave = (name: FieldName) => () =>
    setTouched((prev) => (prev.has(name) ? prev : new Set(prev).add(name)))
  const dates = { ...entry, lastRotatedAt: draft.fields.lastRotatedAt }

  /** The entry changed elsewhere: take its new values under the user's own changes. */
  async function reload() {
    const fresh = await getApi().entries.get({ id: entry.id })
    const freshFields = editFieldsOf(fresh)
    draft.setFields((s) => ({
      fields: rebaseFields(s.base, s.fields, freshFields),
      base: freshFields,
      version: fresh.version,
      lastRotatedAt: fresh.lastRotatedAt,
    }))
    void useEntries.getState().load()
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const all = Object.keys(checks) as FieldName[]
    if (all.length > 0) {
      setTouched(new Set([...touched, ...all]))
      return setError('Fix the fields marked above, then save again.')
    }
    const patch = editPatch(dates, base, f)
    if ('problem' in patch) return setError(patch.problem)
    setBusy(true)
    try {
      if (Object.keys(patch).length > 0)
        await useEntries.getState().update(entry.id, patch, draft.fields.version)
      draft.discard()
      useUi.getState().notify('Saved.')
      onDone()
    } catch (e) {
      const failure = toKeywardenError(e)
      // Next to its field when the form shows it; otherwise under the form.
      const field = fieldOfError(failure.field, failure.message)
      if (field && SHOWN.has(field)) {
        setServerError({ field, message: withNextStep(failure.message) })
        setError(null)
      } else setError(failure.message)
      if (errorCode(e) === 'CHANGED_ELSEWHERE') await reload().catch(() => undefined)
    } finally {
      setBusy(false)
    }
  }

  function cancel() {
    draft.discard()
    onDone()
  }

  return (
    <form className="subform grid-form" onSubmit={submit} aria-label="Edit key">
      <TextField
        label="Name"
        value={f.name}
        onChange={(name) => set({ name })}
        onBlur={leave('name')}
        error={fieldError('name')}
      />
      <TextField
        label="Environment"
        value={f.environment}
        onChange={(environment) => set({ environment })}
        onBlur={leave('environment')}
        error={fieldError('environment')}
      />
      <SelectField
        label="Status"
        value={f.status}
        options={STATUS_CHOICES}
        onChange={(status) => set({ status })}
      />
      <TextField
        label="Rotate every (days)"
        type="number"
        min={1}
        value={f.rotation}
        onChange={(rotation) => set({ rotation })}
        onBlur={leave('rotation')}
        error={fieldError('rotation')}
      />
      <div className="wide">
        <ExpiryField
          style={entry.style}
          value={f.expiry}
          onChange={(expiry) => set({ expiry })}
          clearable
        />
        {fieldError('expiry') && (
          <p className="field-error" role="alert">
            {fieldError('expiry')}
          </p>
        )}
        {f.expiry !== base.expiry && (
          <p className="muted field-note" aria-live="polite">
            {expirySentence('The key', editExpiresAt(f.expiry, dates), now)}
          </p>
        )}
      </div>
      <TextField
        label="Tags (comma-separated)"
        wide
        value={f.tags}
        onChange={(tags) => set({ tags })}
        onBlur={leave('tags')}
        error={fieldError('tags')}
      />
      <TextField
        label="Check against (base URL)"
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
          rows={3}
          value={f.notes}
          onChange={(e) => set({ notes: e.target.value })}
          onBlur={leave('notes')}
          aria-invalid={fieldError('notes') ? true : undefined}
          aria-describedby={fieldError('notes') ? 'edit-notes-error' : undefined}
        />
        {fieldError('notes') && (
          <span className="field-error" id="edit-notes-error" role="alert">
            {fieldError('notes')}
          </span>
        )}
      </label>
      <ErrorLine message={error} wide />
      <div className="wide">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
