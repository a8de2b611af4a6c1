/**
 * The live request log: each line names its namespace, and a request that met an injected fault
 * says so in words (not by colour alone), so a flaky-looking run can be told from a real bug.
 */
import { useState } from 'react'
import { useKeyServer } from '../stores/keyserver'

export function KeyServerLog() {
  const log = useKeyServer((s) => s.log)
  const namespace = useKeyServer((s) => s.namespace)
  const [onlySelected, setOnlySelected] = useState(false)
  const lines = onlySelected ? log.filter((l) => (l.namespace ?? 'default') === namespace) : log

  return (
    <section className="card log-card" aria-labelledby="log-title">
      <h2 id="log-title">Recent requests</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={onlySelected}
          onChange={(e) => setOnlySelected(e.target.checked)}
        />
        Only namespace “{namespace}”
      </label>
      {lines.length === 0 ? (
        <p className="muted">No requests yet.</p>
      ) : (
        // Focusable so the scrolled log can be read with the keyboard alone.
        <div className="log" role="log" aria-label="Key server requests" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Namespace</th>
                <th scope="col">Request</th>
                <th scope="col">Style</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
                <th scope="col">Fault</th>
              </tr>
            </thead>
            <tbody>
              {lines
                .slice()
                .reverse()
                .map((l, i) => (
                  <tr key={`${l.time}-${i}`} className={l.fault ? 'fault-row' : undefined}>
                    <td>{new Date(l.time).toLocaleTimeString()}</td>
                    <td>{l.namespace ?? 'default'}</td>
                    <td className="mono">
                      {l.method} {l.path}
                    </td>
                    <td>{l.style ?? ''}</td>
                    <td>{l.status}</td>
                    {/* Toned by outcome: WebPageTest answers a refused key with 200. */}
                    <td className={l.outcome === 'ok' ? 'tone-ok' : 'tone-bad'}>{l.outcome}</td>
                    <td>{l.fault ? `⚠ injected fault: ${l.fault}` : ''}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
