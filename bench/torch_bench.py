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
    if kind == "mlp_step":
        import torch.nn as nn
        torch.manual_seed(0)
        net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x = torch.rand(c["batch"], 784)
        y = torch.randint(0, 10, (c["batch"],))
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        return step
    raise ValueError(kind)


def loader_throughput(n, num_workers, epochs=3):
    """Images/s of torchvision's CIFAR pipeline over the bytes bench/loader.ts writes."""
    import numpy as np
    from PIL import Image
    import torchvision.transforms as T

    i = np.arange(n).reshape(-1, 1)
    p = np.arange(3072).reshape(1, -1)
    pixels = ((p * 31 + i * 17) & 255).astype(np.uint8).reshape(n, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
                           T.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261))])

    class DS(torch.utils.data.Dataset):
        def __len__(self):
            return n

        def __getitem__(self, k):
            return transform(Image.fromarray(pixels[k])), k % 10

    loader = torch.utils.data.DataLoader(DS(), batch_size=64, shuffle=True, num_workers=num_workers,
                                         persistent_workers=num_workers > 0)
    for _ in loader:
        pass
    t0 = time.perf_counter()
    images = 0
    for _ in range(epochs):
        for x, _ in loader:
            images += x.shape[0]
    return images / (time.perf_counter() - t0)


cases = json.loads(sys.argv[1])
out = {}
for c in cases:
    try:
        if c["kind"] == "loader":
            out[c["name"]] = loader_throughput(c["n"], c["workers"])
        else:
            out[c["name"]] = timeit(case_fn(c))
    except ImportError as e:
        # torchvision is optional: the loader cases go without a reference.
        print(f"{c['name']}: {e}", file=sys.stderr)
print(json.dumps(out))
