/**
 * The local key server: start/stop, its namespaces and base URLs, the keys a namespace issued
 * (revoke, rotate, activate), issuing a key into the vault, and the live log.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { Play, Square } from 'lucide-react'
import type { IssueKeyInput, ServerStyle } from '../../src-main/ipc/contract'
import { errorMessage } from '../api'
import {
  API_TYPE_CHOICES,
  SERVER_STYLE_IDS,
  STYLE_FORMS,
  styleChoices,
  USERPLANE_CHOICES,
} from '../lib/styles'
import { useEntries } from '../stores/entries'
import { useKeyServer } from '../stores/keyserver'
import { useUi } from '../stores/ui'
import { ErrorLine, SelectField, TextField } from './fields'
import { Icon } from './icons'
import { KeyServerKeys } from './KeyServerKeys'
import { KeyServerLog } from './KeyServerLog'
import { KeyServerNamespaces } from './KeyServerNamespaces'

export function KeyServerView() {
  const { status, busy, error } = useKeyServer()
  const [port, setPort] = useState('')
  useEffect(() => {
    // Read afresh on every visit; the 'keyserver-status' event keeps it current while shown.
    void useKeyServer.getState().load()
  }, [])
  const running = status?.running === true

  return (
    <main className="page two-col ks-page">
      <section className="card" aria-labelledby="ks-title">
        <h1 id="ks-title">Local key server</h1>
        <div className="ks-state">
          <p aria-live="polite" className="ks-status">
            {running ? (
              <>
                <span className="badge tone-ok">running</span> at <code>{status?.url}</code>
              </>
            ) : (
              <span className="badge tone-muted">stopped</span>
            )}
          </p>
          {running && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void useKeyServer.getState().stop()}
            >
              <Icon as={Square} />
              Stop key server
            </button>
          )}
        </div>
        {!running && (
          <div className="inline-form">
            <TextField
              label="Port"
              inputMode="numeric"
              placeholder="auto"
              value={port}
              onChange={setPort}
            />
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void useKeyServer.getState().start(port ? Number(port) : undefined)}
            >
              <Icon as={Play} />
              Start key server
            </button>
          </div>
        )}
        <ErrorLine message={error} />
        {running && <KeyServerNamespaces />}
        <IssueForm running={running} />
      </section>
      <KeyServerLog />
      {/* Its own card beside the log on wide windows: the table needs the width. */}
      {running && (
        <div className="card ks-keys">
          <KeyServerKeys />
        </div>
      )}
    </main>
  )
}

const STYLE_CHOICES = styleChoices(SERVER_STYLE_IDS)
const DAYS_CHOICES = [
  { value: '', label: 'No expiration' },
  ...USERPLANE_CHOICES.map((d) => ({ value: String(d), label: `${d} days` })),
]
const LEVEL_CHOICES = [
  { value: 'user', label: 'User level' },
  { value: 'project', label: 'Project level' },
] as const

function IssueForm(_props: { running: boolean }) {
  const [style, setStyle] = useState<ServerStyle>('webpagetest')
  const [name, setName] = useState('')
  const [owner, setOwner] = useState('')
  const [days, setDays] = useState('')
  const [level, setLevel] = useState<'user' | 'project'>('user')
  const [projectId, setProjectId] = useState('')
  const [apiType, setApiType] = useState<'rest' | 'batch'>('rest')
  const [environment, setEnvironment] = useState('test')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const form = STYLE_FORMS[style]

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!name.trim()) return setError('Give the key a name.')
    const input: IssueKeyInput = { style, name: name.trim() }
    if (owner.trim()) input.owner = owner.trim()
    if (days && form.expiry !== 'never') input.expiresInDays = Number(days)
    if (form.level) {
      input.level = level
      if (level === 'project') input.projectId = Number(projectId)
    }
    if (form.apiType) input.apiType = apiType
    if (environment.trim()) input.environment = environment.trim()
    setBusy(true)
    try {
      const entry = await useKeyServer.getState().issue(input)
      await useEntries.getState().load()
      useEntries.getState().select(entry.id)
      useUi.getState().notify(`Issued “${entry.name}” into the vault.`)
      setName('')
      setError(null)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="grid-form subform" onSubmit={submit} aria-labelledby="issue-title">
      <h2 id="issue-title" className="wide">
        Issue a key into the vault
      </h2>
      <p className="muted wide">Keys for the vault are issued in the “default” namespace.</p>
      <SelectField
        label="Style"
        value={style}
        options={STYLE_CHOICES}
        onChange={(next) => {
          setStyle(next)
          setDays('')
        }}
      />
      <TextField label="Key name" value={name} onChange={setName} />
      <TextField label="Owner" value={owner} onChange={setOwner} placeholder="optional" />
      {form.expiry === 'choices' ? (
        <SelectField label="Expires after" value={days} options={DAYS_CHOICES} onChange={setDays} />
      ) : form.expiry === 'never' ? (
        <p className="muted field-note">{form.label} keys never expire.</p>
      ) : (
        <TextField
          label="Expires after (days)"
          inputMode="numeric"
          placeholder="never"
          value={days}
          onChange={setDays}
        />
      )}
      {form.level && (
        <SelectField label="Key level" value={level} options={LEVEL_CHOICES} onChange={setLevel} />
      )}
      {form.level && level === 'project' && (
        <TextField
          label="Project id"
          inputMode="numeric"
          value={projectId}
          onChange={setProjectId}
        />
      )}
      {form.apiType && (
        <SelectField label="API" value={apiType} options={API_TYPE_CHOICES} onChange={setApiType} />
      )}
      <TextField label="Environment" value={environment} onChange={setEnvironment} />
      <ErrorLine message={error} wide />
      <div className="wide">
        <button type="submit" className="primary" disabled={busy}>
          Issue key
        </button>
      </div>
    </form>
  )
}
