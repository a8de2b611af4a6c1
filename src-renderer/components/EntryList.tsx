/**
 * The list of keys: search (server-side, debounced), filters, and a virtualized list that
 * renders only the rows in view, so 100k entries scroll like 100.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { EntrySummary } from '../../src-main/ipc/contract'
import { filterEntries, STATUS_FILTERS, type StatusFilter } from '../lib/filters'
import { expiryBadge, lastCheckBadge } from '../lib/format'
import { useDebounced, useNow } from '../lib/hooks'
import { ENTRY_STYLE_IDS, styleLabel } from '../lib/styles'
import { selectVisible, useEntries } from '../stores/entries'

const ROW_HEIGHT = 52

export function EntryList() {
  const entries = useEntries(selectVisible)
  const filters = useEntries((s) => s.filters)
  const selectedId = useEntries((s) => s.selectedId)
  const loaded = useEntries((s) => s.loaded)
  const error = useEntries((s) => s.error)
  const [text, setText] = useState(useEntries.getState().query)
  const query = useDebounced(text, 200)
  const now = useNow()
  const searchRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    void useEntries.getState().search(query)
  }, [query])

  // '/' focuses the search from anywhere (unless typing in a field), as in most developer tools.
  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      const target = event.target as HTMLElement | null
      const typing = target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
      if (event.key === '/' && !typing) {
        event.preventDefault()
        searchRef.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const visible = useMemo(() => filterEntries(entries, filters, now), [entries, filters, now])

  return (
    <section className="list-pane" aria-label="Keys">
      <div className="toolbar">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search keys  ( / )"
          aria-label="Search keys"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setText('')
          }}
        />
        <select
          aria-label="Filter by provider"
          value={filters.style}
          onChange={(e) =>
            useEntries.getState().setFilters({ style: e.target.value as typeof filters.style })
          }
        >
          <option value="all">All providers</option>
          {ENTRY_STYLE_IDS.map((s) => (
            <option key={s} value={s}>
              {styleLabel(s)}
            </option>
          ))}
        </select>
        <select
          aria-label="Filter by status"
          value={filters.status}
          onChange={(e) =>
            useEntries.getState().setFilters({ status: e.target.value as StatusFilter })
          }
        >
          {STATUS_FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <p className="count muted" aria-live="polite">
        {visible.length === 1 ? '1 key' : `${visible.length.toLocaleString()} keys`}
        {text ? ` matching “${text}”` : ''}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loaded && visible.length === 0 ? (
        <p className="empty muted">
          {entries.length === 0 && !text
            ? 'No keys yet. Add one, or issue one from the key server.'
            : 'Nothing matches.'}
        </p>
      ) : (
        <VirtualRows rows={visible} selectedId={selectedId} now={now} />
      )}
    </section>
  )
}

function VirtualRows(props: {
  rows: readonly EntrySummary[]
  selectedId: string | null
  now: number
}) {
  const { rows, selectedId, now } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => rows[index]?.id ?? index,
  })
  const selectedIndex = useMemo(
    () => (selectedId ? rows.findIndex((r) => r.id === selectedId) : -1),
    [rows, selectedId],
  )

  function move(event: KeyboardEvent<HTMLDivElement>) {
    const step: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: 10,
      PageUp: -10,
      Home: -Infinity,
      End: Infinity,
    }
    const delta = step[event.key]
    if (delta === undefined || rows.length === 0) return
    event.preventDefault()
    const from = selectedIndex < 0 ? -1 : selectedIndex
    const next = Math.max(0, Math.min(rows.length - 1, from + delta))
    const row = rows[next]
    if (!row) return
    useEntries.getState().select(row.id)
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  const activeId = selectedIndex >= 0 ? `row-${rows[selectedIndex]?.id}` : undefined

  return (
    <div
      ref={scrollRef}
      className="rows"
      role="listbox"
      aria-label="Key list"
      tabIndex={0}
      aria-activedescendant={activeId}
      onKeyDown={move}
    >
      <div className="rows-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]
          if (!row) return null
          return (
            <Row
              key={item.key}
              entry={row}
              now={now}
              selected={row.id === selectedId}
              top={item.start}
              height={item.size}
            />
          )
        })}
      </div>
    </div>
  )
}

// Memoized: while scrolling, rows that stay in view do not re-render.
const Row = memo(function Row(props: {
  entry: EntrySummary
  now: number
  selected: boolean
  top: number
  height: number
}) {
  const { entry, now, selected, top, height } = props
  const expiry = expiryBadge(entry.expiresAt, now)
  const check = lastCheckBadge(entry.lastCheck, now)
  return (
    <div
      id={`row-${entry.id}`}
      role="option"
      aria-selected={selected}
      aria-label={entry.name}
      className={
        'row' + (selected ? ' selected' : '') + (entry.status !== 'active' ? ' inactive' : '')
      }
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => useEntries.getState().select(entry.id)}
    >
      <div className="row-main">
        <span className="row-name">{entry.name}</span>
        <span className="row-meta muted">
          {styleLabel(entry.style)}
          {entry.environment ? ` · ${entry.environment}` : ''}
          {entry.status !== 'active' ? ` · ${entry.status}` : ''}
        </span>
      </div>
      <div className="row-badges">
        <span className={`badge tone-${expiry.tone}`}>{expiry.text}</span>
        <span className={`badge tone-${check.tone}`} title="Last validation">
          {check.text}
        </span>
      </div>
    </div>
  )
})
