import { addKey, createVault, expect, lock, test, unlock } from './fixtures'

const FIRST = 'A.0123456789abcdef0123456789abcdef'
const SECOND = 'A.1111111111abcdef0123456789abcdef'
const THIRD = 'A.2222222222abcdef0123456789abcdef'

test('history: reveal and copy a previous key; hidden again after 30 s and on lock', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, { provider: 'WebPageTest', name: 'ci-runner', key: FIRST })
  await page.getByRole('option', { name: 'ci-runner' }).click()
  for (const next of [SECOND, THIRD]) {
    await page.getByRole('button', { name: 'Rotate' }).click()
    const rotate = page.getByRole('form', { name: 'Rotate key' })
    await rotate.getByLabel('New key', { exact: true }).fill(next)
    await rotate.getByRole('button', { name: 'Save new key' }).click()
    await expect(page.getByRole('status')).toContainText('Rotated “ci-runner”')
  }
  await page.getByRole('button', { name: /History \(2\)/ }).click()
  const history = page.getByRole('region', { name: 'Key history' })
  await expect(history.getByRole('listitem')).toHaveCount(2)

  // Newest first: previous key 1 is the second key, previous key 2 the first.
  const oldest = history.getByLabel('Previous key 2 value')
  await expect(oldest).toHaveText('A.0123…cdef')
  await history.getByRole('button', { name: 'Reveal previous key 2' }).click()
  await expect(oldest).toHaveText(FIRST)
  await history.getByRole('button', { name: 'Reveal previous key 1' }).click()
  await expect(history.getByLabel('Previous key 1 value')).toHaveText(SECOND)
  await history.getByRole('button', { name: 'Hide previous key 1' }).click()
  await expect(history.getByLabel('Previous key 1 value')).not.toHaveText(SECOND)
  // The current key is not revealed by any of this.
  await expect(page.getByLabel('Key value', { exact: true })).not.toHaveText(THIRD)

  await history.getByRole('button', { name: 'Copy previous key 1' }).click()
  await expect(page.getByRole('status')).toContainText('Previous key 1 copied.')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SECOND)

  // A value revealed now is hidden after 30 s without a click.
  await page.clock.install()
  await history.getByRole('button', { name: 'Reveal previous key 1' }).click()
  await expect(history.getByLabel('Previous key 1 value')).toHaveText(SECOND)
  await page.clock.fastForward(31_000)
  await expect(history.getByLabel('Previous key 1 value')).not.toHaveText(SECOND)

  // And a revealed previous key goes with the lock.
  await expect(oldest).toHaveText(FIRST)
  await lock(page)
  await expect(page.getByText(FIRST)).toHaveCount(0)
  expect(await page.content()).not.toContain(FIRST)
  await unlock(page)
  await page.getByRole('option', { name: 'ci-runner' }).click()
  await page.getByRole('button', { name: /History \(2\)/ }).click()
  await expect(page.getByLabel('Previous key 2 value')).toHaveText('A.0123…cdef')
})
