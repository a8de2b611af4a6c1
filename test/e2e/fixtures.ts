/**
 * End-to-end fixtures: the real browser-mode server (real vault, key server, reminders) in a
 * fresh temporary data folder per test, with the fast test KDF, and Chromium found from
 * KEYWARDEN_CHROMIUM, then /usr/bin/chromium, then Playwright's own.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { test as base, expect, type Page } from '@playwright/test'

const ROOT = resolve(import.meta.dirname, '../..')

/** The Chromium to drive: the env's choice, else the system's, else Playwright's own. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KEYWARDEN_CHROMIUM) return env.KEYWARDEN_CHROMIUM
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  return undefined
}

export interface AppServer {
  /** The launch URL, with the token in the fragment. */
  url: string
  origin: string
  dataDir: string
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      // The compiled entry point `npm run start:browser` runs (`npm run test:e2e` builds it).
      join(ROOT, 'dist-node/browser-mode/cli.mjs'),
      '--port',
      '0',
      '--data',
      dataDir,
      '--no-open',
    ],
    {
      cwd: ROOT,
      // The per-machine last-seen record goes in the test's folder, not the user's config.
      env: {
        ...process.env,
        KEYWARDEN_TEST_KDF: 'fast',
        KEYWARDEN_CONFIG_DIR: join(dataDir, 'config'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}): ${stderr}`))
    })
    lines.once('line', (line) => {
      clearTimeout(timer)
      const message = JSON.parse(line) as { event: string; url: string }
      if (message.event === 'listening') resolveUrl(message.url)
      else reject(new Error(`unexpected first line: ${line}`))
    })
  })
  return { child, url }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

export const PASSWORD = 'correct horse battery staple'

/** Fill a fresh data folder with a vault of `count` entries (password PASSWORD). */
function seedVault(dataDir: string, count: number): void {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/e2e/seed-vault.ts'), dataDir, String(count), PASSWORD],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
  )
}

export const test = base.extend<{
  /** Entries to seed into a vault before the server starts (0: no vault, the first-run screen). */
  seedEntries: number
  server: AppServer
  app: Page
  consoleProblems: string[]
}>({
  seedEntries: [0, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  launchOptions: async ({}, use) => {
    const executablePath = chromiumPath()
    await use({
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
  },
  server: async ({ seedEntries }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kw-e2e-'))
    if (seedEntries > 0) seedVault(dataDir, seedEntries)
    const { child, url } = await startServer(dataDir)
    try {
      await use({ url, origin: new URL(url).origin, dataDir })
    } finally {
      await stopServer(child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
  consoleProblems: async ({ page }, use) => {
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    await use(problems)
  },
  app: async ({ page, server, context, consoleProblems }, use) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin })
    await page.goto(server.url)
    await use(page)
    // A CSP violation or an uncaught error anywhere in a test is a failure of that test.
    expect(consoleProblems.filter((p) => !/401|Failed to load resource/.test(p))).toEqual([])
  },
})

export { expect }

/** Create a vault on a fresh app (the first screen). */
export async function createVault(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel('Master password').fill(password)
  await page.getByLabel('Confirm password').fill(password)
  await page.getByRole('button', { name: 'Create vault' }).click()
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible()
}

export interface KeyFields {
  provider: string
  name: string
  key: string
  secret?: string
  environment?: string
}

/** Switch views with the main navigation, as a user does (`name` is the button's name). */
export async function openView(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click()
}

/** Add a key through the Add form; waits until it is listed. */
export async function addKey(page: Page, fields: KeyFields): Promise<void> {
  await openView(page, 'Add key')
  await page.getByLabel('Provider').selectOption({ label: fields.provider })
  await page.getByLabel('Name').fill(fields.name)
  await page.getByLabel(fields.secret ? 'Key id' : 'API key').fill(fields.key)
  if (fields.secret) await page.getByLabel('Key secret').fill(fields.secret)
  if (fields.environment) await page.getByLabel('Environment').fill(fields.environment)
  await page
    .getByRole('form', { name: 'Add a key' })
    .getByRole('button', { name: 'Add key' })
    .click()
  await expect(page.getByRole('option', { name: fields.name })).toBeVisible()
}

export async function lock(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Lock' }).click()
  await expect(page.getByRole('heading', { name: 'Unlock Keywarden' })).toBeVisible()
}

export async function unlock(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel('Master password').fill(password)
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible()
}
