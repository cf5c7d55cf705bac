"""PyTorch CUDA eager reference for packages/backend-webgpu/bench/gpu.ts: the same GEMM and the same
CIFAR CNN training step (API-EXAMPLE model, cross-entropy, plain SGD), one JSON line per case."""
import json, sys, time, datetime
import torch
import torch.nn as nn
import torch.nn.functional as F

size = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
dev = "cuda"
name = torch.cuda.get_device_name(0)
torch.backends.cuda.matmul.allow_tf32 = False  # float32 GEMM, like WebGPU
torch.backends.cudnn.allow_tf32 = False


def line(**o):
    print(json.dumps({"date": datetime.datetime.utcnow().isoformat() + "Z", "adapter": name, "torch": torch.__version__, **o}), flush=True)


a = torch.randn(size, size, device=dev)
a @ a
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(steps):
    a @ a
torch.cuda.synchronize()
s = time.perf_counter() - t0
line(case=f"gemm {size}^3", seconds=s / steps, tflops=2 * size ** 3 * steps / s / 1e12)

for batch in (64, 256):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10)).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x = torch.randn(batch, 3, 32, 32, device=dev)
    y = torch.randint(0, 10, (batch,), device=dev)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # a readback per step, as the Flambeau loop does

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    s = time.perf_counter() - t0
    line(case=f"cifar cnn train step, batch {batch}", seconds=s / steps, imagesPerSecond=batch * steps / s)
