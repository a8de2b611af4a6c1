/**
 * Error text that never repeats a value from the command line. Any argument may be a secret
 * typed in the wrong place (`--key-env "$KEY"`, `--foo=sk_live_…`, a key as an extra
 * argument), and commander quotes values in its own messages, so they are rebuilt here from
 * what commander knows about the options (flags, choices), never from the value.
 */
import type { Command, CommanderError, Option } from 'commander'

/** What replaces a command-line value that reached a message anyway. */
export const HIDDEN = '(value hidden)'

/** Values shorter than this are not secrets and match ordinary words too often to redact. */
const MIN_REDACTED_LENGTH = 6

/** Shapes that are names we may print: an option, a short option, a command. */
const LONG_OPTION = /^--[a-z][a-z0-9-]{0,39}$/
const SHORT_OPTION = /^-[A-Za-z]$/
const COMMAND_NAME = /^[a-z][a-z-]{0,29}$/

/** Separates commander's "argument '<value>' is invalid." from the parser's own sentence. */
const INVALID_TAIL = "' is invalid. "

function commandsOf(program: Command): Command[] {
  return [program, ...program.commands.flatMap((c) => commandsOf(c))]
}

function optionsOf(program: Command): Option[] {
  return commandsOf(program).flatMap((c) => c.options as Option[])
}

function optionName(o: Option): string {
  return o.long ?? o.short ?? o.flags
}

/** The text between a known prefix and the first of the given terminators, or null. */
function after(message: string, prefix: string): string | null {
  return message.startsWith(prefix) ? message.slice(prefix.length) : null
}

function unknownOption(message: string): string {
  const rest = after(message, "error: unknown option '") ?? ''
  // `--name=value`: only the part before '=' can be a name.
  const candidate = rest.split(/['=\n]/, 1)[0] ?? ''
  const suggestion = /\(Did you mean (--?[a-z][a-z0-9-]*)\?\)$/.exec(message)?.[1]
  const what =
    LONG_OPTION.test(candidate) || SHORT_OPTION.test(candidate)
      ? `Unknown option ${candidate}`
      : 'Unknown option (not shown: it may be a secret)'
  return suggestion ? `${what}; did you mean ${suggestion}?` : `${what}; see --help.`
}

function unknownCommand(message: string, program: Command): string {
  const rest = after(message, "error: unknown command '") ?? ''
  const candidate = rest.split(/['\n]/, 1)[0] ?? ''
  const names = program.commands.map((c) => c.name()).join(', ')
  const what = COMMAND_NAME.test(candidate)
    ? `Unknown command ${candidate}`
    : 'Unknown command (not shown: it may be a secret)'
  return `${what}. Commands: ${names}.`
}

function invalidArgument(message: string, program: Command): string {
  // The longest matching flags win (--key-env before --key).
  const option = optionsOf(program)
    .filter((o) => message.startsWith(`error: option '${o.flags}' `))
    .sort((a, b) => b.flags.length - a.flags.length)[0]
  if (!option) return 'An option or argument has a value that is not allowed; see --help.'
  const name = optionName(option)
  if (option.argChoices) return `${name} takes one of: ${option.argChoices.join(', ')}.`
  // The sentence after the value is the option parser's own (ours never quote the value).
  const cut = message.lastIndexOf(INVALID_TAIL)
  const expects = cut < 0 ? '' : message.slice(cut + INVALID_TAIL.length).trim()
  return expects ? `${name}: ${expects}` : `${name} has a value that is not allowed; see --help.`
}

/**
 * A commander parse error as a sentence that names the option or command and says what it
 * expects, without the value given.
 */
export function commanderMessage(error: CommanderError, program: Command): string {
  const m = error.message
  switch (error.code) {
    case 'commander.unknownOption':
      return unknownOption(m)
    case 'commander.unknownCommand':
      return unknownCommand(m, program)
    case 'commander.invalidArgument':
      return invalidArgument(m, program)
    case 'commander.excessArguments':
      // Commander's text counts the arguments and never quotes them.
      return `${m.replace(/^error: /, '')} Quote a value that contains spaces; give a key with --key-env NAME.`
    case 'commander.missingArgument':
    case 'commander.optionMissingArgument':
    case 'commander.missingMandatoryOptionValue':
    case 'commander.conflictingOption':
      // These name only declared flags and arguments.
      return `${m.replace(/^error: /, '')}.`.replace(/\.\.$/, '.')
    default:
      return 'The command line could not be read; see --help.'
  }
}

/**
 * The values on a command line that must not be printed: every argument, and the value part
 * of `--flag=value`, except the program's own command names, flags and choices.
 */
export function argumentValues(argv: readonly string[], program: Command): string[] {
  const known = new Set<string>()
  for (const c of commandsOf(program)) known.add(c.name())
  for (const o of optionsOf(program)) {
    if (o.long) known.add(o.long)
    if (o.short) known.add(o.short)
    for (const choice of o.argChoices ?? []) known.add(choice)
  }
  const values = new Set<string>()
  for (const arg of argv) {
    const eq = arg.startsWith('-') ? arg.indexOf('=') : -1
    for (const v of eq > 0 ? [arg, arg.slice(eq + 1)] : [arg])
      if (v.length >= MIN_REDACTED_LENGTH && !known.has(v)) values.add(v)
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/** The message with every command-line value in it replaced: the last line of defence. */
export function redact(message: string, values: readonly string[]): string {
  let out = message
  for (const v of values) out = out.split(v).join(HIDDEN)
  return out
}
