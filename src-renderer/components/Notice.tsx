/** A short-lived status line for the last action ("Copied…", "Rotated…"). */
import { useEffect } from 'react'
import { useUi } from '../stores/ui'

export function Notice() {
  const notice = useUi((s) => s.notice)
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => {
      if (useUi.getState().notice?.id === notice.id) useUi.getState().dismissNotice()
    }, 6000)
    return () => clearTimeout(timer)
  }, [notice])
  return (
    <div className="notice-area" role="status" aria-live="polite">
      {notice && <p className={`notice tone-${notice.tone}`}>{notice.text}</p>}
    </div>
  )
}
