/**
 * What the UI needs to know about each provider style to lay out its forms. The rules
 * themselves (formats, limits, expiry) are enforced and worded by the main process; the renderer
 * may not import them (type imports only), so only names and form shapes live here.
 */
import type { EntryStyle, ServerStyle } from '../../src-main/ipc/contract'

export interface StyleForm {
  id: EntryStyle
  label: string
  /** 'id-secret': BlazeMeter's key id + secret. */
  credential: 'key' | 'id-secret'
  /** 'date': any date; 'choices': none/7/30/60/90 (Userplane); 'never': Similarweb. */
  expiry: 'date' | 'choices' | 'never'
  owner: boolean
  ownerLabel?: string
  level: boolean
  apiType: boolean
  keyPlaceholder: string
}

export const USERPLANE_CHOICES = [7, 30, 60, 90] as const

export const STYLE_FORMS: Record<EntryStyle, StyleForm> = {
  webpagetest: {
    id: 'webpagetest',
    label: 'WebPageTest',
    credential: 'key',
    expiry: 'date',
    owner: true,
    ownerLabel: 'Account',
    level: false,
    apiType: false,
    keyPlaceholder: 'A.0123…',
  },
  similarweb: {
    id: 'similarweb',
    label: 'Similarweb',
    credential: 'key',
    expiry: 'never',
    owner: true,
    ownerLabel: 'Owner (user)',
    level: false,
    apiType: true,
    keyPlaceholder: '32 hex characters',
  },
  userplane: {
    id: 'userplane',
    label: 'Userplane',
    credential: 'key',
    expiry: 'choices',
    owner: true,
    ownerLabel: 'Owner (user)',
    level: false,
    apiType: false,
    keyPlaceholder: 'uspl_…',
  },
  wellows: {
    id: 'wellows',
    label: 'Wellows',
    credential: 'key',
    expiry: 'date',
    owner: false,
    level: true,
    apiType: false,
    keyPlaceholder: '40 characters',
  },
  blazemeter: {
    id: 'blazemeter',
    label: 'BlazeMeter',
    credential: 'id-secret',
    expiry: 'date',
    owner: false,
    level: false,
    apiType: false,
    keyPlaceholder: '24 hex characters',
  },
  generic: {
    id: 'generic',
    label: 'Other service',
    credential: 'key',
    expiry: 'date',
    owner: false,
    level: false,
    apiType: false,
    keyPlaceholder: 'The API key',
  },
}

export const ENTRY_STYLE_IDS = Object.keys(STYLE_FORMS) as EntryStyle[]
export const SERVER_STYLE_IDS = ENTRY_STYLE_IDS.filter((s) => s !== 'generic') as ServerStyle[]

/** Styles as drop-down choices, named as the provider names itself. */
export function styleChoices<S extends EntryStyle>(
  ids: readonly S[],
): { value: S; label: string }[] {
  return ids.map((s) => ({ value: s, label: STYLE_FORMS[s].label }))
}

/** Similarweb's two APIs; a key works on one of them only. */
export const API_TYPE_CHOICES = [
  { value: 'rest', label: 'REST API' },
  { value: 'batch', label: 'Batch API' },
] as const satisfies readonly { value: 'rest' | 'batch'; label: string }[]

/** Display name of a style. */
export function styleLabel(style: EntryStyle): string {
  return STYLE_FORMS[style]?.label ?? style
}

/**
 * ms since epoch of a local calendar day typed as "YYYY-MM-DD" (its last second for an expiry,
 * its first for an issue date), or null if invalid.
 */
export function dateInputToMs(value: string, edge: 'start' | 'end' = 'end'): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const [h, min, sec] = edge === 'end' ? [23, 59, 59] : [0, 0, 0]
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, min, sec, 0)
  if (d.getDate() !== Number(m[3])) return null
  return Number.isNaN(d.getTime()) ? null : d.getTime()
}
