/**
 * Child-process entry of bench/lib/isolated.ts: `tsx step-child.ts STEP ARGS_JSON OUT_JSON` runs one cached
 * experiment step and writes its result and the process's peak resident memory to OUT_JSON.
 */
import { writeFileSync } from 'node:fs';
import type { ClusterParams } from '../../src/cluster/types.ts';
import type { TrackMode } from '../../src/eval/baselines/run-baseline.ts';
import {
  type Branch,
  baselineScore,
  ensureBase,
  ensureBranch,
  ensureScene,
  type RunSpec,
  type SceneSpec,
  segmentScore,
} from './experiment.ts';

/** The steps a child can run. */
export type StepName = 'scene' | 'base' | 'branch' | 'segment' | 'baseline';

/** What a child writes: the step's result and its peak RSS in MiB. */
export interface StepOutput<T> {
  result: T;
  peakRssMiB: number;
}

const log = (line: string) => process.stdout.write(`        ${line}\n`);

async function runStep(step: StepName, a: Record<string, unknown>): Promise<unknown> {
  switch (step) {
    case 'scene':
      return ensureScene(a.root as string, a.spec as SceneSpec, log);
    case 'base':
      return ensureBase(a.sceneDir as string, a.runRoot as string, a.run as RunSpec, log);
    case 'branch':
      return ensureBranch(
        a.sceneDir as string,
        a.runRoot as string,
        a.run as RunSpec,
        a.branch as Branch,
        log,
      );
    case 'segment':
      return segmentScore(
        a.sceneDir as string,
        a.runDir as string,
        a.method as ClusterParams['method'],
        a.seconds as number,
      );
    case 'baseline':
      return baselineScore(a.sceneDir as string, a.track as TrackMode);
  }
}

const [step, args, out] = process.argv.slice(2) as [StepName, string, string];
const result = await runStep(step, JSON.parse(args) as Record<string, unknown>);
const output: StepOutput<unknown> = { result, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
writeFileSync(out, `${JSON.stringify(output)}\n`);
