// The caching allocator (PyTorch's CUDA caching allocator, simplified): device buffers are
// rounded up to a size class and, when their tensor dies, go back to a free list of their
// class instead of being destroyed, so a training loop that allocates the same shapes every
// step reuses the same buffers.
//
// Lifetime: a Block owns one GPUBuffer. Users never free anything: a FinalizationRegistry
// returns the buffer when the Block is garbage-collected; code that knows a block is dead (the
// autograd engine's temporaries) may `release()` it at once. Either way the buffer may still be
// named by commands recorded in the open batch. Commands recorded later in the same batch run
// after those (a compute pass orders its dispatches, and Dawn puts a barrier between a read
// and a later write of a buffer), so a kernel's output may reuse it at once; but
// queue.writeBuffer runs before the whole batch, so an upload may not: the buffer is parked
// for uploads until its batch is submitted. FinalizationRegistry callbacks are tasks: they run when the event loop turns, and
// V8 only finds dead Blocks in full collections. Where it can (Node), the allocator asks for a
// full collection once device memory has grown well past what was live after the last one.

/** Size classes: 256 B, then four steps per power of two (at most 25% rounding waste). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  const step = p / 4;
  return Math.ceil(bytes / step) * step;
}

/** @internal A buffer handed back to the cache. */
export interface Freed {
  /** The buffer. */
  buffer: GPUBuffer;
  /** Its size class in bytes. */
  bytes: number;
}

/** torch.webgpu.memoryStats(): the caching allocator's counters (PyTorch's torch.cuda.memory_stats, simplified). */
export interface MemoryStats {
  /** Bytes in buffers that live blocks hold (size-class bytes). */
  allocated: number;
  /** allocated + buffers cached for reuse + buffers waiting for their batch to be submitted. */
  reserved: number;
  /** The most bytes allocated at once since start. */
  peakAllocated: number;
  /** Buffers created on the device / served from the cache, since start. */
  created: number;
  /** Buffers served from the cache instead of created. */
  reused: number;
  /** Full collections the allocator asked for (Node only). */
  collections: number;
}

/** @internal One device buffer owned by a tensor's storage; its buffer returns to the cache when the block dies. */
export class Block {
  /** Whether the buffer was handed back (release()). */
  released = false;
  constructor(
    /** The GPUBuffer. */
    readonly buffer: GPUBuffer,
    /** Its size class in bytes. */
    readonly bytes: number,
    private readonly owner: BufferCache,
  ) {}
  /** Hands the buffer back now (idempotent); the block must not be used afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.unregister(this);
    this.owner.free({ buffer: this.buffer, bytes: this.bytes });
  }
}

/** @internal The caching allocator: device buffers by size class, reused when their tensors die. */
export class BufferCache {
  private readonly pool = new Map<number, GPUBuffer[]>();
  /** Freed while a batch was open: reusable once that batch is submitted. */
  private parked: Freed[] = [];
  private readonly registry = new FinalizationRegistry<Freed>((f) => this.free(f));
  private allocatedBytes = 0;
  private cachedBytes = 0;
  private parkedBytes = 0;
  private peak = 0;
  private created = 0;
  private reused = 0;
  private collections = 0;
  /** The fewest bytes allocated since the last requested collection (what was live after it). */
  private liveAfterCollect = 0;
  /** Whether commands are being recorded into a batch not yet submitted (uploads may not reuse its freed buffers). */
  batchOpen = false;

  constructor(
    private readonly device: GPUDevice,
    /** A synchronous full garbage collection, where the host offers one (Node); null elsewhere. */
    private readonly collect: (() => void) | null,
  ) {}

  /**
   * A block of at least `bytes`. `ordered`: the storage will only be written by commands
   * recorded from now on (kernel outputs), so a buffer parked by the open batch will do; an
   * upload (queue.writeBuffer) passes false.
   */
  allocate(bytes: number, ordered: boolean): Block {
    const cls = sizeClass(bytes);
    this.maybeCollect(cls);
    let buffer = this.take(cls, ordered);
    if (buffer) this.reused++;
    else {
      buffer = this.device.createBuffer({ size: cls, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      this.created++;
    }
    this.allocatedBytes += cls;
    if (this.allocatedBytes > this.peak) this.peak = this.allocatedBytes;
    const block = new Block(buffer, cls, this);
    this.registry.register(block, { buffer, bytes: cls }, block);
    return block;
  }

  private take(cls: number, ordered: boolean): GPUBuffer | undefined {
    const cached = this.pool.get(cls)?.pop();
    if (cached) {
      this.cachedBytes -= cls;
      return cached;
    }
    if (!ordered) return undefined;
    let i = this.parked.length - 1;
    while (i >= 0 && this.parked[i]!.bytes !== cls) i--;
    if (i < 0) return undefined;
    const [f] = this.parked.splice(i, 1);
    this.parkedBytes -= cls;
    return f!.buffer;
  }

  /** Stops counting a released block as allocated. */
  unregister(block: Block): void {
    this.registry.unregister(block);
  }

  /** A dead block's buffer: parked while a batch is open, else straight back to the cache. */
  free(f: Freed): void {
    this.allocatedBytes -= f.bytes;
    if (this.allocatedBytes < this.liveAfterCollect) this.liveAfterCollect = this.allocatedBytes;
    if (this.batchOpen) {
      this.parked.push(f);
      this.parkedBytes += f.bytes;
    } else this.cache(f);
  }

  private cache(f: Freed): void {
    let list = this.pool.get(f.bytes);
    if (!list) this.pool.set(f.bytes, (list = []));
    list.push(f.buffer);
    this.cachedBytes += f.bytes;
  }

  /** The open batch was submitted: what it parked is safe to reuse. */
  batchSubmitted(): void {
    this.batchOpen = false;
    for (const f of this.parked) this.cache(f);
    this.parked = [];
    this.parkedBytes = 0;
  }

  /**
   * On every allocation: once the bytes held by blocks exceed the low-water mark since the
   * last collection (what was live after it) by half of that mark, and at least 64 MiB,
   * collect, so dead tensors' blocks reach the registry. Their buffers come back when the
   * callbacks run, on the next turn of the event loop. Checking on every allocation, not only
   * when the cache has nothing to give, keeps the garbage between collections, and so the
   * cache, bounded: reserved stays under live + max(64 MiB, live / 2) + what one turn of the
   * event loop allocates.
   */
  private maybeCollect(bytes: number): void {
    if (!this.collect) return;
    const grown = this.allocatedBytes + bytes - this.liveAfterCollect;
    if (grown < Math.max(64 << 20, this.liveAfterCollect / 2)) return;
    this.collect();
    this.collections++;
    this.liveAfterCollect = this.allocatedBytes;
  }

  /** Destroys every cached buffer (PyTorch's empty_cache); live and parked ones are kept. */
  emptyCache(): void {
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.cachedBytes = 0;
  }

  /** The counters now. */
  stats(): MemoryStats {
    return {
      allocated: this.allocatedBytes,
      reserved: this.allocatedBytes + this.cachedBytes + this.parkedBytes,
      peakAllocated: this.peak,
      created: this.created,
      reused: this.reused,
      collections: this.collections,
    };
  }
}
