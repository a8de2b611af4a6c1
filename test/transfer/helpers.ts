/** Fixture files of the import tests, and a .1pux archive built from its export.data. */
import { readFileSync } from 'node:fs'
import { zipSync } from 'fflate'

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
}

export function fixturePath(name: string): string {
  return new URL(`./fixtures/${name}`, import.meta.url).pathname
}

/** A .1pux archive as 1Password writes it: export.attributes and export.data in a zip. */
export function onePuxArchive(
  data: string = fixture('onepux-export.data.json').toString(),
): Uint8Array {
  const attributes = JSON.stringify({
    version: 3,
    description: '1Password Unencrypted Export',
    createdAt: 1790000000,
  })
  return zipSync({
    'export.attributes': new TextEncoder().encode(attributes),
    'export.data': new TextEncoder().encode(data),
    'files/': new Uint8Array(0),
  })
}
