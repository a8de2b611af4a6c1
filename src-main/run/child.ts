/**
 * Starting the child with pipes: stdin is inherited as is, stdout and stderr pass through a
 * masker (or are inherited too, with --no-masking). The pseudo-terminal variant is in pty.ts.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { RunError } from './errors'
import { Masker } from './mask'

/** How long output may be quiet after the child exits before run stops waiting for more. */
const EXIT_QUIET_MS = 300

/** A started child: a way to signal it and its exit, as the code `run` returns. */
export interface ChildHandle {
  kill(signal: NodeJS.Signals): void
  /** 128 + N for a child killed by signal N, as shells report it. */
  exited: Promise<number>
  /** Whether the terminal already delivers keyboard signals (Ctrl-C) to the child itself. */
  sharesTerminalSignals: boolean
}

export interface ChildSpec {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** Values to conceal in the output; null turns masking off. */
  secrets: string[] | null
}

/** The exit code for a child that ended with `code` or by `signal`. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | number | null): number {
  if (typeof signal === 'number' && signal > 0) return 128 + signal
  if (typeof signal === 'string') return 128 + (osConstants.signals[signal] ?? 0)
  return code ?? 1
}

/**
 * The file a command runs, looked up on PATH as the shell would, so that a typo is reported
 * before anything starts (exit 127, as in shells).
 */
export function findExecutable(command: string, env: NodeJS.ProcessEnv): string {
  const bases = /[\\/]/.test(command)
    ? [command]
    : (env.PATH ?? env.Path ?? '')
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(d, command))
  // Windows finds `node` as node.exe: try each PATHEXT ending too.
  const endings =
    process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : ['']
  const candidates = bases.flatMap((b) => endings.map((e) => b + e))
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // Not here (or not executable): try the next folder.
    }
  }
  throw new RunError(`the command was not found (searched PATH).`, 127)
}

/** Copy a child's output stream to ours through a masker, with back-pressure both ways. */
function pump(from: Readable, to: Writable, masker: Masker): Promise<void> {
  return new Promise((resolve) => {
    let broken = false
    const onError = (): void => {
      // Our reader went away (`run … | head`): stop reading, so the child gets EPIPE too.
      broken = true
      from.destroy()
      resolve()
    }
    to.on('error', onError)
    from.on('data', (chunk: Buffer) => {
      if (broken) return
      const out = masker.push(chunk)
      if (out.length > 0 && !to.write(out)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    })
    from.on('end', () => {
      const rest = masker.end()
      if (!broken && rest.length > 0) to.write(rest)
      to.off('error', onError)
      resolve()
    })
    from.on('error', () => resolve())
  })
}

/** Start the child with pipes (masking) or inherited streams (no masking). */
export function startPiped(spec: ChildSpec): ChildHandle {
  const masking = spec.secrets !== null && spec.secrets.length > 0
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    stdio: ['inherit', masking ? 'pipe' : 'inherit', masking ? 'pipe' : 'inherit'],
  })
  const pumps: Promise<void>[] = []
  if (masking && child.stdout && child.stderr) {
    pumps.push(pump(child.stdout, process.stdout, new Masker(spec.secrets ?? [])))
    pumps.push(pump(child.stderr, process.stderr, new Masker(spec.secrets ?? [])))
  }
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => {
      process.stderr.write(`keywarden: ${spec.command} could not be started.\n`)
      resolve(126)
    })
    child.once('exit', (code, signal) => {
      const done = (): void => resolve(exitCodeOf(code, signal))
      if (pumps.length === 0) return done()
      // What the child wrote is passed on to the end; but a grandchild left running may hold
      // the pipes open for ever, so once the output has been quiet for a moment, stop waiting.
      let quiet = setTimeout(stop, EXIT_QUIET_MS)
      const busy = (): void => {
        clearTimeout(quiet)
        quiet = setTimeout(stop, EXIT_QUIET_MS)
      }
      child.stdout?.on('data', busy)
      child.stderr?.on('data', busy)
      function stop(): void {
        child.stdout?.destroy()
        child.stderr?.destroy()
        done()
      }
      void Promise.all(pumps).then(() => {
        clearTimeout(quiet)
        done()
      })
    })
  })
  return {
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
    exited,
    // Same process group and terminal: Ctrl-C reaches the child without our help.
    sharesTerminalSignals: process.stdin.isTTY === true,
  }
}
