/**
 * Every dialog and panel of a key is closed by Escape, and focus goes back to the button that
 * opened it, so a keyboard user is never left at the top of the page.
 */
import { addKey, createVault, expect, openView, test } from './fixtures'

test('Escape closes the delete question and the rotate, edit and history panels, focus returned', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, {
    provider: 'Other service',
    name: 'escape-key',
    key: 'sk_live_escape_0123456',
  })
  const actions = page.getByRole('group', { name: 'Key actions' })

  // The delete question opens on its safe answer.
  const remove = actions.getByRole('button', { name: 'Delete' })
  await remove.click()
  const question = page.getByRole('alertdialog', { name: 'Delete this key?' })
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(question).toHaveCount(0)
  await expect(remove).toBeFocused()

  // Cancel by keyboard returns focus too.
  await page.keyboard.press('Enter')
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(question).toHaveCount(0)
  await expect(remove).toBeFocused()

  const panels: [string | RegExp, () => Promise<void>][] = [
    [
      'Rotate',
      () =>
        page
          .getByRole('form', { name: 'Rotate key' })
          .getByLabel('New key', { exact: true })
          .focus(),
    ],
    [
      'Edit',
      () => page.getByRole('form', { name: /Edit/ }).getByLabel('Name', { exact: true }).focus(),
    ],
    // History shows no field: Escape from its own button closes it.
    [/History/, async () => undefined],
  ]
  for (const [name, enter] of panels) {
    const opener = actions.getByRole('button', { name })
    await opener.click()
    await expect(opener).toHaveAttribute('aria-expanded', 'true')
    await enter()
    await page.keyboard.press('Escape')
    await expect(opener).toHaveAttribute('aria-expanded', 'false')
    await expect(opener).toBeFocused()
  }
  // The key is still there: Escape cancelled, it deleted nothing.
  await expect(page.getByRole('option', { name: /escape-key/ })).toBeVisible()
})

test('the key server’s revoke and reset questions: Cancel focused, Escape closes, focus returned', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Key server')
  await page.getByLabel('Style').selectOption({ label: 'Similarweb' })
  await page.getByLabel('Key name').fill('escape-report')
  await page.getByRole('button', { name: 'Issue key' }).click()
  await expect(page.getByRole('status')).toContainText('Issued “escape-report”')

  const row = page
    .getByRole('table', { name: /Issued keys in “default”/ })
    .getByRole('row', { name: /escape-report/ })
  const revoke = row.getByRole('button', { name: 'Revoke “escape-report”' })
  await revoke.focus()
  await page.keyboard.press('Enter')
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(row.getByRole('button', { name: /Confirm revoke/ })).toHaveCount(0)
  await expect(revoke).toBeFocused()
  await expect(row).toContainText('active')

  const reset = page.getByRole('button', { name: 'Reset namespace' })
  await reset.focus()
  await page.keyboard.press('Enter')
  const confirm = page.getByRole('button', { name: /Confirm reset of/ })
  await expect(confirm).toBeVisible()
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(confirm).toHaveCount(0)
  await expect(reset).toBeFocused()
})
