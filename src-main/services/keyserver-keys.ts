/**
 * The key server view's calls: namespaces, the keys a namespace issued, and revoke / rotate /
 * activate on them. Keys the app issued into the vault live in the default namespace; acting on
 * one of those keeps its vault entry in step (a rotation stores the new credential, a revocation
 * marks the entry revoked), so the vault never holds a credential the server no longer honours
 * without saying so.
 */
import type { KeyServerKey, KeyServerNamespace, ServerStyle } from '../ipc/contract'
import { isServerStyle } from '../providers'
import type { Vault } from '../vault/vault'
import { AppError } from './errors'
import type { KeyServerControl } from './keyserver'

/** The namespace every path without /ns/<name> reaches, and the one the app issues into. */
export const DEFAULT_NAMESPACE = 'default'

/** Styles whose provider has an on/off switch for a key (Similarweb, Userplane). */
const TOGGLE_STYLES: ReadonlySet<string> = new Set(['similarweb', 'userplane'])

export interface KeyServerKeysDeps {
  control: KeyServerControl
  /** The vault if it is unlocked, else null. */
  vault: () => Vault | null
  /** A vault file exists but is locked: its entries cannot be kept in step now. */
  vaultLocked: () => boolean
  /** Rotate a vault entry through the app's own rotation (server first, then the vault). */
  rotateEntry: (entryId: string) => Promise<unknown>
}

const keyPath = (id: string, action = '') =>
  `/admin/v1/keys/${encodeURIComponent(id)}${action ? `/${action}` : ''}`
const nsPath = (name: string, action = '') =>
  `/admin/v1/namespaces/${encodeURIComponent(name)}${action ? `/${action}` : ''}`

export class KeyServerKeys {
  constructor(private readonly d: KeyServerKeysDeps) {}

  async namespaces(): Promise<KeyServerNamespace[]> {
    const body = await this.d.control.adminCall('GET', '/admin/v1/namespaces')
    const list = Array.isArray(body.namespaces) ? body.namespaces : []
    return list.map((n) => toNamespace(n as Record<string, unknown>))
  }

  async createNamespace(name: string, seed?: string): Promise<KeyServerNamespace> {
    const body = await this.d.control.adminCall(
      'POST',
      '/admin/v1/namespaces',
      seed === undefined ? { name } : { name, seed },
    )
    return toNamespace(body)
  }

  /**
   * Reset a namespace: its keys, users and counters are gone. The default one holds the keys
   * the app issued, so their vault entries are marked revoked (they no longer exist).
   */
  async resetNamespace(name: string): Promise<KeyServerNamespace> {
    if (name === DEFAULT_NAMESPACE) this.mustNotBeLocked()
    const before = name === DEFAULT_NAMESPACE ? await this.rawKeys(name) : []
    const body = await this.d.control.adminCall('POST', nsPath(name, 'reset'))
    for (const entryId of new Set(this.vaultLinks(before).values())) this.markRevoked(entryId)
    return toNamespace(body)
  }

  async deleteNamespace(name: string): Promise<{ deleted: string }> {
    if (name === DEFAULT_NAMESPACE)
      throw new AppError(
        'INVALID_INPUT',
        'The default namespace cannot be deleted; reset it instead.',
      )
    await this.d.control.adminCall('DELETE', nsPath(name))
    return { deleted: name }
  }

  /** The keys of a namespace, newest first, each with the vault entry that holds it, if any. */
  async keys(namespace: string): Promise<KeyServerKey[]> {
    const raw = await this.rawKeys(namespace)
    const links = namespace === DEFAULT_NAMESPACE ? this.vaultLinks(raw) : new Map()
    return raw.map((k) => toKey(k, links.get(String(k.id)) ?? null)).reverse()
  }

  async revoke(namespace: string, id: string): Promise<KeyServerKey> {
    const entryId = await this.entryFor(namespace, id)
    const body = await this.d.control.adminIn(namespace, 'POST', keyPath(id, 'revoke'), {})
    if (entryId) this.markRevoked(entryId)
    return toKey(body, entryId)
  }

  /**
   * Rotate as the provider does. A key in the vault rotates through the vault's own rotation,
   * so the entry keeps the new credential; any other key rotates on the server only (its new
   * credential is not shown: secrets leave main only from the vault, one copy at a time).
   */
  async rotate(namespace: string, id: string): Promise<KeyServerKey> {
    const entryId = await this.entryFor(namespace, id)
    if (entryId) {
      await this.d.rotateEntry(entryId)
      const live = await this.liveKey(namespace, id)
      return toKey(live, entryId)
    }
    const body = await this.d.control.adminIn(namespace, 'POST', keyPath(id, 'rotate'), {})
    const key = (body.key && typeof body.key === 'object' ? body.key : body) as Record<
      string,
      unknown
    >
    return toKey(key, null)
  }

  /** Similarweb's activation toggle, Userplane's active/disabled; other styles have none. */
  async setActive(namespace: string, id: string, active: boolean): Promise<KeyServerKey> {
    const current = await this.d.control.adminIn(namespace, 'GET', keyPath(id))
    if (!TOGGLE_STYLES.has(String(current.style)))
      throw new AppError(
        'INVALID_INPUT',
        'Only Similarweb and Userplane keys can be activated and deactivated.',
      )
    const body = await this.d.control.adminIn(
      namespace,
      'POST',
      keyPath(id, active ? 'activate' : 'deactivate'),
      {},
    )
    const links = namespace === DEFAULT_NAMESPACE ? this.vaultLinks([body]) : new Map()
    return toKey(body, links.get(id) ?? null)
  }

  private async rawKeys(namespace: string): Promise<Record<string, unknown>[]> {
    const body = await this.d.control.adminIn(namespace, 'GET', '/admin/v1/keys')
    return (Array.isArray(body.keys) ? body.keys : []) as Record<string, unknown>[]
  }

  /** After a rotation that issued a new key, the live one is the end of the `replacedBy` chain. */
  private async liveKey(namespace: string, id: string): Promise<Record<string, unknown>> {
    let key = await this.d.control.adminIn(namespace, 'GET', keyPath(id))
    for (let hops = 0; hops < 1000 && typeof key.replacedBy === 'string'; hops++)
      key = await this.d.control.adminIn(namespace, 'GET', keyPath(key.replacedBy))
    return key
  }

  /**
   * The vault entry holding key `id`, if any. Acting on a default-namespace key with the vault
   * locked is refused: the entry could not be kept in step (with no vault at all, nothing is).
   */
  private async entryFor(namespace: string, id: string): Promise<string | null> {
    if (namespace !== DEFAULT_NAMESPACE) return null
    this.mustNotBeLocked()
    const raw = await this.rawKeys(namespace)
    return this.vaultLinks(raw).get(id) ?? null
  }

  /**
   * Server key id → vault entry id. The vault keeps the id a key was first issued under; styles
   * that rotate by issuing a new key chain old to new through `replacedBy`, so every id on an
   * entry's chain maps to it (the live key last).
   */
  private vaultLinks(keys: Record<string, unknown>[]): Map<string, string> {
    const links = new Map<string, string>()
    const vault = this.d.vault()
    if (!vault) return links
    const next = new Map<string, string>()
    for (const k of keys) if (typeof k.replacedBy === 'string') next.set(String(k.id), k.replacedBy)
    for (const entry of vault.list()) {
      if (entry.origin !== 'keyserver' || !entry.serverKeyId) continue
      let id: string | undefined = entry.serverKeyId
      for (let hops = 0; id !== undefined && hops < 1000; hops++) {
        links.set(id, entry.id)
        id = next.get(id)
      }
    }
    return links
  }

  private mustNotBeLocked(): void {
    if (this.d.vaultLocked())
      throw new AppError(
        'VAULT_LOCKED',
        'Unlock the vault first: keys of the default namespace may be in it, and their entries must follow the change.',
      )
  }

  private markRevoked(entryId: string): void {
    const vault = this.d.vault()
    if (!vault) return
    if (vault.get(entryId).status === 'revoked') return
    vault.update(entryId, { status: 'revoked' })
  }
}

function toNamespace(n: Record<string, unknown>): KeyServerNamespace {
  const clock = (n.clock ?? {}) as Record<string, unknown>
  return {
    name: String(n.name),
    seed: String(n.seed ?? ''),
    createdAt: String(n.createdAt ?? ''),
    clockNow: String(clock.now ?? ''),
    clockOffsetSeconds: Number(clock.offsetSeconds ?? 0),
    faultRules: Number(n.faultRules ?? 0),
    baseUrls: (n.baseUrls ?? {}) as Record<string, string>,
  }
}

function toKey(k: Record<string, unknown>, vaultEntryId: string | null): KeyServerKey {
  const style = String(k.style)
  if (!isServerStyle(style))
    throw new AppError(
      'KEYSERVER_REFUSED',
      'The local key server gave an answer Keywarden does not understand.',
    )
  const usage = (k.usage ?? {}) as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' ? v : null)
  return {
    id: String(k.id),
    style: style as ServerStyle,
    owner: String(k.owner ?? ''),
    name: String(k.name ?? ''),
    status: k.status === 'disabled' || k.status === 'revoked' ? k.status : 'active',
    expired: k.expired === true,
    masked: String(k.masked ?? ''),
    expiresAt: str(k.expiresAt),
    replacedBy: str(k.replacedBy),
    requests: Number(usage.requests ?? 0),
    lastUsedAt: str(usage.lastUsedAt),
    canToggle: TOGGLE_STYLES.has(style),
    vaultEntryId,
  }
}
