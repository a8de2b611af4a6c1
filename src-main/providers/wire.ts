/**
 * How a credential is presented on the wire in each style, and which endpoint answers "is this
 * key valid?" (providers.md). Used by the reminders' "check now" and by tests of the key server.
 */
import type { KeyScope } from './rules'
import type { ServerStyle } from './styles'

export interface WireCredential {
  key: string
  secret?: string
}

export interface WireRequest {
  method: 'GET'
  /** Path relative to the style's base URL (which ends with the style prefix). */
  path: string
  headers: Record<string, string>
}

/** Headers (and query) that carry a credential in a style. */
export function credentialHeaders(
  style: ServerStyle,
  credential: WireCredential,
): Record<string, string> {
  switch (style) {
    case 'webpagetest':
      return { 'X-WPT-API-KEY': credential.key }
    case 'similarweb':
      return { 'api-key': credential.key }
    case 'userplane':
      return { Authorization: `Bearer ${credential.key}` }
    case 'wellows':
      return { 'X-API-Key': credential.key }
    case 'blazemeter':
      return {
        Authorization: `Basic ${Buffer.from(`${credential.key}:${credential.secret ?? ''}`).toString('base64')}`,
      }
  }
}

/**
 * The request that validates a key without spending credits or tests. Similarweb REST keys go
 * to `/capabilities` (free of credits, key in the query as REST v1–v4 expect); Batch keys to
 * `/v3/batch/credits` with the `api-key` header. Secrets in a query string are what that provider
 * documents; callers must not log the path.
 */
export function validationRequest(
  style: ServerStyle,
  credential: WireCredential,
  scope: KeyScope = {},
): WireRequest {
  switch (style) {
    case 'webpagetest':
      return {
        method: 'GET',
        path: '/testBalance.php',
        headers: credentialHeaders(style, credential),
      }
    case 'similarweb':
      return scope.apiType === 'batch'
        ? { method: 'GET', path: '/v3/batch/credits', headers: { 'api-key': credential.key } }
        : {
            method: 'GET',
            path: `/capabilities?api_key=${encodeURIComponent(credential.key)}`,
            headers: {},
          }
    case 'userplane':
      return {
        method: 'GET',
        path: '/api/v1/public/me',
        headers: credentialHeaders(style, credential),
      }
    case 'wellows': {
      const headers = credentialHeaders(style, credential)
      if (scope.level === 'project' && scope.projectId != null)
        headers['X-Project-ID'] = String(scope.projectId)
      return { method: 'GET', path: '/api/v1/validate', headers }
    }
    case 'blazemeter':
      return { method: 'GET', path: '/api/v4/user', headers: credentialHeaders(style, credential) }
  }
}

export type ValidationVerdict = 'valid' | 'invalid' | 'expired'

/** Read a provider's answer to `validationRequest` (status code and raw body text). */
export function interpretValidationResponse(
  style: ServerStyle,
  status: number,
  body: string,
): ValidationVerdict {
  switch (style) {
    case 'webpagetest': {
      // All WebPageTest errors are HTTP 200 with the error in the body.
      if (/API key expired/i.test(body)) return 'expired'
      try {
        const parsed = JSON.parse(body) as { data?: { error?: unknown; remaining?: unknown } }
        return status === 200 && parsed.data && parsed.data.error === undefined
          ? 'valid'
          : 'invalid'
      } catch {
        return 'invalid'
      }
    }
    case 'userplane':
      if (status === 200) return 'valid'
      return /API_KEY_EXPIRED/.test(body) ? 'expired' : 'invalid'
    case 'similarweb':
    case 'wellows':
    case 'blazemeter':
      // Wellows answers an expired key with the same 401 as an invalid one [doc]; so do the others.
      return status === 200 ? 'valid' : 'invalid'
  }
}
