import { expect, test } from './fixtures'

test('a launch link works once: opened again, it says so and gets no access', async ({
  app: page,
  context,
  server,
}) => {
  // The fixture opened the link, so this tab traded its code and keeps working after a reload.
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()
  expect(page.url()).not.toContain('code=')
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible()

  const second = await context.newPage()
  await second.goto(server.url)
  await expect(second.getByRole('alert')).toHaveText(/already used or has expired/)
  expect(await second.evaluate(() => sessionStorage.getItem('keywarden.token'))).toBeNull()
})
