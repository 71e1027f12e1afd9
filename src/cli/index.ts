/** The `clift` command line: one subcommand a file, registered here. */
import { Command } from 'commander';
import { errorLine } from './fail.ts';
import { configureClift } from './help.ts';

type Register = (p: Command) => void;

/** Each subcommand's module, loaded only when needed (start-up is what a refused command mostly costs). */
const COMMANDS: [string, () => Promise<Register>][] = [
  ['generate', async () => (await import('./generate.ts')).registerGenerate],
  ['segment2d', async () => (await import('./segment2d.ts')).registerSegment2d],
  ['baseline', async () => (await import('./baseline.ts')).registerBaseline],
  ['train', async () => (await import('./train.ts')).registerTrain],
  ['segment', async () => (await import('./segment.ts')).registerSegment],
  ['eval', async () => (await import('./eval.ts')).registerEval],
  ['run', async () => (await import('./run.ts')).registerRun],
  ['convert', async () => (await import('./convert.ts')).registerConvert],
  ['view', async () => (await import('./view.ts')).registerView],
];

const program = new Command();
configureClift(program);
program
  .name('clift')
  .description(
    'Contrastive Lift in TypeScript: consistent 3D instance ids from posed photos and inconsistent 2D masks',
  )
  .version('0.1.0')
  .showHelpAfterError();

try {
  // `clift train …` needs only train's module; anything else (help, a typo) gets every command.
  const named = COMMANDS.filter(([name]) => name === process.argv[2]);
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load())(program);
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${errorLine(e)}\n`);
  // Exit now: a worker pool, a pending timer or a half-written stream must not keep a failed command alive.
  process.exit(1);
}
