// The webgpu runtime: one device, its caching allocator, compiled pipelines, and the batch
// of recorded commands.
//
// Recording: every kernel is one dispatch in a compute pass of the open command encoder;
// its parameters (sizes, strides, scalars) go into a slot of the batch's uniform buffer.
// Nothing reaches the GPU per op. A batch is submitted (one queue.submit) when it holds
// `maxBatch` dispatches or its uniform buffer is full, when a value is read back, and when
// the current run of JavaScript ends (a queued microtask), so a loop that never reads a
// value never waits, and the GPU is never left idle behind an await.
//
// Ordering: the queue runs submits and queue.writeBuffer calls in call order, so
//  - a buffer freed while a batch is open is reused only after that batch is submitted
//    (allocator.ts), and uploads only ever write fresh buffers;
//  - the uniform buffer is written once per batch, right before its submit, and reused by
//    the next batch (whose write comes after this submit in queue order).
//
// Errors the device finds later (an index out of range in gather/scatter, a validation
// error) are recorded and thrown at the next read, as CUDA reports device-side asserts.
import { RuntimeError } from "../../errors.ts";
import { BufferCache, type MemoryStats } from "./allocator.ts";
import { GPUArray, deviceBytes, type GPUDType } from "./array.ts";
import type { AcquiredDevice } from "./gpu.ts";

/** A compiled kernel: its pipeline and how many vec4<u32> of parameters it reads. */
export interface Kernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  paramVec4s: number;
  label: string;
  /** Distinguishes kernels in bind-group cache keys. */
  id: number;
}

export interface RuntimeStats {
  dispatches: number;
  submits: number;
  pipelines: number;
  reads: number;
}

const PARAM_SLOT = 256; // minUniformBufferOffsetAlignment's usual (and maximum) value
const PARAM_CAPACITY = 512 * PARAM_SLOT;
/** Error words: [flag, value low, value high, dim, size, 0, 0, 0]. */
const ERROR_WORDS = 8;

export class WebGPURuntime {
  readonly device: GPUDevice;
  readonly adapterName: string;
  readonly source: string;
  readonly cache: BufferCache;
  /** Dispatches per submitted batch (the flush policy's bound; a batch may end earlier). */
  maxBatch = 256;
  private readonly kernels = new Map<string, Kernel>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** The pipeline the open pass last set (set again only when it changes). */
  private passPipeline: GPUComputePipeline | null = null;
  private dispatched = 0;
  private readonly paramBytes = new ArrayBuffer(PARAM_CAPACITY);
  private readonly paramWords = new Uint32Array(this.paramBytes);
  private paramUsed = 0;
  private readonly paramBuffer: GPUBuffer;
  private readonly errorBuffer: GPUBuffer;
  private flushQueued = false;
  private deferredErrors: string[] = [];
  private lost: string | null = null;
  private readonly stagingPool: GPUBuffer[] = [];
  readonly stats: RuntimeStats = { dispatches: 0, submits: 0, pipelines: 0, reads: 0 };
  readonly alignment: number;

  constructor(acquired: AcquiredDevice, collect: (() => void) | null) {
    this.device = acquired.device;
    this.adapterName = acquired.adapterName;
    this.source = acquired.source;
    this.cache = new BufferCache(this.device, collect);
    this.alignment = Math.max(this.device.limits.minUniformBufferOffsetAlignment, 16);
    if (this.alignment > PARAM_SLOT) throw new RuntimeError(`webgpu: uniform offset alignment ${this.alignment} is larger than ${PARAM_SLOT}`);
    this.paramBuffer = this.device.createBuffer({ size: PARAM_CAPACITY, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.errorBuffer = this.device.createBuffer({ size: ERROR_WORDS * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.device.addEventListener("uncapturederror", (ev) => {
      this.deferredErrors.push(`webgpu: ${(ev as GPUUncapturedErrorEvent).error.message}`);
    });
    void this.device.lost.then((info) => {
      this.lost = `webgpu device lost (${info.reason}): ${info.message}`;
    });
  }

  /** The buffer kernels flag index errors in (bound where a kernel reads indices). */
  get errors(): GPUBuffer {
    return this.errorBuffer;
  }

  // ---- storage -----------------------------------------------------------------------------

  /** Uninitialised device storage for n elements of dtype, to be written by kernels only. */
  empty(dtype: GPUDType, n: number): GPUArray {
    return this.storage(dtype, n, true);
  }

  private storage(dtype: GPUDType, n: number, ordered: boolean): GPUArray {
    this.checkAlive();
    const bytes = Math.max(4, n * deviceBytes(dtype));
    const max = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > max) throw new RuntimeError(`webgpu: a tensor of ${n} ${dtype} elements (${bytes} bytes) exceeds the device's largest storage binding (${max} bytes)`);
    return new GPUArray(this.cache.allocate(bytes, ordered), dtype, 0, n);
  }

  /** New device storage holding the bytes of host data (already in the device layout). */
  upload(dtype: GPUDType, words: Uint32Array | Int32Array | Float32Array | BigInt64Array): GPUArray {
    const out = this.storage(dtype, words.length, false);
    if (words.byteLength > 0) this.device.queue.writeBuffer(out.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    return out;
  }

  /** The raw bytes of arr, once every command recorded so far has run. */
  async read(arr: GPUArray): Promise<ArrayBuffer> {
    this.checkAlive();
    this.stats.reads++;
    const eb = deviceBytes(arr.dtype);
    const bytes = arr.length * eb;
    const errAt = Math.ceil(bytes / 256) * 256;
    const size = errAt + ERROR_WORDS * 4;
    const staging = this.staging(size);
    const enc = this.openEncoder();
    this.endPass();
    if (bytes > 0) enc.copyBufferToBuffer(arr.buffer, arr.offset * eb, staging, 0, bytes);
    enc.copyBufferToBuffer(this.errorBuffer, 0, staging, errAt, ERROR_WORDS * 4);
    this.flush();
    await staging.mapAsync(GPUMapMode.READ, 0, size);
    const mapped = staging.getMappedRange(0, size);
    const out = mapped.slice(0, bytes);
    const err = new Int32Array(mapped.slice(errAt, errAt + ERROR_WORDS * 4));
    staging.unmap();
    this.stagingPool.push(staging);
    if (err[0] !== 0) {
      this.device.queue.writeBuffer(this.errorBuffer, 0, new Uint32Array(ERROR_WORDS));
      const value = BigInt(err[1]! >>> 0) | (BigInt(err[2]!) << 32n);
      this.deferredErrors.push(`index ${value} is out of bounds for dimension ${err[3]} with size ${err[4]} (found by a webgpu kernel recorded before this read)`);
    }
    this.throwDeferred();
    return out;
  }

  /** Resolves when every command recorded so far has run on the device. */
  async synchronize(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwDeferred();
  }

  private staging(size: number): GPUBuffer {
    const i = this.stagingPool.findIndex((b) => b.size >= size && b.size <= 4 * size);
    if (i >= 0) return this.stagingPool.splice(i, 1)[0]!;
    if (this.stagingPool.length > 8) this.stagingPool.shift()!.destroy();
    return this.device.createBuffer({ size: Math.max(1024, 2 ** Math.ceil(Math.log2(size))), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  private throwDeferred(): void {
    if (this.deferredErrors.length === 0) return;
    const msg = this.deferredErrors.join("\n");
    this.deferredErrors = [];
    throw new RuntimeError(msg);
  }

  private checkAlive(): void {
    if (this.lost) throw new RuntimeError(this.lost);
  }

  // ---- kernels and dispatch ----------------------------------------------------------------

  /** The kernel for `key`, compiled from makeCode() the first time the key is seen. */
  kernel(key: string, paramVec4s: number, makeCode: () => string): Kernel {
    let k = this.kernels.get(key);
    if (k) return k;
    const code = makeCode();
    const module = this.device.createShaderModule({ code, label: key });
    void module.getCompilationInfo().then((info) => {
      const errs = info.messages.filter((m) => m.type === "error");
      if (errs.length) this.deferredErrors.push(`webgpu: kernel ${key} did not compile: ${errs.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")}\n${code}`);
    });
    const layout = this.device.createBindGroupLayout({ entries: bindingsOf(code, paramVec4s), label: key });
    const pipeline = this.device.createComputePipeline({
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: "main" },
      label: key,
    });
    k = { pipeline, layout, paramVec4s, label: key, id: this.kernels.size };
    this.kernels.set(key, k);
    this.stats.pipelines++;
    return k;
  }

  /**
   * Records one dispatch: params (u32 words, at most paramVec4s * 4) go to binding 0, the
   * buffers to bindings 1, 2, ... in order.
   */
  dispatch(k: Kernel, params: Uint32Array, buffers: readonly GPUBuffer[], groups: readonly [number, number?, number?]): void {
    this.checkAlive();
    const slotBytes = Math.ceil((k.paramVec4s * 16) / this.alignment) * this.alignment;
    if (this.paramUsed + slotBytes > PARAM_CAPACITY || this.dispatched >= this.maxBatch) this.flush();
    const at = this.paramUsed;
    this.paramWords.set(params, at >> 2);
    this.paramUsed += slotBytes;
    const pass = this.openPass();
    if (this.passPipeline !== k.pipeline) {
      pass.setPipeline(k.pipeline);
      this.passPipeline = k.pipeline;
    }
    pass.setBindGroup(0, this.bindGroup(k, buffers), [at]);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    this.dispatched++;
    this.stats.dispatches++;
  }

  /**
   * The bind group of a kernel over these buffers, cached: creating one costs more than the
   * rest of a dispatch, and a training loop's pooled buffers meet the same kernels every step.
   * The parameters' offset is dynamic, so it is not part of the group.
   */
  private bindGroup(k: Kernel, buffers: readonly GPUBuffer[]): GPUBindGroup {
    let key = `${k.id}`;
    for (const b of buffers) {
      let id = this.bufferIds.get(b);
      if (id === undefined) this.bufferIds.set(b, (id = this.nextBufferId++));
      key += `,${id}`;
    }
    let group = this.bindGroups.get(key);
    if (!group) {
      if (this.bindGroups.size >= 16384) this.bindGroups.clear();
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.paramBuffer, offset: 0, size: k.paramVec4s * 16 } }];
      for (let i = 0; i < buffers.length; i++) entries.push({ binding: i + 1, resource: { buffer: buffers[i]! } });
      group = this.device.createBindGroup({ layout: k.layout, entries });
      this.bindGroups.set(key, group);
    }
    return group;
  }

  private openEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.cache.batchOpen = true;
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    }
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.pass = this.openEncoder().beginComputePass();
      this.passPipeline = null;
    }
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Submits the open batch (if any). */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.paramUsed > 0) this.device.queue.writeBuffer(this.paramBuffer, 0, this.paramBytes, 0, this.paramUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.paramUsed = 0;
    this.dispatched = 0;
    this.stats.submits++;
    this.cache.batchSubmitted();
  }

  memory(): MemoryStats {
    return this.cache.stats();
  }

  /** Frees cached buffers; pending work is submitted first so parked buffers join the cache. */
  emptyCache(): void {
    this.flush();
    this.cache.emptyCache();
    this.bindGroups.clear(); // some name destroyed buffers
  }
}

/**
 * The bind group layout a kernel's WGSL declares: binding 0 the parameters (uniform, dynamic
 * offset), then storage buffers, read-only or read_write as declared.
 */
function bindingsOf(code: string, paramVec4s: number): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = [
    { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: paramVec4s * 16 } },
  ];
  for (const m of code.matchAll(/@group\(0\) @binding\((\d+)\) var<storage, (read_write|read)>/g)) {
    entries.push({ binding: Number(m[1]), visibility: GPUShaderStage.COMPUTE, buffer: { type: m[2] === "read" ? "read-only-storage" : "storage" } });
  }
  return entries;
}

/** Workgroup counts for `groups` workgroups in a grid no side of which exceeds the limit. */
export function grid(groups: number): [number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
