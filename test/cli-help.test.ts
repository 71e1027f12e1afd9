import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { makeProgram } from '../src/cli/commands.ts';
import { defaultConfigJson } from '../src/cli/train.ts';
import { parseTrainConfig } from '../src/model/config.ts';
import { runCli } from './helpers/cli.ts';

/** A subcommand's full --help text, the "after" sections included. */
function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

const program = await makeProgram();
/** Every command that runs, by its full name: a group's subcommands (`masks import`) instead of the group. */
const runnable: [string, Command][] = program.commands.flatMap((c): [string, Command][] =>
  c.commands.length > 0
    ? c.commands.map((s): [string, Command] => [`${c.name()} ${s.name()}`, s])
    : [[c.name(), c]],
);

test('every subcommand’s --help ends with an example, marks required options and shows defaults one way', () => {
  assert.equal(program.commands.length, 10);
  for (const cmd of [...program.commands, ...runnable.map(([, c]) => c)]) {
    const help = helpOf(cmd);
    const lines = help.trimEnd().split('\n');
    assert.match(lines.at(-1)!, /^ {2}\$ clift /, `${cmd.name()}: last line is not an example`);
    assert.ok(help.includes('\nExample'), cmd.name());
    const flat = help.replace(/\s+/g, ' ');
    for (const o of cmd.options.filter((x) => x.mandatory)) {
      const text = cmd.createHelp().optionDescription(o);
      assert.match(text, /\(required\)$/, `${cmd.name()} ${o.long} marked required`);
      assert.ok(flat.includes(text.replace(/\s+/g, ' ').slice(-40)), `${cmd.name()} ${o.long} in the help`);
    }
    assert.doesNotMatch(help, /\(default [^:]/, `${cmd.name()}: a default written without a colon`);
    assert.doesNotMatch(help, /default: "/, `${cmd.name()}: a quoted default`);
  }
});

test('--eps and --bandwidth say which cluster method they apply to; run lists its noise levels and losses', () => {
  const segment = helpOf(program.commands.find((c) => c.name() === 'segment')!).replace(/\s+/g, ' ');
  assert.match(segment, /--eps <r\|auto> --cluster dbscan only/);
  assert.match(segment, /--bandwidth <b\|auto> --cluster meanshift only/);
  const run = helpOf(program.commands.find((c) => c.name() === 'run')!).replace(/\s+/g, ' ');
  assert.match(run, /none, low, medium, high, or off/);
  assert.match(run, /slow-fast, vanilla, vanilla\+conc, ae, margin, linear-assignment/);
});

test('the README command table lists exactly the flags of each command’s --help', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  for (const [name, cmd] of runnable) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`clift ${name} `));
    assert.ok(row, `README has a row for ${name}`);
    const cell = row!.slice(0, row!.indexOf('` |'));
    const inReadme = [...new Set(cell.match(/--[a-z][a-z0-9-]*/g) ?? [])].sort();
    const inHelp = cmd.options.map((o) => o.long!).sort();
    assert.deepEqual(inReadme, inHelp, `README row of clift ${name}`);
  }
});

test('clift train --print-config prints the whole default config, nested keys included, without --scene', async () => {
  const json = JSON.parse(defaultConfigJson());
  assert.deepEqual(json, parseTrainConfig({}, 'defaults'));
  assert.equal(json.grid.end, 128);
  assert.equal(json.lr.instance, 5e-4);
  const r = await runCli(['train', '--print-config']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), json);
  // What it prints is a valid --config file.
  assert.deepEqual(parseTrainConfig(JSON.parse(r.stdout), 'printed'), json);
});

test('the README documents every training config key --print-config prints', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('### Training config');
  const section = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| key |', start)));
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  const documented = new Set<string>();
  for (const row of rows) {
    const names = [...row.split(' | ')[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    let parent = '';
    for (const n of names) {
      if (n.startsWith('.')) documented.add(`${parent}${n}`);
      else {
        documented.add(n);
        parent = n.includes('.') ? n.slice(0, n.indexOf('.')) : n;
      }
    }
  }
  const keys = (o: Record<string, unknown>, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null
        ? keys(v as Record<string, unknown>, `${prefix}${k}.`)
        : [`${prefix}${k}`],
    );
  for (const key of keys(JSON.parse(defaultConfigJson())))
    assert.ok(documented.has(key), `README documents ${key}`);
});
