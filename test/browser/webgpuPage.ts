// The page of test/browser/webgpu.test.ts: the seed program's training loop on webgpu through
// navigator.gpu (the same library bundle as in Node), reporting every step's loss, read back
// asynchronously, to the test's server.
import * as torch from "../../src/index.ts";

class Net extends torch.nn.Module {
  fc1 = new torch.nn.Linear(10, 5);
  fc2 = new torch.nn.Linear(5, 1);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}

async function main(): Promise<unknown> {
  const { steps } = (await (await fetch("/data")).json()) as { steps: number };
  if (!(await torch.accelerator.isAvailable())) return { error: "no accelerator in the page" };
  const device = torch.accelerator.currentAccelerator()!;
  torch.manualSeed(0);
  const net = new Net().to(device);
  const criterion = new torch.nn.MSELoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr: 0.01 });
  const x = torch.randn(100, 10, { device });
  const y = torch.randn(100, 1, { device });
  const losses: Array<Promise<number>> = [];
  for (let epoch = 0; epoch < steps; epoch++) {
    const loss = criterion.forward(net.forward(x), y);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    losses.push(loss.itemAsync());
  }
  return {
    device: String(device),
    adapter: torch.webgpu.getDeviceName(),
    paramDevices: net.parameters().map((p) => String(p.device)),
    losses: await Promise.all(losses),
    fc2Bias: await net.fc2.bias!.tolistAsync(),
  };
}

let report: unknown;
try {
  report = await main();
} catch (e) {
  report = { error: String((e as Error)?.stack ?? e) };
}
await fetch("/result", { method: "POST", body: JSON.stringify(report) });
