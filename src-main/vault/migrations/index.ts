/** Every vault schema step, in order. Versions only go up; add a file per step. */
import type { Migration } from '../../db/sqlite'
import { m0001Initial } from './0001-initial'
import { m0002VersionsIntegrity } from './0002-versions-integrity'
import { m0003AuditLog } from './0003-audit-log'

export const VAULT_MIGRATIONS: readonly Migration[] = [
  m0001Initial,
  m0002VersionsIntegrity,
  m0003AuditLog,
]

/** The newest schema this build understands. */
export const VAULT_SCHEMA_VERSION = VAULT_MIGRATIONS.at(-1)?.version ?? 0
