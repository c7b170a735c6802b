// The 32-bit Mersenne Twister exactly as ATen's at::mt19937 (ATen/core/MT19937RNGEngine.h).
//
// Invariants that make it bit-compatible with PyTorch:
// - Seeding keeps the full 64-bit seed (reported by initialSeed) but initialises the state
//   from its low 32 bits only (`init_with_uint32`): state[0] = seed & 0xffffffff,
//   state[j] = 1812433253 * (state[j-1] ^ (state[j-1] >> 30)) + j   (mod 2^32).
// - `left` starts at 1 and `next` at 0, so the first draw regenerates the whole state.
// - Each draw is the standard MT19937 tempering of state[next++].

export const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  /** The 624 words of state, as unsigned 32-bit integers. */
  readonly state = new Uint32Array(MT_N);
  /** Draws left before the state must be regenerated (PyTorch's `left_`). */
  left = 1;
  /** Index of the next state word to temper (PyTorch's `next_`). */
  next = 0;
  /** The full 64-bit seed, as given (PyTorch's `seed_`). */
  seed: bigint = 5489n;

  constructor(seed: bigint = 5489n) {
    this.initWithUint32(seed);
  }

  /** at::mt19937::init_with_uint32: only the low 32 bits of the seed reach the state. */
  initWithUint32(seed: bigint): void {
    this.seed = BigInt.asUintN(64, seed);
    const s = this.state;
    s[0] = Number(this.seed & 0xffffffffn);
    for (let j = 1; j < MT_N; j++) {
      const prev = s[j - 1]!;
      s[j] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  private nextState(): void {
    const s = this.state;
    this.left = MT_N;
    this.next = 0;
    let kk = 0;
    for (; kk < MT_N - MT_M; kk++) {
      const y = (s[kk]! & UPPER_MASK) | (s[kk + 1]! & LOWER_MASK);
      s[kk] = s[kk + MT_M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < MT_N - 1; kk++) {
      const y = (s[kk]! & UPPER_MASK) | (s[kk + 1]! & LOWER_MASK);
      s[kk] = s[kk + (MT_M - MT_N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (s[MT_N - 1]! & UPPER_MASK) | (s[0]! & LOWER_MASK);
    s[MT_N - 1] = s[MT_M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }

  /** One tempered 32-bit draw, as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    if (--this.left === 0) this.nextState();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Copies the full engine state (for Generator.getState / clone). */
  copyFrom(other: MT19937): void {
    this.state.set(other.state);
    this.left = other.left;
    this.next = other.next;
    this.seed = other.seed;
  }
}
