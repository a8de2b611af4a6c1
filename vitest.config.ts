import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Argon2id at test parameters and real child processes take longer than vitest's 5 s default
    // on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vaults opened by tests record what this machine saw (last-seen.ts) in a scratch folder,
    // never in the user's config; tests that check the record pass their own file.
    env: { KEYWARDEN_CONFIG_DIR: join(tmpdir(), 'keywarden-test-config') },
    // Builds dist-node/ once: the tests that spawn the CLI, key server, browser mode and launcher
    // run the compiled JavaScript, as users do.
    globalSetup: ['test/global-setup.ts'],
  },
})
