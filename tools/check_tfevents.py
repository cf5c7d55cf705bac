"""Reads a flambeau-train run folder with TensorBoard's own EventAccumulator and checks it against
the run's metrics.json: the scalars, the image grid of the inputs and the weight histograms.

Needs Python's `tensorboard` package (not in CI): python3 -m venv /tmp/tb && /tmp/tb/bin/pip install
tensorboard (pip here is configured with a local wheel store), then
/tmp/tb/bin/python tools/check_tfevents.py runs/<run>.
"""
import io
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator, HISTOGRAMS, IMAGES, SCALARS

run = sys.argv[1]
acc = EventAccumulator(run, size_guidance={SCALARS: 0, IMAGES: 0, HISTOGRAMS: 0})
acc.Reload()
tags = acc.Tags()
metrics = json.load(open(f"{run}/metrics.json"))
epochs = metrics["epochs"]

test_acc = acc.Scalars("accuracy/test")
assert [e.step for e in test_acc] == [m["epoch"] for m in epochs], test_acc
for e, m in zip(test_acc, epochs):
    assert abs(e.value - m["testAccuracy"]) < 1e-6, (e.value, m["testAccuracy"])
for e, m in zip(acc.Scalars("loss/train"), epochs):
    assert abs(e.value - m["trainLoss"]) < 1e-5 * max(1, m["trainLoss"]), (e.value, m["trainLoss"])

images = acc.Images("train/inputs")
assert len(images) == len(epochs), len(images)
first = images[0]
assert first.width > 0 and first.height > 0
if first.encoded_image_string[:8] != b"\x89PNG\r\n\x1a\n":
    raise SystemExit("image is not a PNG")

histo_tags = tags["histograms"]
assert "conv1.weight" in histo_tags or any(t.endswith(".weight") for t in histo_tags), histo_tags
h = acc.Histograms(histo_tags[0])[0].histogram_value
assert h.num > 0 and h.min <= h.max and len(h.bucket) == len(h.bucket_limit), h

print(f"EventAccumulator read {run}: scalars {sorted(tags['scalars'])}, {len(images)} input grids "
      f"({first.width}x{first.height}), {len(histo_tags)} histogram tags; all match metrics.json")
