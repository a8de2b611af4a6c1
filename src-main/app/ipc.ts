/**
 * Main-process side of the desktop transport: one ipcMain.handle per call name, each behind a
 * wrapper that checks the sender frame BEFORE looking at the payload, then hands the payload
 * (still `unknown`) to the router, which validates it.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { CALL_NAMES, type EventName, type Events } from '../ipc/contract'
import type { Router } from '../ipc/router'
import type { EventBus } from '../services/events'
import { callChannel, eventChannel } from './channels'
import { isTrustedSender, type AppLocation } from './policy'

/** Register every call; returns a function that removes the handlers. */
export function registerIpc(
  router: Router,
  window: () => BrowserWindow | null,
  location: AppLocation,
): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = window()
    const frame = event.senderFrame
    if (!win || !frame) return false
    return isTrustedSender(
      {
        url: frame.url,
        isMainFrame: frame === win.webContents.mainFrame,
        isOurWindow: event.sender === win.webContents,
      },
      location,
    )
  }
  for (const name of CALL_NAMES)
    ipcMain.handle(callChannel(name), async (event, input: unknown) => {
      if (!trusted(event))
        return {
          ok: false,
          error: { code: 'FORBIDDEN_SENDER', message: 'This page may not call Keywarden.' },
        }
      return router.call(name, input)
    })
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name))
  }
}

/** Forward the core's events to our window only. */
export function forwardEvents(events: EventBus, window: () => BrowserWindow | null): () => void {
  return events.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    const win = window()
    if (win && !win.isDestroyed()) win.webContents.send(eventChannel(event), payload)
  })
}
