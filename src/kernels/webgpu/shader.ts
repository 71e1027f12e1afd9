/**
 * WGSL program assembly. A kernel is written against named accessors (`X_ld(i)`, `X_st(i, v)`, `G_add(i, v)`,
 * `p.name` for scalars) and this module generates the uniform struct, one storage binding per distinct device
 * buffer and the accessors. Arguments that share a buffer (sub-views of one allocation, or y aliasing x) share
 * one binding, because WebGPU forbids overlapping writable bindings in one dispatch; a buffer that any argument
 * adds into atomically is declared `array<atomic<u32>>` and its plain accessors go through atomicLoad/Store.
 * Browser-safe: no Node imports.
 */

/** Element type of a buffer argument: plain float, int, or a float that the kernel adds into atomically. */
export type BufType = 'f32' | 'i32' | 'atomic';
/** Type of a scalar parameter. */
export type ScalarType = 'u32' | 'i32' | 'f32';

/** One WGSL compute kernel: buffer arguments, scalar parameters and the source of its entry point `main`. */
export interface KernelDef {
  readonly name: string;
  readonly bufs: readonly { readonly name: string; readonly type: BufType }[];
  readonly scalars: readonly { readonly name: string; readonly type: ScalarType }[];
  /** Helper functions and the `@compute fn main` entry point, using the generated accessors. */
  readonly source: string;
}

/** Uniform fields in order: one element offset per buffer argument, then the scalars. */
export function uniformFields(def: KernelDef): { name: string; type: ScalarType }[] {
  return [...def.bufs.map((b) => ({ name: `${b.name}_off`, type: 'u32' as const })), ...def.scalars];
}

/** The binding array type of a slot shared by arguments of these types. */
function slotType(types: readonly BufType[]): 'f32' | 'i32' | 'atomic<u32>' {
  if (types.includes('atomic')) return 'atomic<u32>';
  return types[0] === 'i32' ? 'i32' : 'f32';
}

/** Accessors of one argument bound to slot `s`. */
function accessors(name: string, type: BufType, s: number, atomicSlot: boolean): string {
  const at = `b${s}[p.${name}_off + i]`;
  if (type === 'i32') return `fn ${name}_ld(i: u32) -> i32 { return ${at}; }\n`;
  if (!atomicSlot) {
    return (
      `fn ${name}_ld(i: u32) -> f32 { return ${at}; }\n` + `fn ${name}_st(i: u32, v: f32) { ${at} = v; }\n`
    );
  }
  return (
    `fn ${name}_ld(i: u32) -> f32 { return bitcast<f32>(atomicLoad(&${at})); }\n` +
    `fn ${name}_st(i: u32, v: f32) { atomicStore(&${at}, bitcast<u32>(v)); }\n` +
    `fn ${name}_add(i: u32, v: f32) {\n` +
    `  var old = atomicLoad(&${at});\n` +
    `  loop {\n` +
    `    let r = atomicCompareExchangeWeak(&${at}, old, bitcast<u32>(bitcast<f32>(old) + v));\n` +
    `    if (r.exchanged) { break; }\n` +
    `    old = r.old_value;\n` +
    `  }\n` +
    `}\n`
  );
}

/**
 * WGSL of a kernel for one binding pattern: slots[j] is the binding slot (0-based, consecutive) of buffer
 * argument j. Binding 0 is the uniform block; slot s is binding s + 1.
 */
export function assemble(def: KernelDef, slots: readonly number[]): string {
  const fields = uniformFields(def)
    .map((f) => `  ${f.name}: ${f.type},`)
    .join('\n');
  const count = Math.max(-1, ...slots) + 1;
  let out = `struct Params {\n${fields}\n}\n@group(0) @binding(0) var<uniform> p: Params;\n`;
  const types: string[] = [];
  for (let s = 0; s < count; s++) {
    const t = slotType(def.bufs.filter((_, j) => slots[j] === s).map((b) => b.type));
    types.push(t);
    out += `@group(0) @binding(${s + 1}) var<storage, read_write> b${s}: array<${t}>;\n`;
  }
  def.bufs.forEach((b, j) => {
    out += accessors(b.name, b.type, slots[j]!, types[slots[j]!] === 'atomic<u32>');
  });
  return `${out}\n${def.source}`;
}

/** Packs the uniform block (16-byte multiple) from element offsets and scalar values, in field order. */
export function packUniforms(
  def: KernelDef,
  offsets: readonly number[],
  scalars: Record<string, number>,
): ArrayBuffer {
  const fields = uniformFields(def);
  const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const view = new DataView(new ArrayBuffer(bytes));
  fields.forEach((f, i) => {
    const v = i < offsets.length ? offsets[i]! : scalars[f.name];
    if (v === undefined) throw new Error(`${def.name}: scalar ${f.name} missing`);
    if (f.type === 'f32') view.setFloat32(i * 4, v, true);
    else if (f.type === 'i32') view.setInt32(i * 4, v, true);
    else view.setUint32(i * 4, v, true);
  });
  return view.buffer;
}

/** Linear invocation index of a 1-D kernel dispatched as a 2-D grid of 256-wide workgroups. */
export const LINEAR_INDEX = `fn linearIndex(w: vec3u, nw: vec3u, l: u32) -> u32 { return (w.y * nw.x + w.x) * 256u + l; }`;

/** Entry point header of a 1-D kernel: defines `i` and returns when i >= bound. */
export function entry1d(bound: string): string {
  return (
    `@compute @workgroup_size(256)\n` +
    `fn main(@builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_index) l: u32) {\n` +
    `  let i = linearIndex(w, nw, l);\n  if (i >= ${bound}) { return; }\n`
  );
}
