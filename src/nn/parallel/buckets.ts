// DDP's gradient buckets: which parameters share one all-reduce (c10d's
// compute_bucket_assignment_by_size, reducer.cpp in PyTorch 1.13).

/** The first bucket is kept small so the last gradients of backward do not wait on a big one (dist._DEFAULT_FIRST_BUCKET_BYTES). */
export const DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024;

/** What computeBucketAssignmentBySize needs of a tensor: its element count and dtype. */
export interface Sized {
  /** The number of elements. */
  numel(): number;
  /** The dtype's name, which gives the element's size in bytes. */
  dtype: string;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/**
 * Walks the tensors in order, filling one bucket per dtype until its bytes reach the current
 * limit (limits[0] for a dtype's first bucket, then the next limit, the last one repeating),
 * and returns the buckets (tensor indices) sorted by their smallest index.
 */
export function computeBucketAssignmentBySize(tensors: readonly Sized[], limits: readonly number[]): number[][] {
  const result: number[][] = [];
  const open = new Map<string, { indices: number[]; size: number; limit: number }>();
  tensors.forEach((t, i) => {
    let b = open.get(t.dtype);
    if (!b) open.set(t.dtype, (b = { indices: [], size: 0, limit: 0 }));
    b.indices.push(i);
    b.size += t.numel() * ELEMENT_BYTES[t.dtype];
    if (b.size >= limits[Math.min(b.limit, limits.length - 1)]) {
      result.push(b.indices);
      b.indices = [];
      b.size = 0;
      b.limit++;
    }
  });
  for (const b of open.values()) if (b.indices.length) result.push(b.indices);
  return result.sort((a, b) => Math.min(...a) - Math.min(...b));
}
