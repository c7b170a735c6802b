// Timing and memory helpers shared by the Node peers. bench/peers/pytorch.py mirrors
// measure() line for line so every engine is timed by the same rule:
//   warm-up: run units until 2 ran and warmupS passed; a unit slower than budgetS warms up once;
//   steady:  then (maxWarmupS > 0, units under STEADY_WINDOW_S / 4) windows of at least
//            STEADY_WINDOW_S until a window's time per unit is not STEADY_GAIN below the window
//            before it, or maxWarmupS of warm-up in all: a JIT's tier-up (V8 optimizing the
//            step's code over its first few hundred steps: W4 8.6 ms per step over steps 0-99,
//            6.9 over 100-199, 6.2-6.3 from 300 on) is warm-up, not the step's speed;
//   inner:   units per timed repeat, so one repeat lasts >= MIN_REPEAT_S at the fastest warm-up
//            unit's pace (tiny ops batch up);
//   repeats: up to cfg.repeats timed repeats, stopping early once budgetS is spent (>= 1);
//   report:  median and min of the per-unit time over the repeats.
// --quick sets oneShotS: a unit slower than that runs once, and that cold run is the sample.
import type { ChildConfig, Metric, Unit } from "./protocol.ts";

export const MIN_REPEAT_S = 0.02;
/** The steadiness check's window (seconds, at least 2 units) and the gain that keeps warming up. */
export const STEADY_WINDOW_S = 0.5;
export const STEADY_GAIN = 0.03;

export interface Timing {
  medianS: number;
  minS: number;
  repeats: number;
  inner: number;
  /** The timed repeats' span on performance.now() (ms): where the child looks for GC. */
  window: [number, number];
  /** CPU seconds of every thread of the process per wall second over the timed repeats. */
  cpuCores?: number;
  /** Warm-up before the timed repeats: seconds and units. */
  warmupS: number;
  warmupUnits: number;
}

/** The process's CPU seconds so far, every thread counted. */
const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const now = (): number => performance.now() / 1000;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function measure(fn: () => void, cfg: Pick<ChildConfig, "repeats" | "budgetS" | "warmupS" | "oneShotS" | "maxWarmupS">): Timing {
  const w0 = now();
  if (cfg.oneShotS !== undefined) {
    fn();
    const first = now() - w0;
    if (first > cfg.oneShotS) return { medianS: first, minS: first, repeats: 1, inner: 1, window: [w0 * 1000, (w0 + first) * 1000], warmupS: 0, warmupUnits: 0 };
  }
  let count = 0;
  let fastest = Infinity;
  const warm = (): boolean => {
    const e = now() - w0;
    return count < 1 || (count < 2 && e < cfg.budgetS) || e < Math.min(cfg.warmupS, cfg.budgetS);
  };
  while (warm()) {
    const t = now();
    fn();
    fastest = Math.min(fastest, now() - t);
    count++;
  }
  const maxWarmupS = cfg.maxWarmupS ?? 0;
  if (fastest < STEADY_WINDOW_S / 4) {
    for (let previous = Infinity; now() - w0 < maxWarmupS;) {
      const s0 = now();
      let n = 0;
      while (n < 2 || now() - s0 < STEADY_WINDOW_S) {
        const t = now();
        fn();
        fastest = Math.min(fastest, now() - t);
        n++;
      }
      count += n;
      const perUnit = (now() - s0) / n;
      if (perUnit > previous * (1 - STEADY_GAIN)) break;
      previous = perUnit;
    }
  }
  const warmupS = now() - w0;
  const inner = Math.max(1, Math.ceil(MIN_REPEAT_S / Math.max(fastest, 1e-9)));
  const times: number[] = [];
  const c0 = cpuS();
  const r0 = now();
  while (times.length < cfg.repeats && (times.length === 0 || now() - r0 < cfg.budgetS)) {
    const t = now();
    for (let i = 0; i < inner; i++) fn();
    times.push((now() - t) / inner);
  }
  const r1 = now();
  return { medianS: median(times), minS: Math.min(...times), repeats: times.length, inner, window: [r0 * 1000, r1 * 1000], cpuCores: (cpuS() - c0) / Math.max(r1 - r0, 1e-9), warmupS, warmupUnits: count };
}

/** A time metric in the given unit (ms or us/op). */
export function timeMetric(key: string, unit: Exclude<Unit, "GFLOP/s">, t: Timing): Metric {
  const scale = unit === "ms" ? 1e3 : 1e6;
  return { key, unit, median: t.medianS * scale, best: t.minS * scale, repeats: t.repeats, inner: t.inner, window: t.window, cpuCores: t.cpuCores, warmupS: t.warmupS, warmupUnits: t.warmupUnits };
}

/** Square matmul throughput: 2 n^3 flops per product. */
export function gflopsMetric(n: number, t: Timing): Metric {
  const flop = 2 * n ** 3;
  return { key: `W3 n=${n}`, unit: "GFLOP/s", median: flop / t.medianS / 1e9, best: flop / t.minS / 1e9, repeats: t.repeats, inner: t.inner, window: t.window, cpuCores: t.cpuCores, warmupS: t.warmupS, warmupUnits: t.warmupUnits };
}

export const rssMB = (): number => process.memoryUsage.rss() / 2 ** 20;
/** Peak RSS of this process so far (Linux reports maxRSS in KiB). */
export const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;
export const heapMB = (): number => process.memoryUsage().heapUsed / 2 ** 20;

/** Runs `step` until `steps` ran or `capS` passed; returns RSS at start and end. */
export function memoryCheck(step: () => void, steps: number, capS: number, extra?: () => { tensors: number }) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const t0 = now();
  const rssStartMB = rssMB();
  const heapStartMB = heapMB();
  const tensorsStart = extra?.().tensors;
  let done = 0;
  while (done < steps && now() - t0 < capS) {
    step();
    done++;
  }
  gc?.();
  return {
    steps: done,
    seconds: now() - t0,
    rssStartMB,
    rssEndMB: rssMB(),
    heapStartMB,
    heapEndMB: heapMB(),
    ...(extra ? { tensorsStart, tensorsEnd: extra().tensors } : {}),
  };
}
