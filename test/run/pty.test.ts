/**
 * `keywarden run` on a terminal: run itself is started in a pseudo-terminal (node-pty), so its
 * stdout is a TTY and it gives the child a pseudo-terminal of its own. Colours survive masking,
 * the child sees a terminal, keys typed reach it, and the window size follows.
 */
import * as pty from 'node-pty'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_BIN } from '../helpers/node-entry'
import { CONCEALED } from '../../src-main/run/mask'
import { UP_KEY, cli, fixture, type Fixture, POSIX } from './helpers'

let f: Fixture
beforeAll(async () => {
  f = fixture()
  expect((await cli(['init', ...f.auth, '--kdf-ops', '1', '--kdf-mem-mib', '1'], f.env)).code).toBe(
    0,
  )
  const add = await cli(
    ['add', ...f.auth, '--style', 'userplane', '--name', 'ci', '--key-env', 'K'],
    {
      ...f.env,
      K: UP_KEY,
    },
  )
  expect(add.code).toBe(0)
})
afterAll(() => f.cleanup())

describe.runIf(POSIX)('keywarden run on a terminal', () => {
  it('keeps colours, conceals the secret, passes keys typed and the window size', async () => {
    const script = [
      '[ -t 0 ] && [ -t 1 ] && echo "child has a terminal"',
      `printf '\\033[31m%s\\033[0m and \\033[1;32mgreen\\033[0m\\n' "$K"`,
      'read line',
      'echo "got $line"',
      'stty size',
      'exit 5',
    ].join('; ')
    const term = pty.spawn(
      process.execPath,
      [CLI_BIN, 'run', ...f.auth, '--', 'sh', '-c', script],
      {
        cols: 80,
        rows: 24,
        env: { ...process.env, ...f.env, K: 'kw://ci/key', TERM: 'xterm-256color' } as Record<
          string,
          string
        >,
      },
    )
    let output = ''
    const seen = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (output.includes(text)) {
            sub.dispose()
            resolve()
          }
        }
        const sub = term.onData(check)
        check()
      })
    term.onData((d) => (output += d))
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)))

    await seen('green')
    term.resize(100, 30)
    // The resize reaches run as SIGWINCH; give it a moment before the line that asks for the size.
    await new Promise((r) => setTimeout(r, 300))
    term.write('hello\r')
    expect(await exited).toBe(5)

    expect(output).toContain('child has a terminal')
    expect(output).toContain(`\x1b[31m${CONCEALED}\x1b[0m and \x1b[1;32mgreen\x1b[0m`)
    expect(output).not.toContain(UP_KEY)
    expect(output).toContain('got hello')
    expect(output).toContain('30 100')
  })

  it('turns Ctrl-C typed into SIGINT for the child, and SIGTERM to run reaches it', async () => {
    for (const [send, code] of [
      ['ctrl-c', 130],
      ['SIGTERM', 143],
    ] as const) {
      const term = pty.spawn(
        process.execPath,
        [CLI_BIN, 'run', ...f.auth, '--', 'sh', '-c', 'echo ready; sleep 30'],
        { env: { ...process.env, ...f.env, K: 'kw://ci/key' } as Record<string, string> },
      )
      const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)))
      await new Promise<void>((resolve) => term.onData((d) => d.includes('ready') && resolve()))
      if (send === 'ctrl-c') term.write('\x03')
      else term.kill('SIGTERM')
      expect(await exited).toBe(code)
    }
  })
})
