import { addKey, createVault, expect, openView, test } from './fixtures'

test('settings are saved, kept across a reload, and used (clipboard delay); bad values refused', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Settings')
  const form = page.getByRole('form', { name: 'Settings' })
  await form.getByLabel('Clear clipboard after (seconds)').fill('12')
  await form.getByLabel('Remind before expiry (days)').fill('14, 60, 3')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(page.getByRole('status')).toHaveText('Settings saved.')

  await form.getByLabel('Remind before expiry (days)').fill('7, soon')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(form.getByRole('alert')).toContainText('whole numbers of days')

  await form.getByLabel('Clear clipboard after (seconds)').fill('1')
  await form.getByLabel('Remind before expiry (days)').fill('14')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(form.getByRole('alert')).toBeVisible()

  await page.reload()
  await openView(page, 'Settings')
  await expect(form.getByLabel('Clear clipboard after (seconds)')).toHaveValue('12')
  await expect(form.getByLabel('Remind before expiry (days)')).toHaveValue('60, 14, 3')

  await addKey(page, { provider: 'WebPageTest', name: 'ci', key: 'A.' + '1'.repeat(32) })
  await page.getByRole('option', { name: 'ci' }).click()
  await page.getByRole('button', { name: 'Copy key' }).click()
  await expect(page.getByRole('status')).toHaveText('Key copied. The clipboard clears in 12 s.')
})
