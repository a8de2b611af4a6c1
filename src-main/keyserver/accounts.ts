/**
 * Users, Wellows projects, per-account policies and settings of one namespace: small tables
 * read on the hot path from memory caches that admin writes keep in step.
 */
import type { Db, Statement } from '../db/sqlite'
import { prepared } from './statements'
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
  private readonly stmts: Record<string, Statement>

  constructor(
    private readonly db: Db,
    initialSettings: Settings = DEFAULT_SETTINGS,
    readonly namespace = 'default',
  ) {
    this.stmts = {
      insertUser: prepared(
        db,
        'INSERT INTO users (namespace, name, display_name, email, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      updateUser: prepared(
        db,
        'UPDATE users SET display_name = ?, email = ? WHERE namespace = ? AND name = ?',
      ),
      deleteUser: prepared(db, 'DELETE FROM users WHERE namespace = ? AND name = ?'),
      insertProject: prepared(
        db,
        'INSERT INTO projects (namespace, id, owner, name, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteProjectsOf: prepared(db, 'DELETE FROM projects WHERE namespace = ? AND owner = ?'),
      putPolicy: prepared(
        db,
        'INSERT INTO policies (namespace, owner, json) VALUES (?, ?, ?) ON CONFLICT (namespace, owner) DO UPDATE SET json = excluded.json',
      ),
      putSetting: prepared(
        db,
        'INSERT INTO settings (namespace, name, json) VALUES (?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET json = excluded.json',
      ),
    }
    this.settings = { ...initialSettings }
    this.reload()
  }

  /** Reload the caches from the tables. */
  reload(): void {
    this.users.clear()
    this.projects.clear()
    this.policies.clear()
    const users = prepared(
      this.db,
      'SELECT id, name, display_name AS displayName, email, created_at AS createdAt FROM users WHERE namespace = ?',
    ).all(this.namespace) as UserRecord[]
    for (const u of users) this.users.set(u.name, u)
    const projects = prepared(
      this.db,
      'SELECT id, owner, name, created_at AS createdAt FROM projects WHERE namespace = ?',
    ).all(this.namespace) as ProjectRecord[]
    for (const p of projects) this.projects.set(p.id, p)
    for (const row of prepared(this.db, 'SELECT owner, json FROM policies WHERE namespace = ?').all(
      this.namespace,
    ) as {
      owner: string
      json: string
    }[])
      this.policies.set(row.owner, {
        ...DEFAULT_POLICY,
        ...(JSON.parse(row.json) as Partial<Policy>),
      })
    const stored: Partial<Settings> = {}
    for (const row of prepared(this.db, 'SELECT name, json FROM settings WHERE namespace = ?').all(
      this.namespace,
    ) as {
      name: keyof Settings
      json: string
    }[])
      (stored as Record<string, unknown>)[row.name] = JSON.parse(row.json)
    this.settings = { ...this.settings, ...stored }
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
    const info = this.stmts.insertUser!.run(this.namespace, name, displayName, email, now)
    const user: UserRecord = {
      id: Number(info.lastInsertRowid),
      name,
      displayName,
      email,
      createdAt: now,
    }
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
    this.stmts.updateUser!.run(u.displayName, u.email, this.namespace, name)
    return u
  }

  /** Delete a user and their projects (their keys are revoked by the caller). */
  deleteUser(name: string): boolean {
    if (!this.users.delete(name)) return false
    this.stmts.deleteUser!.run(this.namespace, name)
    this.stmts.deleteProjectsOf!.run(this.namespace, name)
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
    this.stmts.insertProject!.run(this.namespace, p.id, p.owner, p.name, p.createdAt)
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
    this.stmts.putPolicy!.run(this.namespace, owner, JSON.stringify(next))
    this.policies.set(owner, next)
    return next
  }

  putSettings(patch: Partial<Settings>): Settings {
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(patch))
        if (value !== undefined)
          this.stmts.putSetting!.run(this.namespace, name, JSON.stringify(value))
    })()
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
