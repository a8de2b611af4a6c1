/** The vault session: does a vault exist, is it unlocked, password back-off. No secrets here. */
import { create } from 'zustand'
import type { AppInfo, VaultStatus } from '../../src-main/ipc/contract'
import { errorCode, errorMessage, getApi } from '../api'
import { toKeywardenError } from '../lib/errors'

export interface SessionState {
  info: AppInfo | null
  status: VaultStatus | null
  busy: boolean
  error: string | null
  errorCode: string | null
  /** When another password attempt is allowed (ms since epoch), from the server's back-off. */
  retryAt: number
  /**
   * The vault is older than the one this computer last opened (VAULT_OLDER): when that one was
   * last seen changed and when this file was, for the question the unlock screen asks.
   */
  older: { lastSeenAt: number | null; foundAt: number | null } | null
  load: () => Promise<void>
  create: (password: string) => Promise<boolean>
  /** `acceptOlder`: the user said to open an older vault anyway (a restored backup). */
  unlock: (password: string, acceptOlder?: boolean) => Promise<boolean>
  lock: () => Promise<void>
  changePassword: (oldPassword: string, newPassword: string) => Promise<boolean>
  /** The main process locked the vault (idle, suspend, user elsewhere). */
  lockedByMain: () => void
  clearError: () => void
}

/** A time from an error's details, or null. */
function timeOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export const useSession = create<SessionState>()((set, get) => ({
  info: null,
  status: null,
  busy: false,
  error: null,
  errorCode: null,
  retryAt: 0,
  older: null,

  load: async () => {
    try {
      const api = getApi()
      const [info, status] = await Promise.all([api.app.info(), api.vault.status()])
      set({ info, status, retryAt: status.retryAfterMs ? Date.now() + status.retryAfterMs : 0 })
    } catch (error) {
      set({ error: errorMessage(error), errorCode: errorCode(error) })
    }
  },

  create: async (password) => {
    set({ busy: true, error: null, errorCode: null })
    try {
      const status = await getApi().vault.create({ password })
      set({ status, busy: false })
      return true
    } catch (error) {
      set({ busy: false, error: errorMessage(error), errorCode: errorCode(error) })
      return false
    }
  },

  unlock: async (password, acceptOlder) => {
    set({ busy: true, error: null, errorCode: null, older: null })
    try {
      const status = await getApi().vault.unlock(
        acceptOlder ? { password, acceptOlder: true } : { password },
      )
      set({ status, busy: false, retryAt: 0 })
      return true
    } catch (error) {
      if (errorCode(error) === 'VAULT_OLDER') {
        const details = toKeywardenError(error).details ?? {}
        set({
          busy: false,
          error: errorMessage(error),
          errorCode: 'VAULT_OLDER',
          older: { lastSeenAt: timeOf(details.lastSeenAt), foundAt: timeOf(details.foundAt) },
        })
        return false
      }
      let retryAfterMs = toKeywardenError(error).retryAfterMs ?? 0
      if (errorCode(error) === 'WRONG_PASSWORD') {
        // The vault may now make the next try wait: say so before the user types again.
        try {
          retryAfterMs = (await getApi().vault.status()).retryAfterMs
        } catch {
          retryAfterMs = 0
        }
      }
      set({
        busy: false,
        error: errorMessage(error),
        errorCode: errorCode(error),
        retryAt: retryAfterMs > 0 ? Date.now() + retryAfterMs : get().retryAt,
      })
      return false
    }
  },

  lock: async () => {
    try {
      const status = await getApi().vault.lock()
      set({ status })
    } catch (error) {
      set({ error: errorMessage(error) })
    }
  },

  changePassword: async (oldPassword, newPassword) => {
    set({ busy: true, error: null })
    try {
      const status = await getApi().vault.changePassword({ oldPassword, newPassword })
      set({ status, busy: false })
      return true
    } catch (error) {
      set({ busy: false, error: errorMessage(error), errorCode: errorCode(error) })
      return false
    }
  },

  lockedByMain: () => {
    const status = get().status
    if (status) set({ status: { ...status, unlocked: false } })
  },

  clearError: () => set({ error: null, errorCode: null, older: null }),
}))

/** Selector: is the vault open. */
export const selectUnlocked = (s: SessionState): boolean => s.status?.unlocked === true
