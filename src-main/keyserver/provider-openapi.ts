/**
 * One OpenAPI 3.1 document per emulated provider, served at /<provider>/openapi.json (also
 * under /ns/<name>/), generated from the zod schemas in provider-schemas.ts, so users can
 * generate clients or run contract tests against the emulation. `servers` names the prefix the
 * document was fetched under.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { ServerStyle } from '../providers'
import * as S from './provider-schemas'

type Schema = z.ZodType
interface Resp {
  description: string
  schema?: Schema
  type?: string
}

function content(schema: Schema, type = 'application/json') {
  return { [type]: { schema: z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) } }
}

function op(
  summary: string,
  responses: Record<string, Resp>,
  extra: { parameters?: unknown[]; body?: Schema; bodyType?: string; security?: unknown[] } = {},
) {
  const out: Record<string, unknown> = {
    summary,
    responses: Object.fromEntries(
      Object.entries(responses).map(([code, r]) => [
        code,
        r.schema
          ? { description: r.description, content: content(r.schema, r.type) }
          : r.type
            ? { description: r.description, content: { [r.type]: { schema: { type: 'string' } } } }
            : { description: r.description },
      ]),
    ),
  }
  if (extra.parameters) out.parameters = extra.parameters
  if (extra.security) out.security = extra.security
  if (extra.body)
    out.requestBody = {
      required: true,
      content: {
        [extra.bodyType ?? 'application/json']: {
          schema: z.toJSONSchema(extra.body, { target: 'draft-2020-12', io: 'input' }),
        },
      },
    }
  return out
}

const q = (name: string, required = false, schema: unknown = { type: 'string' }) => ({
  name,
  in: 'query',
  required,
  schema,
})
const pathParam = (name: string, schema: unknown = { type: 'integer' }) => ({
  name,
  in: 'path',
  required: true,
  schema,
})
const INT = { type: 'integer' }
const paging = [q('skip', false, INT), q('limit', false, INT)]
const faultNote = {
  '429': { description: 'Rate limited, or an injected fault (see X-Keywarden-Fault)' },
  '5XX': { description: 'Only as an injected fault (see X-Keywarden-Fault)' },
}

function doc(style: ServerStyle, title: string, description: string, rest: object) {
  return {
    openapi: '3.1.0',
    info: { title: `Keywarden emulation of ${title}`, version: '1.0.0', description },
    ...rest,
  }
}

function webpagetest() {
  const runParams = [
    q('url'),
    q('runs', false, INT),
    q('script'),
    q('f', false, { enum: ['json', 'xml'] }),
    q('r'),
  ]
  const runResponses = {
    '200': {
      description: 'Started, or refused with statusCode 400 in the body',
      schema: S.WptRunTest,
    },
    ...faultNote,
  }
  return doc(
    'webpagetest',
    'WebPageTest',
    'Every API answer, errors included, is HTTP 200 with the outcome in the body (the official client discards non-200 bodies). Expired keys are honoured for a grace period (2 days by default).',
    {
      components: {
        securitySchemes: { wptKey: { type: 'apiKey', in: 'header', name: 'X-WPT-API-KEY' } },
      },
      security: [{ wptKey: [] }],
      paths: {
        '/testBalance.php': {
          get: op(
            'Remaining tests this month, or the key error',
            {
              '200': {
                description: 'Balance or error (HTTP 200 either way)',
                schema: S.WptBalance,
              },
              ...faultNote,
            },
            { parameters: [q('f', false, { enum: ['json', 'xml'] })] },
          ),
        },
        '/runtest.php': {
          get: op('Start a test', runResponses, { parameters: runParams }),
          post: op('Start a test (form-encoded)', runResponses, {
            body: z.object({
              url: z.string().optional(),
              runs: z.string().optional(),
              script: z.string().optional(),
              f: z.string().optional(),
              r: z.string().optional(),
            }),
            bodyType: 'application/x-www-form-urlencoded',
          }),
        },
      },
    },
  )
}

function similarweb() {
  const refusals = {
    '401': { description: 'Missing, invalid, inactive or wrong-API key', type: 'text/plain' },
    '429': { description: '10 requests/second per key exceeded', schema: S.SwError },
    '5XX': faultNote['5XX'],
  }
  const rest = [{ restQuery: [] }, { restHeader: [] }]
  return doc(
    'similarweb',
    'Similarweb',
    'REST keys in the api_key query parameter (v1–v4) or the api-key header; Batch keys in the api-key header. Credits per user and per API; errors cost none.',
    {
      components: {
        securitySchemes: {
          restQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
          restHeader: { type: 'apiKey', in: 'header', name: 'api-key' },
        },
      },
      paths: {
        '/capabilities': {
          get: op(
            'What the key can reach',
            { '200': { description: 'Capabilities', schema: S.SwCapabilities }, ...refusals },
            { security: rest },
          ),
        },
        '/user-capabilities': {
          get: op(
            'Credit allowance and remaining',
            { '200': { description: 'Credits', schema: S.SwUserCapabilities }, ...refusals },
            { security: rest },
          ),
        },
        '/v1/website/{domain}/total-traffic-and-engagement/visits': {
          get: op(
            'Monthly visits (costs a credit)',
            {
              '200': { description: 'Visits', schema: S.SwVisits },
              '403': { description: 'Out of credits', schema: S.SwError },
              ...refusals,
            },
            { security: rest, parameters: [pathParam('domain', { type: 'string' })] },
          ),
        },
        '/v3/batch/credits': {
          get: op(
            'Remaining Batch credits',
            { '200': { description: 'Credits', schema: S.SwBatchCredits }, ...refusals },
            { security: [{ restHeader: [] }] },
          ),
        },
      },
    },
  )
}

function userplane() {
  return doc(
    'userplane',
    'Userplane',
    'Bearer uspl_… keys; 120 requests/minute and 10,000/day per user.',
    {
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
      paths: {
        '/api/v1/public/me': {
          get: op('The key owner', {
            '200': { description: 'Authenticated', schema: S.UpMe },
            '401': {
              description: 'API_KEY_REQUIRED, API_KEY_INVALID or API_KEY_EXPIRED',
              schema: S.UpError,
            },
            '403': { description: 'API_KEY_DISABLED', schema: S.UpError },
            '429': { description: 'RATE_LIMITED', schema: S.UpError },
            '5XX': faultNote['5XX'],
          }),
        },
      },
    },
  )
}

function wellows() {
  const fail = S.wellowsEnvelope(z.null())
  const refusals = {
    '400': { description: 'Bad or missing X-Project-ID', schema: fail },
    '401': { description: 'Invalid API key (wrong, revoked or expired)', schema: fail },
    '403': { description: 'Insufficient permissions', schema: fail },
    ...faultNote,
  }
  const project = [{ name: 'X-Project-ID', in: 'header', required: false, schema: INT }]
  return doc('wellows', 'Wellows', 'X-API-Key, plus X-Project-ID for project-scoped calls.', {
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/api/v1/validate': {
        get: op(
          'Check the key',
          { '200': { description: 'Valid', schema: S.wellowsEnvelope(S.WlValidate) }, ...refusals },
          { parameters: project },
        ),
      },
      '/api/v1/projects': {
        get: op(
          'Projects the key reaches',
          {
            '200': { description: 'Projects', schema: S.wellowsEnvelope(z.array(S.WlProject)) },
            ...refusals,
          },
          { parameters: project },
        ),
      },
      '/api/v1/site-summary': {
        get: op(
          'Summary of one project',
          {
            '200': { description: 'Summary', schema: S.wellowsEnvelope(S.WlSiteSummary) },
            ...refusals,
          },
          { parameters: [{ ...project[0], required: true }] },
        ),
      },
    },
  })
}

function blazemeter() {
  const refusals = {
    '400': { description: 'Bad parameters or body', schema: S.BzError },
    '401': { description: 'Unauthorized', schema: S.BzError },
    '403': { description: 'Forbidden (read-only key, another account)', schema: S.BzError },
    '404': { description: 'Not found', schema: S.BzError },
    ...faultNote,
  }
  const ok = (description: string, schema: Schema, code = '200') => ({
    [code]: { description, schema },
    ...refusals,
  })
  return doc(
    'blazemeter',
    'BlazeMeter',
    'HTTP Basic with the key id and secret (or id:secret in X-Api-Key). One account, workspace and default project per key owner.',
    {
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
      security: [{ basic: [] }, { apiKey: [] }],
      paths: {
        '/api/v4/web/version': {
          get: op(
            'Reachability ping (no key needed)',
            {
              '200': {
                description: 'Version',
                schema: S.bzEnvelope(z.object({ version: z.string() })),
              },
            },
            { security: [] },
          ),
        },
        '/api/v4/user': { get: op('The key owner', ok('User', S.bzEnvelope(S.BzUser))) },
        '/api/v4/accounts': {
          get: op('Accounts', ok('Accounts', S.bzList(S.BzAccount)), { parameters: paging }),
        },
        '/api/v4/workspaces': {
          get: op('Workspaces of an account', ok('Workspaces', S.bzList(S.BzWorkspace)), {
            parameters: [q('accountId', true, INT), q('enabled'), ...paging],
          }),
        },
        '/api/v4/workspaces/{id}': {
          get: op('One workspace', ok('Workspace', S.bzEnvelope(S.BzWorkspace)), {
            parameters: [pathParam('id')],
          }),
        },
        '/api/v4/projects': {
          get: op('Projects of a workspace', ok('Projects', S.bzList(S.BzProject)), {
            parameters: [q('workspaceId', true, INT), q('name'), ...paging],
          }),
          post: op('Create a project', ok('Created', S.bzEnvelope(S.BzProject), '201'), {
            body: S.BzCreateProject,
          }),
        },
        '/api/v4/projects/{id}': {
          get: op('One project', ok('Project', S.bzEnvelope(S.BzProject)), {
            parameters: [pathParam('id')],
          }),
        },
        '/api/v4/tests': {
          get: op('Tests of a project (or workspace)', ok('Tests', S.bzList(S.BzTest)), {
            parameters: [
              q('projectId', false, INT),
              q('workspaceId', false, INT),
              q('name'),
              ...paging,
            ],
          }),
          post: op('Create a test', ok('Created', S.bzEnvelope(S.BzTest), '201'), {
            body: S.BzCreateTest,
          }),
        },
        '/api/v4/tests/{id}': {
          get: op('One test', ok('Test', S.bzEnvelope(S.BzTest)), {
            parameters: [pathParam('id')],
          }),
        },
        '/api/v4/tests/{id}/start': {
          post: op('Start a test', ok('Master created', S.bzEnvelope(S.BzMaster)), {
            parameters: [pathParam('id')],
          }),
        },
      },
    },
  )
}

const BUILDERS: Record<ServerStyle, () => Record<string, unknown>> = {
  webpagetest,
  similarweb,
  userplane,
  wellows,
  blazemeter,
}

/** The OpenAPI document of one provider (without `servers`, which depends on the request). */
export function buildProviderDocument(style: ServerStyle): Record<string, unknown> {
  return BUILDERS[style]()
}

/** Mount GET /<provider>/openapi.json for every provider on a scope. */
export function registerProviderDocs(scope: FastifyInstance): void {
  for (const style of Object.keys(BUILDERS) as ServerStyle[]) {
    let built: Record<string, unknown> | undefined
    scope.get(`/${style}/openapi.json`, async (req: FastifyRequest) => {
      built ??= buildProviderDocument(style)
      const prefix = req.url.slice(0, req.url.indexOf(`/${style}/openapi.json`) + style.length + 1)
      return { ...built, servers: [{ url: `http://${req.headers.host ?? '127.0.0.1'}${prefix}` }] }
    })
  }
}
