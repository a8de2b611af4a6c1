import { addKey, createVault, expect, lock, openView, test, unlock } from './fixtures'

const WPT_KEY = 'A.0123456789abcdef0123456789abcdef'
const BLAZE_ID = '0123456789abcdef01234567'
const BLAZE_SECRET = 'ab'.repeat(36)

test('add keys in several styles; a rule violation is shown as the provider words it', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, {
    provider: 'WebPageTest',
    name: 'ci-runner',
    key: WPT_KEY,
    environment: 'production',
  })
  await addKey(page, {
    provider: 'BlazeMeter',
    name: 'load-tests',
    key: BLAZE_ID,
    secret: BLAZE_SECRET,
  })

  // Userplane: the expiry is one of none/7/30/60/90, and the key must start with uspl_.
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
  await expect(form.getByLabel('Expiration').locator('option')).toHaveText([
    'No expiration',
    '7 days',
    '30 days',
    '60 days',
    '90 days',
  ])
  await form.getByLabel('Name').fill('session-replay')
  await form.getByLabel('API key').fill('sk_live_not_a_userplane_key')
  await form.getByLabel('Expiration').selectOption({ label: '30 days' })
  await form.getByRole('button', { name: 'Add key' }).click()
  // The error sits under the key field, tied to it, and says what to do.
  await expect(form.getByLabel('API key')).toHaveAccessibleDescription(/starts with uspl_/)
  await form.getByLabel('API key').fill('uspl_' + 'x'.repeat(40))
  await form.getByRole('button', { name: 'Add key' }).click()
  // 30 days less the moments since: whole days left are never rounded up.
  await expect(page.getByRole('option', { name: 'session-replay' })).toContainText(
    'expires in 29 days',
  )

  // Wellows: a project-level key needs a project id.
  await openView(page, 'Add key')
  await form.getByLabel('Provider').selectOption({ label: 'Wellows' })
  await form.getByLabel('Name').fill('seo-audit')
  await form.getByLabel('API key').fill('w'.repeat(40))
  await form.getByLabel('Key level').selectOption('project')
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(form.getByLabel('Project id')).toHaveAccessibleDescription(/project id/)
  await form.getByLabel('Project id').fill('42')
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByRole('option', { name: 'seo-audit' })).toBeVisible()

  // Search (server side) and the provider filter.
  const rows = page.getByRole('listbox', { name: 'Key list' }).getByRole('option')
  await page.getByLabel('Search keys').fill('load')
  await expect(rows).toHaveCount(1)
  await expect(page.getByRole('option', { name: 'load-tests' })).toBeVisible()
  await page.getByLabel('Search keys').fill('')
  await expect(rows).toHaveCount(4)
  await page.getByLabel('Filter by provider').selectOption({ label: 'Wellows' })
  await expect(rows).toHaveCount(1)
  await page.getByLabel('Filter by provider').selectOption('all')
  await page.getByLabel('Filter by status').selectOption({ label: 'Expiring within 30 days' })
  await expect(rows).toHaveText([/session-replay/])
})

test('reveal shows the key and hides it on lock; copy puts it on the clipboard', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, { provider: 'WebPageTest', name: 'ci-runner', key: WPT_KEY })
  await page.getByRole('option', { name: 'ci-runner' }).click()
  const value = page.getByLabel('Key value')
  await expect(value).toHaveText('A.0123…cdef')
  await page.getByRole('button', { name: 'Reveal key' }).click()
  await expect(value).toHaveText(WPT_KEY)
  await page.getByRole('button', { name: 'Hide key' }).click()
  await expect(value).toHaveText('A.0123…cdef')

  await page.getByRole('button', { name: 'Copy key' }).click()
  await expect(page.getByRole('status')).toContainText('Key copied. The clipboard clears in')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(WPT_KEY)

  await page.getByRole('button', { name: 'Reveal key' }).click()
  await expect(value).toHaveText(WPT_KEY)
  await lock(page)
  // Locking dropped the revealed value from the page and cleared our clipboard.
  await expect(page.getByText(WPT_KEY)).toHaveCount(0)
  expect(await page.content()).not.toContain(WPT_KEY)
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('')
  await unlock(page)
  await page.getByRole('option', { name: 'ci-runner' }).click()
  await expect(page.getByLabel('Key value')).toHaveText('A.0123…cdef')
})

test('BlazeMeter: key id and secret; rotate keeps the old key in history; delete asks first', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, {
    provider: 'BlazeMeter',
    name: 'load-tests',
    key: BLAZE_ID,
    secret: BLAZE_SECRET,
  })
  await page.getByRole('option', { name: 'load-tests' }).click()
  await page.getByRole('button', { name: 'Reveal secret' }).click()
  await expect(page.getByLabel('Secret value')).toHaveText(BLAZE_SECRET)

  await page.getByRole('button', { name: 'Rotate' }).click()
  const rotate = page.getByRole('form', { name: 'Rotate key' })
  // BlazeMeter keeps the key id: the field may stay empty and the id is not retyped.
  await expect(rotate.getByLabel('Key id')).toHaveValue('')
  await rotate.getByLabel('New secret').fill('cd'.repeat(36))
  await rotate.getByRole('button', { name: 'Save new key' }).click()
  await expect(page.getByRole('status')).toContainText('Rotated “load-tests”')
  // The panel refetched: the old revealed value is gone, the history has one entry.
  await expect(page.getByText(BLAZE_SECRET)).toHaveCount(0)
  await page.getByRole('button', { name: /History \(1\)/ }).click()
  await expect(page.getByRole('region', { name: 'Key history' }).getByRole('listitem')).toHaveCount(
    1,
  )
  await page.getByRole('button', { name: 'Reveal secret' }).click()
  await expect(page.getByLabel('Secret value')).toHaveText('cd'.repeat(36))
  await page.getByRole('button', { name: 'Reveal key id' }).click()
  await expect(page.getByLabel('Key id value')).toHaveText(BLAZE_ID)

  await page.getByRole('button', { name: 'Edit' }).click()
  const edit = page.getByRole('form', { name: 'Edit key' })
  await edit.getByLabel('Name').fill('load-tests-eu')
  await edit.getByLabel('Environment').fill('staging')
  await edit.getByLabel('Tags (comma-separated)').fill('perf, eu')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('heading', { name: 'load-tests-eu' })).toBeVisible()
  await expect(page.getByRole('option', { name: 'load-tests-eu' })).toContainText('staging')

  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await page.getByRole('button', { name: 'Delete permanently' }).click()
  await expect(page.getByRole('option', { name: 'load-tests-eu' })).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'No keys yet' })).toBeVisible()
})
