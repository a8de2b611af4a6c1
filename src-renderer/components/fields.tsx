/**
 * Form parts every view uses the same way: the error line, a labelled text input, a master
 * password input and a key or secret input. One place decides their markup and attributes.
 */
import { useId, type InputHTMLAttributes, type ReactNode } from 'react'

/** The error line of a form or panel, announced when it appears; nothing without a message. */
export function ErrorLine(props: { message: string | null | undefined; wide?: boolean }) {
  if (!props.message) return null
  return (
    <p role="alert" className={props.wide ? 'error wide' : 'error'}>
      {props.message}
    </p>
  )
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'className'>

/**
 * A labelled input holding text; other input attributes (type, min, placeholder…) pass through.
 * `error` shows under the input, tied to it (aria-invalid, aria-describedby) so a screen reader
 * reads it with the field; `note` is a hint or an offer shown in the same place.
 */
export function TextField(
  props: InputProps & {
    label: string
    value: string
    onChange: (value: string) => void
    wide?: boolean
    error?: string | null
    note?: ReactNode
  },
) {
  const { label, value, onChange, wide, error, note, ...input } = props
  const id = useId()
  const errorId = `${id}-error`
  const noteId = `${id}-note`
  const described = [input['aria-describedby'], error ? errorId : null, note ? noteId : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className={wide ? 'field wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {error && (
        <span className="field-error" id={errorId} role="alert">
          {error}
        </span>
      )}
      {note && (
        <span className="field-hint" id={noteId}>
          {note}
        </span>
      )}
    </div>
  )
}

/** A master password input; autoComplete tells password managers whether it is new or current. */
export function PasswordField(props: {
  label: string
  value: string
  onChange: (value: string) => void
  autoComplete: 'current-password' | 'new-password'
  autoFocus?: boolean
  describedBy?: string
}) {
  return (
    <TextField
      label={props.label}
      type="password"
      autoFocus={props.autoFocus}
      autoComplete={props.autoComplete}
      value={props.value}
      onChange={props.onChange}
      aria-describedby={props.describedBy}
    />
  )
}

/** A key or secret pasted from a provider: masked, and never remembered or spell-checked. */
export function CredentialField(props: {
  label: string
  value: string
  onChange: (value: string) => void
  placeholder?: string
  wide?: boolean
  error?: string | null
  note?: ReactNode
  onBlur?: () => void
  onPaste?: (text: string) => void
}) {
  return (
    <TextField
      label={props.label}
      wide={props.wide}
      type="password"
      autoComplete="off"
      spellCheck={false}
      value={props.value}
      onChange={props.onChange}
      placeholder={props.placeholder}
      error={props.error}
      note={props.note}
      onBlur={props.onBlur}
      onPaste={props.onPaste ? (e) => props.onPaste!(e.clipboardData.getData('text')) : undefined}
    />
  )
}

/** One choice of a SelectField. */
export interface Choice<T extends string> {
  value: T
  label: string
}

/** A labelled drop-down over fixed choices; onChange gets back one of the choices' values. */
export function SelectField<T extends string>(props: {
  label: string
  value: T
  options: readonly Choice<T>[]
  onChange: (value: T) => void
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  )
}
