import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reason, withoutNodedir } from '../../src-main/launcher/start'
import { LAUNCHER_ENTRY } from '../helpers/node-entry'

describe('npm start helpers', () => {
  it('says a failed download in words, and otherwise names the error line, not a stack frame', () => {
    expect(
      reason('RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.x (y.js:1:1)'),
    ).toBe('no network route to the download host')
    // Electron 45's installer (fetch): only "fetch failed" and frames.
    expect(
      reason('TypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13'),
    ).toBe('no network route to the download host')
    expect(
      reason(
        'gyp info ok\ngyp ERR! stack Error: `make` failed with exit code: 2\n    at x (y:1:1)\n',
      ),
    ).toBe('gyp ERR! stack Error: `make` failed with exit code: 2')
    expect(reason('')).toBe('')
  })

  it('drops a nodedir setting so node-gyp fetches Electron headers, not Node ones', () => {
    expect(
      withoutNodedir({ npm_config_nodedir: '/x', NPM_CONFIG_NODEDIR: '/y', PATH: '/bin' }),
    ).toEqual({
      PATH: '/bin',
    })
  })
})

it('npm start falls back to browser mode with one line saying why and the URL to open', async () => {
  const data = mkdtempSync(join(tmpdir(), 'kw-start-'))
  const child = spawn(
    process.execPath,
    [LAUNCHER_ENTRY, '--browser', '--no-open', '--data', data],
    { env: { ...process.env, KEYWARDEN_TEST_KDF: 'fast' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await expect.poll(() => stderr.includes('in your browser'), { timeout: 60_000 }).toBe(true)
  const { url } = JSON.parse(stdout.trim()) as { url: string }
  const lines = stderr.split('\n').filter((l) => l.startsWith('Keywarden:'))
  expect(lines[0]).toBe('Keywarden: starting in browser mode because browser mode was asked for.')
  expect(lines.at(-1)).toBe(`Keywarden: open ${url} in your browser.`)
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
  rmSync(data, { recursive: true, force: true })
})
