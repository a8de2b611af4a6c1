/** The OpenAPI 3.1 document of the admin API, generated from the zod schemas it validates with. */
import { z } from 'zod'
import { FaultsBody } from './faults'
import {
  AdminErrorView,
  AdvanceBody,
  ClockBody,
  ClockView,
  CreateNamespaceBody,
  NamespaceView,
  CreateKeyBody,
  CreateProjectBody,
  CreateUserBody,
  IssuedKeyView,
  KeyView,
  PolicyBody,
  RotateKeyBody,
  SettingsBody,
} from './schemas'

type Schema = z.ZodType

function json(schema: Schema, io: 'input' | 'output'): Record<string, unknown> {
  return { 'application/json': { schema: z.toJSONSchema(schema, { target: 'draft-2020-12', io }) } }
}

function op(
  summary: string,
  responses: Record<string, { description: string; schema?: Schema }>,
  body?: Schema,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    summary,
    ...extra,
    responses: Object.fromEntries(
      Object.entries({
        ...responses,
        '400': {
          description: 'Malformed JSON or a body the schema refuses',
          schema: AdminErrorView,
        },
        '401': { description: 'Missing or wrong admin token', schema: AdminErrorView },
        '413': { description: 'Body over 64 KiB', schema: AdminErrorView },
      }).map(([code, r]) => [
        code,
        r.schema
          ? { description: r.description, content: json(r.schema, 'output') }
          : { description: r.description },
      ]),
    ),
  }
  if (body) out.requestBody = { required: true, content: json(body, 'input') }
  return out
}

const idParam = {
  parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
}
const nameParam = (n: string) => ({
  parameters: [{ name: n, in: 'path', required: true, schema: { type: 'string' } }],
})
const keyOk = {
  '200': { description: 'The key', schema: KeyView },
  '404': { description: 'No such key', schema: AdminErrorView },
}
const conflict = {
  '409': { description: 'The key is revoked, or a provider limit', schema: AdminErrorView },
}

/** Build the document (cheap; built once per server). */
export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keywarden local key server: admin API',
      version: '1.0.0',
      description:
        'Issue, list, rotate and revoke keys in five provider styles; namespaces, their clocks and fault rules. Every call needs `Authorization: Bearer <admin token>`; the key, user, project, policy, settings, usage, log and reset calls act on the namespace named by `?namespace=<name>` (default: `default`).',
    },
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ adminToken: [] }],
    paths: {
      '/admin/v1/keys': {
        post: op(
          'Issue a key; the answer carries the credential, shown only here and on rotation',
          {
            '201': { description: 'Issued', schema: IssuedKeyView },
            '409': {
              description: 'A provider limit, in the provider wording',
              schema: AdminErrorView,
            },
          },
          CreateKeyBody,
        ),
        get: op(
          'List keys (masked)',
          { '200': { description: 'Keys', schema: z.object({ keys: z.array(KeyView) }) } },
          undefined,
          {
            parameters: [
              { name: 'style', in: 'query', required: false, schema: { type: 'string' } },
              { name: 'owner', in: 'query', required: false, schema: { type: 'string' } },
            ],
          },
        ),
      },
      '/admin/v1/keys/{id}': {
        get: op('One key (masked)', keyOk, undefined, idParam),
        delete: op('Revoke a key', keyOk, undefined, idParam),
      },
      '/admin/v1/keys/{id}/rotate': {
        post: op(
          'Rotate in the provider manner: Userplane in its slot; BlazeMeter a new secret for the same id; the others a new key, the old one revoked (optionally after overlapSeconds)',
          { '200': { description: 'The new key material', schema: IssuedKeyView }, ...conflict },
          RotateKeyBody,
          idParam,
        ),
      },
      '/admin/v1/keys/{id}/revoke': { post: op('Revoke a key', keyOk, undefined, idParam) },
      '/admin/v1/keys/{id}/activate': {
        post: op(
          'Turn the activation toggle on (Similarweb, Userplane)',
          { ...keyOk, ...conflict },
          undefined,
          idParam,
        ),
      },
      '/admin/v1/keys/{id}/deactivate': {
        post: op(
          'Turn the activation toggle off (Similarweb, Userplane)',
          keyOk,
          undefined,
          idParam,
        ),
      },
      '/admin/v1/keys/{id}/expire': {
        post: op(
          'Test affordance: expire the key now (WebPageTest: beyond the grace buffer too). Providers never issue expired keys.',
          keyOk,
          undefined,
          idParam,
        ),
      },
      '/admin/v1/keys/{id}/usage': {
        get: op(
          'Usage counters of a key',
          { '200': { description: 'Counters' } },
          undefined,
          idParam,
        ),
      },
      '/admin/v1/users': {
        post: op(
          'Create a user',
          {
            '201': { description: 'Created' },
            '409': { description: 'Exists', schema: AdminErrorView },
          },
          CreateUserBody,
        ),
        get: op('List users', { '200': { description: 'Users' } }),
      },
      '/admin/v1/users/{name}': {
        delete: op(
          'Delete a user; revokes every key they own',
          { '200': { description: 'Deleted' } },
          undefined,
          nameParam('name'),
        ),
      },
      '/admin/v1/projects': {
        post: op(
          'Create a Wellows project',
          {
            '201': { description: 'Created' },
            '409': { description: 'Id taken', schema: AdminErrorView },
          },
          CreateProjectBody,
        ),
        get: op('List projects', { '200': { description: 'Projects' } }),
      },
      '/admin/v1/policy/{owner}': {
        get: op(
          'Account policy of an owner',
          { '200': { description: 'Policy' } },
          undefined,
          nameParam('owner'),
        ),
        put: op(
          'Change the account policy',
          { '200': { description: 'Policy' } },
          PolicyBody,
          nameParam('owner'),
        ),
      },
      '/admin/v1/settings': {
        get: op('Server settings', { '200': { description: 'Settings' } }),
        put: op('Change server settings', { '200': { description: 'Settings' } }, SettingsBody),
      },
      '/admin/v1/usage': {
        get: op('Every usage counter, by scope', { '200': { description: 'Counters' } }),
      },
      '/admin/v1/log': {
        get: op('Recent requests (no keys, no query strings)', {
          '200': { description: 'Entries' },
        }),
      },
      '/admin/v1/reset': {
        post: op('Delete every key, user, project, policy, counter and log entry (tests)', {
          '200': { description: 'Reset' },
        }),
      },
      '/admin/v1/namespaces': {
        post: op(
          'Create a namespace (an isolated world: keys, limits, counters, clock, faults)',
          {
            '201': { description: 'Created, with its seed and base URLs', schema: NamespaceView },
            '409': { description: 'Exists', schema: AdminErrorView },
          },
          CreateNamespaceBody,
        ),
        get: op('List namespaces', {
          '200': {
            description: 'Namespaces',
            schema: z.object({ namespaces: z.array(NamespaceView) }),
          },
        }),
      },
      '/admin/v1/namespaces/{name}': {
        get: op(
          'One namespace',
          { '200': { description: 'Namespace', schema: NamespaceView } },
          undefined,
          nameParam('name'),
        ),
        delete: op(
          'Remove a namespace with all its keys (not the default one)',
          {
            '200': { description: 'Removed' },
            '404': { description: 'No such namespace', schema: AdminErrorView },
          },
          undefined,
          nameParam('name'),
        ),
      },
      '/admin/v1/namespaces/{name}/reset': {
        post: op(
          'Empty a namespace; keep it, its seed, clock and fault rules (their draws start over)',
          { '200': { description: 'Reset', schema: NamespaceView } },
          undefined,
          nameParam('name'),
        ),
      },
      '/admin/v1/namespaces/{name}/clock': {
        get: op(
          'The namespace clock',
          { '200': { description: 'Clock', schema: ClockView } },
          undefined,
          nameParam('name'),
        ),
        put: op(
          'Set the clock to a time ({at}) or an offset from the server time ({offsetSeconds})',
          { '200': { description: 'Clock', schema: ClockView } },
          ClockBody,
          nameParam('name'),
        ),
      },
      '/admin/v1/namespaces/{name}/clock/advance': {
        post: op(
          'Advance the clock',
          { '200': { description: 'Clock', schema: ClockView } },
          AdvanceBody,
          nameParam('name'),
        ),
      },
      '/admin/v1/namespaces/{name}/faults': {
        get: op(
          'The fault rules and their seed',
          { '200': { description: 'Rules' } },
          undefined,
          nameParam('name'),
        ),
        put: op(
          'Replace the fault rules; the same seed and requests meet the same faults',
          { '200': { description: 'Rules' } },
          FaultsBody,
          nameParam('name'),
        ),
      },
      '/admin/openapi.json': {
        get: op('This document', { '200': { description: 'OpenAPI 3.1' } }),
      },
    },
  }
}
