/**
 * The PostgreSQL side's schema (one `keywarden` schema, created by whichever instance starts
 * first, under an advisory lock so two starting at once do not race), and the rules for talking
 * about a database URL: it is never shown with its password, in the start line or an error.
 */
import { StartupError } from '../errors'

export const SCHEMA = 'keywarden'
export const SCHEMA_VERSION = 1
/** The channel every change is announced on (namespace, kind and record id; never key material). */
export const CHANNEL = 'keywarden_changes'
/** Any constant: the advisory lock that serialises schema creation between instances. */
const SCHEMA_LOCK = 0x4b57_4b53

/** Statements that bring an empty database to SCHEMA_VERSION (idempotent). */
export const SCHEMA_SQL = `
  SELECT pg_advisory_xact_lock(${SCHEMA_LOCK});
  CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
  CREATE SEQUENCE IF NOT EXISTS ${SCHEMA}.versions;
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.meta (name text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.namespaces (
    name text PRIMARY KEY,
    seed text,
    clock_offset_ms bigint NOT NULL DEFAULT 0,
    faults text NOT NULL DEFAULT '[]',
    created_at bigint NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.keys (
    namespace text NOT NULL,
    id text NOT NULL,
    style text NOT NULL,
    owner text NOT NULL,
    name text NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'disabled', 'revoked')),
    level text,
    project_id bigint,
    api_type text,
    read_only smallint NOT NULL DEFAULT 0,
    key_hash text NOT NULL UNIQUE,
    display_prefix text NOT NULL,
    last4 text NOT NULL,
    created_at bigint NOT NULL,
    issued_at bigint NOT NULL,
    expires_at bigint,
    revoke_at bigint,
    revoked_at bigint,
    replaced_by text,
    PRIMARY KEY (namespace, id)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.users (
    namespace text NOT NULL,
    id bigint NOT NULL,
    name text NOT NULL,
    display_name text NOT NULL,
    email text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (namespace, id),
    UNIQUE (namespace, name)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.projects (
    namespace text NOT NULL,
    id bigint NOT NULL,
    owner text NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (namespace, id)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.policies (
    namespace text NOT NULL, owner text NOT NULL, json text NOT NULL,
    PRIMARY KEY (namespace, owner)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.settings (
    namespace text NOT NULL, name text NOT NULL, json text NOT NULL,
    PRIMARY KEY (namespace, name)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.counters (
    namespace text NOT NULL,
    scope text NOT NULL,
    name text NOT NULL,
    value bigint NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (namespace, scope, name)
  );
  CREATE INDEX IF NOT EXISTS counters_by_version ON ${SCHEMA}.counters (version);
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.rate_windows (
    namespace text NOT NULL,
    key text NOT NULL,
    start bigint NOT NULL,
    window_ms bigint NOT NULL,
    n bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, key, start)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.request_log (
    seq bigserial PRIMARY KEY,
    time bigint NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    style text,
    key_id text,
    status integer NOT NULL,
    outcome text NOT NULL,
    namespace text NOT NULL DEFAULT 'default',
    fault text
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.blazemeter_items (
    namespace text NOT NULL,
    kind text NOT NULL,
    id bigint NOT NULL,
    owner text NOT NULL,
    parent_id bigint NOT NULL,
    name text NOT NULL,
    json text NOT NULL,
    created_at bigint NOT NULL,
    PRIMARY KEY (namespace, kind, id)
  );
  CREATE TABLE IF NOT EXISTS ${SCHEMA}.changes (
    seq bigserial PRIMARY KEY,
    origin text NOT NULL,
    namespace text NOT NULL,
    kind text NOT NULL,
    item text
  );
`

/** The URL with its password (and any password query parameter) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    for (const name of [...u.searchParams.keys()])
      if (/pass|secret|key/i.test(name)) u.searchParams.set(name, '***')
    return u.toString()
  } catch {
    // Not parseable: show nothing of it rather than risk the secret.
    return '(the database URL)'
  }
}

/** Check that `url` is a postgres:// URL with a host; the error never quotes the password. */
export function checkDatabaseUrl(url: string): URL {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new StartupError(
      '--database must be a URL such as postgres://user:password@host:5432/database.',
    )
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new StartupError(
      `--database must be a postgres:// URL (got a ${u.protocol.replace(/:$/, '')}: URL).`,
    )
  if (!u.hostname) throw new StartupError('--database must name a host: postgres://…@host:5432/db.')
  return u
}

/** A sentence about a failed connection that names the database without its password. */
export function describeConnectError(url: string, error: unknown): StartupError {
  const u = new URL(url)
  const code = (error as { code?: string }).code
  const known: Record<string, string> = {
    ECONNREFUSED: 'nothing is listening there',
    ENOTFOUND: 'the host name does not resolve',
    ETIMEDOUT: 'the connection timed out',
    EAI_AGAIN: 'the host name does not resolve',
    '28P01': 'the password was refused',
    '28000': 'the user may not connect',
    '3D000': 'that database does not exist',
  }
  let reason = (code && known[code]) ?? ''
  if (!reason) {
    const raw = error instanceof Error ? error.message : 'unknown error'
    // A driver message may quote parts of the URL: take out the password wherever it appears.
    const password = decodeURIComponent(u.password)
    reason = password ? raw.split(password).join('***') : raw
  }
  return new StartupError(`Cannot use the PostgreSQL database ${redactUrl(url)}: ${reason}.`)
}
