/** The `clift` command line: parses the arguments and reports a failure in one line, then exits. */
import { makeProgram } from './commands.ts';
import { errorLine } from './fail.ts';

try {
  // `clift train …` loads only train's module; anything else (help, a typo) gets every command.
  const program = await makeProgram(process.argv[2]);
  await program.parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`${errorLine(e)}\n`);
  // Exit now: a worker pool, a pending timer or a half-written stream must not keep a failed command alive.
  process.exit(1);
}
