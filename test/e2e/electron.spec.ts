/**
 * The desktop app end to end: Playwright drives the real Electron build with a fresh data
 * folder, creates a vault and locks it. Runs where an Electron binary is installed; elsewhere
 * it is skipped and says why (the binary cannot always be downloaded).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

const ROOT = resolve(import.meta.dirname, '..', '..')
const PASSWORD = 'correct horse battery staple'

function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
const missing = !binary
  ? 'no Electron binary in node_modules/electron (run `node node_modules/electron/install.js` where its download host is reachable)'
  : !existsSync(join(ROOT, 'out', 'main', 'index.js'))
    ? 'the app is not built (run `npm run build`)'
    : !existsSync(join(ROOT, '.electron-native', 'better_sqlite3.node'))
      ? 'better-sqlite3 is not built for Electron (run `npx tsx src-main/launcher/start.ts --native-only`)'
      : null
if (missing) console.log(`electron.spec.ts skipped: ${missing}`)

test.skip(missing !== null, missing ?? '')

test('desktop app: open, create a vault, lock it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kw-electron-'))
  const app = await electron.launch({
    executablePath: binary!,
    args: [ROOT],
    env: { ...process.env, KEYWARDEN_DATA_DIR: dataDir, KEYWARDEN_TEST_KDF: 'fast' },
  })
  try {
    const page = await app.firstWindow()
    // The preload exposed the typed API and nothing of Node.
    expect(
      await page.evaluate(() => typeof (window as unknown as { keywarden?: object }).keywarden),
    ).toBe('object')
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    )
    await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()
    await page.getByLabel('Master password').fill(PASSWORD)
    await page.getByLabel('Confirm password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create vault' }).click()
    await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible()
    await page.getByRole('button', { name: 'Lock' }).click()
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeVisible()
    expect(existsSync(join(dataDir, 'vault.kwdb'))).toBe(true)
    // window.open is denied: no second window appears.
    await page.evaluate(() => window.open('https://example.com'))
    expect(app.windows()).toHaveLength(1)
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
