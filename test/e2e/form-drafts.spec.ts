/**
 * A half-filled form and the auto-lock: typing counts as activity in browser mode, and when a
 * lock does come, the form opens again after unlock with its non-secret fields and an empty key.
 */
import { createVault, expect, lock, openView, test, unlock } from './fixtures'

test('a form interrupted by a lock comes back after unlock, its key field empty', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Add key')
  const add = page.getByRole('form', { name: 'Add a key' })
  await add.getByLabel('Provider').selectOption({ label: 'Userplane' })
  await add.getByLabel('Name').fill('half-done')
  await add.getByLabel('API key').fill('uspl_' + 'k'.repeat(40))
  await add.getByLabel('Environment').fill('staging')
  await add.getByLabel('Notes').fill('ask ops first')

  await lock(page)
  expect(await page.content()).not.toContain('half-done')
  await unlock(page)
  await expect(add).toBeVisible()
  await expect(add.getByLabel('Provider')).toHaveValue('userplane')
  await expect(add.getByLabel('Name')).toHaveValue('half-done')
  await expect(add.getByLabel('Environment')).toHaveValue('staging')
  await expect(add.getByLabel('Notes')).toHaveValue('ask ops first')
  await expect(add.getByLabel('API key')).toHaveValue('')
  await expect(page.getByRole('status')).toContainText('paste them again')

  // Finish it, then the same for the rotate form: the chosen expiry stays, the new key does not.
  await add.getByLabel('API key').fill('uspl_' + 'k'.repeat(40))
  await add.getByLabel('Expiration').selectOption({ label: '30 days' })
  await add.getByRole('button', { name: 'Add key' }).click()
  await page.getByRole('option', { name: 'half-done' }).click()
  await page.getByRole('button', { name: 'Rotate' }).click()
  const rotate = page.getByRole('form', { name: 'Rotate key' })
  await rotate.getByLabel('Expiration').selectOption({ label: '7 days' })
  await rotate.getByLabel('New key', { exact: true }).fill('uspl_' + 'n'.repeat(40))
  await lock(page)
  await unlock(page)
  await expect(rotate).toBeVisible()
  await expect(rotate.getByLabel('Expiration')).toHaveValue('d7')
  await expect(rotate.getByLabel('New key', { exact: true })).toHaveValue('')

  // Leaving a form while unlocked forgets it: a later lock brings back nothing.
  await rotate.getByRole('button', { name: 'Cancel' }).click()
  await lock(page)
  await unlock(page)
  await expect(rotate).toHaveCount(0)
})

test('typing in a form holds off the idle auto-lock; idle afterwards locks, and the draft survives', async ({
  app: page,
}) => {
  // The shortest auto-lock is one minute, checked every 15 s: this test waits that long for real
  // (about 3 minutes), so it runs only when asked (KEYWARDEN_SLOW_E2E=1). The activity route and
  // the page's reporting are covered quickly by test/browser-mode/activity.test.ts and
  // test/renderer/activity.test.ts; the draft through a lock by the test above.
  test.skip(
    !process.env.KEYWARDEN_SLOW_E2E,
    'slow (real one-minute idle): set KEYWARDEN_SLOW_E2E=1',
  )
  test.setTimeout(240_000)
  await createVault(page)
  await openView(page, 'Settings')
  const settings = page.getByRole('form', { name: 'Settings' })
  await settings.getByLabel('Auto-lock after idle (minutes, 0 = never)').fill('1')
  await settings.getByRole('button', { name: 'Save settings' }).click()
  await expect(page.getByRole('status')).toHaveText('Settings saved.')

  await openView(page, 'Add key')
  const add = page.getByRole('form', { name: 'Add a key' })
  await add.getByLabel('Name').fill('typed-slowly')
  await add.getByLabel('API key').fill('A.' + '9'.repeat(32))
  const notes = add.getByLabel('Notes')
  await notes.click()
  // 90 s of slow typing, with no call to the server: past the one-minute idle limit.
  for (let i = 0; i < 9; i++) {
    await page.keyboard.type('x')
    await page.waitForTimeout(10_000)
  }
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible()
  await expect(notes).toHaveValue('x'.repeat(9))

  // Idle now: the auto-lock comes (one minute plus at most one 15 s check).
  await expect(page.getByRole('heading', { name: 'Unlock Keywarden' })).toBeVisible({
    timeout: 120_000,
  })
  await unlock(page)
  await expect(add.getByLabel('Name')).toHaveValue('typed-slowly')
  await expect(add.getByLabel('Notes')).toHaveValue('x'.repeat(9))
  await expect(add.getByLabel('API key')).toHaveValue('')
})
