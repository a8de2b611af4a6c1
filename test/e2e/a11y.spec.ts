/**
 * Accessibility: axe-core on every screen and dialog, in light and in dark mode. A screen with
 * any violation fails the test, with the rule, the count and the first offending nodes.
 * The README's screenshots come from screenshots.spec.ts (KEYWARDEN_SHOTS=<folder>).
 */
import AxeBuilder from '@axe-core/playwright'
import { addKey, createVault, expect, lock, openView, test } from './fixtures'

interface Finding {
  screen: string
  rule: string
  nodes: number
  targets: string[]
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} mode`, () => {
    test.use({ colorScheme: scheme, viewport: { width: 1440, height: 900 } })

    test(`every screen passes axe (${scheme})`, async ({ app: page }) => {
      test.setTimeout(90_000)
      const findings: Finding[] = []
      const check = async (screen: string) => {
        // Let transitions (focus rings, notices) settle so colours are measured at rest.
        await page.waitForTimeout(50)
        const result = await new AxeBuilder({ page }).analyze()
        for (const v of result.violations)
          findings.push({
            screen,
            rule: v.id,
            nodes: v.nodes.length,
            targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          })
      }

      await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()
      await check('create')
      await createVault(page)
      await check('keys-empty')

      await openView(page, 'Add key')
      await page
        .getByRole('form', { name: 'Add a key' })
        .getByRole('button', { name: 'Add key' })
        .click()
      await expect(page.getByRole('alert').first()).toBeVisible()
      await check('add-errors')

      await addKey(page, {
        provider: 'Other service',
        name: 'billing-service',
        key: 'sk_live_abcdefghijklmnop1234',
        environment: 'production',
      })
      await addKey(page, {
        provider: 'WebPageTest',
        name: 'perf-runner',
        key: 'A.0123456789abcdef0123456789abcdef',
      })
      // A key that expires soon gives the reminders screen something to show.
      await openView(page, 'Add key')
      await page.getByLabel('Provider').selectOption({ label: 'Other service' })
      await page.getByLabel('Name').fill('expiring-soon')
      await page.getByLabel('API key').fill('sk_test_expiring_key_0123456789')
      const soon = new Date(Date.now() + 3 * 86_400_000)
      const pad = (n: number) => String(n).padStart(2, '0')
      await page
        .getByLabel('Expires on')
        .fill(`${soon.getFullYear()}-${pad(soon.getMonth() + 1)}-${pad(soon.getDate())}`)
      await page
        .getByRole('form', { name: 'Add a key' })
        .getByRole('button', { name: 'Add key' })
        .click()
      await expect(page.getByRole('option', { name: 'expiring-soon' })).toBeVisible()
      await check('detail')

      await page.getByRole('option', { name: 'billing-service' }).click()
      await page.getByRole('button', { name: 'Edit' }).click()
      await check('edit')
      await page.getByRole('button', { name: 'Rotate' }).click()
      await check('rotate')
      await page.getByRole('button', { name: 'History' }).click()
      await check('history')
      await page.getByRole('button', { name: 'Delete' }).click()
      await expect(page.getByRole('alertdialog')).toBeVisible()
      await check('delete-dialog')
      await page.getByRole('button', { name: 'Cancel' }).click()

      // Environment is searched too: only billing-service is in production.
      await page.getByLabel('Search keys').fill('production')
      await expect(page.getByRole('listbox', { name: 'Key list' }).getByRole('option')).toHaveCount(
        1,
      )
      await check('search')
      await page.getByLabel('Search keys').fill('')

      await openView(page, /Reminders/)
      await expect(page.getByRole('heading', { name: 'Reminders', level: 1 })).toBeVisible()
      await check('reminders')
      await openView(page, 'Key server')
      await expect(page.getByRole('heading', { name: 'Key server', level: 1 })).toBeVisible()
      await check('keyserver')
      // Running, with its namespaces, base URLs and an issued key's actions (Similarweb: toggle).
      await page.getByRole('button', { name: 'Start key server' }).click()
      await page.getByLabel('Style').selectOption({ label: 'Similarweb' })
      await page.getByLabel('Key name').fill('a11y-issued')
      await page.getByRole('button', { name: 'Issue key' }).click()
      await expect(page.getByRole('button', { name: 'Deactivate “a11y-issued”' })).toBeVisible()
      await page.getByRole('button', { name: 'Revoke “a11y-issued”' }).click()
      await check('keyserver-running')
      await page.getByRole('button', { name: 'Cancel' }).click()
      await openView(page, 'Import & export')
      await expect(page.getByRole('heading', { name: 'Import and export', level: 1 })).toBeVisible()
      await page.getByLabel('File to import').setInputFiles({
        name: 'keys.env',
        mimeType: 'text/plain',
        buffer: Buffer.from('PERF_WPT_KEY=A.00112233445566778899aabbccddeeff\nEMPTY=\n'),
      })
      await expect(page.getByLabel('Style of PERF_WPT_KEY')).toBeVisible()
      await check('import-preview')
      await page.getByRole('button', { name: 'Import 1 key' }).click()
      await expect(page.getByRole('status').filter({ hasText: 'Imported 1 key' })).toBeVisible()
      await check('import-done')
      await openView(page, 'Audit log')
      await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible()
      await page.getByRole('button', { name: 'Verify the chain' }).click()
      await expect(page.getByText(/The audit log is intact/)).toBeVisible()
      await check('audit')
      await openView(page, 'Settings')
      await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
      await check('settings')

      await lock(page)
      await check('locked')
      await page.getByLabel('Master password').fill('not the password')
      await page.getByRole('button', { name: 'Unlock' }).click()
      await expect(page.getByRole('alert')).toBeVisible()
      await check('unlock-error')

      const total = findings.reduce((n, f) => n + f.nodes, 0)
      console.log(
        `axe (${scheme}): ${total} violating nodes` +
          findings
            .map((f) => `\n  ${f.screen}: ${f.rule} ×${f.nodes} ${f.targets.join(' | ')}`)
            .join(''),
      )
      expect(findings).toEqual([])
    })
  })
}
