"""PyTorch side of `pnpm bench`: times the same cases as bench/run.ts and prints JSON.

Run by bench/run.ts with Debian's python3-torch; it reads the case list from argv[1] (JSON).
"""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)


def timeit(fn, warmup=2, reps=5):
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def case_fn(c):
    kind = c["kind"]
    if kind == "matmul":
        m, k, n = c["m"], c["k"], c["n"]
        a, b = torch.rand(m, k), torch.rand(k, n)
        return lambda: a @ b
    if kind == "add":
        a, b = torch.rand(*c["shape"]), torch.rand(*c["shape"])
        return lambda: a + b
    if kind == "sum":
        a = torch.rand(*c["shape"])
        return lambda: a.sum(c["dim"])
    if kind == "conv2d":
        x = torch.rand(*c["x"])
        w = torch.rand(*c["w"])
        return lambda: torch.nn.functional.conv2d(x, w, padding=c["padding"])
    if kind == "cnn_step":
        import torch.nn as nn
        torch.manual_seed(0)
        net = nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2),
                            nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
                            nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        x = torch.rand(c["batch"], 3, 32, 32)
        y = torch.randint(0, 10, (c["batch"],))
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        return step
    raise ValueError(kind)


cases = json.loads(sys.argv[1])
print(json.dumps({c["name"]: timeit(case_fn(c)) for c in cases}))
