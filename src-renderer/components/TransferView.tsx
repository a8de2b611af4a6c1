/**
 * Import and export: a file's dry-run table (each row's guessed style can be changed before
 * confirming), the result; exports as .env (keys in clear, said plainly) or kw:// references
 * (safe to commit); an encrypted backup under its own password.
 */
import '../transfer.css'
import { memo, useState, type FormEvent } from 'react'
import type { EntryStyle, ImportRowView } from '../../src-main/ipc/contract'
import { formatDate } from '../lib/format'
import { ENTRY_STYLE_IDS, styleChoices } from '../lib/styles'
import { useEntries } from '../stores/entries'
import { useTransfer, type ConflictMode } from '../stores/transfer'
import { ErrorLine, PasswordField } from './fields'

export function TransferView() {
  return (
    <main className="page">
      {/* The page's title stands above its three cards, each with its own heading. */}
      <h1 id="transfer-title" className="page-title">
        Import and export
      </h1>
      <div className="card transfer-import">
        <ImportPanel />
      </div>
      <ExportPanel />
      <BackupPanel />
    </main>
  )
}

const MODES: { value: ConflictMode; label: string }[] = [
  { value: 'skip', label: 'Skip it' },
  { value: 'rename', label: 'Import it under a free name' },
  { value: 'replace', label: 'Replace the existing key (kept in history)' },
]

function ImportPanel() {
  const preview = useTransfer((s) => s.preview)
  const file = useTransfer((s) => s.file)
  const busy = useTransfer((s) => s.busy)
  const error = useTransfer((s) => s.error)
  const summary = useTransfer((s) => s.summary)
  const mode = useTransfer((s) => s.mode)

  async function confirm() {
    if (await useTransfer.getState().confirm()) void useEntries.getState().load()
  }

  return (
    <section aria-labelledby="import-title">
      <h2 id="import-title">Import keys</h2>
      <p className="muted">
        A .env file, a CSV with a header row, a Bitwarden JSON export, a 1Password .1pux or CSV
        export, or a KeePassXC CSV or XML export (up to 10 MB). You see what would be imported
        before anything is written.
      </p>
      <div className="field">
        <label htmlFor="import-file">File to import</label>
        <input
          id="import-file"
          type="file"
          onChange={(e) => {
            const chosen = e.target.files?.[0]
            if (chosen) void useTransfer.getState().chooseFile(chosen)
            // Choosing the same file again (after an import) fires again.
            e.target.value = ''
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="import-mode">When a key with the same name exists</label>
        <select
          id="import-mode"
          value={mode}
          onChange={(e) => void useTransfer.getState().setMode(e.target.value as ConflictMode)}
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine message={error} />
      {summary && (
        <p role="status" className="summary">
          Imported {summary.imported} {summary.imported === 1 ? 'key' : 'keys'} from{' '}
          {summary.format}
          {summary.replaced > 0 ? `, replaced the key of ${summary.replaced}` : ''};{' '}
          {summary.skipped} skipped.
        </p>
      )}
      {preview && file && (
        <>
          <p role="status" className="summary">
            Dry run of {file.name} ({preview.format}): {preview.adds} to add, {preview.replaces} to
            replace, {preview.skipped} skipped. Nothing is written until you confirm.
          </p>
          <PreviewTable rows={preview.rows} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy || error !== null || preview.adds + preview.replaces === 0}
              onClick={() => void confirm()}
            >
              Import {preview.adds + preview.replaces}{' '}
              {preview.adds + preview.replaces === 1 ? 'key' : 'keys'}
            </button>
            <button type="button" onClick={() => useTransfer.getState().reset()}>
              Cancel
            </button>
          </div>
        </>
      )}
    </section>
  )
}

/** Rows the table shows at first, and how many more each "Show more" adds. */
const STEP = 200
const STYLE_CHOICES = styleChoices(ENTRY_STYLE_IDS)

function PreviewTable(props: { rows: ImportRowView[] }) {
  const [shown, setShown] = useState(STEP)
  const { rows } = props
  return (
    <>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="sr-only">What the import would do with each record</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Name</th>
              <th scope="col">Style</th>
              <th scope="col">Expires</th>
              <th scope="col">Action</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((r) => (
              <PreviewRow key={r.where} row={r} />
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > shown && (
        <button type="button" onClick={() => setShown(shown + STEP)}>
          Show {Math.min(STEP, rows.length - shown)} more of {rows.length - shown}
        </button>
      )}
    </>
  )
}

// Memoized: changing one row's style re-plans the file, and unchanged rows keep their nodes.
const PreviewRow = memo(function PreviewRow(props: { row: ImportRowView }) {
  const { row } = props
  const label = `Style of ${row.name || row.where}`
  return (
    <tr>
      <td>{row.where}</td>
      <td>{row.name}</td>
      <td>
        {row.action === 'add' ? (
          <select
            aria-label={label}
            value={row.style}
            onChange={(e) =>
              void useTransfer.getState().setOverride(row.where, e.target.value as EntryStyle)
            }
          >
            {STYLE_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        ) : (
          (STYLE_CHOICES.find((c) => c.value === row.style)?.label ?? row.style)
        )}
      </td>
      <td>{row.expiresAt === null ? '—' : formatDate(row.expiresAt)}</td>
      <td>{row.action}</td>
      <td>{row.note}</td>
    </tr>
  )
})

function ExportPanel() {
  const exported = useTransfer((s) => s.exported)
  const error = useTransfer((s) => s.exportError)
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p>
        <strong>References</strong> write <code>NAME=kw://…</code> lines: no key is in the file, so
        it is safe to commit, and <code>keywarden run --env-file</code> resolves it.
      </p>
      <p>
        <strong>Keys (.env)</strong> write every key in clear text.{' '}
        <strong>The file holds your secrets</strong>: keep it out of version control and delete it
        when done. The export is recorded in the audit log.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void useTransfer.getState().exportFile('references')}>
          Export references
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => void useTransfer.getState().exportFile('dotenv')}
        >
          Export keys (.env, holds secrets)
        </button>
      </div>
      <ErrorLine message={error} />
      {exported && (
        <p role="status" className={exported.holdsSecrets ? 'banner warn' : 'summary'}>
          {exported.text}
        </p>
      )}
    </section>
  )
}

function BackupPanel() {
  const [password, setPassword] = useState('')
  const [backupPassword, setBackupPassword] = useState('')
  const [busy, setBusy] = useState(false)
  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    const ok = await useTransfer.getState().backup(password, backupPassword)
    setBusy(false)
    if (ok) {
      setPassword('')
      setBackupPassword('')
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="backup-title">
      <h2 id="backup-title">Backup</h2>
      <p>
        An encrypted copy of the whole vault under a password of its own.{' '}
        <strong>It holds every key</strong>: whoever has the file and its password can read them.
        Restore it with <code>keywarden restore</code>.
      </p>
      <PasswordField
        label="Master password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <PasswordField
        label="Backup password"
        autoComplete="new-password"
        value={backupPassword}
        onChange={setBackupPassword}
      />
      <div className="actions">
        <button type="submit" disabled={busy || password === '' || backupPassword === ''}>
          {busy ? 'Writing backup…' : 'Download backup'}
        </button>
      </div>
    </form>
  )
}
