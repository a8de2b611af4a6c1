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
