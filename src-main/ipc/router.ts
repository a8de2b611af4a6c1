/**
 * The one place that maps a call name to a service method and validates its input. Both
 * transports (Electron IPC and loopback HTTP) call `createRouter(services).call(name, input)`.
 *
 * Every outcome is a CallResult: typed errors keep their code and message (written to be shown,
 * never holding a secret); anything unexpected becomes INTERNAL with a generic sentence, because
 * an arbitrary error text might quote a value it was handed.
 */
import { ProviderRuleError } from '../providers'
import { ReminderError } from '../reminders/errors'
import type { AppServices } from '../services/app-services'
import { AppError } from '../services/errors'
import { VaultError, VaultOlderError } from '../vault/errors'
import { CALL_NAMES, type CallError, type CallName, type CallResult, type Calls } from './contract'
import type { z } from 'zod'
import { INPUT_SCHEMAS, describeIssues, plainIssue } from './schemas'

type Handler<K extends CallName> = (
  services: AppServices,
  input: Exclude<Calls[K]['input'], void> extends never ? undefined : Calls[K]['input'],
) => Calls[K]['output'] | Promise<Calls[K]['output']>

type Handlers = { [K in CallName]: Handler<K> }

const HANDLERS: Handlers = {
  'app.info': (s) => s.info(),
  'vault.status': (s) => s.vaultStatus(),
  'vault.create': (s, i) => s.createVault(i.password),
  'vault.unlock': (s, i) => s.unlock(i.password, { acceptOlder: i.acceptOlder === true }),
  'vault.lock': (s) => s.lock('user'),
  'vault.changePassword': (s, i) => s.changePassword(i.oldPassword, i.newPassword),
  'entries.list': (s) => s.list(),
  'entries.search': (s, i) => s.search(i.query),
  'entries.page': (s, i) => s.page(i),
  'entries.get': (s, i) => s.get(i.id),
  'entries.add': (s, i) => s.add(i.entry),
  'entries.update': (s, i) => s.update(i.id, i.patch, i.expectedVersion),
  'entries.remove': (s, i) => s.remove(i.id),
  'entries.reveal': (s, i) => s.reveal(i.id, i.field),
  'entries.copy': (s, i) => s.copy(i.id, i.field),
  'entries.rotate': (s, i) => s.rotate(i),
  'entries.history': (s, i) => s.history(i.id),
  'entries.revealHistory': (s, i) => s.revealHistory(i.id, i.index, i.field),
  'entries.copyHistory': (s, i) => s.copyHistory(i.id, i.index, i.field),
  'entries.validate': (s, i) => s.validate(i.id),
  'reminders.list': (s) => s.remindersSnapshot(),
  'reminders.summary': (s) => s.reminders.summary(),
  'reminders.page': (s, i) => s.reminders.page(i.band, i.offset, i.limit),
  'reminders.snooze': (s, i) => s.snooze(i.key, i.days),
  'reminders.dismiss': (s, i) => s.dismiss(i.key),
  'keyserver.status': (s) => s.keyserverStatus(),
  'keyserver.start': (s, i) => s.startKeyserver(i?.port),
  'keyserver.stop': (s) => s.stopKeyserver(),
  'keyserver.issue': (s, i) => s.issue(i),
  'keyserver.log': (s, i) => s.keyserverLog(i?.limit),
  'keyserver.namespaces': (s) => s.keyserverKeys.namespaces(),
  'keyserver.createNamespace': (s, i) => s.keyserverKeys.createNamespace(i.name, i.seed),
  'keyserver.resetNamespace': (s, i) => s.keyserverKeys.resetNamespace(i.name),
  'keyserver.deleteNamespace': (s, i) => s.keyserverKeys.deleteNamespace(i.name),
  'keyserver.keys': (s, i) => s.keyserverKeys.keys(i?.namespace ?? 'default'),
  'keyserver.revokeKey': (s, i) => s.keyserverKeys.revoke(i.namespace ?? 'default', i.id),
  'keyserver.rotateKey': (s, i) => s.keyserverKeys.rotate(i.namespace ?? 'default', i.id),
  'keyserver.setKeyActive': (s, i) =>
    s.keyserverKeys.setActive(i.namespace ?? 'default', i.id, i.active),
  'settings.get': (s) => s.settings(),
  'settings.update': (s, i) => s.updateSettings(i),
  'transfer.preview': (s, i) => s.previewImport(i),
  'transfer.import': (s, i) => s.importFile(i),
  'export.file': (s, i) => s.exportFile(i),
  'export.reference': (s, i) => s.entryReference(i.id),
  'backup.file': (s, i) => s.backupFile(i.password, i.backupPassword),
  'audit.list': (s, i) => s.auditList(i),
  'audit.verify': (s) => s.auditVerify(),
}

export interface Router {
  /** Validate and run one call; never throws. */
  call(name: string, input: unknown): Promise<CallResult<CallName>>
  /** Whether `name` is a call of the contract. */
  has(name: string): name is CallName
}

const CALLS: ReadonlySet<string> = new Set(CALL_NAMES)

/** Whether a string names a call of the contract. */
export function isCallName(name: string): name is CallName {
  return CALLS.has(name)
}

/** Build the router over one AppServices. */
export function createRouter(services: AppServices, onCall?: (name: CallName) => void): Router {
  return {
    has: isCallName,
    async call(name, input) {
      if (!isCallName(name))
        return failure({
          code: 'UNKNOWN_CALL',
          message: `There is no call named ${JSON.stringify(name.slice(0, 64))}.`,
        })
      const parsed = INPUT_SCHEMAS[name].safeParse(input)
      if (!parsed.success) return failure(invalidInput(parsed.error))
      onCall?.(name)
      try {
        const handler = HANDLERS[name] as (s: AppServices, i: unknown) => unknown
        const value = (await handler(services, parsed.data)) as Calls[CallName]['output']
        return { ok: true, value }
      } catch (error) {
        return failure(toCallError(error))
      }
    },
  }
}

function failure(error: CallError): CallResult<CallName> {
  return { ok: false, error }
}

/** Our typed errors keep code and message; anything else is INTERNAL with a generic sentence. */
export function toCallError(error: unknown): CallError {
  if (error instanceof VaultOlderError)
    return {
      code: error.code,
      message: error.message,
      details: { lastSeenAt: error.lastSeenAt, foundAt: error.foundAt },
    }
  if (error instanceof VaultError || error instanceof AppError) {
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs
    return typeof retryAfterMs === 'number'
      ? { code: error.code, message: error.message, retryAfterMs }
      : { code: error.code, message: error.message }
  }
  if (error instanceof ProviderRuleError) {
    const field = RULE_FIELDS[error.code]
    return field
      ? { code: 'RULE_VIOLATION', message: error.message, field }
      : { code: 'RULE_VIOLATION', message: error.message }
  }
  if (error instanceof ReminderError) return { code: error.code, message: error.message }
  return {
    code: 'INTERNAL',
    message:
      'Something went wrong inside Keywarden. Try again; if it keeps happening, restart the app.',
  }
}

/** The input a provider rule is about, for the form to show its error there. */
const RULE_FIELDS: Partial<Record<ProviderRuleError['code'], string>> = {
  'credential-invalid': 'credential',
  'expiry-not-allowed': 'expiresAt',
  'expiry-in-past': 'expiresAt',
  'expiry-over-cap': 'expiresAt',
  'scope-invalid': 'scope',
}

/** A refused input: the first problem in plain words, and the path of the field it is about. */
function invalidInput(error: z.ZodError): CallError {
  const issue = error.issues[0]
  const field = issue?.path.map(String).join('.') ?? ''
  const message = issue ? plainIssue(issue) : describeIssues(error)
  return field ? { code: 'INVALID_INPUT', message, field } : { code: 'INVALID_INPUT', message }
}
