/**
 * Auto-lock in desktop mode: after the system has been idle for autoLockMinutes, when the
 * machine suspends, and when the screen locks; on resume the reminders look again.
 */
import { powerMonitor } from 'electron'
import type { AppServices } from '../services/app-services'
import { AutoLock } from '../services/auto-lock'

/** Start watching; returns the function that stops it. */
export function watchPower(services: AppServices): () => void {
  const autoLock = new AutoLock(services, () => powerMonitor.getSystemIdleTime() * 1000)
  autoLock.start()
  const suspend = (): void => void services.lock('suspend')
  const screenLock = (): void => void services.lock('screen-lock')
  const resume = (): void => services.reminders.resume()
  powerMonitor.on('suspend', suspend)
  powerMonitor.on('lock-screen', screenLock)
  powerMonitor.on('resume', resume)
  return () => {
    autoLock.stop()
    powerMonitor.off('suspend', suspend)
    powerMonitor.off('lock-screen', screenLock)
    powerMonitor.off('resume', resume)
  }
}
