/** `keywarden keyserver --port --data`: the headless key server (same code as `npm run keyserver`). */
import { Command } from 'commander'
import { addHeadlessOptions, serveHeadless, type HeadlessOptions } from '../keyserver/cli'

/** Register the `keyserver` subcommand. */
export function registerKeyserverCommand(program: Command): void {
  addHeadlessOptions(
    program.command('keyserver').description('Run the local key server headless'),
  ).action(async (opts: HeadlessOptions) => serveHeadless(opts))
}
