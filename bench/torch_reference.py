"""PyTorch peer of tools/bench.ts: the same network, batch and optimiser, timed the same way.

The network is the classic PyTorch Fashion-MNIST exercise network: conv(1→10, 3×3) → ReLU →
maxpool 2 → conv(10→20, 3×3) → ReLU → maxpool 2 → flatten (500) → fc1 (500→10) → head →
log_softmax, NLL loss, plain SGD (lr 0.001). Images are loaded into one float32 tensor first,
as tools/bench.ts does, so neither side times image decoding.

Prints one JSON object per line on stdout, one per measurement:
{"impl": "torch", "phase": "train" | "infer", "threads", "batch", "images", "images_per_s",
 "peak_rss_mb", "torch": version}. Progress goes to stderr.

Run: /usr/bin/python3 bench/torch_reference.py --threads 1 --batch 20 --images 6000
"""

import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"


class Net(nn.Module):
    """The exercise network; `head` is "linear" (nothing after fc1) or "relu"."""

    def __init__(self, head):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 3)
        self.conv2 = nn.Conv2d(10, 20, 3)
        self.fc1 = nn.Linear(500, 10)
        self.head = head

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.fc1(torch.flatten(x, 1))
        if self.head == "relu":
            x = F.relu(x)
        return F.log_softmax(x, dim=1)


def read_idx(path, header_size):
    """Returns the payload of a gzipped IDX file as uint8, without its header."""
    with gzip.open(path, "rb") as file:
        return np.frombuffer(file.read(), dtype=np.uint8)[header_size:]


def load_images(data_dir, count):
    """Returns `count` training images [count, 1, 28, 28] in [0, 1] and labels, or seeded noise if no data."""
    if data_dir is not None and os.path.exists(os.path.join(data_dir, TRAIN_IMAGES)):
        pixels = read_idx(os.path.join(data_dir, TRAIN_IMAGES), 16)[: count * 784]
        labels = read_idx(os.path.join(data_dir, TRAIN_LABELS), 8)[:count]
        source = data_dir
    else:
        generator = np.random.default_rng(0)
        pixels = generator.integers(0, 256, count * 784, dtype=np.uint8)
        labels = generator.integers(0, 10, count, dtype=np.uint8)
        source = "synthetic"
    if len(labels) < count:
        sys.exit(f"torch_reference.py: --images {count} is more than the {len(labels)} images in {data_dir}.")
    images = torch.from_numpy(pixels.astype(np.float32) / 255).reshape(count, 1, 28, 28)
    return images, torch.from_numpy(labels.astype(np.int64)), source


def peak_rss_mb():
    """Peak resident memory of this process so far, in MiB.

    Reads VmHWM from /proc/self/status: ru_maxrss would count the parent's memory too, because
    Linux copies the parent's peak into a forked child and keeps it across exec.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_training(net, images, labels, batch, warmup_steps):
    """Trains one epoch over `images` in batches and returns images/s after the first warm-up steps."""
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(0))
    steps = len(labels) // batch
    started = None
    for step in range(steps):
        if step == warmup_steps:
            started = time.perf_counter()
        index = order[step * batch : (step + 1) * batch]
        optimizer.zero_grad()
        loss = F.nll_loss(net(images[index]), labels[index])
        loss.backward()
        optimizer.step()
        # The classic loop reads the loss every step (running_loss += loss.item()), as trainRun does.
        loss.item()
    return (steps - warmup_steps) * batch / (time.perf_counter() - started)


def time_inference(net, images, batch):
    """Runs forward passes over `images` without gradients and returns images/s after one warm-up batch."""
    with torch.no_grad():
        net(images[:batch])
        started = time.perf_counter()
        for start in range(0, len(images), batch):
            net(images[start : start + batch]).argmax(dim=1)
        return len(images) / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads value, ≥ 1")
    parser.add_argument("--batch", type=int, default=20, help="images per SGD step and per inference batch")
    parser.add_argument("--images", type=int, default=6000, help="training images in the timed epoch")
    parser.add_argument("--infer-images", type=int, default=6000, help="images in the timed inference pass")
    parser.add_argument("--head", choices=["linear", "relu"], default="relu", help="what follows fc1")
    parser.add_argument("--data-dir", default=None, help="folder with the Fashion-MNIST .gz files")
    parser.add_argument("--phases", default="train,infer", help="comma-separated: train, infer")
    args = parser.parse_args()
    if args.threads < 1 or args.batch < 1 or args.images < args.batch:
        parser.error("expected --threads ≥ 1, --batch ≥ 1 and --images ≥ --batch")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    count = max(args.images, args.infer_images)
    images, labels, source = load_images(args.data_dir, count)
    net = Net(args.head)
    common = {"impl": "torch", "threads": args.threads, "batch": args.batch, "torch": torch.__version__,
              "data": source}
    # Skip about a tenth of the epoch, at least 2 steps: the first steps allocate and warm caches.
    warmup_steps = max(2, args.images // args.batch // 10)
    for phase in args.phases.split(","):
        print(f"torch {phase}: {args.threads} thread(s), batch {args.batch}", file=sys.stderr, flush=True)
        if phase == "train":
            speed = time_training(net, images[: args.images], labels[: args.images], args.batch, warmup_steps)
            record = {**common, "phase": "train", "images": args.images}
        elif phase == "infer":
            speed = time_inference(net, images[: args.infer_images], args.batch)
            record = {**common, "phase": "infer", "images": args.infer_images}
        else:
            parser.error(f"unknown phase {phase!r} in --phases: expected train or infer")
        record.update(images_per_s=round(speed, 1), peak_rss_mb=round(peak_rss_mb(), 1))
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
