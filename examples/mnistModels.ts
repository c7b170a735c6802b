// The two MNIST classifiers of examples/mnist.ts, in a module of their own with no Node
// imports, so that a browser bundle (the ONNX browser test) can use them too.
import * as torch from "../src/index.ts";

const { nn, F } = torch;
type Tensor = torch.Tensor;

/** 784 → 128 → ReLU → 10. */
export class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(x: Tensor): Tensor {
    return this.fc2.forward(torch.relu(this.fc1.forward(x.flatten(1))));
  }
}

/**
 * Two 3x3 convolutions (16 and 32 channels), each followed by ReLU and 2x2 max-pooling, then
 * a 1568 → 128 → 10 classifier.
 */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  fc1 = new nn.Linear(32 * 7 * 7, 128);
  fc2 = new nn.Linear(128, 10);
  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(torch.relu(this.conv1.forward(x)), 2);
    x = F.maxPool2d(torch.relu(this.conv2.forward(x)), 2);
    return this.fc2.forward(torch.relu(this.fc1.forward(x.flatten(1))));
  }
}
