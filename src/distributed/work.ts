// The handle of an asynchronous collective (`{ asyncOp: true }`, isend, irecv): PyTorch's
// Work. The tensors are written when the main thread learns the collective finished: in
// wait(), in an isCompleted() that finds it done, or when getFuture()'s promise settles.
import type { Tensor } from "../tensor.ts";
import { type CommThread, unwrap } from "./bridge.ts";
import type { Reply } from "./wire/messages.ts";

export class Work {
  private settled = false;
  private error: Error | null = null;
  private value: unknown = null;
  private future: Promise<Tensor[]> | null = null;

  /**
   * @internal `finish(value)` copies the results into the tensors (and frees the staging
   * memory); `cleanup()` frees it after a failure.
   */
  constructor(
    private readonly thread: CommThread | null,
    private readonly id: number,
    private readonly tensors: Tensor[],
    private readonly finish: (value: unknown) => void,
    private readonly cleanup: () => void = () => {},
  ) {
    if (thread === null) this.settled = true;
  }

  private settle(r: Reply): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.value = unwrap(r);
      this.finish(this.value);
    } catch (e) {
      this.error = e as Error;
      this.cleanup();
    }
  }

  /** Blocks until the collective finished; raises its error. Returns true, as PyTorch. */
  wait(): boolean {
    if (!this.settled) {
      const r = this.thread!.wait(this.id, () => this.settled);
      if (r) this.settle(r);
    }
    if (this.error) throw this.error;
    return true;
  }

  /** Whether the collective finished (successfully or not), without blocking. */
  isCompleted(): boolean {
    if (!this.settled) {
      const r = this.thread!.poll(this.id);
      if (r) this.settle(r);
    }
    return this.settled;
  }

  isSuccess(): boolean {
    return this.isCompleted() && this.error === null;
  }

  exception(): Error | null {
    this.isCompleted();
    return this.error;
  }

  /** The tensors the collective wrote (PyTorch's work.result()). */
  result(): Tensor[] {
    this.wait();
    return this.tensors;
  }

  /** @internal what the communication thread answered (recv: the sender's rank). */
  _value(): unknown {
    this.wait();
    return this.value;
  }

  /** A promise of the result tensors, settled from the event loop (PyTorch's get_future()). */
  getFuture(): Promise<Tensor[]> {
    this.future ??= new Promise<Tensor[]>((resolve, reject) => {
      const done = (): void => (this.error ? reject(this.error) : resolve(this.tensors));
      if (this.settled) return done();
      this.thread!.onReply(this.id, (r) => {
        this.settle(r);
        done();
      });
    });
    return this.future;
  }
}
