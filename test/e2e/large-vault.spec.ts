import { expect, test, unlock } from './fixtures'

const COUNT = 100_000

test.use({ seedEntries: COUNT })

test('100,000 keys: first screen without loading everything, smooth scrolling, keyboard to the end, search', async ({
  app: page,
}) => {
  test.setTimeout(120_000)
  // Every list call the page makes, with the size of its answer.
  const calls: { name: string; bytes: number }[] = []
  page.on('response', (response) => {
    const match = /\/api\/call\/(entries\.(?:list|page|search))$/.exec(response.url())
    if (match)
      void response
        .body()
        .then((body) => calls.push({ name: match[1]!, bytes: body.length }))
        .catch(() => undefined)
  })
  await unlock(page)
  await expect(page.getByText('100,000 keys')).toBeVisible({ timeout: 30_000 })
  const list = page.getByRole('listbox', { name: 'Key list' })
  await expect(list.getByRole('option', { name: 'service-000000' })).toBeVisible()
  // Virtualized: only the rows in view (plus overscan) exist in the page.
  expect(await list.getByRole('option').count()).toBeLessThan(60)
  // The first screen came from a page or two of 100 rows, not the whole list (~39 MB); the
  // unlock opens entries in the background, and its end refreshes the page in view once.
  await expect.poll(() => calls.length).toBeGreaterThan(0)
  expect(calls.filter((c) => c.name !== 'entries.page')).toEqual([])
  expect(calls.length).toBeLessThanOrEqual(4)
  const firstScreenBytes = calls.reduce((sum, c) => sum + c.bytes, 0)
  console.log(`100k list first screen: ${calls.length} page answers, ${firstScreenBytes} bytes`)
  expect(firstScreenBytes).toBeLessThan(200_000)

  // Scroll through the list one screen per frame and time the frames.
  const frames = await list.evaluate(async (el) => {
    const times: number[] = []
    let last = performance.now()
    for (let i = 0; i < 120; i++) {
      el.scrollTop += el.clientHeight
      await new Promise((r) => requestAnimationFrame(() => r(null)))
      const now = performance.now()
      times.push(now - last)
      last = now
    }
    return times.sort((a, b) => a - b)
  })
  const p95 = frames[Math.floor(frames.length * 0.95)]!
  // Rows scrolled past quickly arrive a page at a time; after a pause the screen is filled.
  await expect(list.locator('.row.placeholder')).toHaveCount(0)
  expect(await list.getByRole('option').count()).toBeGreaterThan(5)
  console.log(
    `100k list scroll: median frame ${frames[60]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
  )
  // The frame times are printed for the record, not asserted: speed is what `npm run bench`
  // measures, against a baseline from the same run. What is asserted is the shape above: a
  // bounded DOM and a screen that fills in after scrolling.

  // Keyboard: End goes to the last key, which is then selected and shown.
  await list.focus()
  await page.keyboard.press('End')
  await expect(page.getByRole('heading', { name: 'service-099999' })).toBeVisible()
  await page.keyboard.press('ArrowUp')
  await expect(page.getByRole('heading', { name: 'service-099998' })).toBeVisible()

  await page.keyboard.press('Home')
  await expect(page.getByRole('heading', { name: 'service-000000' })).toBeVisible()
  await page.keyboard.press('PageDown')
  await expect(page.getByRole('heading', { name: 'service-000010' })).toBeVisible()
  // Still paging: nothing ever asked for the whole list.
  expect(calls.filter((c) => c.name !== 'entries.page')).toEqual([])
  const totalBytes = calls.reduce((sum, c) => sum + c.bytes, 0)
  console.log(
    `100k list after scrolling and keys: ${calls.length} page answers, ${totalBytes} bytes`,
  )
  expect(totalBytes).toBeLessThan(10_000_000)

  // Server-side search over all of them.
  await page.getByLabel('Search keys').fill('service-04242')
  await expect(list.getByRole('option')).toHaveCount(10)
  await expect(page.getByText('10 keys matching')).toBeVisible()

  // Server-side sort: by name, newest-changed and so on, over all 100k.
  await page.getByLabel('Search keys').fill('')
  await page.getByLabel('Sort by').selectOption({ label: 'Recently changed' })
  await expect(page.getByText('100,000 keys')).toBeVisible()
  await expect(list.getByRole('option').first()).toHaveAccessibleName(/^service-/)
  await page.getByLabel('Filter by status').selectOption({ label: 'Revoked' })
  await expect(page.getByText('Nothing matches.')).toBeVisible()
})
