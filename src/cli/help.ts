/** Help layout shared by every subcommand: required options marked, defaults in one style. */
import type { Command, Help, Option } from 'commander';

/** The help line of an option: its description, then "(required)" or "(default: X)" without quotes. */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.mandatory) extra.push('required');
  if (option.defaultValue !== undefined && !option.isBoolean()) {
    const d = option.defaultValueDescription ?? String(option.defaultValue);
    extra.push(`default: ${d}`);
  }
  return extra.length > 0 ? `${option.description} (${extra.join(', ')})` : option.description;
}

/** Applies the shared help layout to a program (before its subcommands are added, which inherit it). */
export function configureClift(program: Command): void {
  program.configureHelp({
    optionDescription: (option: Option) => optionDescription(option),
  } satisfies Partial<Help>);
}
