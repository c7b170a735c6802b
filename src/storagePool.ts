// Reuse of float32 storage the autograd engine proves dead. JavaScript frees memory only when
// the garbage collector runs, so a training step's tensors would all be fresh allocations
// (calloc, page faults, and collections triggered by the external memory they add up to).
// PyTorch's reference counting frees each intermediate the moment it is dropped; here the one
// place that knows when a buffer is dropped is the backward pass: the storage allocated while
// it runs (gradients and the vjps' temporaries) is unreachable once it returns, except what
// escaped to the caller, a hook or a leaf's .grad. The engine records those allocations, marks
// the escapes, and at the end hands the rest to this pool, from which later allocations of the
// same length are served (zero-filled, as fresh storage is). Only float32 arrays of more than
// 64 bytes are recorded: V8 keeps typed arrays up to that size on its own heap, where they are
// cheap, while a larger one costs a calloc and external-memory accounting (~0.3 us: pooling
// the small tensors too took the seed program W1 from 39 to 29 ms per 1000 steps).
//
// Device storage (webgpu) of every dtype is recorded too, and what did not escape is released
// to the device's caching allocator at once (`block.release()`), instead of when the garbage
// collector finds its tensor dead, which needs a turn of the event loop (docs/DEVICES.md).

/** A device storage handle: its block goes back to the device allocator on release. */
export interface DeviceStorage {
  readonly block: { release(): void };
}

/** Smaller arrays are neither recorded nor pooled. */
export const MIN_ELEMENTS = 17;

let recorded: Float32Array[] | null = null;
let recordedDevice: DeviceStorage[] = [];
let escaped: Set<unknown> | null = null;
/** Free arrays by length; replaced (not merged) at each release, so it never outgrows one backward's temporaries. */
let free = new Map<number, Float32Array[]>();

/** Arrays handed out again and arrays released, and device blocks released, since the start (tests and diagnostics). */
export const storagePoolStats = { reused: 0, released: 0, deviceReleased: 0 };

/**
 * A float32 array of n elements from the pool, or undefined: zero-filled, or with `zeroed`
 * false as it was left (a dead tensor's values) for a caller that writes every element.
 */
export function takeFloat32(n: number, zeroed = true): Float32Array | undefined {
  if (n < MIN_ELEMENTS) return undefined;
  const list = free.get(n);
  const a = list?.pop();
  if (a === undefined) return undefined;
  if (zeroed) a.fill(0);
  storagePoolStats.reused++;
  if (recorded !== null) recorded.push(a);
  return a;
}

/** Called for every fresh float32 array: recorded while a backward pass records. */
export function noteFloat32(a: Float32Array): void {
  if (recorded !== null && a.length >= MIN_ELEMENTS) recorded.push(a);
}

/** Called for every fresh device storage: recorded while a backward pass records. */
export function noteDeviceStorage(s: DeviceStorage): void {
  if (recorded !== null) recordedDevice.push(s);
}

/** Starts recording; false (and nothing changes) when a backward pass is already recording. */
export function startRecording(): boolean {
  if (recorded !== null) return false;
  recorded = [];
  escaped = new Set();
  return true;
}

/** Marks storage that outlives the backward pass (a .grad, a hook's argument or result, a returned gradient). */
export function markEscaped(storage: unknown): void {
  if (escaped === null) return;
  escaped.add(storage);
  // device storage escapes by block: any handle on the block keeps it
  const block = (storage as Partial<DeviceStorage>).block;
  if (block !== undefined) escaped.add(block);
}

/**
 * Ends recording. With `release`, every recorded array that did not escape becomes free for
 * reuse; without it (an error, or user code that may have kept any tensor) nothing is reused.
 */
export function finishRecording(release: boolean): void {
  const list = recorded, esc = escaped, dev = recordedDevice;
  recorded = null;
  escaped = null;
  recordedDevice = [];
  if (!release || list === null || esc === null) return;
  for (const s of dev) {
    if (esc.has(s.block)) continue;
    s.block.release();
    storagePoolStats.deviceReleased++;
  }
  const next = new Map<number, Float32Array[]>();
  for (const a of list) {
    if (esc.has(a)) continue;
    storagePoolStats.released++;
    const l = next.get(a.length);
    if (l === undefined) next.set(a.length, [a]);
    else l.push(a);
  }
  free = next;
}

/** Drops every pooled array (tests; or to give the memory back to the garbage collector). */
export function clearStoragePool(): void {
  free = new Map();
}
