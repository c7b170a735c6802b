"""pytorch/examples' time_sequence_prediction (generate_sine_wave.py + train.py), run by real
PyTorch as examples/timeseries.ts runs it.

The only change from the original: the sine waves' random offsets come from torch.randint
under torch.manual_seed(2) instead of numpy's RandomState(2) (a TypeScript program has no
numpy; torch-ts reproduces PyTorch's random streams), and the sizes are parameters. The data
is float64, as the original's `.astype('float64')`, and so is the model (`seq.double()`).

Writes test/fixtures/timeseries.json: for each configuration, the offsets, the LBFGS closure
losses of every optimizer step (the first step is the first epoch), the test loss after each
step and the first predicted future values.
Run with Debian's torch: /usr/bin/python3 tools/gen_timeseries_fixture.py
"""
import json
import os

import torch
import torch.nn as nn
import torch.optim as optim

torch.set_default_dtype(torch.float32)


def sine_waves(N, L, T=20, seed=2):
    # generate_sine_wave.py, with torch's generator in place of numpy's
    torch.manual_seed(seed)
    offsets = torch.randint(-4 * T, 4 * T, (N, 1))
    x = torch.empty((N, L), dtype=torch.int64)
    x[:] = torch.arange(L) + offsets
    data = torch.sin(x.double() / 1.0 / T)
    return offsets, data


class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):  # if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


def run(waves, length, steps, future):
    offsets, data = sine_waves(waves, length)
    torch.manual_seed(0)
    input = data[3:, :-1]
    target = data[3:, 1:]
    test_input = data[:3, :-1]
    test_target = data[:3, 1:]
    seq = Sequence()
    seq.double()
    criterion = nn.MSELoss()
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    out = {"waves": waves, "length": length, "future": future, "offsets": offsets.reshape(-1).tolist(), "steps": []}
    for i in range(steps):
        losses = []

        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            losses.append(loss.item())
            loss.backward()
            return loss

        optimizer.step(closure)
        with torch.no_grad():
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
        out["steps"].append({
            "closureLosses": losses,
            "testLoss": loss.item(),
            "futureHead": pred[:, -future:][:, :5].tolist(),
        })
        print(waves, length, "step", i, "closures", len(losses), "first", losses[0], "last", losses[-1], "test", loss.item())
    return out


def main():
    torch.set_num_threads(1)
    fixture = {
        # what test/timeseriesExample.test.ts runs
        "small": run(waves=8, length=60, steps=2, future=20),
        # the original program's sizes (generate_sine_wave.py: N=100, L=1000), its first epoch
        "original": run(waves=100, length=1000, steps=1, future=1000),
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "timeseries.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
