import { createVault, expect, lock, PASSWORD, test, unlock } from './fixtures'

test('create a vault: strength hint, mismatch refused, then the empty vault', async ({
  app: page,
}) => {
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()
  await page.getByLabel('Master password').fill('abc')
  await expect(page.getByText(/Strength: very weak/)).toBeVisible()
  await page.getByLabel('Master password').fill(PASSWORD)
  await expect(page.getByText(/Strength: (good|strong)/)).toBeVisible()
  await page.getByLabel('Confirm password').fill(PASSWORD + 'x')
  await page.getByRole('button', { name: 'Create vault' }).click()
  await expect(page.getByRole('alert')).toHaveText('The two passwords do not match.')
  await page.getByLabel('Confirm password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create vault' }).click()
  await expect(page.getByRole('heading', { name: 'No keys yet' })).toBeVisible()
  // The token left the address bar; a reload still works (it is kept for this tab only).
  expect(page.url()).not.toContain('token')
  await page.reload()
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible()
})

test('unlock: wrong password, then the back-off with its wait time, then the right one', async ({
  app: page,
}) => {
  await createVault(page)
  await lock(page)
  for (let i = 0; i < 3; i++) {
    await page.getByLabel('Master password').fill('not the password')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await expect(page.getByRole('alert')).toHaveText('The password is wrong.')
    await expect(page.getByRole('button', { name: 'Unlock' })).toBeEnabled()
  }
  await page.getByLabel('Master password').fill('still not it')
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByRole('alert')).toContainText(
    /Too many wrong passwords\. Try again in \d+ s\./,
  )
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeDisabled()
  // The wait is short at first (1 s); the button comes back by itself.
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeEnabled({ timeout: 5000 })
  await unlock(page)
})
