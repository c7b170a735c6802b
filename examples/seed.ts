// The seed program: PyTorch's canonical training loop, line for line in TypeScript.
// Under torch.manualSeed(0) it prints the same ten lines as the Python original, on either
// device: `npx tsx examples/seed.ts --device webgpu` runs it on the GPU (random numbers are
// drawn on the CPU and uploaded, so the data and initial weights are the same).
import * as torch from "../src/index.ts";
const { nn, optim } = torch;

const at = process.argv.indexOf("--device");
const device = torch.device(at >= 0 ? process.argv[at + 1]! : "cpu");
if (device.type === "webgpu") await torch.webgpu.init();

class Net extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);
  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x)));
  }
}
torch.manualSeed(0);
const net = new Net().to(device);
const criterion = new nn.MSELoss();
const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
const xTrain = torch.randn(100, 10, { device });
const yTrain = torch.randn(100, 1, { device });
for (let epoch = 0; epoch < 1000; epoch++) {
  const outputs = net.forward(xTrain);
  const loss = criterion.forward(outputs, yTrain);
  loss.backward();
  optimizer.step();
  optimizer.zeroGrad();
  // a device computes ahead of the program: reading a value waits for it (on the CPU at once)
  if (epoch % 100 === 0) console.log(`Epoch [${epoch + 1}/1000], Loss: ${(await loss.itemAsync()).toFixed(4)}`);
}
