/**
 * Import, export and the audit log through the UI in browser mode: a small .env is uploaded,
 * its dry-run table shown, one guessed style changed, the import confirmed and the keys listed;
 * references are exported as a download holding no key; the audit view shows the import.
 */
import { readFileSync } from 'node:fs'
import { PASSWORD, createVault, expect, openView, test } from './fixtures'

const WPT_KEY = 'A.0123456789abcdef0123456789abcdef'
const DOTENV = [
  '# keys for the perf pipeline',
  `WEBPAGETEST_API_KEY=${WPT_KEY}`,
  'BILLING_TOKEN=sk_live_abcdefghijklmnop1234',
  'SIMILARWEB_KEY=0123456789abcdef0123456789abcdef',
  'EMPTY_TOKEN=',
  '',
].join('\n')

test('import a .env with a changed style, export references, see the import in the audit log', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Import & export')
  await expect(page.getByRole('heading', { name: 'Import and export', level: 1 })).toBeVisible()
  await page.getByLabel('File to import').setInputFiles({
    name: 'keys.env',
    mimeType: 'text/plain',
    buffer: Buffer.from(DOTENV),
  })

  // The dry-run table: every record, the empty one skipped with its reason, nothing written yet.
  const table = page.getByRole('table', { name: /What the import would do/ })
  await expect(table.getByRole('row')).toHaveCount(5)
  await expect(page.getByText(/3 to add, 0 to replace, 1 skipped/)).toBeVisible()
  await expect(table.getByRole('row', { name: /EMPTY_TOKEN/ })).toContainText('empty value')
  const similarweb = page.getByLabel('Style of SIMILARWEB_KEY')
  await expect(similarweb).toHaveValue('similarweb')
  await expect(page.getByLabel('Style of WEBPAGETEST_API_KEY')).toHaveValue('webpagetest')
  await similarweb.selectOption({ label: 'Other service' })
  await expect(similarweb).toHaveValue('generic')

  await page.getByRole('button', { name: 'Import 3 keys' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Imported 3 keys' })).toBeVisible()

  await openView(page, 'Keys')
  const list = page.getByRole('listbox', { name: 'Key list' })
  for (const name of ['WEBPAGETEST_API_KEY', 'BILLING_TOKEN', 'SIMILARWEB_KEY'])
    await expect(list.getByRole('option', { name })).toBeVisible()
  await list.getByRole('option', { name: 'SIMILARWEB_KEY' }).click()
  const details = page.getByRole('region', { name: 'Key details' })
  await expect(details.getByText('Other service').first()).toBeVisible()
  await expect(details.getByText('kw://SIMILARWEB_KEY/credential')).toBeVisible()
  await details.getByRole('button', { name: 'Copy reference' }).click()
  await expect(page.getByRole('status').first()).toContainText('Reference copied.')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'kw://SIMILARWEB_KEY/credential',
  )

  await openView(page, 'Import & export')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export references' }).click()
  const file = await download
  expect(file.suggestedFilename()).toBe('keywarden.references.env')
  const text = readFileSync((await file.path())!, 'utf8')
  expect(text).toContain('WEBPAGETEST_API_KEY=kw://WEBPAGETEST_API_KEY/credential')
  expect(text).not.toContain(WPT_KEY)
  await expect(page.getByRole('status').filter({ hasText: 'safe to commit' })).toBeVisible()

  await openView(page, 'Audit log')
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible()
  await page.getByLabel('Action').selectOption('import')
  await page.getByRole('button', { name: 'Apply filters' }).click()
  const records = page.getByRole('table', { name: /Audit records/ })
  // A header row and one record per imported key.
  await expect(records.getByRole('row')).toHaveCount(4)
  await expect(records.getByRole('row', { name: /SIMILARWEB_KEY/ })).toContainText('import')
  await page.getByLabel('Entry (name or id)').fill('billing')
  await expect(records.getByRole('row')).toHaveCount(2)
  await page.getByRole('button', { name: 'Verify the chain' }).click()
  await expect(page.getByText(/The audit log is intact: \d+ records/)).toBeVisible()
})

test('keys exported as .env and a backup are downloads said to hold secrets; a key opens its audit records', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Import & export')
  await page.getByLabel('File to import').setInputFiles({
    name: 'keys.env',
    mimeType: 'text/plain',
    buffer: Buffer.from(DOTENV),
  })
  await page.getByRole('button', { name: 'Import 3 keys' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Imported 3 keys' })).toBeVisible()

  let download = page.waitForEvent('download')
  await page.getByRole('button', { name: /Export keys/ }).click()
  let file = await download
  expect(file.suggestedFilename()).toBe('keywarden.env')
  expect(readFileSync((await file.path())!, 'utf8')).toContain(`WEBPAGETEST_API_KEY=${WPT_KEY}`)
  await expect(page.getByRole('status').filter({ hasText: 'clear text' })).toBeVisible()

  await page.getByLabel('Master password').fill(PASSWORD)
  await page.getByLabel('Backup password').fill('a backup password')
  download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download backup' }).click()
  file = await download
  expect(file.suggestedFilename()).toMatch(/^keywarden-backup-\d{4}-\d{2}-\d{2}\.kwdb$/)
  expect(
    readFileSync((await file.path())!)
      .subarray(0, 15)
      .toString(),
  ).toBe('SQLite format 3')
  await expect(page.getByRole('status').filter({ hasText: 'holds every key' })).toBeVisible()
  // The passwords are not kept in the form after use.
  await expect(page.getByLabel('Master password')).toHaveValue('')

  await openView(page, 'Keys')
  await page.getByRole('option', { name: 'WEBPAGETEST_API_KEY' }).click()
  await page.getByRole('button', { name: 'Audit log of this key' }).click()
  const records = page.getByRole('table', { name: /Audit records/ })
  // Its import and the two exports that wrote it (the key in clear, the backup is vault-wide).
  await expect(records.getByRole('row', { name: /import/ })).toHaveCount(1)
  await expect(records.getByRole('row', { name: /export/ })).toHaveCount(1)
  await expect(records.getByRole('row', { name: /BILLING_TOKEN/ })).toHaveCount(0)
})
