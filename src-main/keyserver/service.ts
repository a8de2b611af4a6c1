/**
 * Admin operations on keys, users, projects, policies and settings. Every rule (formats,
 * limits, expiry choices, caps, scope) comes from the shared provider module; this module only
 * decides what a call changes. Each operation is synchronous, so two concurrent HTTP calls can
 * never interleave between a limit check and the insert that follows it. On a shared backend
 * other instances issue too: there an operation a provider limit governs (issue, activate, a
 * rotation that makes a new key) checks and writes under the backend's cross-instance lock
 * (`limited`), and answers a promise.
 */
import { randomBytes } from 'node:crypto'
import {
  BLAZEMETER_EXPIRY_CAPS,
  DAY_MS,
  STYLE_RULES,
  findExpiryViolation,
  findLimitViolation,
  findRuleViolation,
  generateBlazemeterSecret,
  generateCredential,
  maskKey,
  randomHex,
  type KeyFacts,
  type RuleViolation,
  type ServerStyle,
} from '../providers'
import type { AccountRepository, Policy, ProjectRecord, Settings, UserRecord } from './accounts'
import type { CounterStore } from './counters'
import { AdminError } from './errors'
import type { KeyRecord, KeyRepository } from './keys'
import type { RateLimiter } from './rate-limit'
import type { RequestLog } from './request-log'
import type { KeyServerStorage } from './storage/types'
import type { z } from 'zod'
import type {
  CreateKeyBody,
  CreateProjectBody,
  CreateUserBody,
  KeyView,
  PolicyBody,
  RotateKeyBody,
  SettingsBody,
} from './schemas'
import { effectiveStatus, factsOf, isExpired, scopeOf } from './state'

export type KeyViewT = z.infer<typeof KeyView>
export type IssuedKey = KeyViewT & { credential: string }

const DEFAULT_OWNER = 'default'
const random = (n: number): Uint8Array => randomBytes(n)

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

function violationError(v: RuleViolation): AdminError {
  // A limit is a conflict with existing keys; every other rule is a bad request.
  return new AdminError(v.code === 'limit-exceeded' ? 409 : 400, v.code, v.message)
}

export interface ServiceDeps {
  /** The namespace every operation of this service reads and writes. */
  namespace: string
  store: KeyServerStorage
  keys: KeyRepository
  accounts: AccountRepository
  counters: CounterStore
  log: RequestLog
  rates: RateLimiter
  now: () => number
  initialSettings: Settings
}

export class KeyService {
  constructor(private readonly d: ServiceDeps) {}

  /** The masked, client-safe view of a key. */
  view(k: KeyRecord): KeyViewT {
    const now = this.d.now()
    const grace = k.style === 'webpagetest' ? this.d.accounts.settings.webpagetestGraceMs : 0
    const lastUsed = this.d.counters.get(`key:${k.id}`, 'lastUsedAt')
    return {
      id: k.id,
      style: k.style,
      owner: k.owner,
      name: k.name,
      status: effectiveStatus(k, now),
      expired: isExpired(k, now, grace),
      masked: `${k.displayPrefix}…${k.last4}`,
      level: k.level,
      projectId: k.projectId,
      apiType: k.apiType,
      readOnly: k.readOnly,
      createdAt: iso(k.createdAt)!,
      issuedAt: iso(k.issuedAt)!,
      expiresAt: iso(k.expiresAt),
      revokeAt: iso(k.revokeAt),
      revokedAt: iso(k.revokedAt),
      replacedBy: k.replacedBy,
      usage: {
        requests: this.d.counters.get(`key:${k.id}`, 'requests'),
        lastUsedAt: lastUsed ? iso(lastUsed) : null,
      },
    }
  }

  private mustGet(id: string): KeyRecord {
    const k = this.d.keys.get(id)
    if (!k) throw new AdminError(404, 'not-found', 'No key with that id.')
    return k
  }

  private mustBeLive(k: KeyRecord): void {
    if (effectiveStatus(k, this.d.now()) === 'revoked')
      throw new AdminError(409, 'revoked', 'The key is revoked; issue a new one instead.')
  }

  /** Resolve expiresInDays / expiresAt into a time, or undefined when neither is given. */
  private expiryFrom(
    body: { expiresInDays?: number; expiresAt?: string },
    now: number,
  ): number | null | undefined {
    if (body.expiresInDays !== undefined && body.expiresAt !== undefined)
      throw new AdminError(400, 'invalid-body', 'Give expiresInDays or expiresAt, not both.')
    if (body.expiresInDays !== undefined) return now + Math.round(body.expiresInDays * DAY_MS)
    if (body.expiresAt !== undefined) return Date.parse(body.expiresAt)
    return undefined
  }

  /** The facts of `peers` (keys of one style and owner) but `except`, for a limit check. */
  private others(peers: KeyRecord[], except?: string): KeyFacts[] {
    const now = this.d.now()
    return peers.filter((k) => k.id !== except).map((k) => factsOf(k, now))
  }

  /**
   * Run `decide` with the keys of `style` and `owner` that a limit counts. Where memory sees
   * every key (a private backend, or a style without a count limit), at once, from memory.
   * On a shared backend, under a lock every instance takes for the owner, with the keys as
   * committed in the database, decide's writes committed before the lock is let go.
   */
  private limited<T>(
    style: ServerStyle,
    owner: string,
    decide: (peers: KeyRecord[]) => T,
  ): T | Promise<T> {
    const rules = STYLE_RULES[style]
    const counted =
      rules.maxKeysPerAccount !== undefined ||
      rules.maxActiveKeysPerUser !== undefined ||
      rules.maxKeysPerUser !== undefined
    if (!this.d.store.serialise || !counted) return decide(this.d.keys.list({ style, owner }))
    return this.d.store.serialise(this.d.namespace, owner, style, decide)
  }

  private policyOf(owner: string): { blazemeterExpiryCap: Policy['blazemeterExpiryCap'] } {
    return { blazemeterExpiryCap: this.d.accounts.policy(owner).blazemeterExpiryCap }
  }

  /** Fresh key material for a style, with what is stored of it. */
  private material(style: ServerStyle, blazemeterId?: string) {
    const issued = generateCredential(style, random)
    if (style === 'blazemeter') {
      const id = blazemeterId ?? issued.key
      const secret = blazemeterId ? generateBlazemeterSecret(random) : issued.secret!
      const credential = `${id}:${secret}`
      return {
        id,
        credential,
        keyHash: this.d.keys.hash(credential),
        displayPrefix: maskKey(id).split('…')[0]!,
        last4: secret.slice(-4),
      }
    }
    return {
      id: `key_${randomHex(random, 20)}`,
      credential: issued.key,
      keyHash: this.d.keys.hash(issued.key),
      displayPrefix: maskKey(issued.key).split('…')[0]!,
      last4: issued.key.slice(-4),
    }
  }

  /**
   * Issue a key; the only answer besides rotation that carries the credential. A promise on a
   * shared backend when the style has a count limit (see `limited`).
   */
  createKey(body: z.infer<typeof CreateKeyBody>): IssuedKey | Promise<IssuedKey> {
    const plan = this.planKey(body)
    return this.limited(plan.shape.style, plan.shape.owner, (peers) => this.issue(plan, peers))
  }

  /** Every check of an issue but the limit (which needs the other keys), before any write. */
  private planKey(body: z.infer<typeof CreateKeyBody>) {
    const now = this.d.now()
    const style = body.style
    const owner = body.owner ?? DEFAULT_OWNER
    if (body.readOnly !== undefined && style !== 'blazemeter')
      throw new AdminError(400, 'scope-invalid', 'Only BlazeMeter keys can be read-only.')
    if (body.active !== undefined && style !== 'similarweb' && style !== 'userplane')
      throw new AdminError(
        400,
        'scope-invalid',
        `${STYLE_RULES[style].displayName} keys have no activation toggle.`,
      )
    let expiresAt = this.expiryFrom(body, now) ?? null
    if (expiresAt === null && style === 'blazemeter') {
      // BlazeMeter keys always carry an expiration; without a choice, the account's cap.
      expiresAt = now + BLAZEMETER_EXPIRY_CAPS[this.policyOf(owner).blazemeterExpiryCap] * DAY_MS
    }
    const shape = {
      style,
      owner,
      level: style === 'wellows' ? (body.level ?? 'user') : (body.level ?? null),
      projectId: body.projectId ?? null,
      apiType: style === 'similarweb' ? (body.apiType ?? 'rest') : (body.apiType ?? null),
    }
    const candidate: KeyFacts = {
      style,
      status: body.active === false ? 'disabled' : 'active',
      scope: scopeOf(shape),
      issuedAt: now,
      expiresAt,
    }
    // Fields a style does not have must still reach the rules, which word the refusal.
    if (style !== 'wellows' && (body.level !== undefined || body.projectId !== undefined))
      candidate.scope = { ...candidate.scope, level: body.level, projectId: body.projectId }
    if (style !== 'similarweb' && body.apiType !== undefined)
      candidate.scope = { ...candidate.scope, apiType: body.apiType }
    // A number of days is matched exactly (91 is not "about 90"); a typed date gets the tolerance.
    const exact = { exact: body.expiresInDays !== undefined }
    // The limit is the last rule checked: without other keys, every other rule is checked here.
    const violation = findRuleViolation(candidate, [], this.policyOf(owner), exact)
    if (violation) throw violationError(violation)

    const project = shape.projectId !== null ? this.d.accounts.project(shape.projectId) : undefined
    // Checked before any write: the in-memory caches are not rolled back with a transaction.
    if (style === 'wellows' && project && project.owner !== owner)
      throw new AdminError(
        400,
        'scope-invalid',
        `Project ${shape.projectId} belongs to another user.`,
      )
    return { body, now, expiresAt, shape, candidate, project }
  }

  /** The limit check over `peers` (the style's keys of the owner) and the insert. */
  private issue(plan: ReturnType<KeyService['planKey']>, peers: KeyRecord[]): IssuedKey {
    const { body, now, expiresAt, shape, candidate, project } = plan
    const { style, owner } = shape
    const limit = findLimitViolation(candidate, this.others(peers))
    if (limit) throw violationError(limit)
    return this.d.store.transaction(() => {
      this.d.accounts.ensureUser(owner, now)
      if (style === 'wellows' && shape.projectId !== null) {
        if (!project)
          this.d.accounts.addProject({
            id: shape.projectId,
            owner,
            name: `Project ${shape.projectId}`,
            createdAt: now,
          })
      }
      const m = this.material(style)
      const record: KeyRecord = {
        id: m.id,
        style,
        owner,
        name: body.name,
        status: candidate.status,
        level: style === 'wellows' ? (shape.level as 'user' | 'project') : null,
        projectId: style === 'wellows' ? shape.projectId : null,
        apiType: style === 'similarweb' ? (shape.apiType as 'rest' | 'batch') : null,
        readOnly: body.readOnly ?? false,
        ...freshKeyFields(m, now, expiresAt),
      }
      this.d.keys.insert(record)
      return { ...this.view(record), credential: m.credential }
    })
  }

  listKeys(filter: { style?: string; owner?: string }): KeyViewT[] {
    return this.d.keys.list(filter).map((k) => this.view(k))
  }

  getKey(id: string): KeyViewT {
    return this.view(this.mustGet(id))
  }

  /**
   * Rotate in the provider's manner (STYLE_RULES[style].rotation). A rotation that makes a new
   * key is limited like an issue (see `limited`).
   */
  rotateKey(id: string, body: z.infer<typeof RotateKeyBody>): IssuedKey | Promise<IssuedKey> {
    const old = this.mustGet(id)
    this.mustBeLive(old)
    const now = this.d.now()
    const rotation = STYLE_RULES[old.style].rotation
    const overlap = body.overlapSeconds ?? 0
    if (overlap > 0 && rotation !== 'new-key-revoke-old')
      throw new AdminError(
        400,
        'overlap-not-allowed',
        `${STYLE_RULES[old.style].displayName} rotation retires the old credential at once; it has no overlap.`,
      )
    const chosen = this.expiryFrom(body, now)
    // Without a new choice, the new material lives as long as the old one was meant to.
    const keepPeriod = old.expiresAt === null ? null : now + (old.expiresAt - old.issuedAt)
    const expiresAt =
      chosen !== undefined ? chosen : rotation === 'replace-in-slot' ? null : keepPeriod
    const candidate: KeyFacts = { ...factsOf(old, now), issuedAt: now, expiresAt, status: 'active' }
    const expiryProblem = findExpiryViolation(candidate, this.policyOf(old.owner), {
      exact: body.expiresInDays !== undefined,
    })
    if (expiryProblem) throw violationError(expiryProblem)

    if (rotation === 'replace-in-slot' || rotation === 'new-secret-same-id')
      return this.d.store.transaction(() => {
        const m = this.material(old.style, rotation === 'new-secret-same-id' ? old.id : undefined)
        const previousHash = old.keyHash
        const next: KeyRecord = {
          ...old,
          name: body.name ?? old.name,
          ...storedMaterial(m),
          issuedAt: now,
          expiresAt,
        }
        this.d.keys.update(next, previousHash)
        return { ...this.view(next), credential: m.credential }
      })
    return this.limited(old.style, old.owner, (peers) => {
      // Read again: on a shared backend this runs after a wait, and the key may have changed.
      const current = this.mustGet(id)
      this.mustBeLive(current)
      const limit = findLimitViolation(
        { ...candidate, status: current.status },
        this.others(peers, id),
      )
      if (limit) throw violationError(limit)
      return this.d.store.transaction(() => {
        const m = this.material(current.style)
        const fresh: KeyRecord = {
          ...current,
          id: m.id,
          name: body.name ?? current.name,
          ...freshKeyFields(m, now, expiresAt),
        }
        this.d.keys.insert(fresh)
        const retired: KeyRecord =
          overlap > 0
            ? { ...current, revokeAt: now + overlap * 1000, replacedBy: fresh.id }
            : { ...current, status: 'revoked', revokedAt: now, replacedBy: fresh.id }
        this.d.keys.update(retired)
        return { ...this.view(fresh), credential: m.credential }
      })
    })
  }

  /** Revoke (idempotent). */
  revokeKey(id: string): KeyViewT {
    const k = this.mustGet(id)
    if (k.status === 'revoked') return this.view(k)
    const next: KeyRecord = { ...k, status: 'revoked', revokedAt: this.d.now(), revokeAt: null }
    this.d.keys.update(next)
    return this.view(next)
  }

  /** The activation toggle (Similarweb; Userplane's Active/Disabled); activating is limited. */
  setActive(id: string, active: boolean): KeyViewT | Promise<KeyViewT> {
    const k = this.mustGet(id)
    if (k.style !== 'similarweb' && k.style !== 'userplane')
      throw new AdminError(
        400,
        'not-supported',
        `${STYLE_RULES[k.style].displayName} keys have no activation toggle.`,
      )
    this.mustBeLive(k)
    const write = (current: KeyRecord) => {
      const next: KeyRecord = { ...current, status: active ? 'active' : 'disabled' }
      this.d.keys.update(next)
      return this.view(next)
    }
    if (!active || k.status === 'active') return write(k)
    return this.limited(k.style, k.owner, (peers) => {
      // Read again: on a shared backend this runs after a wait, and the key may have changed.
      const current = this.mustGet(id)
      this.mustBeLive(current)
      if (current.status !== 'active') {
        const limit = findLimitViolation(
          { ...factsOf(current, this.d.now()), status: 'active' },
          this.others(peers, id),
        )
        if (limit) throw violationError(limit)
      }
      return write(current)
    })
  }

  /** Test affordance: expire now (WebPageTest: past the grace too). */
  expireKey(id: string): KeyViewT {
    const k = this.mustGet(id)
    const now = this.d.now()
    const grace = k.style === 'webpagetest' ? this.d.accounts.settings.webpagetestGraceMs : 0
    const next: KeyRecord = { ...k, expiresAt: now - grace - 1 }
    this.d.keys.update(next)
    return this.view(next)
  }

  keyUsage(id: string): Record<string, number> {
    this.mustGet(id)
    return this.d.counters.scope(`key:${id}`)
  }

  createUser(body: z.infer<typeof CreateUserBody>): UserRecord {
    if (this.d.accounts.user(body.name))
      throw new AdminError(409, 'exists', 'A user with that name exists.')
    return this.d.accounts.ensureUser(body.name, this.d.now(), body)
  }

  listUsers(): UserRecord[] {
    return this.d.accounts.listUsers()
  }

  /** Remove a user; every key they own is revoked (as Similarweb does). */
  deleteUser(name: string): { deleted: string; revokedKeys: number } {
    return this.d.store.transaction(() => {
      const owned = this.d.keys.list({ owner: name })
      const existed = this.d.accounts.deleteUser(name)
      if (!existed && owned.length === 0) throw new AdminError(404, 'not-found', 'No such user.')
      let revoked = 0
      for (const k of owned)
        if (k.status !== 'revoked') {
          this.revokeKey(k.id)
          revoked++
        }
      return { deleted: name, revokedKeys: revoked }
    })
  }

  createProject(body: z.infer<typeof CreateProjectBody>): ProjectRecord {
    const now = this.d.now()
    return this.d.store.transaction(() => {
      const id = body.id ?? this.d.accounts.nextProjectId()
      if (this.d.accounts.project(id)) throw new AdminError(409, 'exists', `Project ${id} exists.`)
      this.d.accounts.ensureUser(body.owner, now)
      return this.d.accounts.addProject({ id, owner: body.owner, name: body.name, createdAt: now })
    })
  }

  listProjects(owner?: string): ProjectRecord[] {
    return this.d.accounts.listProjects(owner)
  }

  getPolicy(owner: string): Policy {
    return this.d.accounts.policy(owner)
  }

  putPolicy(owner: string, body: z.infer<typeof PolicyBody>): Policy {
    return this.d.accounts.putPolicy(owner, body)
  }

  getSettings(): { webpagetestGraceDays: number; rateLimits: boolean } {
    const s = this.d.accounts.settings
    return { webpagetestGraceDays: s.webpagetestGraceMs / DAY_MS, rateLimits: s.rateLimits }
  }

  putSettings(body: z.infer<typeof SettingsBody>): {
    webpagetestGraceDays: number
    rateLimits: boolean
  } {
    this.d.accounts.putSettings({
      ...(body.webpagetestGraceDays !== undefined
        ? { webpagetestGraceMs: Math.round(body.webpagetestGraceDays * DAY_MS) }
        : {}),
      ...(body.rateLimits !== undefined ? { rateLimits: body.rateLimits } : {}),
    })
    return this.getSettings()
  }

  /**
   * Empty the namespace (tests): its keys, users, projects, policies, settings, counters and log
   * entries. Other namespaces are untouched.
   */
  reset(): void {
    this.d.store.clearNamespace(this.d.namespace)
    this.d.keys.clear()
    this.d.accounts.clear(this.d.initialSettings)
    this.d.counters.clear()
    this.d.log.clear(this.d.namespace)
    this.d.rates.clear()
  }
}

type StoredMaterial = Pick<KeyRecord, 'keyHash' | 'displayPrefix' | 'last4'>

/** What is stored of new key material (its hash and the masked parts), never the credential. */
function storedMaterial(m: StoredMaterial): StoredMaterial {
  return { keyHash: m.keyHash, displayPrefix: m.displayPrefix, last4: m.last4 }
}

/** The fields of a newly inserted record: its material and a life that starts now, unretired. */
function freshKeyFields(m: StoredMaterial, now: number, expiresAt: number | null) {
  return {
    ...storedMaterial(m),
    createdAt: now,
    issuedAt: now,
    expiresAt,
    revokeAt: null,
    revokedAt: null,
    replacedBy: null,
  }
}
