/** Schedule events (grid upsampling, occupancy updates, building the sample cache) as hooks a stage owns. */

/** Runs before the step of iteration `it` of the stage that owns it; its time is reported under `name`. */
export interface StageHook {
  name: string;
  run(it: number): void;
}
