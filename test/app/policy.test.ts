import { describe, expect, it } from 'vitest'
import {
  isAllowedExternalUrl,
  isAppUrl,
  isTrustedSender,
  navigationDecision,
  permissionDecision,
  windowOpenDecision,
  type AppLocation,
} from '../../src-main/app/policy'

const allow = ['https://example.com', 'https://docs.example.org:8443']
const app: AppLocation = {}
const dev: AppLocation = { devServerUrl: 'http://localhost:5173/' }

describe('external link allowlist', () => {
  it('admits exactly the listed origins', () => {
    expect(isAllowedExternalUrl('https://example.com', allow)).toBe(true)
    expect(isAllowedExternalUrl('https://example.com/docs/keys?x=1#a', allow)).toBe(true)
    expect(isAllowedExternalUrl('https://EXAMPLE.com/', allow)).toBe(true)
    expect(isAllowedExternalUrl('https://docs.example.org:8443/x', allow)).toBe(true)
  })

  it('refuses look-alikes that a prefix check would admit', () => {
    for (const url of [
      'https://example.com.evil.net',
      'https://example.com.evil.net/',
      'https://example.com@evil.net/',
      'https://user:pass@example.com/',
      'https://evil.net/https://example.com',
      'https://example.com:444/',
      'https://docs.example.org/',
      'https://sub.example.com/',
      'http://example.com/',
      'https://examplecom/',
      'https://xn--exmple-cua.com/',
    ])
      expect(isAllowedExternalUrl(url, allow), url).toBe(false)
  })

  it('refuses other schemes and garbage', () => {
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<b>x</b>',
      'mailto:a@example.com',
      'ftp://example.com/',
      'example.com',
      '',
      '//example.com',
    ])
      expect(isAllowedExternalUrl(url, allow), url).toBe(false)
  })
})

describe('navigation and window.open handlers', () => {
  it('allows only our own page to load in the window', () => {
    expect(navigationDecision('app://keywarden/index.html', app)).toEqual({ allow: true })
    expect(navigationDecision('app://keywarden/index.html#/entries', app)).toEqual({
      allow: true,
    })
    // file:// is never ours now, not even the build's own index.html.
    expect(navigationDecision('file:///opt/keywarden/out/renderer/index.html', app)).toEqual({
      allow: false,
    })
    expect(navigationDecision('file:///etc/passwd', app)).toEqual({ allow: false })
    for (const url of [
      'app://evil/index.html',
      'app://keywarden.evil.net/index.html',
      'app://user@keywarden/index.html',
      'app://keywarden:8080/index.html',
      'apps://keywarden/index.html',
    ])
      expect(navigationDecision(url, app), url).toEqual({ allow: false })
    expect(navigationDecision('https://evil.net/', app)).toEqual({ allow: false })
    expect(navigationDecision('http://localhost:5173/', app)).toEqual({ allow: false })
    expect(navigationDecision('http://localhost:5173/#x', dev)).toEqual({ allow: true })
    expect(navigationDecision('http://localhost:5174/', dev)).toEqual({ allow: false })
  })

  it('sends an allowlisted link to the system browser instead of navigating', () => {
    expect(navigationDecision('https://www.webpagetest.org/getkey.php', app)).toEqual({
      allow: false,
      openExternal: 'https://www.webpagetest.org/getkey.php',
    })
    expect(navigationDecision('https://www.webpagetest.org.evil.net/', app)).toEqual({
      allow: false,
    })
  })

  it('always denies window.open, opening allowlisted links externally', () => {
    expect(windowOpenDecision('https://evil.net/')).toEqual({ action: 'deny' })
    expect(windowOpenDecision('app://keywarden/index.html')).toEqual({ action: 'deny' })
    expect(windowOpenDecision('file:///opt/keywarden/out/renderer/index.html')).toEqual({
      action: 'deny',
    })
    expect(windowOpenDecision('https://a.blazemeter.com/app/#/settings')).toEqual({
      action: 'deny',
      openExternal: 'https://a.blazemeter.com/app/#/settings',
    })
  })

  it('denies every permission', () => {
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal'])
      expect(permissionDecision(p)).toBe(false)
  })
})

describe('IPC sender check', () => {
  const ours = { url: 'app://keywarden/index.html', isMainFrame: true, isOurWindow: true }
  it('trusts only our window main frame showing our page', () => {
    expect(isTrustedSender(ours, app)).toBe(true)
    expect(isTrustedSender({ ...ours, isMainFrame: false }, app)).toBe(false)
    expect(isTrustedSender({ ...ours, isOurWindow: false }, app)).toBe(false)
    expect(isTrustedSender({ ...ours, url: 'https://evil.net/' }, app)).toBe(false)
    expect(isTrustedSender({ ...ours, url: 'file:///tmp/index.html' }, app)).toBe(false)
    expect(isTrustedSender({ ...ours, url: 'app://other/index.html' }, app)).toBe(false)
    expect(isAppUrl('not a url', app)).toBe(false)
  })
})
