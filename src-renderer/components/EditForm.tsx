/** Edit what describes a key (never the key: that changes only by rotation). */
import { useState, type FormEvent } from 'react'
import type { EntryDetail, EntryPatch, KeyStatus } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import { splitTags } from '../lib/format'
import { useEntries } from '../stores/entries'
import { useUi } from '../stores/ui'

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
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        Environment
        <input value={environment} onChange={(e) => setEnvironment(e.target.value)} />
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as KeyStatus)}>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
          <option value="revoked">Revoked</option>
        </select>
      </label>
      <label>
        Rotate every (days)
        <input
          type="number"
          min={1}
          value={rotation}
          onChange={(e) => setRotation(e.target.value)}
        />
      </label>
      <label className="wide">
        Tags (comma-separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label className="wide">
        Check against (base URL)
        <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
      </label>
      <label className="wide">
        Notes
        <textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {error && (
        <p role="alert" className="error wide">
          {error}
        </p>
      )}
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
