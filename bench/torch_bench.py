"""PyTorch side of `pnpm bench`: the same cases as bench/run.ts, timed on request.

Run by bench/run.ts with Debian's python3-torch as a persistent process, so its timings interleave
with the other engines' (`torch_bench.py serve THREADS`): each stdin line is a JSON request,
answered by one JSON line on stdout —
  {"op": "setup", "case": {...}}                        -> {"ok": true} or {"error": "..."}
  {"op": "time", "name": "...", "warmup": 1, "reps": 5, "warmupSeconds": 0} -> {"seconds": best}
  {"op": "loader", "n": 10000, "workers": 0}            -> {"rate": images per second}
`torch_bench.py rss MODEL STEPS THREADS` trains MODEL (cnn, lenet, mlp) for STEPS steps in a fresh
process and prints {"maxrss_mb": ...}: the peak resident set, as bench/rss_child.ts does for Flambeau.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn


def timeit(fn, warmup, reps, warmup_s=0.0):
    """Fastest of `reps` calls after up to `warmup` warm-up calls (fewer once `warmup_s` seconds have passed)."""
    t0 = time.perf_counter()
    for i in range(warmup):
        fn()
        if i > 0 and time.perf_counter() - t0 > warmup_s:
            break
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def cifar_cnn():
    """The seed CIFAR CNN (API-EXAMPLE), as bench/models.ts builds it."""
    return nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2),
                         nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))


def lenet():
    """Seed 003's LeNet (the 60-minute blitz Net), as bench/models.ts builds it."""
    return nn.Sequential(nn.Conv2d(1, 6, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(576, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


MODELS = {
    "cnn": (cifar_cnn, (3, 32, 32), lambda p: torch.optim.SGD(p, lr=0.01)),
    "lenet": (lenet, (1, 32, 32), lambda p: torch.optim.SGD(p, lr=0.01)),
    "mlp": (mlp, (784,), lambda p: torch.optim.Adam(p, lr=1e-3)),
}


def train_step(model, batch):
    make, shape, opt_of = MODELS[model]
    torch.manual_seed(0)
    net = make()
    opt = opt_of(net.parameters())
    x = torch.rand(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    return step


def case_fn(c):
    kind = c["kind"]
    if kind == "matmul":
        a, b = torch.rand(c["m"], c["k"]), torch.rand(c["k"], c["n"])
        return lambda: a @ b
    if kind == "add":
        a, b = torch.rand(*c["shape"]), torch.rand(*c["shape"])
        return lambda: a + b
    if kind == "sum":
        a = torch.rand(*c["shape"])
        return lambda: a.sum(c["dim"])
    if kind == "conv2d":
        x, w = torch.rand(*c["x"]), torch.rand(*c["w"])
        return lambda: torch.nn.functional.conv2d(x, w, padding=c["padding"])
    if kind == "conv2d_bwd":
        x = torch.rand(*c["x"], requires_grad=c["inputGrad"])
        w = torch.rand(*c["w"], requires_grad=True)
        b = torch.rand(c["w"][0], requires_grad=True)

        def fb():
            w.grad = b.grad = x.grad = None
            y = torch.nn.functional.conv2d(x, w, b, padding=c["padding"])
            y.backward(torch.ones_like(y))
        return fb
    if kind == "train":
        return train_step(c["model"], c["batch"])
    if kind == "infer":
        make, shape, _ = MODELS[c["model"]]
        torch.manual_seed(0)
        net = make().eval()
        x = torch.rand(c["batch"], *shape)

        def infer():
            with torch.no_grad():
                net(x)
        return infer
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


def serve():
    fns = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["op"] == "setup":
                fns[req["case"]["name"]] = case_fn(req["case"])
                out = {"ok": True}
            elif req["op"] == "time":
                out = {"seconds": timeit(fns[req["name"]], req["warmup"], req["reps"], req.get("warmupSeconds", 0.0))}
            elif req["op"] == "loader":
                out = {"rate": loader_throughput(req["n"], req["workers"])}
            else:
                out = {"error": f"unknown request {req['op']}"}
        except Exception as e:  # noqa: BLE001 - the reason goes to the table
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


def peak_rss(model, steps):
    step = train_step(model, 64)
    for _ in range(steps):
        step()
    # Linux reports ru_maxrss in KiB.
    print(json.dumps({"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    mode = sys.argv[1]
    torch.set_num_threads(int(sys.argv[-1]))
    if mode == "serve":
        serve()
    elif mode == "rss":
        peak_rss(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"usage: torch_bench.py serve THREADS | rss MODEL STEPS THREADS (got {mode})")
