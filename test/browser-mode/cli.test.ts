import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'

it('start:browser prints exactly one JSON line, serves the API, and stops cleanly on SIGTERM', async () => {
  const data = mkdtempSync(join(tmpdir(), 'kw-cli-'))
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/browser-mode/cli.ts', '--port', '0', '--data', data, '--no-open'],
    { env: { ...process.env, KEYWARDEN_TEST_KDF: 'fast' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (c: string) => (stdout += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  await expect.poll(() => stdout.includes('\n'), { timeout: 30_000 }).toBe(true)
  const line = JSON.parse(stdout.trim()) as { event: string; url: string }
  expect(line.event).toBe('listening')
  expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/)
  const [base, token] = line.url.split('#token=') as [string, string]
  const created = await fetch(`${base}api/call/vault.create`, {
    method: 'POST',
    headers: { 'x-keywarden-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'correct horse battery' }),
  })
  expect(await created.json()).toMatchObject({ ok: true, value: { unlocked: true } })
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
  expect(stdout.trim().split('\n')).toHaveLength(1)
  rmSync(data, { recursive: true, force: true })
})
