/**
 * Small facts of the desktop shell that are not settings and must survive a restart, kept in
 * desktop.json in the app's data folder (nothing secret in it): for now, whether the user was
 * told that closing the window keeps Keywarden in the tray.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface DesktopState {
  trayNoticeShown: boolean
}

const DEFAULT_STATE: DesktopState = { trayNoticeShown: false }

/** The state in `file`, or the defaults when it is missing or unreadable. */
export function readDesktopState(file: string): DesktopState {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<DesktopState>
    return { trayNoticeShown: data.trayNoticeShown === true }
  } catch {
    return { ...DEFAULT_STATE }
  }
}

/** Write the state (0600, via a temporary file and a rename). */
export function writeDesktopState(file: string, state: DesktopState): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, JSON.stringify(state) + '\n', { mode: 0o600 })
  renameSync(temp, file)
}
