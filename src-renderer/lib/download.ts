/**
 * Files the UI hands to the user: bytes in a Blob and a link with `download`, clicked once and
 * revoked at once, so the content is in no URL that outlives the click and in no store.
 */

/** Offer `data` as a download named `fileName`. */
export function downloadFile(fileName: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The click has started the download; the object URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** Base64 to bytes (a backup arrives as base64 over the JSON transport). */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Bytes to base64, in chunks (a spread of 10 MB would overflow the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const CHUNK = 0x8000
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(binary)
}

/** The largest file an import takes (the main process checks it again). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024
