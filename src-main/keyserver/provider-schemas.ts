/**
 * zod schemas of what each emulated provider answers, from which the per-provider OpenAPI
 * documents (provider-openapi.ts) are generated.
 */
import { z } from 'zod'

// WebPageTest: every API answer is HTTP 200; errors are in the body.
export const WptBalance = z.object({
  data: z.union([z.object({ remaining: z.number().int() }), z.object({ error: z.string() })]),
})
export const WptRunTest = z.union([
  z.object({
    statusCode: z.literal(200),
    statusText: z.literal('Ok'),
    data: z.object({
      testId: z.string(),
      jsonUrl: z.string(),
      xmlUrl: z.string(),
      userUrl: z.string(),
      summaryCSV: z.string(),
      detailCSV: z.string(),
    }),
    requestId: z.string().optional(),
  }),
  z.object({
    statusCode: z.literal(400),
    statusText: z.string().describe('Missing, invalid or expired key; bad URL; over balance.'),
    requestId: z.string().optional(),
  }),
])

// Similarweb
export const SwError = z.object({
  meta: z.object({
    status: z.literal('Error'),
    error_code: z.number().int(),
    error_message: z.string(),
  }),
})
const SwCountries = z.object({
  countries: z.array(
    z.object({ code: z.string(), name: z.string(), start_date: z.string(), end_date: z.string() }),
  ),
})
export const SwCapabilities = z.object({
  remaining_hits: z.number().int(),
  web_desktop_data: SwCountries,
  web_mobile_data: SwCountries,
  app_data: SwCountries,
  app_engagement_data: SwCountries,
})
export const SwUserCapabilities = z.object({
  allowance: z.number().int(),
  user_remaining: z.number().int(),
})
export const SwVisits = z.object({
  meta: z.object({
    request: z.object({
      domain: z.string(),
      granularity: z.string(),
      main_domain_only: z.boolean(),
    }),
    status: z.literal('Success'),
    last_updated: z.string(),
  }),
  visits: z.array(z.object({ date: z.string(), visits: z.number() })),
})
export const SwBatchCredits = z.object({ credits: z.number().int() })

// Userplane
export const UpError = z.object({
  error: z.enum([
    'API_KEY_REQUIRED',
    'API_KEY_INVALID',
    'API_KEY_EXPIRED',
    'API_KEY_DISABLED',
    'RATE_LIMITED',
  ]),
  message: z.string(),
})
export const UpMe = z.object({
  message: z.literal('Authenticated'),
  data: z.object({
    user: z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      emailVerified: z.boolean(),
      image: z.string().nullable(),
      createdAt: z.string(),
    }),
    stats: z.object({ workspaces: z.number(), recordings: z.number(), links: z.number() }),
  }),
})

// Wellows: one envelope for success and failure.
export const wellowsEnvelope = <T extends z.ZodType>(data: T) =>
  z.object({
    success: z.boolean(),
    message: z.string(),
    code: z.number().int(),
    data,
    errors: z.object({}),
    meta_data: z.object({}),
  })
export const WlProject = z.object({
  id: z.number().int(),
  name: z.string(),
  created_at: z.string(),
})
export const WlValidate = z.object({
  valid: z.literal(true),
  key_level: z.enum(['USER', 'PROJECT']),
  user_id: z.number().int().nullable(),
  project_id: z.number().int().nullable(),
  expiry: z.string().nullable(),
})
export const WlSiteSummary = z.object({
  project: WlProject,
  pages_tracked: z.number(),
  keywords_tracked: z.number(),
  visibility_score: z.number().nullable(),
})

// BlazeMeter: {api_version, error, result}; lists add skip, limit, total.
export const BzError = z.object({
  api_version: z.literal(4),
  error: z.object({ code: z.number().int(), message: z.string() }),
  result: z.null(),
})
export const bzEnvelope = <T extends z.ZodType>(result: T) =>
  z.object({ api_version: z.literal(4), error: z.null(), result })
export const bzList = <T extends z.ZodType>(item: T) =>
  z.object({
    api_version: z.literal(4),
    error: z.null(),
    result: z.array(item),
    skip: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
  })
export const BzUser = z.object({
  id: z.number().int(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  enabled: z.boolean(),
  roles: z.array(z.string()),
  defaultProject: z
    .object({
      id: z.number().int(),
      name: z.string(),
      accountId: z.number().int(),
      workspaceId: z.number().int(),
    })
    .describe(
      "The key owner's default project; Taurus starts its account and workspace walk here.",
    ),
})
export const BzAccount = z.object({
  id: z.number().int(),
  name: z.string(),
  owner: z.object({ id: z.number().int(), email: z.string() }),
})
export const BzWorkspace = z.object({
  id: z.number().int(),
  name: z.string(),
  accountId: z.number().int(),
  enabled: z.boolean(),
  created: z.number().int(),
})
export const BzProject = z.object({
  id: z.number().int(),
  name: z.string(),
  workspaceId: z.number().int(),
  description: z.string().nullable(),
  created: z.number().int(),
  updated: z.number().int(),
  testsCount: z.number().int(),
})
export const BzTest = z.object({
  id: z.number().int(),
  name: z.string(),
  projectId: z.number().int(),
  configuration: z
    .object({ type: z.string() })
    .catchall(z.unknown())
    .describe('Always has a type (Taurus filters tests by it); "taurus" when created without one.'),
  created: z.number().int(),
  updated: z.number().int(),
})
export const BzMaster = z.object({
  id: z.number().int(),
  testId: z.number().int(),
  status: z.string(),
})
export const BzCreateProject = z.object({
  name: z.string().min(1).max(200),
  workspaceId: z.number().int(),
})
export const BzCreateTest = z.object({
  name: z.string().min(1).max(200),
  projectId: z.number().int(),
  configuration: z.record(z.string(), z.unknown()).optional(),
})
