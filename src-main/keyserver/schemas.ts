/**
 * zod schemas of every admin request body, and the shapes the admin API answers with. The
 * OpenAPI document (openapi.ts) is generated from these same objects, so it cannot drift.
 */
import { z } from 'zod'
import { BLAZEMETER_EXPIRY_CAPS, SERVER_STYLES } from '../providers'

const Text = z.string().min(1).max(200)
const MAX_DAYS = 36_500

export const StyleSchema = z.enum(SERVER_STYLES)

export const CreateKeyBody = z
  .strictObject({
    style: StyleSchema,
    name: Text,
    owner: Text.optional().describe('User or account that owns the key; default "default".'),
    expiresInDays: z.number().positive().max(MAX_DAYS).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    level: z.enum(['user', 'project']).optional().describe('Wellows only; default "user".'),
    projectId: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .describe('Wellows project-level keys.'),
    apiType: z.enum(['rest', 'batch']).optional().describe('Similarweb only; default "rest".'),
    active: z.boolean().optional().describe('Similarweb and Userplane: create deactivated.'),
    readOnly: z
      .boolean()
      .optional()
      .describe('BlazeMeter only: a key without permission to start tests (403).'),
  })
  .describe('A key to issue in one provider style.')

export const RotateKeyBody = z
  .strictObject({
    name: Text.optional().describe('Name of the new key (default: the old name).'),
    expiresInDays: z.number().positive().max(MAX_DAYS).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional()
      .describe('WebPageTest, Similarweb, Wellows: the old key keeps working this long.'),
  })
  .describe('Rotation in the provider manner; every field optional.')

export const CreateUserBody = z.strictObject({
  name: Text,
  displayName: Text.optional(),
  email: z.email().max(200).optional(),
})

export const CreateProjectBody = z.strictObject({
  owner: Text,
  name: Text,
  id: z.number().int().positive().max(2_147_483_647).optional(),
})

export const PolicyBody = z
  .strictObject({
    blazemeterExpiryCap: z
      .enum(Object.keys(BLAZEMETER_EXPIRY_CAPS) as [keyof typeof BLAZEMETER_EXPIRY_CAPS])
      .optional(),
    similarwebRestCredits: z.number().int().min(0).max(1_000_000_000).optional(),
    similarwebBatchCredits: z.number().int().min(0).max(1_000_000_000).optional(),
    webpagetestMonthlyTests: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .describe('Account policy of one owner; fields left out keep their value.')

export const SettingsBody = z.strictObject({
  webpagetestGraceDays: z.number().min(0).max(365).optional(),
  rateLimits: z
    .boolean()
    .optional()
    .describe('Provider rate limits; switch off only for benchmarks.'),
})

const Time = z.string().describe('ISO 8601 time')

export const KeyView = z.object({
  id: z.string().describe('Record id; for BlazeMeter also the key id.'),
  style: StyleSchema,
  owner: z.string(),
  name: z.string(),
  status: z.enum(['active', 'disabled', 'revoked']),
  expired: z.boolean(),
  masked: z.string().describe('Display prefix and the last 4 characters.'),
  level: z.enum(['user', 'project']).nullable(),
  projectId: z.number().nullable(),
  apiType: z.enum(['rest', 'batch']).nullable(),
  readOnly: z.boolean(),
  createdAt: Time,
  issuedAt: Time,
  expiresAt: Time.nullable(),
  revokeAt: Time.nullable(),
  revokedAt: Time.nullable(),
  replacedBy: z.string().nullable(),
  usage: z.object({ requests: z.number(), lastUsedAt: Time.nullable() }),
})

export const IssuedKeyView = KeyView.extend({
  credential: z
    .string()
    .describe('The exact string a client presents (BlazeMeter: id:secret). Shown only here.'),
})

export const AdminErrorView = z.object({ error: z.string(), message: z.string() })

/** A readable list of what is wrong with a body, without echoing its values (they may be secrets). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ')
}

export const CreateNamespaceBody = z
  .strictObject({
    name: z.string().min(1).max(63).describe('Letters, digits, ".", "-", "_"; e.g. a CI job id.'),
    seed: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Seed of the fault draws; generated (and reported) when left out.'),
  })
  .describe('A new isolated namespace.')

/** What a test sends as a time: an ISO 8601 time with its offset, a date, or epoch milliseconds. */
const AT_FORMS =
  'give an ISO 8601 time with its offset ("2027-01-01T00:00:00Z"), a date ("2027-01-01", UTC midnight) or epoch milliseconds'
const ClockAt = z
  .union(
    [
      z.iso.datetime({ offset: true }),
      z.iso.date(),
      // From 1973 on: a smaller number is more likely epoch seconds, which would land in 1970.
      z
        .number()
        .int({ error: AT_FORMS })
        .min(1e11, { error: AT_FORMS })
        .max(8.64e15, { error: AT_FORMS }),
    ],
    { error: AT_FORMS },
  )
  .describe('Set the clock to this time.')

export const ClockBody = z
  .strictObject({
    at: ClockAt.optional(),
    offsetSeconds: z
      .number()
      .min(-100 * 365 * 86_400)
      .max(100 * 365 * 86_400)
      .optional()
      .describe("Set the clock this far from the server's time."),
  })
  .refine((b) => (b.at === undefined) !== (b.offsetSeconds === undefined), {
    message: 'give exactly one of at or offsetSeconds',
  })
  .describe("Set a namespace's clock (`at` or `offsetSeconds`); it keeps running from there.")

/** The epoch milliseconds a clock body's `at` names. */
export function clockTarget(at: string | number): number {
  return typeof at === 'number' ? at : Date.parse(at)
}

export const AdvanceBody = z
  .strictObject({
    seconds: z
      .number()
      .min(-100 * 365 * 86_400)
      .max(100 * 365 * 86_400)
      .describe('Move the clock forward (or back, if negative).'),
  })
  .describe("Advance a namespace's clock.")

export const ClockView = z.object({ now: Time, offsetSeconds: z.number() })

export const NamespaceView = z.object({
  name: z.string(),
  seed: z.string(),
  createdAt: Time,
  clock: ClockView,
  faultRules: z.number().describe('How many fault rules are set.'),
  baseUrls: z.record(StyleSchema, z.string()).describe('Per provider, the base URL a client uses.'),
})
