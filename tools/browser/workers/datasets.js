// A dataset class in a module of its own: Web Workers import it from this URL, found on the
// stack when the instance was made (Chrome's and V8's "at new Squares (url:line:col)").
import * as torch from "../torch/index.js";

export class Squares extends torch.utils.data.Dataset {
  constructor(n) {
    super();
    this.n = n;
  }
  getItem(i) {
    const w = torch.utils.data.getWorkerInfo();
    return [i * i, torch.rand(2), w ? w.id : -1];
  }
  get length() {
    return this.n;
  }
}
