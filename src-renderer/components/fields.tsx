/**
 * Form parts every view uses the same way: the error line, a labelled text input, a master
 * password input and a key or secret input. One place decides their markup and attributes.
 */
import type { InputHTMLAttributes } from 'react'

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

/** A labelled input holding text; other input attributes (type, min, placeholder…) pass through. */
export function TextField(
  props: InputProps & {
    label: string
    value: string
    onChange: (value: string) => void
    wide?: boolean
  },
) {
  const { label, value, onChange, wide, ...input } = props
  return (
    <label className={wide ? 'wide' : undefined}>
      {label}
      <input {...input} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
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
