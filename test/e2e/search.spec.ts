/**
 * Search covers name, environment, owner, tags and notes, and marks the matched part; a match
 * in a tag or the notes (which a row does not show) brings that text into the row.
 */
import { addKey, createVault, expect, openView, test } from './fixtures'

test('search finds a key by name, environment, owner, tag or notes, the match marked', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, {
    provider: 'Other service',
    name: 'billing-service',
    key: 'sk_live_search_0123456789',
    environment: 'production',
  })
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
  await form.getByLabel('Name').fill('growth-dash')
  await form.getByLabel('API key').fill('uspl_' + 'a'.repeat(40))
  await form.getByLabel('Owner (user)').fill('alice@example.com')
  await form.getByLabel('Tags (comma-separated)').fill('marketing, quarterly')
  await form
    .getByLabel('Notes')
    .fill('Rotates on the first Monday of each month via the ops runbook')
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByRole('option', { name: /growth-dash/ })).toBeVisible()

  const search = page.getByLabel('Search keys')
  const rows = page.getByRole('listbox', { name: 'Key list' }).getByRole('option')
  const cases: [string, string, RegExp][] = [
    ['BILLING', 'billing-service', /billing-service/],
    ['product', 'billing-service', /production/],
    ['Alice@', 'growth-dash', /alice@example\.com/],
    ['quarter', 'growth-dash', /tag: quarterly/],
    ['RUNBOOK', 'growth-dash', /notes: .*runbook/],
  ]
  for (const [query, name, shows] of cases) {
    await search.fill(query)
    await expect(rows).toHaveCount(1)
    await expect(rows.first()).toContainText(name)
    await expect(rows.first()).toContainText(shows)
    // The matched part is marked, in the case it is written in.
    await expect(rows.first().locator('mark')).toHaveText(new RegExp(`^${query}$`, 'i'))
  }
  await search.fill('nothing-like-this')
  await expect(page.getByText('Nothing matches.')).toBeVisible()
  await search.press('Escape')
  await expect(rows).toHaveCount(2)
})
