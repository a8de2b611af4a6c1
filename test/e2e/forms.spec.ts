/**
 * Forms that explain themselves: each provider's malformed key gets its own words under the key
 * field, checked as the user types once the field was left; a pasted key offers its provider;
 * add, reveal and rotate work from the keyboard alone; at 900×700 no two controls overlap.
 */
import type { Page } from '@playwright/test'
import { addKey, createVault, expect, openView, test } from './fixtures'

const MALFORMED: { provider: string; key: string; says: RegExp }[] = [
  { provider: 'Userplane', key: 'sk_live_not_a_userplane_key', says: /starts with uspl_/ },
  { provider: 'BlazeMeter', key: 'not-hex-at-all-0123456789', says: /24 characters, 0–9 and a–f/ },
  { provider: 'WebPageTest', key: 'A.short', says: /too short for a key/ },
  { provider: 'Similarweb', key: 'has spaces in the key 0123', says: /Remove the spaces/ },
  { provider: 'Wellows', key: 'tiny', says: /too short for a key/ },
  { provider: 'Other service', key: 'abc', says: /too short for a key/ },
]

test('each provider’s malformed key: an error under the field, live after the first blur', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  let first = true
  for (const { provider, key, says } of MALFORMED) {
    await form.getByLabel('Provider').selectOption({ label: provider })
    const field = form.getByLabel(provider === 'BlazeMeter' ? 'Key id' : 'API key')
    await field.fill(key)
    // Not while typing the first time: only once the field has been left.
    if (first) await expect(field).not.toHaveAttribute('aria-invalid', 'true')
    first = false
    await field.blur()
    await expect(field).toHaveAttribute('aria-invalid', 'true')
    await expect(field).toHaveAccessibleDescription(says)
    // No raw schema text anywhere.
    await expect(form).not.toContainText(/Too small|expected string/)
    await field.fill('')
  }
  // After the first blur, the error follows the typing.
  await form.getByLabel('Provider').selectOption({ label: 'Userplane' })
  const key = form.getByLabel('API key')
  await key.fill('uspl')
  await key.blur()
  await expect(key).toHaveAccessibleDescription(/starts with uspl_/)
  await key.fill('uspl_' + 'a'.repeat(40))
  await expect(key).not.toHaveAttribute('aria-invalid', 'true')
  // The name is explained too when the form is sent without one.
  await form.getByRole('button', { name: 'Add key' }).click()
  await expect(form.getByLabel('Name')).toHaveAccessibleDescription(/Give the key a name/)
})

test('dates, tags, notes, Wellows project ids and BlazeMeter id:secret: said next to the field', async ({
  app: page,
}) => {
  await createVault(page)
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  const send = () => form.getByRole('button', { name: 'Add key' }).click()
  await form.getByLabel('Provider').selectOption({ label: 'Other service' })
  await form.getByLabel('Name').fill('fields')
  await form.getByLabel('API key').fill('sk_live_fields_0123456789')

  const issued = form.getByLabel('Issued on (optional, for an existing key)')
  await issued.fill('2099-01-01')
  await expect(issued).toHaveAccessibleDescription(/Pick today or an earlier day/)
  await issued.fill('')
  await form.getByLabel('Expires on (optional)').fill('2020-01-01')
  await expect(form.getByRole('alert')).toContainText(/Pick a day after today/)
  await form.getByLabel('Expires on (optional)').fill('')

  const tags = form.getByLabel('Tags (comma-separated)')
  await tags.fill('ok, ' + 't'.repeat(70))
  await tags.blur()
  await expect(tags).toHaveAccessibleDescription(/Shorten the tag .* to 64 characters/)
  await tags.fill('ok')
  const notes = form.getByLabel('Notes')
  await notes.fill('n'.repeat(10_050))
  await send()
  await expect(notes).toHaveAccessibleDescription(/Shorten the notes to 10,000 characters/)
  await notes.fill('fine')

  await form.getByLabel('Provider').selectOption({ label: 'Wellows' })
  await form.getByLabel('API key').fill('wl_fields_0123456789abcdef')
  await form.getByLabel('Key level').selectOption('project')
  const project = form.getByLabel('Project id', { exact: true })
  for (const bad of ['0', '99999999999999999999']) {
    await project.fill(bad)
    await send()
    await expect(project).toHaveAccessibleDescription(/whole number from 1 up/)
  }

  await form.getByLabel('Provider').selectOption({ label: 'BlazeMeter' })
  const id = form.getByLabel('Key id')
  await id.fill('abc:def')
  await send()
  await expect(id).toHaveAccessibleDescription(/Before the colon goes the key id/)
  await expect(form).not.toContainText(/secret is required|Too small|Too big|expected|at most 9007/)
  // BlazeMeter's own refusal of a far expiry, with what to do added.
  await id.fill('0123456789abcdef01234567')
  await form.getByLabel('Key secret').fill('ab'.repeat(36))
  await form.getByLabel('Expires on (optional)').fill('2099-01-01')
  await send()
  await expect(form.getByRole('alert')).toContainText(
    /account settings .*Pick an earlier expiry date/,
  )
  await form.getByLabel('Expires on (optional)').fill('')

  // A key of an unusual shape is kept, with a hint under the field, not an error.
  await form.getByLabel('Provider').selectOption({ label: 'WebPageTest' })
  const key = form.getByLabel('API key')
  await key.fill('A.' + 'z'.repeat(32))
  await key.blur()
  await expect(key).toHaveAccessibleDescription(/usually A\. and 32 characters/)
  await expect(key).not.toHaveAttribute('aria-invalid', 'true')
  await send()
  await expect(page.getByRole('option', { name: /^fields/ })).toBeVisible()
})

test('rotate: a malformed new key is said under its field, live after the first blur', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, { provider: 'Userplane', name: 'up-rotate', key: 'uspl_' + 'a'.repeat(40) })
  await page.getByRole('button', { name: 'Rotate' }).click()
  const rotate = page.getByRole('form', { name: 'Rotate key' })
  const key = rotate.getByLabel('New key', { exact: true })
  await key.fill('sk_live_wrong_provider_0123')
  await expect(key).not.toHaveAttribute('aria-invalid', 'true')
  await key.blur()
  await expect(key).toHaveAccessibleDescription(/A Userplane key starts with uspl_/)
  await key.fill('uspl_' + 'b'.repeat(40))
  await expect(key).not.toHaveAttribute('aria-invalid', 'true')
  await key.fill('')
  await rotate.getByRole('button', { name: 'Save new key' }).click()
  await expect(key).toHaveAccessibleDescription(/Paste the key/)
  await expect(rotate).not.toContainText(/Too small|expected string|is required/)

  // BlazeMeter: the new secret is checked the same way.
  await addKey(page, {
    provider: 'BlazeMeter',
    name: 'bm-rotate',
    key: '0123456789abcdef01234567',
    secret: 'ab'.repeat(36),
  })
  await page.getByRole('button', { name: 'Rotate' }).click()
  const secret = rotate.getByLabel('New secret')
  await secret.fill('not-hex')
  await secret.blur()
  await expect(secret).toHaveAccessibleDescription(/72 characters, 0–9 and a–f/)
})

test('edit: each field’s problem under it, live after the first blur, no browser bubble', async ({
  app: page,
}) => {
  await createVault(page)
  await addKey(page, { provider: 'Other service', name: 'edit-me', key: 'sk_live_edit_0123456789' })
  await page.getByRole('button', { name: 'Edit' }).click()
  const edit = page.getByRole('form', { name: 'Edit key' })
  const name = edit.getByLabel('Name', { exact: true })
  await name.fill('')
  await name.blur()
  await expect(name).toHaveAccessibleDescription(/Give the key a name/)
  await name.fill('edited')
  await expect(name).not.toHaveAttribute('aria-invalid', 'true')
  const rotation = edit.getByLabel('Rotate every (days)')
  await rotation.fill('0')
  await edit.getByLabel('Tags (comma-separated)').fill('t'.repeat(70))
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(rotation).toHaveAccessibleDescription(/whole number of days from 1 to 3650/)
  await expect(edit.getByLabel('Tags (comma-separated)')).toHaveAccessibleDescription(
    /Shorten the tag/,
  )
  await rotation.fill('90')
  await edit.getByLabel('Tags (comma-separated)').fill('ok')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'edited' })).toBeVisible()
})

test('pasting a key recognises its provider and offers to switch', async ({ app: page }) => {
  await createVault(page)
  await openView(page, 'Add key')
  const form = page.getByRole('form', { name: 'Add a key' })
  await form.getByLabel('Provider').selectOption({ label: 'Other service' })
  const key = form.getByLabel('API key')
  await key.focus()
  await page.evaluate(() => navigator.clipboard.writeText('uspl_' + 'Q'.repeat(40)))
  await page.keyboard.press('ControlOrMeta+V')
  await expect(form.getByText('This looks like a Userplane key.')).toBeVisible()
  await form.getByRole('button', { name: 'Switch to Userplane' }).click()
  await expect(form.getByLabel('Provider')).toHaveValue('userplane')
  await expect(form.getByLabel('Expiration')).toBeVisible()
  // The key stays; a WebPageTest key pasted into the Userplane form is recognised too.
  await expect(key).toHaveValue('uspl_' + 'Q'.repeat(40))
  await key.fill('')
  await page.evaluate(() => navigator.clipboard.writeText('A.' + 'f'.repeat(32)))
  await key.focus()
  await page.keyboard.press('ControlOrMeta+V')
  await form.getByRole('button', { name: 'Keep Userplane' }).click()
  await expect(form.getByText('This looks like')).toHaveCount(0)
})

/** Tab until the focused element matches, failing after `limit` presses. */
async function tabTo(page: Page, matches: (el: Element) => boolean, limit = 40): Promise<void> {
  const source = matches.toString()
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    const found = await page.evaluate(
      (src) => new Function(`return (${src})`)()(document.activeElement),
      source,
    )
    if (found) return
  }
  throw new Error(`no focusable element matched ${source}`)
}

test('keyboard only: add, reveal and rotate a key, with a visible focus ring', async ({
  app: page,
}) => {
  await createVault(page)
  // Add: the nav button, then the form's fields in order, Enter sends.
  await tabTo(page, (el) => el.textContent?.trim() === 'Add key' && el.tagName === 'BUTTON')
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
  expect(ring).toBe('solid')
  await page.keyboard.press('Enter')
  await tabTo(page, (el) => el.tagName === 'SELECT' && el.closest('form') !== null)
  await page.keyboard.type('Other')
  await tabTo(page, (el) => el.getAttribute('placeholder') === 'billing-service')
  await page.keyboard.type('keyboard-key')
  await page.keyboard.press('Tab')
  await page.keyboard.type('sk_live_keyboard_only_0123456')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('option', { name: 'keyboard-key' })).toBeVisible()

  // Reveal: Tab to the Reveal button, Enter.
  await tabTo(page, (el) => el.textContent?.trim() === 'Reveal')
  await page.keyboard.press('Enter')
  await expect(page.getByText('sk_live_keyboard_only_0123456')).toBeVisible()

  // Rotate: open the form, type the new key, send it.
  await tabTo(page, (el) => el.textContent?.trim() === 'Rotate')
  await page.keyboard.press('Enter')
  await tabTo(page, (el) => el.getAttribute('type') === 'password')
  await page.keyboard.type('sk_live_rotated_by_keyboard_99')
  await tabTo(page, (el) => el.getAttribute('type') === 'submit')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('button', { name: /History \(1\)/ })).toBeVisible()
})

for (const [width, height] of [
  [900, 700],
  [3840, 2160],
] as const)
  test.describe(`at ${width}×${height}`, () => {
    test.use({ viewport: { width, height } })

    test('no two interactive elements overlap on any screen, none stretched', async ({
      app: page,
    }) => {
      await createVault(page)
      // A key, so the Keys screen shows its row and its details with every action.
      await addKey(page, { provider: 'Userplane', name: 'layout', key: 'uspl_' + 'c'.repeat(40) })
      const screens: [string, () => Promise<void>][] = [
        ['keys', async () => openView(page, 'Keys')],
        ['add', async () => openView(page, 'Add key')],
        ['reminders', async () => openView(page, /Reminders/)],
        ['key server', async () => openView(page, 'Key server')],
        ['import and export', async () => openView(page, 'Import & export')],
        ['audit log', async () => openView(page, 'Audit log')],
        ['settings', async () => openView(page, 'Settings')],
      ]
      for (const [name, open] of screens) {
        await open()
        await page.waitForTimeout(50)
        const overlaps = await page.evaluate(() => {
          const els = [
            ...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]'),
          ].filter((el) => (el as HTMLElement).offsetParent !== null)
          const boxes = els.map((el) => ({ el, r: el.getBoundingClientRect() }))
          const found: string[] = []
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i]!
              const b = boxes[j]!
              if (a.el.contains(b.el) || b.el.contains(a.el)) continue
              const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left)
              const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top)
              if (x > 1 && y > 1)
                found.push(`${a.el.outerHTML.slice(0, 60)} × ${b.el.outerHTML.slice(0, 60)}`)
            }
          // Nothing wider than the window either.
          if (document.documentElement.scrollWidth > window.innerWidth)
            found.push('horizontal scroll')
          // On a 4K window no field or button is stretched across it: lines stay readable.
          for (const { el, r } of boxes)
            if (r.width > 1600)
              found.push(`stretched ${Math.round(r.width)}px: ${el.outerHTML.slice(0, 60)}`)
          return found
        })
        expect(overlaps, name).toEqual([])
      }
    })
  })
