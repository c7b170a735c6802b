// The DataLoader benchmark's dataset (bench/data/loader.ts), in a module of its own so that
// worker threads can import it. Its Python twin is in bench/data/loader_pytorch.py: the same
// steps with the same ops. getItem(i) makes sample i's "encoded image" bytes, decodes them to
// a float image, then augments it: a random crop, a random horizontal flip, per-channel
// brightness jitter and per-channel normalization. About 1 ms of CPU per sample in torch-ts.
import * as torch from "../../src/index.ts";
import { Dataset } from "../../src/utils/data/index.ts";

export const SIZE = 96;
export const CROP = 80;

export class AugmentDataset extends Dataset<[torch.Tensor, number]> {
  readonly mean = torch.tensor([0.485, 0.456, 0.406]).reshape(3, 1, 1);
  readonly std = torch.tensor([0.229, 0.224, 0.225]).reshape(3, 1, 1);
  readonly reverse = torch.arange(CROP - 1, -1, -1);
  constructor(readonly n: number) {
    super();
  }
  getItem(i: number): [torch.Tensor, number] {
    const bytes = new Uint8Array(3 * SIZE * SIZE);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (i * 131 + k * 7 + ((k * k) >> 5)) & 255;
    let x = torch.tensor(bytes).float().div(255).reshape(3, SIZE, SIZE); // decode
    const top = torch.randint(0, SIZE - CROP + 1, [1]).item();
    const left = torch.randint(0, SIZE - CROP + 1, [1]).item();
    x = x.narrow(1, top, CROP).narrow(2, left, CROP);
    if (torch.rand(1).item() < 0.5) x = x.indexSelect(2, this.reverse);
    x = x.mul(torch.rand(1).mul(0.4).add(0.8)).clamp(0, 1); // brightness
    x = x.sub(this.mean).div(this.std);
    return [x, i % 10];
  }
  get length(): number {
    return this.n;
  }
}
