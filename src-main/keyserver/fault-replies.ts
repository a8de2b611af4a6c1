/**
 * The answer an injected status fault gives, in each provider's own error shape where it has
 * one. WebPageTest is the exception by design: its API reports every error as HTTP 200 with the
 * error in the body, but a fault stands for what sits in front of the API failing (an outage, an
 * overloaded edge), and a real outage is a real 5xx (or 429) with an HTML page, which the
 * official client reports as an HTTP error.
 */
import type { ServerStyle } from '../providers'

const REASONS: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

/** The content type and body of a status fault for a provider. */
export function faultReply(
  provider: ServerStyle,
  status: number,
): { type: string; body: string | Record<string, unknown> } {
  const reason = REASONS[status] ?? 'Error'
  switch (provider) {
    case 'webpagetest':
      return {
        type: 'text/html; charset=utf-8',
        body: `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center></body></html>\n`,
      }
    case 'similarweb':
      return {
        type: 'application/json',
        body: {
          meta: {
            status: 'Error',
            error_code: status,
            error_message: status === 429 ? 'Too many requests' : reason,
          },
        },
      }
    case 'userplane':
      return {
        type: 'application/json',
        body:
          status === 429
            ? { error: 'RATE_LIMITED', message: 'Rate limit exceeded. Try again later.' }
            : { error: 'INTERNAL_ERROR', message: `${reason}. Try again later.` },
      }
    case 'wellows':
      return {
        type: 'application/json',
        body: {
          success: false,
          message: status === 429 ? 'Too many requests' : reason,
          code: status,
          data: null,
          errors: {},
          meta_data: {},
        },
      }
    case 'blazemeter':
      return {
        type: 'application/json',
        body: { api_version: 4, error: { code: status, message: reason }, result: null },
      }
  }
}
