import { addKey, createVault, expect, test } from './fixtures'

const KEY = 'A.fedcba9876543210fedcba9876543210'

test('a lock from elsewhere (idle, another window) drops the revealed key and shows unlock', async ({
  app: page,
  server,
  request,
}) => {
  await createVault(page)
  await addKey(page, { provider: 'WebPageTest', name: 'ci-runner', key: KEY })
  await page.getByRole('option', { name: 'ci-runner' }).click()
  await page.getByRole('button', { name: 'Reveal key' }).click()
  await expect(page.getByLabel('Key value')).toHaveText(KEY)

  // Lock through the API, as the idle timer or another window would: the page hears the event.
  // The page traded its one-time launch code for the token, which it keeps for this tab.
  const token = await page.evaluate(() => sessionStorage.getItem('keywarden.token'))
  expect(token).toBeTruthy()
  const answer = await request.post(`${server.origin}/api/call/vault.lock`, {
    headers: { 'X-Keywarden-Token': token!, 'Content-Type': 'application/json' },
    data: {},
  })
  expect(answer.status()).toBe(200)
  await expect(page.getByRole('heading', { name: 'Unlock Keywarden' })).toBeVisible()
  expect(await page.content()).not.toContain(KEY)
  expect(await page.content()).not.toContain('ci-runner')
})

test('a revealed key hides itself after 30 seconds', async ({ app: page }) => {
  await page.clock.install()
  await createVault(page)
  await addKey(page, { provider: 'WebPageTest', name: 'ci-runner', key: KEY })
  await page.getByRole('option', { name: 'ci-runner' }).click()
  await page.getByRole('button', { name: 'Reveal key' }).click()
  await expect(page.getByLabel('Key value')).toHaveText(KEY)
  await page.clock.fastForward(20_000)
  await expect(page.getByLabel('Key value')).toHaveText(KEY)
  await page.clock.fastForward(11_000)
  await expect(page.getByLabel('Key value')).toHaveText('A.fedc…3210')
})
