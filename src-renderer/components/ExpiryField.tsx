/** The expiry input, shaped by the provider: a date, Userplane's fixed choices, or none at all. */
import type { EntryStyle } from '../../src-main/ipc/contract'
import { type ExpiryValue } from '../lib/expiry'
import { STYLE_FORMS, USERPLANE_CHOICES } from '../lib/styles'
import { SelectField, TextField } from './fields'

export { expiryToMs, type ExpiryValue } from '../lib/expiry'

/** Userplane's fixed lifetimes, as the field's 'd<days>' values. */
const CHOICES = [
  { value: '', label: 'No expiration' },
  ...USERPLANE_CHOICES.map((d) => ({ value: `d${d}`, label: `${d} days` })),
]

export function ExpiryField(props: {
  style: EntryStyle
  value: ExpiryValue
  onChange: (value: ExpiryValue) => void
  /** The date input's label (default "Expires on (optional)"). */
  dateLabel?: string
  /** Offer a button that removes a typed date (a date input is awkward to empty). */
  clearable?: boolean
}) {
  const { style, value, onChange } = props
  const form = STYLE_FORMS[style]
  if (form.expiry === 'never')
    return <p className="muted field-note">{form.label} API keys never expire.</p>
  if (form.expiry === 'choices')
    return <SelectField label="Expiration" value={value} options={CHOICES} onChange={onChange} />
  const input = (
    <TextField
      label={props.dateLabel ?? 'Expires on (optional)'}
      type="date"
      value={value}
      onChange={onChange}
    />
  )
  if (!props.clearable) return input
  return (
    <div className="expiry-field">
      {input}
      <button type="button" disabled={value === ''} onClick={() => onChange('')}>
        No expiry
      </button>
    </div>
  )
}
