/**
 * Starting the child in a pseudo-terminal (node-pty) when our stdout is a terminal, so colours,
 * progress bars, line editing and prompts behave as they do without Keywarden: the child sees a
 * terminal, and only its output passes through the masker. Our terminal goes to raw mode, so
 * every key (Ctrl-C included) goes to the child's terminal, whose line discipline turns it into
 * the signal; window size changes follow.
 */
import type { ChildHandle, ChildSpec } from './child'
import { exitCodeOf } from './child'
import { Masker } from './mask'

type NodePty = typeof import('node-pty')

/** node-pty, or null with the reason when its native part cannot load here. */
export async function loadNodePty(): Promise<{ pty: NodePty } | { error: string }> {
  try {
    const mod = (await import('node-pty')) as NodePty & { default?: NodePty }
    const pty = typeof mod.spawn === 'function' ? mod : mod.default
    if (!pty || typeof pty.spawn !== 'function') return { error: 'node-pty has no spawn()' }
    return { pty }
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : 'unknown error' }
  }
}

/** Start the child in a pseudo-terminal sized like ours. */
export function startInPty(pty: NodePty, file: string, spec: ChildSpec): ChildHandle {
  const out = process.stdout
  const input = process.stdin
  const term = pty.spawn(file, spec.args, {
    name: spec.env.TERM ?? 'xterm-256color',
    cols: out.columns || 80,
    rows: out.rows || 24,
    cwd: process.cwd(),
    env: spec.env as Record<string, string>,
    encoding: null,
  })
  const masker = spec.secrets && spec.secrets.length > 0 ? new Masker(spec.secrets) : null
  const onData = term.onData((data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data
    const shown = masker ? masker.push(chunk) : chunk
    if (shown.length > 0) out.write(shown)
  })
  const onResize = (): void => term.resize(out.columns || 80, out.rows || 24)
  out.on('resize', onResize)
  const wasRaw = input.isTTY ? input.isRaw : false
  if (input.isTTY) input.setRawMode(true)
  const onInput = (chunk: Buffer): void => term.write(chunk)
  // Input that is not a terminal ends with end-of-file: the child's terminal gets Ctrl-D.
  const onInputEnd = (): void => term.write('\x04')
  input.on('data', onInput)
  input.once('end', onInputEnd)
  input.resume()

  const exited = new Promise<number>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      onData.dispose()
      const rest = masker?.end()
      if (rest && rest.length > 0) out.write(rest)
      out.off('resize', onResize)
      input.off('data', onInput)
      input.off('end', onInputEnd)
      if (input.isTTY) input.setRawMode(wasRaw)
      input.pause()
      resolve(exitCodeOf(exitCode, signal ?? null))
    })
  })
  return {
    kill: (signal) => {
      try {
        term.kill(signal)
      } catch {
        // Already gone.
      }
    },
    exited,
    // The child has its own terminal: no keyboard signal reaches it but through us.
    sharesTerminalSignals: false,
  }
}
