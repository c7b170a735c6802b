"""The seed program (../shared/seed, DESIGN.md) run by real PyTorch under manual_seed(0).

Writes test/fixtures/seed_program.json: the initial weights and data the seed produces,
every epoch's loss, the ten printed lines, and the final weights.
Run with Debian's torch: /usr/bin/python3 tools/gen_seed_fixture.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        x = self.fc2(x)
        return x


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


torch.manual_seed(0)
net = Net()
criterion = nn.MSELoss()
optimizer = optim.SGD(net.parameters(), lr=0.01)
x_train = torch.randn(100, 10)
y_train = torch.randn(100, 1)
initial = {k: flat(v) for k, v in net.state_dict().items()}
losses, lines = [], []
for epoch in range(1000):
    outputs = net(x_train)
    loss = criterion(outputs, y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    losses.append(loss.item())
    if epoch % 100 == 0:
        lines.append(f'Epoch [{epoch+1}/1000], Loss: {loss.item():.4f}')

out = {
    "torch": torch.__version__,
    "initial": initial,
    "x": flat(x_train),
    "y": flat(y_train),
    "losses": losses,
    "lines": lines,
    "final": {k: flat(v) for k, v in net.state_dict().items()},
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "seed_program.json")
with open(path, "w") as f:
    json.dump(out, f)
print("\n".join(lines))
