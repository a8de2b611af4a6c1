/**
 * The app:// handler, called as Electron calls it (a Request in, a Response out) over a real
 * folder on disk with a secret file next to it, so a traversal that worked would read it.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  APP_ENTRY_URL,
  contentTypeFor,
  createAppProtocolHandler,
  resolveAppRequest,
} from '../../src-main/app/app-protocol'
import { DESKTOP_CSP } from '../../src-main/app/policy'

let base: string
let root: string
let handler: (request: Request) => Promise<Response>
const SECRET = 'wpt_0123456789abcdef0123456789abcdef'

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'kw-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keywarden</title>')
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}')
  // Outside the build folder: never to be served.
  writeFileSync(join(base, 'secret.txt'), SECRET)
  writeFileSync(join(base, 'renderer-evil.txt'), SECRET)
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'))
  handler = createAppProtocolHandler(root)
})

afterAll(() => rmSync(base, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => handler(new Request(url, { method }))

describe('app:// protocol handler', () => {
  it('serves the build with its content type and the CSP as a header', async () => {
    const page = await get(APP_ENTRY_URL)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(DESKTOP_CSP)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('<title>Keywarden</title>')
    const script = await get('app://keywarden/assets/index-abc.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
    expect((await get('app://keywarden/')).status).toBe(200)
    expect((await get('app://keywarden/index.html?x=1#/entries')).status).toBe(200)
  })

  it('refuses path traversal in every spelling', async () => {
    for (const url of [
      'app://keywarden/../secret.txt',
      'app://keywarden/%2e%2e/secret.txt',
      'app://keywarden/..%2fsecret.txt',
      'app://keywarden/assets/..%2f..%2fsecret.txt',
      'app://keywarden/%2e%2e%2fsecret.txt',
      'app://keywarden/..%5csecret.txt',
      'app://keywarden/assets%5c..%5c..%5csecret.txt',
      'app://keywarden/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://keywarden/..%2frenderer-evil.txt',
      'app://keywarden/index.html%00.png',
      'app://keywarden/%E0%A4%A',
    ]) {
      const response = await get(url)
      expect(response.status, url).toBeGreaterThanOrEqual(400)
      expect(await response.text(), url).not.toContain(SECRET)
      // Refusals carry the CSP too.
      expect(response.headers.get('content-security-policy'), url).toBe(DESKTOP_CSP)
    }
  })

  it('does not follow a symbolic link out of the build folder', async () => {
    const response = await get('app://keywarden/assets/link.txt')
    expect(response.status).toBe(403)
    expect(await response.text()).not.toContain(SECRET)
  })

  it('refuses unknown hosts, credentials and ports', async () => {
    for (const url of [
      'app://other/index.html',
      'app://keywarden.evil/index.html',
      'app://keywarden:81/index.html',
      'file:///etc/passwd',
      'https://keywarden/index.html',
    ])
      expect((await get(url)).status, url).toBe(404)
    // A Request cannot even carry credentials; the mapping refuses them all the same.
    expect(resolveAppRequest('GET', 'app://user:pw@keywarden/index.html', '/r')).toMatchObject({
      ok: false,
      status: 404,
    })
  })

  it('refuses methods other than GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'])
      expect((await get(APP_ENTRY_URL, method)).status, method).toBe(405)
  })

  it('answers 404 for missing files and folders', async () => {
    expect((await get('app://keywarden/nope.js')).status).toBe(404)
    expect((await get('app://keywarden/assets')).status).toBe(404)
    expect((await get('app://keywarden/assets/')).status).toBe(404)
  })
})

describe('URL to file mapping', () => {
  it('maps inside the folder and refuses the rest, without touching the disk', () => {
    const r = '/srv/app/renderer'
    expect(resolveAppRequest('GET', 'app://keywarden/a/b.js', r)).toEqual({
      ok: true,
      file: '/srv/app/renderer/a/b.js',
    })
    expect(resolveAppRequest('GET', 'app://keywarden/', r)).toEqual({
      ok: true,
      file: '/srv/app/renderer/index.html',
    })
    expect(resolveAppRequest('GET', 'app://keywarden/a/%2e%2e/b.js', r)).toEqual({
      ok: true,
      file: '/srv/app/renderer/b.js',
    })
    expect(resolveAppRequest('GET', 'app://keywarden/..%2f..%2fx', r)).toMatchObject({
      ok: false,
      status: 403,
    })
    // A sibling whose name starts with the folder's is outside it.
    expect(resolveAppRequest('GET', 'app://keywarden/..%2frenderer2/x', r)).toMatchObject({
      ok: false,
    })
    expect(resolveAppRequest('GET', 'not a url', r)).toMatchObject({ ok: false, status: 400 })
  })

  it('names content types by extension', () => {
    expect(contentTypeFor('a.CSS')).toBe('text/css; charset=utf-8')
    expect(contentTypeFor('a.woff2')).toBe('font/woff2')
    expect(contentTypeFor('a.exe')).toBe('application/octet-stream')
  })
})
