/**
 * The sandboxed preload: exposes ONE object that satisfies KeywardenApi as `window.keywarden`.
 * Only named functions cross the bridge; ipcRenderer itself, or a generic invoke(channel, ...),
 * never does (style.md §3). Built as one CommonJS file: a sandboxed preload can only
 * require('electron').
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { KeywardenApi } from '../ipc/contract'
import { buildApi, type IpcHandler } from './preload-api'

const api: KeywardenApi = buildApi({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input),
  on: (channel, handler: IpcHandler) => void ipcRenderer.on(channel, handler),
  removeListener: (channel, handler: IpcHandler) =>
    void ipcRenderer.removeListener(channel, handler),
})

contextBridge.exposeInMainWorld('keywarden', api)
