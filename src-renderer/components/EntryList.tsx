/**
 * The list of keys: search (server-side, once per frame at most), filters and sort (server-side), and a
 * virtualized list that renders only the rows in view and asks the store for just their pages,
 * so 100k entries load and scroll like 100.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { EntrySummary } from '../../src-main/ipc/contract'
import {
  isFiltered,
  SORT_ORDERS,
  STATUS_FILTERS,
  type SortOrder,
  type StatusFilter,
} from '../lib/filters'
import { expiryBadge, lastCheckBadge } from '../lib/format'
import { matchContext, splitMatch } from '../lib/highlight'
import { useNow } from '../lib/hooks'
import { ENTRY_STYLE_IDS, styleLabel } from '../lib/styles'
import { rowAt } from '../lib/page-cache'
import { selectedRowIndex, selectLoading, selectTotal, useEntries } from '../stores/entries'
import { EmptyVault } from './EmptyVault'
import { ErrorLine } from './fields'
import { ProviderIcon } from './icons'

const ROW_HEIGHT = 52

export function EntryList() {
  const total = useEntries(selectTotal)
  const opening = useEntries(selectLoading)
  const filters = useEntries((s) => s.filters)
  const sort = useEntries((s) => s.sort)
  const filtered = useEntries((s) => isFiltered(s.params))
  const loaded = useEntries((s) => s.loaded)
  const error = useEntries((s) => s.error)
  const [text, setText] = useState(useEntries.getState().query)
  const query = useEntries((s) => s.query)
  const now = useNow()
  const searchRef = useRef<HTMLInputElement>(null)

  // A search over 100k keys answers in ~10 ms, so no debounce: keystrokes typed within one frame
  // become one request, and each frame shows the latest text's rows.
  useEffect(() => {
    const frame = requestAnimationFrame(() => useEntries.getState().search(text))
    return () => cancelAnimationFrame(frame)
  }, [text])

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

  return (
    <section className="list-pane" aria-labelledby="keys-title">
      <div className="list-head">
        <h1 id="keys-title">Keys</h1>
        <p className="count muted" aria-live="polite">
          {total === null
            ? 'Loading keys…'
            : opening
              ? `Opening keys… ${opening.loaded.toLocaleString()} of ${opening.total.toLocaleString()}`
              : total === 1
                ? '1 key'
                : `${total.toLocaleString()} keys`}
          {total !== null && !opening && text ? ` matching “${text}”` : ''}
        </p>
      </div>
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
        <select
          aria-label="Sort by"
          value={sort}
          onChange={(e) => useEntries.getState().setSort(e.target.value as SortOrder)}
        >
          {SORT_ORDERS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine message={error} />
      {loaded && total === 0 ? (
        filtered ? (
          <p className="empty muted">Nothing matches.</p>
        ) : (
          <EmptyVault />
        )
      ) : (
        <VirtualRows total={total ?? 0} now={now} query={query} />
      )}
    </section>
  )
}

const STEP: Record<string, number> = {
  ArrowDown: 1,
  ArrowUp: -1,
  PageDown: 10,
  PageUp: -10,
  Home: -Infinity,
  End: Infinity,
}

function VirtualRows(props: { total: number; now: number; query: string }) {
  const { total, now, query } = props
  // Subscribing to the pages re-renders the rows in view when one arrives.
  const pages = useEntries((s) => s.pages)
  const shownKey = useEntries((s) => s.shownKey)
  const viewKey = useEntries((s) => s.viewKey)
  const selectedId = useEntries((s) => s.selectedId)
  const selectedIndex = useEntries(selectedRowIndex)
  const pendingIndex = useEntries((s) => s.pendingIndex)
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  // Ask for the pages of the rows in view (the store fetches only what it lacks).
  useEffect(() => {
    useEntries.getState().setRange(first, last)
  }, [first, last, total])

  // Another search, filter or sort starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 })
  }, [viewKey])

  // A keyboard target whose page was still loading: bring it into view when it is selected.
  const target = pendingIndex ?? selectedIndex
  useEffect(() => {
    if (target >= 0 && target < total) virtualizer.scrollToIndex(target, { align: 'auto' })
    // Only when the target changes: scrolling by hand must not snap back to the selection.
  }, [target])

  function move(event: KeyboardEvent<HTMLDivElement>) {
    const delta = STEP[event.key]
    if (delta === undefined || total === 0) return
    event.preventDefault()
    const state = useEntries.getState()
    const from = state.pendingIndex ?? selectedRowIndex(state)
    const next = Math.max(0, Math.min(total - 1, (from < 0 ? -1 : from) + delta))
    state.selectIndex(next)
  }

  const activeId = selectedIndex >= 0 && selectedId ? `row-${selectedId}` : undefined

  return (
    <div
      ref={scrollRef}
      className="rows"
      role="listbox"
      aria-label="Key list"
      aria-busy={shownKey !== viewKey}
      tabIndex={0}
      aria-activedescendant={activeId}
      onKeyDown={move}
    >
      <div className="rows-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rowAt(pages, shownKey, item.index)
          if (!row)
            return <Placeholder key={`p-${item.index}`} top={item.start} height={item.size} />
          return (
            <Row
              key={row.id}
              entry={row}
              index={item.index}
              now={now}
              query={query}
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

/** A row whose page has not arrived yet: quiet, and not an option a screen reader lists. */
function Placeholder(props: { top: number; height: number }) {
  return (
    <div
      className="row placeholder"
      aria-hidden="true"
      style={{ transform: `translateY(${props.top}px)`, height: props.height }}
    >
      <div className="row-main">
        <span className="placeholder-bar" />
      </div>
    </div>
  )
}

// Memoized: while scrolling, rows that stay in view do not re-render.
const Row = memo(function Row(props: {
  entry: EntrySummary
  index: number
  now: number
  query: string
  selected: boolean
  top: number
  height: number
}) {
  const { entry, index, now, query, selected, top, height } = props
  const expiry = expiryBadge(entry.expiresAt, now)
  const check = lastCheckBadge(entry.lastCheck, now)
  const owner = entry.scope.account || null
  const extra = matchContext(
    entry.name,
    { environment: entry.environment, owner, tags: entry.tags, notes: entry.notes },
    query,
  )
  // The option's name is its text (name first), so what is read out is what is shown.
  return (
    <div
      id={`row-${entry.id}`}
      role="option"
      aria-selected={selected}
      className={
        'row' + (selected ? ' selected' : '') + (entry.status !== 'active' ? ' inactive' : '')
      }
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => useEntries.getState().selectIndex(index)}
    >
      <ProviderIcon style={entry.style} />
      <div className="row-main">
        <span className="row-name">
          <Marked text={entry.name} query={query} />
        </span>
        <span className="row-meta">
          {styleLabel(entry.style)}
          {entry.environment && (
            <>
              {' · '}
              <Marked text={entry.environment} query={query} />
            </>
          )}
          {owner && (
            <>
              {' · '}
              <Marked text={owner} query={query} />
            </>
          )}
          {entry.status !== 'active' ? ` · ${entry.status}` : ''}
          {extra && (
            <>
              {` · ${extra.label}: `}
              <Marked text={extra.text} query={query} />
            </>
          )}
        </span>
      </div>
      <div className="row-badges">
        <span className={`badge tone-${expiry.tone}`}>{expiry.text}</span>
        <span className={`badge subtle tone-${check.tone}`} title="Last validation">
          {check.text}
        </span>
      </div>
    </div>
  )
})

/** Text with the search's first match marked. */
function Marked(props: { text: string; query: string }) {
  const parts = splitMatch(props.text, props.query)
  if (!parts) return <>{props.text}</>
  return (
    <>
      {parts.before}
      <mark>{parts.match}</mark>
      {parts.after}
    </>
  )
}
