/**
 * Icons: one per provider style and per action, from lucide-react, so a key's provider can be
 * told at a glance. Always decorative (aria-hidden): the text beside an icon carries the meaning.
 */
import {
  Flame,
  Gauge,
  Globe,
  KeyRound,
  Users,
  Waves,
  type LucideIcon,
  type LucideProps,
} from 'lucide-react'
import type { EntryStyle } from '../../src-main/ipc/contract'

const PROVIDER_ICONS: Record<EntryStyle, LucideIcon> = {
  webpagetest: Gauge,
  similarweb: Globe,
  userplane: Users,
  wellows: Waves,
  blazemeter: Flame,
  generic: KeyRound,
}

/** The icon of a provider style, in the style's own colour (set in CSS by data-style). */
export function ProviderIcon(props: { style: EntryStyle; size?: number }) {
  const Icon = PROVIDER_ICONS[props.style] ?? KeyRound
  return (
    <span className="provider-icon" data-style={props.style} aria-hidden="true">
      <Icon size={props.size ?? 16} strokeWidth={2} />
    </span>
  )
}

/** An action icon sized for a button, hidden from assistive technology. */
export function Icon(props: { as: LucideIcon } & LucideProps) {
  const { as: Shape, size = 15, ...rest } = props
  return <Shape size={size} strokeWidth={2} aria-hidden="true" focusable="false" {...rest} />
}
