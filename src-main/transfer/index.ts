/**
 * Import formats: each parser turns a file into records (types.ts), detect.ts tells the format
 * from the content, plan.ts decides what each record becomes. Pure: no file or vault access.
 */
import { parseBitwardenJson } from './bitwarden-json'
import { parseCsv } from './csv'
import { detectFormat } from './detect'
import { parseDotenv } from './dotenv'
import { parseKeepassXml } from './keepass-xml'
import { parseKeepassxcCsv } from './keepassxc-csv'
import { parseOnePasswordCsv } from './onepassword-csv'
import { parseOnePux } from './onepux'
import { ImportFormatError, type ImportFormat, type ImportRecord } from './types'

export * from './types'
export { detectFormat } from './detect'
export { planImport, ImportRefusedError } from './plan'
export type { ConflictMode, ExistingEntry, NewEntry, PlanRow } from './plan'
export { guessStyle } from './style'

/** Read a file's bytes as `format` (guessed from the content when not given). */
export function parseImport(
  bytes: Uint8Array,
  format: ImportFormat = detectFormat(bytes),
): { format: ImportFormat; records: ImportRecord[] } {
  if (format === '1pux') return { format, records: parseOnePux(bytes) }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportFormatError('The file is not UTF-8 text.')
  }
  const parsers: Record<Exclude<ImportFormat, '1pux'>, (t: string) => ImportRecord[]> = {
    dotenv: parseDotenv,
    csv: parseCsv,
    'bitwarden-json': parseBitwardenJson,
    '1password-csv': parseOnePasswordCsv,
    'keepassxc-csv': parseKeepassxcCsv,
    'keepass-xml': parseKeepassXml,
  }
  return { format, records: parsers[format](text) }
}
