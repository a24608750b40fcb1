"""PyTorch peer of tools/bench.ts: the same network, batch and optimiser, timed the same way.

The network is the classic PyTorch Fashion-MNIST exercise network: conv(1→10, 3×3) → ReLU →
maxpool 2 → conv(10→20, 3×3) → ReLU → maxpool 2 → flatten (500) → fc1 → head → log_softmax,
NLL loss, plain SGD (lr 0.001). The heads are those of lib/model/heads.ts: linear (nothing after
fc1 500→10), relu, softplus, leaky_relu (slope 0.01 below 0), and hidden (fc1 500→64 → ReLU →
fc2 64→10). Before the timed train and infer phases the images are loaded into one float32
tensor, as tools/bench.ts does, so neither side times image decoding there.

By default it times one training epoch and one inference pass of one head, and prints one JSON
object per line on stdout, one per measurement:
{"impl": "torch", "phase": "train" | "infer", "threads", "batch", "images", "images_per_s",
 "peak_rss_mb", "torch": version}.

With --study it trains the study instead: every head × seeds 0-9, one run after another in this
process, each a fresh network (PyTorch default init after torch.manual_seed(seed)) trained for one
epoch over the first --images training images at batch --batch, then evaluated on all 10,000 test
images. It prints one line {"impl": "torch", "phase": "study", "threads", "runs",
"images_per_run", "wall_s", "peak_rss_mb", ...}, where wall_s runs from before `import torch` to
the end of the last run, so it includes loading the data. Progress goes to stderr.

Run: /usr/bin/python3 bench/torch_reference.py --threads 1 --batch 20 --images 6000
     /usr/bin/python3 bench/torch_reference.py --study --threads 2 --images 6000
"""

import time

# Taken before the heavy imports, so that a study's wall time includes importing torch.
SCRIPT_STARTED = time.perf_counter()

import argparse
import gzip
import json
import os
import resource
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Image and label files of each split, as Zalando Research publishes them (gzipped IDX).
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
TEST_COUNT = 10_000

HEADS = ["linear", "relu", "softplus", "leaky_relu", "hidden"]
# Negative slope of the leaky_relu head, LEAKY_RELU_ALPHA in lib/model/heads.ts.
LEAKY_RELU_SLOPE = 0.01
# Width of the hidden head's hidden layer, HIDDEN_UNITS in lib/model/heads.ts.
HIDDEN_UNITS = 64
STUDY_SEEDS = range(10)


class Net(nn.Module):
    """The exercise network with one of the HEADS after the 500 convolutional features."""

    def __init__(self, head):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 3)
        self.conv2 = nn.Conv2d(10, 20, 3)
        if head == "hidden":
            self.fc1 = nn.Linear(500, HIDDEN_UNITS)
            self.fc2 = nn.Linear(HIDDEN_UNITS, 10)
        else:
            self.fc1 = nn.Linear(500, 10)
        self.head = head

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.fc1(torch.flatten(x, 1))
        if self.head == "relu":
            x = F.relu(x)
        elif self.head == "softplus":
            x = F.softplus(x)
        elif self.head == "leaky_relu":
            x = F.leaky_relu(x, LEAKY_RELU_SLOPE)
        elif self.head == "hidden":
            x = self.fc2(F.relu(x))
        return F.log_softmax(x, dim=1)


def read_idx(path, header_size):
    """Returns the payload of an IDX file, gzipped or not, as uint8 without its header."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        return np.frombuffer(file.read(), dtype=np.uint8)[header_size:]


def find_file(data_dir, name):
    """Returns the path of `name` in `data_dir`, or of its un-gzipped copy, or None if neither exists."""
    for candidate in (name, name.removesuffix(".gz")):
        path = os.path.join(data_dir, candidate)
        if os.path.exists(path):
            return path
    return None


def load_images(data_dir, count, split="train"):
    """Returns the first `count` images [count, 1, 28, 28] in [0, 1] and labels of a split, and their source.

    Without `data_dir`, or when it lacks the split's files, the images are seeded noise and the
    source is "synthetic".
    """
    image_name, label_name = SPLIT_FILES[split]
    image_path = find_file(data_dir, image_name) if data_dir is not None else None
    label_path = find_file(data_dir, label_name) if data_dir is not None else None
    if image_path is not None and label_path is not None:
        pixels = read_idx(image_path, 16)[: count * 784]
        labels = read_idx(label_path, 8)[:count]
        source = data_dir
    else:
        generator = np.random.default_rng(0 if split == "train" else 1)
        pixels = generator.integers(0, 256, count * 784, dtype=np.uint8)
        labels = generator.integers(0, 10, count, dtype=np.uint8)
        source = "synthetic"
    if len(labels) < count:
        sys.exit(f"torch_reference.py: --images {count} is more than the {len(labels)} {split} images in {data_dir}.")
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


def train_study_run(head, seed, images, labels, batch):
    """Trains a fresh network of `head` for one epoch over `images` in a seeded order and returns it."""
    torch.manual_seed(seed)
    net = Net(head)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    # The last batch may be partial, as in a DataLoader without drop_last and in trainRun.
    for start in range(0, len(labels), batch):
        index = order[start : start + batch]
        optimizer.zero_grad()
        loss = F.nll_loss(net(images[index]), labels[index])
        loss.backward()
        optimizer.step()
        loss.item()
    return net


def evaluate(net, images, labels, batch=1000):
    """Returns the mean NLL loss and the accuracy of `net` on `images`, without gradients."""
    total_loss = 0.0
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), batch):
            log_probs = net(images[start : start + batch])
            total_loss += F.nll_loss(log_probs, labels[start : start + batch], reduction="sum").item()
            correct += (log_probs.argmax(dim=1) == labels[start : start + batch]).sum().item()
    return total_loss / len(labels), correct / len(labels)


def run_study(args):
    """Trains and evaluates every head × seed one after another and prints the study's JSON line."""
    images, labels, source = load_images(args.data_dir, args.images)
    test_images, test_labels, _ = load_images(args.data_dir, TEST_COUNT, "test")
    accuracies = []
    for seed in STUDY_SEEDS:
        for head in HEADS:
            net = train_study_run(head, seed, images, labels, args.batch)
            _, accuracy = evaluate(net, test_images, test_labels)
            accuracies.append(accuracy)
            print(
                f"torch study [{len(accuracies)}/{len(HEADS) * len(STUDY_SEEDS)}] {head} seed {seed}: "
                f"test accuracy {accuracy * 100:.2f}% (elapsed {time.perf_counter() - SCRIPT_STARTED:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    record = {
        "impl": "torch",
        "phase": "study",
        "threads": args.threads,
        "runs": len(accuracies),
        "images_per_run": args.images,
        "batch": args.batch,
        "wall_s": round(time.perf_counter() - SCRIPT_STARTED, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "mean_test_accuracy": round(sum(accuracies) / len(accuracies), 4),
        "torch": torch.__version__,
        "data": source,
    }
    print(json.dumps(record), flush=True)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    parser.add_argument("--threads", type=int, default=None,
                        help="torch.set_num_threads value, ≥ 1 (default 1, or 2 with --study)")
    parser.add_argument("--batch", type=int, default=20, help="images per SGD step and per inference batch")
    parser.add_argument("--images", type=int, default=6000,
                        help="training images in the timed epoch, or with --study in each run's epoch")
    parser.add_argument("--infer-images", type=int, default=6000, help="images in the timed inference pass")
    parser.add_argument("--head", choices=HEADS, default="relu", help="what follows fc1 (ignored with --study)")
    parser.add_argument("--data-dir", default=None, help="folder with the Fashion-MNIST files")
    parser.add_argument("--phases", default="train,infer", help="comma-separated: train, infer")
    parser.add_argument("--study", action="store_true",
                        help="train every head × seeds 0-9 for one epoch each, one after another, and time it")
    args = parser.parse_args()
    if args.threads is None:
        args.threads = 2 if args.study else 1
    if args.threads < 1 or args.batch < 1 or args.images < 1:
        parser.error("expected --threads ≥ 1, --batch ≥ 1 and --images ≥ 1")
    # The study's last batch may be partial, but the timed epoch needs at least one whole batch.
    if not args.study and args.images < args.batch:
        parser.error("expected --images ≥ --batch")

    torch.set_num_threads(args.threads)
    if args.study:
        run_study(args)
        return
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
