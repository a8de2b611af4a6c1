/** The XDG autostart entry: its content, quoting, and the writer on a real temp folder. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AUTOSTART_FILE,
  autostartDir,
  autostartEntry,
  execLine,
  isAutostartOn,
  launchCommand,
  quoteExecArg,
  setAutostart,
} from '../../src-main/app/autostart'

let dir: string
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'kw-autostart-')), 'config', 'autostart')
})
afterEach(() => rmSync(join(dir, '..', '..'), { recursive: true, force: true }))

/** Read the Exec value back as a desktop would: unescape the string, then split the arguments. */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\\\/g, '\\')
  const args: string[] = []
  let i = 0
  while (i < unescaped.length) {
    if (unescaped[i] === ' ') {
      i++
      continue
    }
    let arg = ''
    if (unescaped[i] === '"') {
      i++
      while (unescaped[i] !== '"') {
        if (i >= unescaped.length) throw new Error('unterminated quote')
        if (unescaped[i] === '\\') i++
        arg += unescaped[i++]
      }
      i++
    } else while (i < unescaped.length && unescaped[i] !== ' ') arg += unescaped[i++]
    args.push(arg.replace(/%%/g, '%'))
  }
  return args
}

describe('XDG autostart entry', () => {
  it('is a valid desktop entry that starts the app in the tray', () => {
    const text = autostartEntry(['/opt/Keywarden/keywarden', '--hidden'])
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toBe('[Desktop Entry]')
    expect(lines).toContain('Type=Application')
    expect(lines).toContain('Name=Keywarden')
    expect(lines).toContain('Exec=/opt/Keywarden/keywarden --hidden')
    expect(lines).toContain('X-GNOME-Autostart-enabled=true')
    expect(text.endsWith('\n')).toBe(true)
  })

  it('quotes and escapes arguments so they come back unchanged', () => {
    const awkward = [
      '/home/ann/My Apps/Keywarden.AppImage',
      '/path/with "quotes" and $HOME and `cmd` and back\\slash',
      '100%',
      "it's",
      '',
      '--hidden',
    ]
    expect(parseExec(execLine(awkward))).toEqual(awkward)
    expect(quoteExecArg('plain')).toBe('plain')
    expect(quoteExecArg('a b')).toBe('"a b"')
    expect(quoteExecArg('50%')).toBe('50%%')
  })

  it('refuses line breaks and control characters (they would end the Exec line)', () => {
    expect(() => quoteExecArg('/tmp/x\nExec=evil')).toThrow(/control characters/)
    expect(() => autostartEntry(['/tmp/x\u0007'])).toThrow(/control characters/)
    expect(() => execLine([])).toThrow(/needs a program/)
  })

  it('is written to the autostart folder and removed again', () => {
    expect(isAutostartOn(dir)).toBe(false)
    const file = setAutostart(dir, ['/usr/bin/keywarden', '--hidden'])
    expect(file).toBe(join(dir, AUTOSTART_FILE))
    expect(isAutostartOn(dir)).toBe(true)
    expect(readFileSync(file, 'utf8')).toBe(autostartEntry(['/usr/bin/keywarden', '--hidden']))
    expect(statSync(file).mode & 0o777).toBe(0o644)
    // Turning it on again replaces the entry, leaving no temporary file behind.
    setAutostart(dir, ['/opt/new/keywarden', '--hidden'])
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/new/keywarden --hidden')
    expect(readdirSync(dir)).toEqual([AUTOSTART_FILE])
    setAutostart(dir, null)
    expect(isAutostartOn(dir)).toBe(false)
    // Off when already off is fine.
    expect(() => setAutostart(dir, null)).not.toThrow()
  })

  it('lives under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/ann')).toBe('/x/cfg/autostart')
    expect(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe(
      '/home/ann/.config/autostart',
    )
    expect(autostartDir({}, '/home/ann')).toBe('/home/ann/.config/autostart')
  })

  it('starts the AppImage file, the installed binary, or Electron with the project', () => {
    const facts = { packaged: true, execPath: '/tmp/.mount_kw/keywarden', appPath: '/a' }
    expect(
      launchCommand({ ...facts, appImage: '/home/ann/Keywarden.AppImage' }, '--hidden'),
    ).toEqual(['/home/ann/Keywarden.AppImage', '--hidden'])
    expect(launchCommand({ ...facts, execPath: '/opt/Keywarden/keywarden' }, '--hidden')).toEqual([
      '/opt/Keywarden/keywarden',
      '--hidden',
    ])
    expect(
      launchCommand({ packaged: false, execPath: '/p/electron', appPath: '/p/app' }, '--hidden'),
    ).toEqual(['/p/electron', '/p/app', '--hidden'])
  })
})
