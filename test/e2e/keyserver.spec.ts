import { createVault, expect, openView, test } from './fixtures'

test('issue a key from the local key server into the vault and check it: valid', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Key server')
  await page.getByRole('button', { name: 'Start key server' }).click()
  await expect(page.getByText('running')).toBeVisible()
  await page.getByLabel('Style').selectOption({ label: 'Userplane' })
  await page.getByLabel('Key name').fill('staging-replay')
  await page.getByLabel('Expires after').selectOption({ label: '7 days' })
  await page.getByRole('button', { name: 'Issue key' }).click()
  await expect(page.getByRole('status')).toContainText('Issued “staging-replay” into the vault')

  await openView(page, 'Keys')
  const row = page.getByRole('option', { name: 'staging-replay' })
  // 7 days less the moments since issue: whole days left are never rounded up.
  await expect(row).toContainText('expires in 6 days')
  await row.click()
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByRole('region', { name: 'Key details' })).toContainText('last check: valid')
  await expect(row).toContainText('valid')

  // Rotation of an issued key happens on the key server, and the new key is valid too.
  await page.getByRole('button', { name: 'Rotate' }).click()
  await page.getByRole('button', { name: 'Rotate on the local key server' }).click()
  await expect(page.getByRole('button', { name: /History \(1\)/ })).toBeVisible()
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByRole('status')).toContainText('Check: valid.')

  // The request log shows the validation requests live.
  await openView(page, 'Key server')
  await expect(page.getByRole('log', { name: 'Key server requests' })).toContainText('/userplane')
})
