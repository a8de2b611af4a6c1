/** Edit what describes a key (never the key: that changes only by rotation). */
import { useState, type FormEvent } from 'react'
import type { EntryDetail, EntryPatch, KeyStatus } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import { splitTags } from '../lib/format'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'
import { ErrorLine, SelectField, TextField, type Choice } from './fields'

const STATUS_CHOICES: readonly Choice<KeyStatus>[] = [
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'revoked', label: 'Revoked' },
]

export function EditForm(props: { entry: EntryDetail; onDone: () => void }) {
  const { entry, onDone } = props
  const [name, setName] = useState(entry.name)
  const [environment, setEnvironment] = useState(entry.environment)
  const [tags, setTags] = useState(entry.tags.join(', '))
  const [notes, setNotes] = useState(entry.notes)
  const [status, setStatus] = useState<KeyStatus>(entry.status)
  const [baseUrl, setBaseUrl] = useState(entry.baseUrl ?? '')
  const [rotation, setRotation] = useState(
    entry.rotationPolicyDays ? String(entry.rotationPolicyDays) : '',
  )
  const [error, setError] = useState<string | null>(null)

  async function submit(event: FormEvent) {
    event.preventDefault()
    const patch: EntryPatch = {
      name: name.trim(),
      environment: environment.trim(),
      tags: splitTags(tags),
      notes,
      status,
      baseUrl: baseUrl.trim() === '' ? null : baseUrl.trim(),
      rotationPolicyDays: rotation.trim() === '' ? null : Number(rotation),
    }
    try {
      await useEntries.getState().update(entry.id, patch)
      useUi.getState().notify('Saved.')
      onDone()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <form className="subform grid-form" onSubmit={submit} aria-label="Edit key">
      <TextField label="Name" value={name} onChange={setName} required />
      <TextField label="Environment" value={environment} onChange={setEnvironment} />
      <SelectField label="Status" value={status} options={STATUS_CHOICES} onChange={setStatus} />
      <TextField
        label="Rotate every (days)"
        type="number"
        min={1}
        value={rotation}
        onChange={setRotation}
      />
      <TextField label="Tags (comma-separated)" wide value={tags} onChange={setTags} />
      <TextField
        label="Check against (base URL)"
        wide
        type="url"
        value={baseUrl}
        onChange={setBaseUrl}
      />
      <label className="wide">
        Notes
        <textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <ErrorLine message={error} wide />
      <div className="wide">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
