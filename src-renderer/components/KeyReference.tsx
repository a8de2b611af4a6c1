/**
 * An entry's `kw://` reference, for `keywarden run`, `inject` and committed .env files. It names
 * the entry, never its key, so copying it is an ordinary clipboard write (no clearing, no log).
 */
import '../transfer.css'
import { useEffect, useState } from 'react'
import { Copy } from 'lucide-react'
import { errorMessage, getApi } from '../api'
import { useUi } from '../stores/ui'
import { Icon } from './icons'

export function KeyReference(props: { id: string; name: string }) {
  const [reference, setReference] = useState<string | null>(null)
  const [said, setSaid] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    // The name is in the deps: a rename changes the reference.
    getApi()
      .export.reference({ id: props.id })
      .then((r) => live && setReference(r.reference))
      .catch((e: unknown) => live && setSaid(errorMessage(e)))
    return () => {
      live = false
    }
  }, [props.id, props.name])
  if (!reference) return said ? <p className="error">{said}</p> : null
  return (
    <div className="reference-row">
      <span className="muted">Reference</span>
      <code>{reference}</code>
      <button
        type="button"
        aria-label="Copy reference"
        onClick={() =>
          void navigator.clipboard.writeText(reference).then(
            () => useUi.getState().notify('Reference copied.'),
            () =>
              useUi
                .getState()
                .notify('The clipboard refused the copy; select the reference instead.', 'bad'),
          )
        }
      >
        <Icon as={Copy} />
        Copy
      </button>
    </div>
  )
}
