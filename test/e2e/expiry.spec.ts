/**
 * Expiry through the UI: rotation keeps the old lifetime counted from now (shown before saving
 * and after), edit changes and clears an expiry, and a key added close to its expiry reminds at
 * once (Reminders view and the locked screen's count).
 */
import type { Page } from '@playwright/test'
import { addKey, createVault, expect, lock, openView, test, unlock } from './fixtures'

const DAY = 86_400_000
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** 'YYYY-MM-DD' in the local zone, as date inputs and the detail panel show dates. */
function isoDay(at: number): string {
  const d = new Date(at)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** "12 Mar 2027", as the forms word a date. */
function longDay(at: number): string {
  const d = new Date(at)
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`
}

function startOfDay(at: number): number {
  const d = new Date(at)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}

function endOfDay(at: number): number {
  const d = new Date(at)
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 23, 59, 59).getTime()
}

function details(page: Page) {
  return page.getByRole('region', { name: 'Key details' })
}

/** The value of a fact in the detail panel ("Expires", "Last rotated", …). */
function fact(page: Page, name: string) {
  return details(page)
    .locator('dt', { hasText: new RegExp(`^${name}$`) })
    .locator('+ dd')
}

async function addWithDates(
  page: Page,
  fields: { provider: string; name: string; key: string; expiry: string; issuedOn?: string },
): Promise<void> {
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  await form.getByLabel('Provider').selectOption({ label: fields.provider })
  await form.getByLabel('Name').fill(fields.name)
  await form.getByLabel('API key').fill(fields.key)
  if (fields.provider === 'Userplane')
    await form.getByLabel('Expiration').selectOption({ label: fields.expiry })
  else await form.getByLabel('Expires on (optional)').fill(fields.expiry)
  if (fields.issuedOn) await form.getByLabel('Issued on').fill(fields.issuedOn)
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByRole('option', { name: fields.name })).toBeVisible()
  await page.getByRole('option', { name: fields.name }).click()
}

test('rotating a Userplane key keeps its 30-day lifetime, counted from now', async ({
  app: page,
}) => {
  await createVault(page)
  await addWithDates(page, {
    provider: 'Userplane',
    name: 'billing',
    key: 'uspl_' + 'a'.repeat(40),
    expiry: '30 days',
    issuedOn: isoDay(Date.now() - 10 * DAY),
  })
  await expect(fact(page, 'Expires')).toHaveText(
    isoDay(startOfDay(Date.now() - 10 * DAY) + 30 * DAY),
  )

  await page.getByRole('button', { name: 'Rotate' }).click()
  const form = page.getByRole('form', { name: 'Rotate key' })
  // Pre-filled with the old lifetime, and the resulting date shown before saving.
  await expect(form.getByLabel('Expiration')).toHaveValue('d30')
  const expected = Date.now() + 30 * DAY
  await expect(form.getByLabel('New expiry')).toContainText(
    `New key expires on ${longDay(expected)} (in 30 days).`,
  )
  await form.getByLabel('New key', { exact: true }).fill('uspl_' + 'b'.repeat(40))
  await form.getByRole('button', { name: 'Save new key' }).click()
  await expect(page.getByRole('status')).toContainText('Rotated “billing”')

  await expect(fact(page, 'Expires')).toHaveText(isoDay(expected))
  await expect(fact(page, 'Last rotated')).toHaveText(isoDay(Date.now()))
  await expect(page.getByRole('button', { name: 'History (1)' })).toBeVisible()
})

test('rotating a dated key keeps the same lifetime from now; the user may pick another date', async ({
  app: page,
}) => {
  await createVault(page)
  const issued = Date.now() - 5 * DAY
  const expires = Date.now() + 40 * DAY
  await addWithDates(page, {
    provider: 'WebPageTest',
    name: 'perf',
    key: 'A.' + 'c'.repeat(32),
    expiry: isoDay(expires),
    issuedOn: isoDay(issued),
  })
  const lifetime = endOfDay(expires) - startOfDay(issued)

  await page.getByRole('button', { name: 'Rotate' }).click()
  const form = page.getByRole('form', { name: 'Rotate key' })
  const kept = Date.now() + lifetime
  await expect(form.getByLabel('New key expires on')).toHaveValue(isoDay(kept))
  await expect(form.getByLabel('New expiry')).toContainText(
    `New key expires on ${longDay(kept)} (in ${Math.floor(lifetime / DAY)} days). Same lifetime as the current key.`,
  )
  // Another date changes what is shown, and back again restores the kept lifetime.
  await form.getByLabel('New key expires on').fill(isoDay(Date.now() + 10 * DAY))
  await expect(form.getByLabel('New expiry')).toContainText(
    `New key expires on ${longDay(Date.now() + 10 * DAY)} (in 10 days).`,
  )
  await form.getByLabel('New key expires on').fill(isoDay(kept))
  await form.getByLabel('New key', { exact: true }).fill('A.' + 'd'.repeat(32))
  await form.getByRole('button', { name: 'Save new key' }).click()
  await expect(page.getByRole('status')).toContainText('Rotated “perf”')
  await expect(fact(page, 'Expires')).toHaveText(isoDay(kept))
})

test('edit sets an expiry, shows it before saving, and clears it', async ({ app: page }) => {
  await createVault(page)
  await addKey(page, { provider: 'WebPageTest', name: 'no-date', key: 'A.' + 'e'.repeat(32) })
  await page.getByRole('option', { name: 'no-date' }).click()
  await expect(fact(page, 'Expires')).toHaveText('never')

  await page.getByRole('button', { name: 'Edit' }).click()
  const form = page.getByRole('form', { name: 'Edit key' })
  const at = Date.now() + 40 * DAY
  await form.getByLabel('Expires on (optional)').fill(isoDay(at))
  await expect(form.getByText(`The key expires on ${longDay(at)} (in 40 days).`)).toBeVisible()
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(fact(page, 'Expires')).toHaveText(isoDay(at))
  await expect(details(page).getByText('expires in 5 weeks')).toBeVisible()

  await page.getByRole('button', { name: 'Edit' }).click()
  await expect(form.getByLabel('Expires on (optional)')).toHaveValue(isoDay(at))
  await form.getByRole('button', { name: 'No expiry' }).click()
  await expect(form.getByText('The key never expires.')).toBeVisible()
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(fact(page, 'Expires')).toHaveText('never')
  await expect(details(page).getByText('never expires')).toBeVisible()
})

test('a key added 3 days before its expiry is in Reminders at once and in the locked count', async ({
  app: page,
}) => {
  await createVault(page)
  await addWithDates(page, {
    provider: 'WebPageTest',
    name: 'near',
    key: 'A.' + 'f'.repeat(32),
    expiry: isoDay(Date.now() + 3 * DAY),
  })
  await expect(details(page).getByText('expires in 3 days')).toBeVisible()

  await openView(page, /Reminders/)
  await expect(page.getByRole('listitem', { name: 'near' })).toBeVisible()

  await lock(page)
  const locked = page.getByRole('region', { name: 'Due reminders' })
  await expect(locked).toContainText(/1 key/)
  await expect(page.getByText('near')).toHaveCount(0)
  await unlock(page)
})
