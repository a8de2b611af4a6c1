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

test('the key server view: status, namespaces with base URLs, issued keys and their actions', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Key server')
  await expect(page.locator('.ks-status')).toContainText('stopped')

  // Issuing starts the server on its own: the view must say so without being reopened.
  await page.getByLabel('Style').selectOption({ label: 'Similarweb' })
  await page.getByLabel('Key name').fill('traffic-report')
  await page.getByRole('button', { name: 'Issue key' }).click()
  await expect(page.getByRole('status')).toContainText('Issued “traffic-report” into the vault')
  await expect(page.locator('.ks-status')).toContainText('running')

  // The issued key, held in the vault, with Similarweb's activation toggle.
  const keys = page.getByRole('table', { name: /Issued keys in “default”/ })
  const row = keys.getByRole('row', { name: /traffic-report/ })
  await expect(row).toContainText('in vault')
  await expect(row).toContainText('active')
  await row.getByRole('button', { name: 'Deactivate “traffic-report”' }).click()
  await expect(row).toContainText('disabled')
  await row.getByRole('button', { name: 'Activate “traffic-report”' }).click()
  await expect(row).toContainText('active')

  // Rotation on the server; the vault entry follows (it gains a history item).
  await row.getByRole('button', { name: 'Rotate “traffic-report”' }).click()
  await expect(page.getByRole('status')).toContainText(
    'Rotated “traffic-report”; its vault entry follows.',
  )
  // Similarweb issues a new key: the live one is listed first, the old one is marked replaced.
  const live = keys.getByRole('row', { name: /traffic-report/ }).first()
  await expect(live).toContainText('active')
  await expect(keys).toContainText('replaced')

  // Revoke asks for a second click; the vault entry is marked revoked.
  await live.getByRole('button', { name: 'Revoke “traffic-report”' }).click()
  await live.getByRole('button', { name: 'Confirm revoke of “traffic-report”' }).click()
  await expect(page.getByRole('status')).toContainText('Revoked “traffic-report”')
  await expect(live).toContainText('revoked')
  await openView(page, 'Keys')
  await expect(page.getByRole('option', { name: 'traffic-report' })).toContainText('revoked')
  // A check reaches the provider, which refuses the revoked key (and the log records it).
  await page.getByRole('option', { name: 'traffic-report' }).click()
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByRole('region', { name: 'Key details' })).toContainText(
    'last check: invalid',
  )

  // A namespace of its own: created, selected, its base URLs copyable, then deleted.
  await openView(page, 'Key server')
  await page.getByLabel('New namespace').fill('ci-7')
  await page.getByRole('button', { name: 'Create namespace' }).click()
  await expect(page.getByLabel('Namespace shown')).toHaveValue('ci-7')
  await expect(page.getByRole('textbox', { name: 'Userplane', exact: true })).toHaveValue(
    /\/ns\/ci-7\/userplane$/,
  )
  await page.getByRole('button', { name: 'Copy Userplane base URL' }).click()
  await expect(page.getByRole('status')).toContainText(/Copied the Userplane base URL|Copy failed/)
  await expect(page.getByText('No keys in this namespace yet.')).toBeVisible()
  await page.getByRole('button', { name: 'Delete namespace' }).click()
  await page.getByRole('button', { name: 'Confirm delete of “ci-7”' }).click()
  await expect(page.getByLabel('Namespace shown')).toHaveValue('default')
  await expect(page.getByRole('option', { name: 'ci-7' })).toHaveCount(0)

  // The log names each request's namespace.
  const log = page.getByRole('log', { name: 'Key server requests' })
  await expect(log).toContainText('default')
  await expect(log.getByRole('columnheader', { name: 'Fault' })).toBeVisible()
})
