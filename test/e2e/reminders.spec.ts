import AxeBuilder from '@axe-core/playwright'
import { addKey, createVault, expect, lock, openView, test, unlock } from './fixtures'

function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

test('reminders: named while unlocked, a summary without names while locked', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
  await form.getByLabel('Name').fill('secret-project-x')
  await form.getByLabel('API key').fill('uspl_' + 'q'.repeat(40))
  // Issued 25 days ago with a 30-day lifetime: it expires in 5 days, past the 7-day threshold.
  await form.getByLabel('Expiration').selectOption({ label: '30 days' })
  await form.getByLabel('Issued on').fill(daysAgo(25))
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByRole('option', { name: 'secret-project-x' })).toBeVisible()
  await addKey(page, { provider: 'Other service', name: 'calm-key', key: 'plain-key-123-generic' })

  await openView(page, /Reminders/)
  // Grouped by band: the counts come with the summary, the rows with the band's page.
  await expect(page.getByRole('heading', { name: 'Expiring this week (1)' })).toBeVisible()
  const item = page.getByRole('listitem', { name: 'secret-project-x' })
  await expect(item).toBeVisible()
  await expect(item.getByRole('button', { name: 'Snooze 1 day' })).toBeVisible()
  await expect(item.getByRole('button', { name: 'Dismiss' })).toBeVisible()

  await lock(page)
  const locked = page.getByRole('region', { name: 'Due reminders' })
  await expect(locked).toContainText(/1 key/)
  await expect(page.getByText('secret-project-x')).toHaveCount(0)

  await unlock(page)
  await openView(page, /Reminders/)
  await item.getByRole('button', { name: 'Open' }).click()
  await expect(page.getByRole('heading', { name: 'secret-project-x' })).toBeVisible()
  await openView(page, /Reminders/)
  await item.getByRole('button', { name: 'Dismiss' }).click()
  await expect(item).toHaveCount(0)
  await expect(page.getByText('Nothing is due. All keys are in date.')).toBeVisible()
  await expect(page.getByRole('heading', { name: /Expiring this week/ })).toHaveCount(0)
})

test('reminders: a band of 60 shows 50 rows a page; dismiss on the second page updates both', async ({
  app: page,
}) => {
  await createVault(page)
  // Sixty keys expiring within the week, added through the app's own HTTP API (as the page does).
  await page.evaluate(async () => {
    const token = sessionStorage.getItem('keywarden.token')!
    for (let i = 0; i < 60; i++) {
      const response = await fetch('/api/call/entries.add', {
        method: 'POST',
        headers: { 'X-Keywarden-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          entry: {
            style: 'generic',
            name: `due-${String(i).padStart(2, '0')}`,
            credential: { key: `paging-test-key-${i}-000000` },
            expiresAt: Date.now() + 86_400_000 + i * 3_600_000,
          },
        }),
      })
      if (!response.ok) throw new Error(`entries.add: ${response.status}`)
    }
  })

  await openView(page, /Reminders/)
  const band = page.getByRole('region', { name: 'Expiring this week (60)' })
  await expect(band).toBeVisible()
  await expect(band.getByRole('listitem')).toHaveCount(50)
  await expect(band.getByRole('listitem').first()).toHaveAccessibleName('due-00')
  await expect(band.getByText('1–50 of 60')).toBeVisible()
  await expect(band.getByRole('button', { name: 'Previous 50' })).toBeDisabled()
  // The page controls pass axe too (the a11y suite sees bands too short to page).
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])

  await band.getByRole('button', { name: 'Next 50' }).click()
  await expect(band.getByText('51–60 of 60')).toBeVisible()
  await expect(band.getByRole('listitem')).toHaveCount(10)
  const last = band.getByRole('listitem', { name: 'due-59' })
  await last.getByRole('button', { name: 'Dismiss' }).click()
  await expect(last).toHaveCount(0)
  const smaller = page.getByRole('region', { name: 'Expiring this week (59)' })
  await expect(smaller.getByText('51–59 of 59')).toBeVisible()
  await expect(smaller.getByRole('listitem')).toHaveCount(9)

  await smaller.getByRole('button', { name: 'Previous 50' }).click()
  await expect(smaller.getByRole('listitem')).toHaveCount(50)
  await smaller
    .getByRole('listitem', { name: 'due-00' })
    .getByRole('button', { name: 'Snooze 1 day' })
    .click()
  const fewer = page.getByRole('region', { name: 'Expiring this week (58)' })
  await expect(fewer.getByText('1–50 of 58')).toBeVisible()
  // The row that moved up from the second page fills the first.
  await expect(fewer.getByRole('listitem').first()).toHaveAccessibleName('due-01')
  await expect(fewer.getByRole('listitem')).toHaveCount(50)
  await expect(fewer.getByRole('listitem', { name: 'due-50' })).toBeVisible()
})
