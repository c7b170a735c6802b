// The dataset of test/browser/workers.test.ts, in a module of its own: the page's Web Workers
// import it from its URL, which the Dataset constructor read from the stack.
import * as torch from "../../src/index.ts";

/** Sample i: [i * i, torch.rand(2) from the loading worker's generator, the worker's id]. */
export class Squares extends torch.utils.data.Dataset<[number, torch.Tensor, number]> {
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): [number, torch.Tensor, number] {
    return [i * i, torch.rand(2), torch.utils.data.getWorkerInfo()?.id ?? -1];
  }
  get length(): number {
    return this.n;
  }
}
