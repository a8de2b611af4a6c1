/**
 * Users, Wellows projects, per-account policies and settings of one namespace: small tables
 * read on the hot path from memory caches that admin writes keep in step.
 */
import type { KeyServerStorage, NamespaceData } from './storage/types'
import {
  BLAZEMETER_DEFAULT_CAP,
  DAY_MS,
  WEBPAGETEST_DEFAULT_GRACE_DAYS,
  type BlazemeterExpiryCap,
} from '../providers'

export interface UserRecord {
  /** Numeric id, as Wellows (`user_id`) and BlazeMeter (`result.id`) show it. */
  id: number
  name: string
  displayName: string
  email: string
  createdAt: number
}

export interface ProjectRecord {
  id: number
  owner: string
  name: string
  createdAt: number
}

/** Per-account policy (the account is the key's owner). */
export interface Policy {
  blazemeterExpiryCap: BlazemeterExpiryCap
  /** Similarweb per-user credit limits, one per API. */
  similarwebRestCredits: number
  similarwebBatchCredits: number
  /** WebPageTest tests per calendar month (UTC). */
  webpagetestMonthlyTests: number
}

export const DEFAULT_POLICY: Policy = {
  blazemeterExpiryCap: BLAZEMETER_DEFAULT_CAP,
  similarwebRestCredits: 10_000,
  similarwebBatchCredits: 10_000,
  webpagetestMonthlyTests: 1_200,
}

export interface Settings {
  /** How long WebPageTest keeps honouring an expired key. */
  webpagetestGraceMs: number
  /** Provider rate limits (Similarweb 10/s, Userplane 120/min + 10,000/day); off only for benchmarks. */
  rateLimits: boolean
}

export const DEFAULT_SETTINGS: Settings = {
  webpagetestGraceMs: WEBPAGETEST_DEFAULT_GRACE_DAYS * DAY_MS,
  rateLimits: true,
}

export class AccountRepository {
  private readonly users = new Map<string, UserRecord>()
  private readonly projects = new Map<number, ProjectRecord>()
  private readonly policies = new Map<string, Policy>()
  settings: Settings
  private readonly initialSettings: Settings

  constructor(
    private readonly store: KeyServerStorage,
    initialSettings: Settings = DEFAULT_SETTINGS,
    readonly namespace = 'default',
    data?: Pick<NamespaceData, 'users' | 'projects' | 'policies' | 'settings'>,
  ) {
    this.initialSettings = { ...initialSettings }
    this.settings = { ...initialSettings }
    if (data) this.replaceAll(data)
  }

  /** Rebuild the caches from loaded rows. */
  replaceAll(data: Pick<NamespaceData, 'users' | 'projects' | 'policies' | 'settings'>): void {
    this.users.clear()
    this.projects.clear()
    this.policies.clear()
    for (const u of data.users) this.users.set(u.name, { ...u, id: Number(u.id) })
    for (const p of data.projects) this.projects.set(Number(p.id), { ...p, id: Number(p.id) })
    for (const row of data.policies)
      this.policies.set(row.owner, {
        ...DEFAULT_POLICY,
        ...(JSON.parse(row.json) as Partial<Policy>),
      })
    const stored: Partial<Settings> = {}
    for (const row of data.settings)
      (stored as Record<string, unknown>)[row.name] = JSON.parse(row.json)
    this.settings = { ...this.initialSettings, ...stored }
  }

  user(name: string): UserRecord | undefined {
    return this.users.get(name)
  }

  listUsers(): UserRecord[] {
    return [...this.users.values()].sort((a, b) => a.id - b.id)
  }

  /** Create a user (or return the existing one of that name). */
  ensureUser(
    name: string,
    now: number,
    details: { displayName?: string; email?: string } = {},
  ): UserRecord {
    const existing = this.users.get(name)
    if (existing) return existing
    const displayName = details.displayName ?? name
    const email = details.email ?? `${name.replace(/[^A-Za-z0-9._-]/g, '_') || 'user'}@example.test`
    const fields = { name, displayName, email, createdAt: now }
    const user: UserRecord = { id: this.store.insertUser(this.namespace, fields), ...fields }
    this.users.set(name, user)
    return user
  }

  updateUser(
    name: string,
    details: { displayName?: string; email?: string },
  ): UserRecord | undefined {
    const u = this.users.get(name)
    if (!u) return undefined
    if (details.displayName !== undefined) u.displayName = details.displayName
    if (details.email !== undefined) u.email = details.email
    this.store.updateUser(this.namespace, u)
    return u
  }

  /** Delete a user and their projects (their keys are revoked by the caller). */
  deleteUser(name: string): boolean {
    if (!this.users.delete(name)) return false
    this.store.deleteUser(this.namespace, name)
    for (const [id, p] of this.projects) if (p.owner === name) this.projects.delete(id)
    return true
  }

  project(id: number): ProjectRecord | undefined {
    return this.projects.get(id)
  }

  listProjects(owner?: string): ProjectRecord[] {
    return [...this.projects.values()]
      .filter((p) => owner === undefined || p.owner === owner)
      .sort((a, b) => a.id - b.id)
  }

  addProject(p: ProjectRecord): ProjectRecord {
    this.store.insertProject(this.namespace, p)
    this.projects.set(p.id, p)
    return p
  }

  nextProjectId(): number {
    let max = 0
    for (const id of this.projects.keys()) max = Math.max(max, id)
    return max + 1
  }

  policy(owner: string): Policy {
    return this.policies.get(owner) ?? DEFAULT_POLICY
  }

  putPolicy(owner: string, patch: Partial<Policy>): Policy {
    const next = { ...this.policy(owner), ...patch }
    this.store.putPolicy(this.namespace, owner, JSON.stringify(next))
    this.policies.set(owner, next)
    return next
  }

  putSettings(patch: Partial<Settings>): Settings {
    this.store.transaction(() => {
      for (const [name, value] of Object.entries(patch))
        if (value !== undefined) this.store.putSetting(this.namespace, name, JSON.stringify(value))
    })
    this.settings = { ...this.settings, ...patch }
    return this.settings
  }

  /** Forget the caches (the admin reset); the caller clears the tables. */
  clear(initialSettings: Settings): void {
    this.users.clear()
    this.projects.clear()
    this.policies.clear()
    this.settings = { ...initialSettings }
  }
}
