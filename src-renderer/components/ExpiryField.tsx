/** The expiry input, shaped by the provider: a date, Userplane's fixed choices, or none at all. */
import { DAY_MS } from '../lib/format'
import { dateInputToMs, STYLE_FORMS, USERPLANE_CHOICES } from '../lib/styles'
import type { EntryStyle } from '../../src-main/ipc/contract'
import { SelectField, TextField } from './fields'

/** The typed expiry value: '' (none), a date 'YYYY-MM-DD', or a choice 'd7' / 'd30' / … */
export type ExpiryValue = string

/** Turn the field's value into `expiresAt` (null = never), or 'invalid'. */
export function expiryToMs(value: ExpiryValue, now: number): number | null | 'invalid' {
  if (value === '') return null
  const choice = /^d(\d+)$/.exec(value)
  if (choice) return now + Number(choice[1]) * DAY_MS
  return dateInputToMs(value) ?? 'invalid'
}

/** Userplane's fixed lifetimes, as the field's 'd<days>' values. */
const CHOICES = [
  { value: '', label: 'No expiration' },
  ...USERPLANE_CHOICES.map((d) => ({ value: `d${d}`, label: `${d} days` })),
]

export function ExpiryField(props: {
  style: EntryStyle
  value: ExpiryValue
  onChange: (value: ExpiryValue) => void
}) {
  const { style, value, onChange } = props
  const form = STYLE_FORMS[style]
  if (form.expiry === 'never')
    return <p className="muted field-note">{form.label} API keys never expire.</p>
  if (form.expiry === 'choices')
    return <SelectField label="Expiration" value={value} options={CHOICES} onChange={onChange} />
  return <TextField label="Expires on (optional)" type="date" value={value} onChange={onChange} />
}
