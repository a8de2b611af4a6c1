/** An empty vault says what to do next with three buttons, and each one does it. */
import { createVault, expect, openView, test } from './fixtures'

test('the empty vault’s buttons add a key, import a file and start the key server', async ({
  app: page,
}) => {
  await createVault(page)
  const empty = page.getByRole('region', { name: 'No keys yet' })
  await expect(empty).toBeVisible()

  await empty.getByRole('button', { name: 'Add a key' }).click()
  await expect(page.getByRole('form', { name: 'Add a key' })).toBeVisible()

  await openView(page, 'Keys')
  await empty.getByRole('button', { name: 'Import a file' }).click()
  await expect(page.getByRole('heading', { level: 1, name: /Import/ })).toBeVisible()

  await openView(page, 'Keys')
  await empty.getByRole('button', { name: 'Start the key server' }).click()
  await expect(page.getByRole('heading', { name: 'Local key server' })).toBeVisible()
  await expect(page.getByText(/running/).first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Stop key server' })).toBeVisible()

  // Once it runs, the empty vault offers to open it instead of starting it again.
  await openView(page, 'Keys')
  await expect(empty.getByRole('button', { name: 'Open the key server' })).toBeVisible()
})
