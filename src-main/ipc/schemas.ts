/**
 * One zod schema per call's input. Strings are bounded, objects refuse unknown keys, numbers are
 * finite and within sane ranges: whatever a renderer (or a page in browser mode) sends is
 * narrowed here before a service sees it.
 */
import { z } from 'zod'
import { ENTRY_STYLES, SERVER_STYLES } from '../providers'
import type { CallName } from './contract'
import { IMPORT_FORMATS } from '../transfer/types'
import { AUDIT_ACTIONS } from '../vault/audit'

const MAX_ID = 128
const MAX_NAME = 200
const MAX_KEY = 4096
const MAX_TEXT = 10_000
const MAX_TAGS = 50
const MAX_TAG = 64
const MAX_PASSWORD = 1024
const MAX_QUERY = 500
/** The largest page entries.page serves (a screen is ~15 rows; 500 leaves room, not a whole list). */
const MAX_PAGE = 500
/** Ten thousand years in ms: any later date is a typo, not an expiry. */
const MAX_TIME = 253_402_300_799_999

const id = z.string().min(1, 'An id is required.').max(MAX_ID)
const password = z.string().min(1, 'A password is required.').max(MAX_PASSWORD)
const time = z.number().int().min(0).max(MAX_TIME)
const shortText = z.string().max(MAX_NAME)
const tags = z.array(z.string().min(1).max(MAX_TAG)).max(MAX_TAGS)
const field = z.enum(['key', 'secret'])
/** The scope a provider gives a key: Wellows level and project, Similarweb API. */
const keyLevel = z.enum(['user', 'project'])
const projectId = z
  .number()
  .int()
  .positive()
  .max(2 ** 31)
const apiType = z.enum(['rest', 'batch'])
const baseUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return url.protocol === 'http:' || url.protocol === 'https:'
    } catch {
      return false
    }
  }, 'The base URL must be an http(s) URL.')

/** A field of a previous credential: its index as entries.history numbers them. */
const historyField = z.strictObject({ id, index: z.number().int().min(0).max(1000), field })

/** Calls without input accept nothing, `null` or `{}`. */
const none = z.union([z.undefined(), z.null(), z.strictObject({})]).transform(() => undefined)

const credential = z.strictObject({
  key: z.string().min(1, 'The key is required.').max(MAX_KEY),
  secret: z.string().min(1).max(MAX_KEY).optional(),
})
/** As credential; a BlazeMeter rotation may leave out the key id to keep the current one. */
const rotateCredential = z
  .strictObject({
    key: z.string().min(1, 'The key is required.').max(MAX_KEY).optional(),
    secret: z.string().min(1).max(MAX_KEY).optional(),
  })
  .refine((c) => c.key !== undefined || c.secret !== undefined, 'The new key is required.')
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

const scope = z.strictObject({
  account: shortText.optional(),
  level: keyLevel.optional(),
  projectId: projectId.nullable().optional(),
  apiType: apiType.optional(),
})

const entryPatch = z.strictObject({
  name: z.string().trim().min(1, 'A name is required.').max(MAX_NAME).optional(),
  scope: scope.optional(),
  environment: shortText.optional(),
  tags: tags.optional(),
  notes: z.string().max(MAX_TEXT).optional(),
  baseUrl: baseUrl.nullable().optional(),
  expiresAt: time.nullable().optional(),
  lastRotatedAt: time.optional(),
  rotationPolicyDays: z.number().int().min(1).max(3650).nullable().optional(),
  status: z.enum(['active', 'disabled', 'revoked']).optional(),
})

const entryInput = entryPatch.extend({
  style: z.enum(ENTRY_STYLES),
  name: z.string().trim().min(1, 'A name is required.').max(MAX_NAME),
  credential,
  // Keys from the local key server are added by keyserver.issue only; a caller adds manual keys.
  origin: z.literal('manual').optional(),
})

const settingsPatch = z.strictObject({
  autoLockMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .optional(),
  clipboardClearSeconds: z.number().int().min(5).max(600).optional(),
  reminderThresholds: z.array(z.number().int().min(1).max(3650)).min(1).max(10).optional(),
  historyLimit: z.number().int().min(0).max(100).optional(),
  notifications: z.boolean().optional(),
  closeToTray: z.boolean().optional(),
  openAtLogin: z.boolean().optional(),
})

/** The largest file an import takes (the service checks the decoded bytes). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024
/** Base64 of MAX_IMPORT_BYTES, with room to spare; the decoded size is what counts. */
const MAX_IMPORT_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4 + 4
const TOO_LARGE = 'The file is larger than 10 MB; split it and import the parts.'

const importInput = z
  .strictObject({
    content: z.string().min(1, 'The file is empty.').max(MAX_IMPORT_CHARS, TOO_LARGE),
    encoding: z.enum(['text', 'base64']).optional(),
    fileName: z.string().max(500),
    format: z.enum(IMPORT_FORMATS).optional(),
    style: z.enum(ENTRY_STYLES).optional(),
    overrides: z
      .array(z.strictObject({ where: z.string().min(1).max(100), style: z.enum(ENTRY_STYLES) }))
      .max(200_000)
      .optional(),
    mode: z.enum(['skip', 'rename', 'replace']).optional(),
  })
  .refine(
    (i) => i.encoding !== 'base64' || /^[A-Za-z0-9+/]*={0,2}$/.test(i.content),
    'The file content is not valid base64.',
  )

/** Input schema of each call (the router's single source of what is accepted). */
/** A key server namespace's name (the server's own rule: it becomes a path segment). */
const namespaceName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    'A namespace name is 1 to 63 letters, digits, ".", "-" or "_", starting with a letter or digit.',
  )
/** A key on the key server: its record id (an id the admin API gave; it goes into a path). */
const serverKeyRef = z.strictObject({
  namespace: namespaceName.optional(),
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'Give the id of a key the key server listed.'),
})

export const INPUT_SCHEMAS = {
  'app.info': none,
  'vault.status': none,
  'vault.create': z.strictObject({
    password: password.refine(
      (p) => p.length >= 8,
      'The master password must have at least 8 characters.',
    ),
  }),
  'vault.unlock': z.strictObject({ password, acceptOlder: z.boolean().optional() }),
  'vault.lock': none,
  'vault.changePassword': z.strictObject({
    oldPassword: password,
    newPassword: password.refine(
      (p) => p.length >= 8,
      'The new password must have at least 8 characters.',
    ),
  }),
  'entries.list': none,
  'entries.search': z.strictObject({ query: z.string().max(MAX_QUERY) }),
  'entries.page': z.strictObject({
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(MAX_PAGE, `A page holds at most ${MAX_PAGE} entries.`),
    query: z.string().max(MAX_QUERY).optional(),
    style: z.enum(ENTRY_STYLES).optional(),
    status: z.enum(['active', 'disabled', 'revoked']).optional(),
    condition: z.enum(['expired', 'expiring', 'check-failed']).optional(),
    sort: z.enum(['name', 'expiry', 'updated']).optional(),
  }),
  'entries.get': z.strictObject({ id }),
  'entries.add': z.strictObject({ entry: entryInput }),
  'entries.update': z.strictObject({ id, patch: entryPatch, expectedVersion: version.optional() }),
  'entries.remove': z.strictObject({ id }),
  'entries.reveal': z.strictObject({ id, field }),
  'entries.copy': z.strictObject({ id, field }),
  'entries.rotate': z.strictObject({
    id,
    credential: rotateCredential.optional(),
    expiresAt: time.nullable().optional(),
    expectedVersion: version.optional(),
  }),
  'entries.history': z.strictObject({ id }),
  'entries.revealHistory': historyField,
  'entries.copyHistory': historyField,
  'entries.validate': z.strictObject({ id }),
  'reminders.list': none,
  'reminders.summary': none,
  'reminders.page': z.strictObject({
    band: z.enum(['expired', 'week', 'month', 'rotation', 'checks']),
    offset: z.number().int().min(0).max(10_000_000),
    limit: z.number().int().min(1).max(500),
  }),
  'reminders.snooze': z.strictObject({
    key: z.string().min(1).max(300),
    days: z.union([z.literal(1), z.literal(7)]),
  }),
  'reminders.dismiss': z.strictObject({ key: z.string().min(1).max(300) }),
  'keyserver.status': none,
  'keyserver.start': z.union([
    none,
    z.strictObject({ port: z.number().int().min(0).max(65535).optional() }),
  ]),
  'keyserver.stop': none,
  'keyserver.issue': z.strictObject({
    style: z.enum(SERVER_STYLES),
    name: z.string().trim().min(1, 'A name is required.').max(MAX_NAME),
    owner: shortText.optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    level: keyLevel.optional(),
    projectId: projectId.optional(),
    apiType: apiType.optional(),
    environment: shortText.optional(),
    tags: tags.optional(),
  }),
  'keyserver.log': z.union([
    none,
    z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
  ]),
  'keyserver.namespaces': none,
  'keyserver.createNamespace': z.strictObject({
    name: namespaceName,
    seed: z.string().min(1).max(200).optional(),
  }),
  'keyserver.resetNamespace': z.strictObject({ name: namespaceName }),
  'keyserver.deleteNamespace': z.strictObject({ name: namespaceName }),
  'keyserver.keys': z.union([none, z.strictObject({ namespace: namespaceName.optional() })]),
  'keyserver.revokeKey': serverKeyRef,
  'keyserver.rotateKey': serverKeyRef,
  'keyserver.setKeyActive': serverKeyRef.extend({ active: z.boolean() }),
  'settings.get': none,
  'settings.update': settingsPatch,
  'transfer.preview': importInput,
  'transfer.import': importInput,
  'export.file': z.strictObject({
    format: z.enum(['dotenv', 'references']),
    entryIds: z.array(id).max(1_000_000).optional(),
  }),
  'export.reference': z.strictObject({ id }),
  'backup.file': z.strictObject({
    password,
    backupPassword: password.refine(
      (p) => p.length >= 8,
      'The backup password must have at least 8 characters.',
    ),
  }),
  // No input means no filter; a bad filter is named by its field (a union would not say which).
  'audit.list': z.preprocess(
    (v) => v ?? {},
    z.strictObject({
      entryId: id.optional(),
      since: time.optional(),
      action: z.enum(AUDIT_ACTIONS).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
  ),
  'audit.verify': none,
} satisfies Record<CallName, z.ZodType>

/** A readable sentence from a zod error: the field path and what was wrong, never the value. */
/** Field names as people say them (the last part of an issue's path). */
const FIELD_WORDS: Record<string, string> = {
  key: 'key',
  secret: 'key secret',
  name: 'name',
  expiresAt: 'expiry date',
  lastRotatedAt: 'issue date',
  projectId: 'project id',
  baseUrl: 'base URL',
  tags: 'tags',
  notes: 'notes',
  environment: 'environment',
  account: 'owner',
  password: 'password',
  rotationPolicyDays: 'rotation policy',
}

/**
 * One issue in plain words that say what to do. Our schemas' own messages are kept; zod's
 * defaults ("Too small: expected string to have >=1 characters") are reworded by kind.
 */
export function plainIssue(issue: z.core.$ZodIssue): string {
  if (!/^(Too small|Too big|Invalid|Unrecognized)/.test(issue.message)) return issue.message
  const last = [...issue.path].reverse().find((p) => typeof p === 'string')
  const what = `The ${FIELD_WORDS[String(last)] ?? String(last ?? 'input')}`
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? `${what} is required.`
          : `${what} needs at least ${issue.minimum} characters.`
      if (issue.origin === 'array') return `${what} needs at least ${issue.minimum} items.`
      return `${what} must be at least ${issue.minimum}.`
    case 'too_big':
      if (issue.origin === 'string')
        return `${what} is longer than ${issue.maximum} characters; shorten it.`
      if (issue.origin === 'array') return `${what} may have at most ${issue.maximum} items.`
      return `${what} must be at most ${issue.maximum}.`
    case 'invalid_type':
      return `${what} is missing or is not ${issue.expected === 'number' ? 'a number' : 'text'}.`
    case 'unrecognized_keys':
      return `Leave out ${issue.keys.join(', ')}: it is not part of this request.`
    default:
      return `${what} is not valid.`
  }
}

export function describeIssues(error: z.ZodError): string {
  const first = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
    return `${where}${issue.message}`
  })
  return `Invalid input. ${first.join('; ')}`
}
