/** The `clift` command line: one subcommand a file, registered here. */
import { Command } from 'commander';
import { registerBaseline } from './baseline.ts';
import { registerConvert } from './convert.ts';
import { registerEval } from './eval.ts';
import { errorLine } from './fail.ts';
import { registerGenerate } from './generate.ts';
import { configureClift } from './help.ts';
import { registerRun } from './run.ts';
import { registerSegment } from './segment.ts';
import { registerSegment2d } from './segment2d.ts';
import { registerTrain } from './train.ts';
import { registerView } from './view.ts';

const program = new Command();
configureClift(program);
program
  .name('clift')
  .description(
    'Contrastive Lift in TypeScript: consistent 3D instance ids from posed photos and inconsistent 2D masks',
  )
  .version('0.1.0')
  .showHelpAfterError();

const commands: ((p: Command) => void)[] = [
  registerGenerate,
  registerSegment2d,
  registerBaseline,
  registerTrain,
  registerSegment,
  registerEval,
  registerRun,
  registerConvert,
  registerView,
];
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${errorLine(e)}\n`);
  // Exit now: a worker pool, a pending timer or a half-written stream must not keep a failed command alive.
  process.exit(1);
}
