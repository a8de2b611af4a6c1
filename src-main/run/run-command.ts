/**
 * `keywarden run`: build the child's environment (process environment, then env files, later
 * ones winning), resolve every value that is a `kw://` reference before anything starts, issue
 * the ephemeral keys asked for, start the child (a pseudo-terminal when stdout is a terminal and
 * there is something to mask, else pipes), pass signals on, and revoke the ephemeral keys when
 * it ends, however it ends.
 */
import { readFileSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { findExecutable, startPiped, type ChildHandle, type ChildSpec } from './child'
import {
  checkIssueSpecs,
  connectKeyServer,
  issueKey,
  parseIssueSpec,
  revokeKey,
  type AdminEndpoint,
  type IssuedEphemeral,
} from './ephemeral'
import { parseDotenv } from './dotenv'
import { RunError } from './errors'
import { loadNodePty, startInPty } from './pty'
import { looksLikeReference } from './reference'
import { resolveReferences, type ReferenceSource, type Resolved, type Wanted } from './resolve'

export interface RunOptions {
  command: string
  args: string[]
  envFiles: string[]
  masking: boolean
  allowExpired: boolean
  /** `VAR=STYLE[:TTL]` texts. */
  issue: string[]
  keyserver?: string
}

/** Opens the vault (asking for the password as every command does), runs fn, closes it. */
export type WithVault = <T>(
  fn: (source: ReferenceSource) => T,
  wanted: readonly Wanted[],
) => Promise<T>

/** What a run did, for the caller's audit record: never a value. */
export interface RunSummary {
  exitCode: number
  references: Resolved[]
}

/** Signals passed on to the child. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2']
/** Signals a terminal sends to its whole foreground process group. */
const KEYBOARD: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT'])
/** Signals that mean "this run is being stopped": ephemeral keys are revoked at once. */
const STOPPING: ReadonlySet<NodeJS.Signals> = new Set(['SIGTERM', 'SIGHUP'])

/** The child's environment before references are resolved. */
export function buildEnvironment(
  base: NodeJS.ProcessEnv,
  envFiles: readonly string[],
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v
  for (const file of envFiles) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new RunError(
        code === 'ENOENT' ? `${file}: no such env file.` : `${file}: cannot be read (${code}).`,
      )
    }
    for (const a of parseDotenv(text, file)) env[a.name] = a.value
  }
  return env
}

/** The values to conceal: each resolved value, and a BlazeMeter secret on its own. */
function secretsOf(values: readonly string[]): string[] {
  const out = new Set<string>()
  for (const v of values) {
    out.add(v)
    const colon = v.indexOf(':')
    if (colon > 0 && colon < v.length - 1) out.add(v.slice(colon + 1))
  }
  return [...out]
}

/** Ephemeral keys of one run, revoked exactly once. */
class EphemeralKeys {
  readonly issued: IssuedEphemeral[] = []
  private revoking: Promise<void> | null = null

  constructor(readonly endpoint: AdminEndpoint) {}

  revokeAll(): Promise<void> {
    this.revoking ??= (async () => {
      for (const key of this.issued) {
        try {
          await revokeKey(this.endpoint, key.id)
        } catch (error) {
          const why = error instanceof Error ? error.message : 'unexpected error'
          process.stderr.write(
            `keywarden: could not revoke the key issued for ${key.variable} (key server id ${key.id}): ${why} It expires on its own.\n`,
          )
        }
      }
      await this.endpoint.close?.()
    })()
    return this.revoking
  }
}

/** Run the command; resolves to the exit code `keywarden run` should exit with. */
export async function runWithReferences(
  options: RunOptions,
  withVault: WithVault,
): Promise<RunSummary> {
  const specs = options.issue.map(parseIssueSpec)
  checkIssueSpecs(specs)
  const env = buildEnvironment(process.env, options.envFiles)
  const wanted: Wanted[] = Object.entries(env)
    .filter(([, v]) => looksLikeReference(v))
    .map(([name, reference]) => ({ where: name, reference }))
    .sort((a, b) => a.where.localeCompare(b.where))
  const file = findExecutable(options.command, env)

  const resolved =
    wanted.length === 0
      ? []
      : await withVault(
          (source) =>
            resolveReferences(source, wanted, {
              allowExpired: options.allowExpired,
              use: { as: 'run', command: options.command },
            }),
          wanted,
        )
  for (const r of resolved) env[r.where] = r.value

  let keys: EphemeralKeys | null = null
  let stoppedBy: NodeJS.Signals | null = null
  let child: ChildHandle | null = null
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!child) {
      stoppedBy ??= signal
      return
    }
    if (STOPPING.has(signal)) void keys?.revokeAll()
    if (KEYBOARD.has(signal) && child.sharesTerminalSignals) return
    child.kill(signal)
  }
  for (const s of FORWARDED) process.on(s, onSignal)
  try {
    if (specs.length > 0) {
      keys = new EphemeralKeys(await connectKeyServer(options.keyserver))
      try {
        for (const spec of specs) {
          if (stoppedBy) break
          const key = await issueKey(keys.endpoint, spec)
          keys.issued.push(key)
          env[key.variable] = key.credential
        }
      } catch (error) {
        await keys.revokeAll()
        throw error
      }
      env.KEYWARDEN_KEYSERVER_URL = keys.endpoint.url
    }
    if (stoppedBy) {
      await keys?.revokeAll()
      return { exitCode: 128 + (osConstants.signals[stoppedBy] ?? 0), references: resolved }
    }

    const values = [
      ...resolved.map((r) => r.value),
      ...(keys?.issued ?? []).map((k) => k.credential),
    ]
    const spec: ChildSpec = {
      command: file,
      args: options.args,
      env,
      secrets: options.masking ? secretsOf(values) : null,
    }
    child = await start(spec)
    const exitCode = await child.exited
    await keys?.revokeAll()
    return { exitCode, references: resolved }
  } finally {
    for (const s of FORWARDED) process.off(s, onSignal)
    await keys?.revokeAll()
  }
}

/** A pseudo-terminal when stdout is a terminal and there is something to mask; else pipes. */
async function start(spec: ChildSpec): Promise<ChildHandle> {
  if (spec.secrets && spec.secrets.length > 0 && process.stdout.isTTY) {
    const loaded = await loadNodePty()
    if ('pty' in loaded) return startInPty(loaded.pty, spec.command, spec)
    process.stderr.write(
      `keywarden: no pseudo-terminal (node-pty: ${loaded.error}); the command's output goes through pipes.\n`,
    )
  }
  return startPiped({
    ...spec,
    secrets: spec.secrets && spec.secrets.length > 0 ? spec.secrets : null,
  })
}
