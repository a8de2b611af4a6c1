/**
 * BlazeMeter's projects and tests of one namespace. Every key owner has one account, one
 * workspace and a default project (created on first use); projects and tests made through the
 * API are kept in the blazemeter_items table, cached in memory like the other small tables.
 */
import type { BlazemeterRow, KeyServerStorage } from './storage/types'

export interface BlazemeterProject {
  id: number
  owner: string
  workspaceId: number
  name: string
  created: number
}

export interface BlazemeterTest {
  id: number
  owner: string
  projectId: number
  name: string
  configuration: Record<string, unknown>
  created: number
}

/** Ids in ranges of their own, so an account, a workspace, a project and a test never share one. */
export const ACCOUNT_BASE = 1_000_000
export const WORKSPACE_BASE = 2_000_000
const FIRST_PROJECT = 3_000_001
const FIRST_TEST = 9_000_001

export class BlazemeterItems {
  private readonly projects = new Map<number, BlazemeterProject>()
  private readonly tests = new Map<number, BlazemeterTest>()
  /** Per owner, the project with the lowest id (the default one): read on every /user call. */
  private readonly firstOf = new Map<string, BlazemeterProject>()

  constructor(
    private readonly store: KeyServerStorage,
    readonly namespace: string,
    initial: BlazemeterRow[] = [],
  ) {
    this.replaceAll(initial)
  }

  /** Rebuild the caches from loaded rows. */
  replaceAll(rows: BlazemeterRow[]): void {
    this.clear()
    for (const r of rows) {
      const id = Number(r.id)
      const created = Number(r.createdAt)
      if (r.kind === 'project')
        this.remember({
          id,
          owner: r.owner,
          workspaceId: Number(r.parentId),
          name: r.name,
          created,
        })
      else
        this.tests.set(id, {
          id,
          owner: r.owner,
          projectId: Number(r.parentId),
          name: r.name,
          configuration: JSON.parse(r.json) as Record<string, unknown>,
          created,
        })
    }
  }

  /** The owner's projects, the default one first created when there is none. */
  projectsOf(owner: string, workspaceId: number, now: number): BlazemeterProject[] {
    const own = [...this.projects.values()].filter((p) => p.owner === owner)
    if (own.length > 0) return own
    return [this.addProject(owner, workspaceId, 'Default project', now)]
  }

  /** The owner's default project (their first), made when they have none. */
  defaultProject(owner: string, workspaceId: number, now: number): BlazemeterProject {
    return this.firstOf.get(owner) ?? this.projectsOf(owner, workspaceId, now)[0]!
  }

  project(id: number): BlazemeterProject | undefined {
    return this.projects.get(id)
  }

  addProject(owner: string, workspaceId: number, name: string, now: number): BlazemeterProject {
    const id = nextId(this.projects, FIRST_PROJECT)
    this.store.insertBlazemeterItem(this.namespace, {
      kind: 'project',
      id,
      owner,
      parentId: workspaceId,
      name,
      json: '{}',
      createdAt: now,
    })
    const p = { id, owner, workspaceId, name, created: now }
    this.remember(p)
    return p
  }

  testsOf(filter: { owner: string; projectIds: Set<number> }): BlazemeterTest[] {
    return [...this.tests.values()].filter(
      (t) => t.owner === filter.owner && filter.projectIds.has(t.projectId),
    )
  }

  test(id: number): BlazemeterTest | undefined {
    return this.tests.get(id)
  }

  addTest(
    owner: string,
    projectId: number,
    name: string,
    configuration: Record<string, unknown>,
    now: number,
  ): BlazemeterTest {
    const id = nextId(this.tests, FIRST_TEST)
    this.store.insertBlazemeterItem(this.namespace, {
      kind: 'test',
      id,
      owner,
      parentId: projectId,
      name,
      json: JSON.stringify(configuration),
      createdAt: now,
    })
    const t = { id, owner, projectId, name, configuration, created: now }
    this.tests.set(id, t)
    return t
  }

  private remember(p: BlazemeterProject): void {
    this.projects.set(p.id, p)
    const first = this.firstOf.get(p.owner)
    if (!first || p.id < first.id) this.firstOf.set(p.owner, p)
  }

  /** Forget the caches (the namespace's reset); the caller clears the table. */
  clear(): void {
    this.firstOf.clear()
    this.projects.clear()
    this.tests.clear()
  }
}

function nextId(map: Map<number, unknown>, first: number): number {
  let max = first - 1
  for (const id of map.keys()) max = Math.max(max, id)
  return max + 1
}
