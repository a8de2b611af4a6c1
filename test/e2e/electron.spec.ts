/**
 * The desktop app end to end: Playwright drives the real Electron build, each test with a fresh
 * data folder. Runs wherever an Electron binary is installed (CI's desktop workflow, a
 * developer's machine); elsewhere every test is skipped with one line that says why, and a
 * skipped test is reported as skipped, never as passed.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  _electron as electron,
  expect,
  test,
  type ElectronApplication,
  type Page,
} from '@playwright/test'
import { addKey, createVault, lock, openView, unlock } from './fixtures'

const ROOT = resolve(import.meta.dirname, '..', '..')
const WPT_KEY = 'A.0123456789abcdef0123456789abcdef'

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
      ? 'better-sqlite3 is not built for Electron (run `npm start -- --native-only`)'
      : null
// CI's desktop workflow sets this: there a missing binary must fail the run, not skip it.
if (missing && process.env.KEYWARDEN_REQUIRE_ELECTRON === '1')
  throw new Error(`electron.spec.ts cannot run: ${missing}`)
if (missing) console.log(`electron.spec.ts skipped: ${missing}`)

test.skip(missing !== null, missing ?? '')

let dataDir = ''
test.beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'kw-electron-'))
})
test.afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

function appEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  // A dev server URL from the shell would make the app load it instead of the build.
  delete env.ELECTRON_RENDERER_URL
  return { ...env, KEYWARDEN_DATA_DIR: dataDir, KEYWARDEN_TEST_KDF: 'fast' }
}

async function launch(): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({ executablePath: binary!, args: [ROOT], env: appEnv() })
  const page = await app.firstWindow()
  return { app, page }
}

/** Whether each window is visible, from the main process. */
function windowsVisible(app: ElectronApplication): Promise<boolean[]> {
  return app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((w) => w.isVisible()),
  )
}

test('desktop app: served from app://, unlock, add, reveal, copy and clipboard clear, lock', async () => {
  const { app, page } = await launch()
  try {
    // The page comes from our scheme, with the CSP as a header, and sees nothing of Node.
    expect(page.url()).toMatch(/^app:\/\/keywarden\//)
    const csp = await page.evaluate(async () =>
      (await fetch('app://keywarden/index.html')).headers.get('content-security-policy'),
    )
    expect(csp).toContain("default-src 'self'")
    expect(await page.evaluate(() => typeof (window as { keywarden?: object }).keywarden)).toBe(
      'object',
    )
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    )

    await createVault(page)
    await lock(page)
    expect(existsSync(join(dataDir, 'vault.kwdb'))).toBe(true)
    await unlock(page)

    // The shortest clipboard delay, so the clear is seen within the test.
    await openView(page, 'Settings')
    await page.getByLabel('Clear clipboard after (seconds)').fill('5')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect(page.getByRole('status')).toContainText('Settings saved.')

    await addKey(page, { provider: 'WebPageTest', name: 'ci-runner', key: WPT_KEY })
    await page.getByRole('option', { name: 'ci-runner' }).click()
    const value = page.getByLabel('Key value')
    await page.getByRole('button', { name: 'Reveal key' }).click()
    await expect(value).toHaveText(WPT_KEY)
    await page.getByRole('button', { name: 'Hide key' }).click()

    // Main copies (the page never holds the value for it) and takes it back after 5 s.
    await page.getByRole('button', { name: 'Copy key' }).click()
    const readClipboard = () => app.evaluate(({ clipboard }) => clipboard.readText())
    await expect.poll(readClipboard).toBe(WPT_KEY)
    await expect.poll(readClipboard, { timeout: 20_000 }).toBe('')

    await page.getByRole('button', { name: 'Reveal key' }).click()
    await lock(page)
    expect(await page.content()).not.toContain(WPT_KEY)

    // Nothing else may load in or out of the window.
    await page.evaluate(() => window.open('https://example.com'))
    await page.evaluate(() => {
      location.href = 'file:///etc/hosts'
    })
    await expect(page.getByRole('heading', { name: 'Unlock Keywarden' })).toBeVisible()
    expect(page.url()).toMatch(/^app:\/\/keywarden\//)
    expect(app.windows()).toHaveLength(1)
  } finally {
    await app.close()
  }
})

test('a reminder notification, and its click opens the key once unlocked', async () => {
  const { app, page } = await launch()
  try {
    const supported = await app.evaluate(({ Notification }) => Notification.isSupported())
    test.skip(!supported, 'this desktop has no notification service')
    // Record what the app shows (the OS notification itself cannot be read back).
    await app.evaluate(({ Notification }) => {
      const shown: InstanceType<typeof Notification>[] = []
      ;(globalThis as { kwShown?: unknown }).kwShown = shown
      const original = Notification.prototype.show
      Notification.prototype.show = function (this: InstanceType<typeof Notification>) {
        shown.push(this)
        return original.call(this)
      }
    })
    const shown = () =>
      app.evaluate(() =>
        ((globalThis as { kwShown?: { title: string; body: string }[] }).kwShown ?? []).map(
          (n) => `${n.title} | ${n.body}`,
        ),
      )

    await createVault(page)
    await openView(page, 'Add key')
    const form = page.getByRole('form', { name: 'Add a key' })
    await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
    await form.getByLabel('Name').fill('secret-project-x')
    await form.getByLabel('API key').fill('uspl_' + 'q'.repeat(40))
    // Issued 25 days ago with a 30-day lifetime: it expires in 5 days, inside the 7-day band.
    const issued = new Date(Date.now() - 25 * 86_400_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    await form.getByLabel('Expiration').selectOption({ label: '30 days' })
    await form
      .getByLabel('Issued on')
      .fill(`${issued.getFullYear()}-${pad(issued.getMonth() + 1)}-${pad(issued.getDate())}`)
    await form.getByRole('button', { name: 'Add key' }).click()
    await expect.poll(shown).toHaveLength(1)

    // Locked, away on another view: the click brings the window up at the unlock screen ...
    await openView(page, 'Settings')
    await lock(page)
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.hide())
    await app.evaluate(() =>
      (globalThis as { kwShown?: { emit(e: string): void }[] }).kwShown![0]!.emit('click'),
    )
    await expect.poll(() => windowsVisible(app)).toEqual([true])
    // ... and the key opens once the vault is unlocked.
    await unlock(page)
    await expect(page.getByRole('heading', { name: 'secret-project-x' })).toBeVisible()
  } finally {
    await app.close()
  }
})

test('closing keeps it in the tray, a second launch brings it back, Quit ends it', async () => {
  const { app, page } = await launch()
  let exited = false
  app.process().on('exit', () => {
    exited = true
  })
  try {
    await createVault(page)
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close())
    await expect.poll(() => windowsVisible(app)).toEqual([false])
    expect(exited).toBe(false)
    // The first close told the user, once, and remembered that it did.
    await expect.poll(() => existsSync(join(dataDir, 'electron', 'desktop.json'))).toBe(true)
    expect(readFileSync(join(dataDir, 'electron', 'desktop.json'), 'utf8')).toContain(
      '"trayNoticeShown":true',
    )

    // A second launch hands over to the first instance and leaves.
    const second = spawn(binary!, [ROOT], { env: appEnv(), stdio: 'ignore' })
    const code = await new Promise<number | null>((done) => second.on('exit', done))
    expect(code).toBe(0)
    await expect.poll(() => windowsVisible(app)).toEqual([true])

    // Quit (what the tray menu's Quit calls) ends the process, not just the window.
    await app.evaluate(({ app: electronApp }) => electronApp.quit())
    await expect.poll(() => exited, { timeout: 15_000 }).toBe(true)
  } finally {
    if (!exited) await app.close()
  }
})
