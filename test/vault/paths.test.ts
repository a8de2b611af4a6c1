import { describe, expect, it } from 'vitest'
import { defaultVaultPath } from '../../src-main/vault'

describe('default vault path', () => {
  it("follows each platform's per-user data folder", () => {
    expect(defaultVaultPath('linux', {}, '/home/ana')).toBe(
      '/home/ana/.local/share/keywarden/vault.kwdb',
    )
    expect(defaultVaultPath('linux', { XDG_DATA_HOME: '/data/ana' }, '/home/ana')).toBe(
      '/data/ana/keywarden/vault.kwdb',
    )
    expect(defaultVaultPath('linux', { XDG_DATA_HOME: 'relative' }, '/home/ana')).toBe(
      '/home/ana/.local/share/keywarden/vault.kwdb',
    )
    expect(defaultVaultPath('darwin', {}, '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Keywarden/vault.kwdb',
    )
    expect(
      defaultVaultPath('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana'),
    ).toBe('C:\\Users\\ana\\AppData\\Roaming\\Keywarden\\vault.kwdb')
  })
})
