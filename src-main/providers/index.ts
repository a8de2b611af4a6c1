/** Provider rules: one source of truth for key formats, limits, expiry options and wire format. */
export * from './styles'
export * from './formats'
export * from './rules'
export * from './wire'
