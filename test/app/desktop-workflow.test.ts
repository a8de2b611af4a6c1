/**
 * The desktop workflow cannot run here (no Electron binary), so its file is checked instead:
 * valid YAML, the three desktops, and every step the desktop proof relies on, in order.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..')
// js-yaml comes with electron-builder (which reads the same kind of file) and eslint.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown }

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  'runs-on': string
  strategy?: { matrix?: { os?: string[] } }
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, Job>
}

function load(): Workflow {
  const text = readFileSync(join(ROOT, '.github', 'workflows', 'desktop.yml'), 'utf8')
  return yaml.load(text) as Workflow
}

/** Index of the first step whose run script or action matches. */
function stepIndex(steps: Step[], pattern: RegExp): number {
  return steps.findIndex((s) => pattern.test(s.run ?? '') || pattern.test(s.uses ?? ''))
}

describe('desktop workflow', () => {
  const workflow = load()
  const job = workflow.jobs.desktop!

  it('runs on pushes and pull requests, on Linux, macOS and Windows', () => {
    expect(Object.keys(workflow.on)).toEqual(
      expect.arrayContaining(['push', 'pull_request', 'workflow_dispatch']),
    )
    expect(job['runs-on']).toBe('${{ matrix.os }}')
    expect(job.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
  })

  it('has the steps the desktop proof relies on, in order', () => {
    const steps = job.steps
    const order = [
      /actions\/checkout@/,
      /actions\/setup-node@/,
      /npm install -g npm@11/,
      /^npm ci$/m,
      /npm test/,
      /node node_modules\/electron\/install\.js/,
      /--native-only/,
      /playwright test test\/e2e\/electron\.spec\.ts/,
      /npm run dist/,
      /actions\/upload-artifact@/,
    ].map((p) => {
      const i = stepIndex(steps, p)
      expect(i, String(p)).toBeGreaterThanOrEqual(0)
      return i
    })
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('runs the Electron tests under xvfb on Linux, where a missing binary fails the run', () => {
    const e2e = job.steps[stepIndex(job.steps, /electron\.spec\.ts/)]!
    expect(e2e.run).toMatch(/xvfb-run -a npx playwright test test\/e2e\/electron\.spec\.ts/)
    expect(e2e.env?.KEYWARDEN_REQUIRE_ELECTRON).toBe('1')
    const linux = job.steps.find((s) => s.if === "runner.os == 'Linux'")!
    expect(linux.run).toMatch(/apt-get install -y xvfb/)
  })

  it('uploads every installer kind electron-builder.yml makes', () => {
    const upload = job.steps[stepIndex(job.steps, /actions\/upload-artifact@/)]!
    const paths = String(upload.with?.path)
    for (const kind of ['AppImage', 'deb', 'dmg', 'exe']) expect(paths).toContain(`*.${kind}`)
    expect(upload.with?.['if-no-files-found']).toBe('error')
  })
})
