/**
 * Which format a file is, from its content alone (the extension is often lost or wrong):
 * a zip is a .1pux, JSON a Bitwarden export, XML a KeePass export; CSV exports are told apart
 * by their header; NAME=value lines are a .env.
 */
import { readCsv } from './csv-reader'
import { KEEPASSXC_CSV_HEADER } from './keepassxc-csv'
import { ONEPASSWORD_CSV_START } from './onepassword-csv'
import { ImportFormatError, type ImportFormat } from './types'
import { headerKey } from './csv-reader'

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]
const DOTENV_LINE = /^(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=/

export function detectFormat(bytes: Uint8Array): ImportFormat {
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return '1pux'
  const head = new TextDecoder().decode(bytes.subarray(0, 64 * 1024)).replace(/^\ufeff/, '')
  const start = head.trimStart()
  if (start === '') throw new ImportFormatError('The file is empty.')
  if (start[0] === '{' || start[0] === '[') return 'bitwarden-json'
  if (start[0] === '<') return 'keepass-xml'
  const firstLine = start.split(/\r?\n/).find((l) => !l.trim().startsWith('#')) ?? ''
  if (DOTENV_LINE.test(firstLine.trim())) return 'dotenv'
  if (firstLine.includes(',')) {
    let header: string[] = []
    try {
      header = readCsv(firstLine)[0]?.fields ?? []
    } catch {
      return 'csv'
    }
    if (header.join('\n') === KEEPASSXC_CSV_HEADER.join('\n')) return 'keepassxc-csv'
    const keys = header.map(headerKey)
    if (ONEPASSWORD_CSV_START.every((h, i) => keys[i] === h)) return '1password-csv'
    return 'csv'
  }
  return 'dotenv'
}
