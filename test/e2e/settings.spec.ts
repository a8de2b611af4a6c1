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

  const thresholds = form.getByLabel('Remind before expiry (days)')
  await thresholds.fill('7, soon')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(thresholds).toHaveAccessibleDescription(/whole numbers of days/)

  // Each bad value is said under its own field, in our words (no browser bubble), live once left.
  const clipboard = form.getByLabel('Clear clipboard after (seconds)')
  await clipboard.fill('1')
  await thresholds.fill('14')
  await expect(thresholds).not.toHaveAttribute('aria-invalid', 'true')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(clipboard).toHaveAccessibleDescription(/whole number of seconds from 5 to 600/)
  await clipboard.fill('12')
  await expect(clipboard).not.toHaveAttribute('aria-invalid', 'true')
  const autoLock = form.getByLabel('Auto-lock after idle (minutes, 0 = never)')
  await autoLock.fill('5000')
  await autoLock.blur()
  await expect(autoLock).toHaveAccessibleDescription(/from 0 \(never\) to 1440/)
  await autoLock.fill('15')

  await page.reload()
  await openView(page, 'Settings')
  await expect(form.getByLabel('Clear clipboard after (seconds)')).toHaveValue('12')
  await expect(form.getByLabel('Remind before expiry (days)')).toHaveValue('60, 14, 3')

  await addKey(page, { provider: 'WebPageTest', name: 'ci', key: 'A.' + '1'.repeat(32) })
  await page.getByRole('option', { name: 'ci' }).click()
  await page.getByRole('button', { name: 'Copy key' }).click()
  await expect(page.getByRole('status')).toHaveText('Key copied. The clipboard clears in 12 s.')
})
