/**
 * The newest state of each vault this machine has opened: its commit counter and commit time,
 * kept outside the vault (in the per-user config folder). A vault whose counter is below the one
 * recorded here was put back from an older copy: unlock then asks before going on (restoring a
 * backup is legitimate, a silent rollback is not).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

export interface SeenState {
  counter: number
  /** When that commit was made (ms since 1970, the committing machine's clock). */
  at: number | null
}

/** How many vaults the record remembers (the most recently seen). */
const MAX_VAULTS = 200

/** The per-user config folder: $KEYWARDEN_CONFIG_DIR, else the platform's usual place. */
export function defaultConfigFolder(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (env.KEYWARDEN_CONFIG_DIR) return env.KEYWARDEN_CONFIG_DIR
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Keywarden')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Keywarden')
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.config'), 'keywarden')
}

export function defaultLastSeenFile(): string {
  return join(defaultConfigFolder(), 'last-seen.json')
}

type Record_ = Record<string, SeenState & { seenAt: number }>

/** Reads and updates the last-seen record file; a missing or unreadable file is an empty record. */
export class LastSeenRecord {
  constructor(readonly file: string) {}

  get(vaultId: string): SeenState | undefined {
    const r = this.read()[vaultId]
    return r ? { counter: r.counter, at: r.at } : undefined
  }

  /**
   * Record `state` for a vault. Normally only moves forward (two processes may record in any
   * order); `replace` records an older state the user accepted (a restored backup).
   */
  record(vaultId: string, state: SeenState, options: { replace?: boolean } = {}): void {
    const all = this.read()
    const old = all[vaultId]
    if (old && !options.replace && old.counter >= state.counter) return
    all[vaultId] = { counter: state.counter, at: state.at, seenAt: Date.now() }
    const kept = Object.entries(all)
      .sort((a, b) => b[1].seenAt - a[1].seenAt)
      .slice(0, MAX_VAULTS)
    this.write(Object.fromEntries(kept))
  }

  private read(): Record_ {
    try {
      if (!existsSync(this.file)) return {}
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
      const out: Record_ = {}
      for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
        const o = v as Record<string, unknown>
        if (
          typeof o === 'object' &&
          o !== null &&
          Number.isSafeInteger(o.counter) &&
          (o.at === null || Number.isSafeInteger(o.at))
        )
          out[id] = {
            counter: o.counter as number,
            at: o.at as number | null,
            seenAt: Number.isSafeInteger(o.seenAt) ? (o.seenAt as number) : 0,
          }
      }
      return out
    } catch {
      return {}
    }
  }

  /** Write through a temp file and a rename, so a crash never leaves half a record. */
  private write(all: Record_): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 })
    renameSync(tmp, this.file)
  }
}
