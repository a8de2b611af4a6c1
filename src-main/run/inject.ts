/**
 * `keywarden inject`: a template's `{{ kw://entry/field }}` placeholders replaced by the values.
 * Every placeholder is resolved before anything is written; one that fails fails the whole.
 */
import type { Wanted } from './resolve'

/** `{{ kw://… }}` with optional spaces inside the braces; the name may hold spaces. */
const PLACEHOLDER = /\{\{[ \t]*(kw:\/\/[^{}\n]*?)[ \t]*\}\}/g

/** Every placeholder in the template, each with the line it is on. */
export function templateReferences(template: string): Wanted[] {
  const out: Wanted[] = []
  for (const m of template.matchAll(PLACEHOLDER)) {
    const line = template.slice(0, m.index).split('\n').length
    out.push({ where: `line ${line}`, reference: m[1] })
  }
  return out
}

/** The template with each placeholder replaced by its value, in order of appearance. */
export function fillTemplate(template: string, values: readonly string[]): string {
  let i = 0
  return template.replace(PLACEHOLDER, () => values[i++])
}
