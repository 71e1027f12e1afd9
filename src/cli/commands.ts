/** The subcommands of `clift`, each loaded on demand, and the program they are registered on. */
import { Command } from 'commander';
import { configureClift } from './help.ts';

type Register = (p: Command) => void;

/** Each subcommand's name and a loader of its module (start-up is what a refused command mostly costs). */
export const COMMANDS: [string, () => Promise<Register>][] = [
  ['generate', async () => (await import('./generate.ts')).registerGenerate],
  ['segment2d', async () => (await import('./segment2d.ts')).registerSegment2d],
  ['baseline', async () => (await import('./baseline.ts')).registerBaseline],
  ['train', async () => (await import('./train.ts')).registerTrain],
  ['segment', async () => (await import('./segment.ts')).registerSegment],
  ['eval', async () => (await import('./eval.ts')).registerEval],
  ['run', async () => (await import('./run.ts')).registerRun],
  ['convert', async () => (await import('./convert.ts')).registerConvert],
  ['masks', async () => (await import('./masks.ts')).registerMasks],
  ['view', async () => (await import('./view.ts')).registerView],
];

/** The program with the named subcommands registered (all of them when `only` names none). */
export async function makeProgram(only?: string): Promise<Command> {
  const program = new Command();
  configureClift(program);
  program
    .name('clift')
    .description(
      'Contrastive Lift in TypeScript: consistent 3D instance ids from posed photos and inconsistent 2D masks',
    )
    .version('0.1.0')
    .showHelpAfterError();
  const named = COMMANDS.filter(([name]) => name === only);
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load())(program);
  return program;
}
