/**
 * One secret field of an entry, current or previous (`historyIndex`): masked, revealable for
 * 30 s, copyable. The revealed value lives only in this component's state: unmounting (another
 * entry, another view, lock) drops it.
 */
import { useEffect, useState } from 'react'
import { Copy, Eye, EyeOff } from 'lucide-react'
import type { SecretField } from '../../src-main/ipc/contract'
import { errorMessage, getApi } from '../api'
import { copyWithClear } from '../lib/clipboard'
import { useNow } from '../lib/hooks'
import { useUi } from '../stores/ui'
import { ErrorLine } from './fields'
import { Icon } from './icons'

export const REVEAL_MS = 30_000

export function SecretRow(props: {
  entryId: string
  field: SecretField
  label: string
  mask: string
  /** A previous credential, as entries.history numbers it; absent for the current one. */
  historyIndex?: number
}) {
  const { entryId, field, label, mask, historyIndex } = props
  const [revealed, setRevealed] = useState<{ value: string; until: number } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const now = useNow(1000)

  useEffect(() => {
    if (!revealed) return
    const timer = setTimeout(() => setRevealed(null), Math.max(0, revealed.until - Date.now()))
    return () => clearTimeout(timer)
  }, [revealed])

  async function reveal() {
    if (revealed) return setRevealed(null)
    try {
      const entries = getApi().entries
      const { value } =
        historyIndex === undefined
          ? await entries.reveal({ id: entryId, field })
          : await entries.revealHistory({ id: entryId, index: historyIndex, field })
      setRevealed({ value, until: Date.now() + REVEAL_MS })
      setError(null)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  async function copy() {
    try {
      const entries = getApi().entries
      const result =
        historyIndex === undefined
          ? await entries.copy({ id: entryId, field })
          : await entries.copyHistory({ id: entryId, index: historyIndex, field })
      const seconds = Math.round(result.clearAfterMs / 1000)
      if (result.copiedBy === 'renderer' && result.value !== undefined)
        await copyWithClear(result.value, result.clearAfterMs)
      useUi.getState().notify(`${label} copied. The clipboard clears in ${seconds} s.`)
      setError(null)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const left = revealed ? Math.max(0, Math.ceil((revealed.until - now) / 1000)) : 0
  return (
    <div className="secret-row">
      <span className="field-label">{label}</span>
      <code
        className="secret"
        aria-label={`${label} value`}
        data-revealed={revealed ? 'yes' : 'no'}
      >
        {revealed ? revealed.value : mask}
      </code>
      <button
        type="button"
        onClick={reveal}
        aria-label={revealed ? `Hide ${label.toLowerCase()}` : `Reveal ${label.toLowerCase()}`}
      >
        <Icon as={revealed ? EyeOff : Eye} />
        {revealed ? `Hide (${left} s)` : 'Reveal'}
      </button>
      <button type="button" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        <Icon as={Copy} />
        Copy
      </button>
      <ErrorLine message={error} />
    </div>
  )
}
