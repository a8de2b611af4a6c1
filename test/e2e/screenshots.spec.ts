/**
 * The README's screenshots: every screen and dialog, in light and dark mode, at 900×700 and
 * 1440×900, over a realistic vault (about 25 keys across the five providers and generic ones,
 * some expired, some expiring this week). Writes PNGs only when KEYWARDEN_SHOTS names a folder,
 * and is skipped otherwise so `npm test` does not pay for it:
 *   KEYWARDEN_SHOTS=docs/screenshots npx playwright test test/e2e/screenshots.spec.ts
 * (after `npm run build`). With pngquant on the PATH the files are quantised to a third.
 * Each shot is also checked with axe, so a screen that only shows with real data stays clean.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { createVault, expect, lock, openView, test } from './fixtures'

const SHOTS = process.env.KEYWARDEN_SHOTS
const SIZES = [
  { width: 1440, height: 900 },
  { width: 900, height: 700 },
] as const
const DAY = 86_400_000

test.skip(!SHOTS, 'set KEYWARDEN_SHOTS=<folder> to write the screenshots')

/** Call the app's API from the page, with the page's own session token. */
async function call<T = unknown>(page: Page, name: string, input: unknown = {}): Promise<T> {
  const result = await page.evaluate(
    async ({ name, input }) => {
      const response = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Keywarden-Token': sessionStorage.getItem('keywarden.token') ?? '',
        },
        body: JSON.stringify(input),
      })
      return (await response.json()) as { ok: boolean; value?: unknown; error?: unknown }
    },
    { name, input },
  )
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.error)}`)
  return result.value as T
}

const hex = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 16).toString(16)).join('')
const b62 = (n: number, seed: number) =>
  Array.from(
    { length: n },
    (_, i) => 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'[(i * 11 + seed * 5) % 57],
  ).join('')

/** A vault a small platform team might keep: every provider, a few problems to notice. */
function showcase(now: number): Record<string, unknown>[] {
  const ago = (days: number) => now - days * DAY
  const ahead = (days: number) => now + days * DAY
  return [
    // WebPageTest: any expiry.
    {
      style: 'webpagetest',
      name: 'perf-ci-runner',
      credential: { key: 'A.' + hex(32, 1) },
      environment: 'production',
      scope: { account: 'perf-team' },
      tags: ['ci', 'performance'],
      lastRotatedAt: ago(85),
      expiresAt: ahead(5),
    },
    {
      style: 'webpagetest',
      name: 'lighthouse-nightly',
      credential: { key: 'A.' + hex(32, 2) },
      environment: 'staging',
      scope: { account: 'perf-team' },
      lastRotatedAt: ago(20),
      expiresAt: ahead(160),
    },
    {
      style: 'webpagetest',
      name: 'marketing-site-audits',
      credential: { key: 'A.' + hex(32, 3) },
      environment: 'production',
      scope: { account: 'growth' },
      lastRotatedAt: ago(190),
      expiresAt: ago(4),
    },
    // Similarweb: keys never expire; a rotation policy makes one due.
    {
      style: 'similarweb',
      name: 'traffic-dashboard',
      credential: { key: hex(32, 4) },
      environment: 'production',
      scope: { account: 'ana@acme.dev', apiType: 'rest' },
      tags: ['analytics'],
      lastRotatedAt: ago(30),
    },
    {
      style: 'similarweb',
      name: 'batch-exports',
      credential: { key: hex(32, 5) },
      environment: 'production',
      scope: { account: 'ana@acme.dev', apiType: 'batch' },
      rotationPolicyDays: 90,
      lastRotatedAt: ago(104),
    },
    {
      style: 'similarweb',
      name: 'competitor-research',
      credential: { key: hex(32, 6) },
      environment: 'staging',
      scope: { account: 'li@acme.dev', apiType: 'rest' },
      lastRotatedAt: ago(12),
    },
    // Userplane: 7, 30, 60 or 90 days, or none.
    {
      style: 'userplane',
      name: 'session-replay-web',
      credential: { key: 'uspl_' + b62(40, 7) },
      environment: 'production',
      scope: { account: 'maria' },
      tags: ['frontend'],
      lastRotatedAt: ago(25),
      expiresAt: ago(25) + 30 * DAY,
    },
    {
      style: 'userplane',
      name: 'support-widget',
      credential: { key: 'uspl_' + b62(40, 8) },
      environment: 'production',
      scope: { account: 'maria' },
      lastRotatedAt: ago(10),
      expiresAt: ago(10) + 90 * DAY,
    },
    {
      style: 'userplane',
      name: 'recordings-export',
      credential: { key: 'uspl_' + b62(40, 9) },
      environment: 'staging',
      scope: { account: 'devon' },
      lastRotatedAt: ago(40),
      expiresAt: ago(10),
    },
    {
      style: 'userplane',
      name: 'qa-sandbox',
      credential: { key: 'uspl_' + b62(40, 10) },
      environment: 'development',
      scope: { account: 'devon' },
      lastRotatedAt: ago(3),
    },
    // Wellows: user- or project-level.
    {
      style: 'wellows',
      name: 'crawler-project-12',
      credential: { key: b62(40, 11) },
      environment: 'production',
      scope: { account: 'seo', level: 'project', projectId: 12 },
      lastRotatedAt: ago(50),
      expiresAt: ahead(2),
    },
    {
      style: 'wellows',
      name: 'seo-reports',
      credential: { key: b62(40, 12) },
      environment: 'production',
      scope: { account: 'seo', level: 'user' },
      lastRotatedAt: ago(15),
      expiresAt: ahead(38),
    },
    {
      style: 'wellows',
      name: 'rank-tracker-dev',
      credential: { key: b62(40, 13) },
      environment: 'development',
      scope: { account: 'seo', level: 'project', projectId: 31 },
      lastRotatedAt: ago(5),
      status: 'disabled',
    },
    // BlazeMeter: key id and secret.
    {
      style: 'blazemeter',
      name: 'load-tests-ci',
      credential: { key: hex(24, 14), secret: hex(72, 14) },
      environment: 'ci',
      scope: { account: 'qa' },
      tags: ['ci', 'load'],
      lastRotatedAt: ago(60),
      expiresAt: ahead(120),
    },
    {
      style: 'blazemeter',
      name: 'soak-weekend',
      credential: { key: hex(24, 15), secret: hex(72, 15) },
      environment: 'staging',
      scope: { account: 'qa' },
      lastRotatedAt: ago(70),
      expiresAt: ahead(6),
    },
    // Any other service.
    {
      style: 'generic',
      name: 'stripe-billing',
      credential: { key: 'sk_live_' + b62(24, 16) },
      environment: 'production',
      scope: { account: 'payments' },
      tags: ['billing'],
      notes: 'Restricted key: charges and refunds only.',
      rotationPolicyDays: 180,
      lastRotatedAt: ago(40),
    },
    {
      style: 'generic',
      name: 'github-actions-deploy',
      credential: { key: 'ghp_' + b62(36, 17) },
      environment: 'ci',
      lastRotatedAt: ago(80),
      expiresAt: ahead(10),
    },
    {
      style: 'generic',
      name: 'sendgrid-transactional',
      credential: { key: 'SG.' + b62(40, 18) },
      environment: 'production',
      lastRotatedAt: ago(200),
      rotationPolicyDays: 180,
    },
    {
      style: 'generic',
      name: 'sentry-releases',
      credential: { key: 'sntrys_' + b62(32, 19) },
      environment: 'ci',
      lastRotatedAt: ago(33),
    },
    {
      style: 'generic',
      name: 'openai-support-bot',
      credential: { key: 'sk-proj-' + b62(40, 20) },
      environment: 'production',
      scope: { account: 'support' },
      lastRotatedAt: ago(14),
      expiresAt: ahead(76),
    },
    {
      style: 'generic',
      name: 'datadog-metrics',
      credential: { key: hex(32, 21) },
      environment: 'production',
      lastRotatedAt: ago(90),
      expiresAt: ahead(270),
    },
    {
      style: 'generic',
      name: 'aws-s3-backups',
      credential: { key: 'AKIA' + b62(16, 22).toUpperCase() },
      environment: 'production',
      tags: ['backups'],
      lastRotatedAt: ago(400),
      expiresAt: ago(1),
    },
    {
      style: 'generic',
      name: 'twilio-sms-alerts',
      credential: { key: 'SK' + hex(32, 23) },
      environment: 'production',
      lastRotatedAt: ago(170),
      expiresAt: ahead(3),
    },
    {
      style: 'generic',
      name: 'mapbox-tiles',
      credential: { key: 'pk.' + b62(60, 24) },
      environment: 'production',
      lastRotatedAt: ago(8),
    },
    {
      style: 'generic',
      name: 'slack-incident-webhook',
      credential: { key: 'xoxb-' + hex(40, 25) },
      environment: 'production',
      lastRotatedAt: ago(22),
      expiresAt: ahead(45),
    },
  ]
}

/**
 * Quantise a screenshot in place with pngquant where it is installed (a third of the size, no
 * visible change on flat UI colours); without it the full PNG stays.
 */
function shrink(path: string): void {
  try {
    execFileSync('pngquant', [
      '--quality=80-95',
      '--speed=1',
      '--strip',
      '--force',
      '-o',
      path,
      path,
    ])
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ app: page }) => {
    test.setTimeout(240_000)
    const findings: string[] = []
    await page.emulateMedia({ colorScheme: scheme })
    const shot = async (name: string, prepare?: () => Promise<void>) => {
      for (const size of SIZES) {
        await page.setViewportSize(size)
        await prepare?.()
        // Let layout, fonts and transitions settle before the picture and the axe run.
        await page.waitForTimeout(150)
        await page.mouse.move(0, 0)
        const result = await new AxeBuilder({ page }).analyze()
        for (const v of result.violations)
          findings.push(`${name} ${size.width}: ${v.id} ×${v.nodes.length}`)
        mkdirSync(SHOTS!, { recursive: true })
        const path = join(SHOTS!, `${name}-${scheme}-${size.width}x${size.height}.png`)
        await page.screenshot({ path })
        shrink(path)
      }
    }

    await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()
    await shot('create')
    await createVault(page)
    await shot('empty-vault')

    const now = Date.now()
    const added: { id: string; name: string }[] = []
    for (const entry of showcase(now)) added.push(await call(page, 'entries.add', { entry }))
    // Two rotations give the history panel something to list.
    const stripe = added.find((e) => e.name === 'stripe-billing')!
    for (const seed of [40, 41])
      await call(page, 'entries.rotate', {
        id: stripe.id,
        credential: { key: 'sk_live_' + b62(24, seed) },
      })
    await page.reload()
    await openView(page, 'Keys')
    const list = page.getByRole('listbox', { name: 'Key list' })
    await expect(list.getByRole('option').first()).toBeVisible()
    await shot('keys-no-selection')
    await list.getByRole('option', { name: /perf-ci-runner/ }).click()
    await shot('keys')
    await list.getByRole('option', { name: /load-tests-ci/ }).click()
    await shot('detail')
    await page.getByLabel('Search keys').fill('prod')
    await expect(page.getByText(/matching “prod”/)).toBeVisible()
    await shot('search')
    await page.getByLabel('Search keys').fill('')

    await list.getByRole('option', { name: /stripe-billing/ }).click()
    await page.getByRole('button', { name: 'Edit' }).click()
    await shot('edit')
    await page.getByRole('button', { name: 'Rotate' }).click()
    await shot('rotate')
    await page.getByRole('button', { name: 'History' }).click()
    await shot('history')
    await page.getByRole('button', { name: 'Delete' }).click()
    await expect(page.getByRole('alertdialog')).toBeVisible()
    await shot('delete-dialog')
    await page.getByRole('button', { name: 'Cancel' }).click()

    await openView(page, 'Add key')
    const form = page.getByRole('form', { name: 'Add a key' })
    await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
    await form.getByLabel('Name').fill('checkout-recorder')
    await form.getByLabel('API key').fill('sk_live_not_a_userplane_key')
    await form.getByLabel('API key').blur()
    await expect(form.getByLabel('API key')).toHaveAttribute('aria-invalid', 'true')
    await shot('add')

    await openView(page, /Reminders/)
    await expect(page.getByRole('heading', { name: 'Reminders', level: 1 })).toBeVisible()
    await shot('reminders')

    await openView(page, 'Key server')
    await expect(page.getByRole('heading', { name: 'Key server', level: 1 })).toBeVisible()
    await shot('keyserver-stopped')
    await page.getByRole('button', { name: 'Start key server' }).click()
    await expect(page.getByRole('button', { name: 'Stop key server' })).toBeVisible()
    const issued = await call<{ id: string }>(page, 'keyserver.issue', {
      style: 'webpagetest',
      name: 'local-wpt',
      expiresInDays: 30,
    })
    await call(page, 'keyserver.issue', { style: 'userplane', name: 'local-userplane' })
    const { value: key } = await call<{ value: string }>(page, 'entries.reveal', {
      id: issued.id,
      field: 'key',
    })
    const status = await call<{ url: string }>(page, 'keyserver.status')
    // A few requests for the log, from outside the page as a client's would be: good and bad
    // keys, three providers.
    const base = status.url.replace(/\/$/, '')
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(base + path, { headers }).then((r) => r.arrayBuffer())
    await get('/webpagetest/testBalance.php', { 'X-WPT-API-KEY': key })
    await get('/webpagetest/runtest.php?url=https://example.com&f=json', { 'X-WPT-API-KEY': key })
    await get('/webpagetest/testBalance.php', { 'X-WPT-API-KEY': 'A.0000' })
    await get('/userplane/api/v1/public/me')
    await get('/similarweb/capabilities?api_key=nope')
    await page.reload()
    await openView(page, 'Key server')
    await expect(page.getByRole('button', { name: 'Revoke “local-wpt”' })).toBeVisible()
    await shot('keyserver', () => page.locator('main').evaluate((m) => m.scrollTo(0, 0)))
    await page.getByRole('button', { name: 'Revoke “local-wpt”' }).click()
    await shot('keyserver-revoke-dialog', () =>
      page.getByRole('button', { name: /Confirm revoke/ }).scrollIntoViewIfNeeded(),
    )
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('button', { name: 'Reset namespace' }).click()
    await shot('keyserver-reset-dialog', () =>
      page.getByRole('button', { name: /Confirm reset/ }).scrollIntoViewIfNeeded(),
    )
    await page.getByRole('button', { name: 'Cancel' }).click()

    await openView(page, 'Import & export')
    await expect(page.getByRole('heading', { name: 'Import and export', level: 1 })).toBeVisible()
    await shot('import')
    await page.getByLabel('File to import').setInputFiles({
      name: 'team.env',
      mimeType: 'text/plain',
      buffer: Buffer.from(
        [
          `PERF_WPT_KEY=A.${hex(32, 30)}`,
          `USERPLANE_TOKEN=uspl_${b62(40, 31)}`,
          `STRIPE_KEY=sk_test_${b62(24, 32)}`,
          'EMPTY=',
        ].join('\n') + '\n',
      ),
    })
    await expect(page.getByLabel('Style of PERF_WPT_KEY')).toBeVisible()
    await shot('import-preview')

    await openView(page, 'Audit log')
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible()
    await page.getByRole('button', { name: 'Verify the chain' }).click()
    await expect(page.getByText(/The audit log is intact/)).toBeVisible()
    await shot('audit')
    await openView(page, 'Settings')
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
    await shot('settings')

    await lock(page)
    await shot('locked')
    await page.getByLabel('Master password').fill('not the password')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByRole('alert')).toBeVisible()
    await shot('unlock-error')

    console.log(
      `axe (${scheme}, screenshots): ${findings.length} violations\n  ${findings.join('\n  ')}`,
    )
    expect(findings).toEqual([])
  })
}
