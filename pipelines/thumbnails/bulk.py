"""Many frames' variants on several cores: decode, resize and encode release the GIL
(Pillow's decoder, OpenCV, Pillow's encoder), so plain threads scale.

The caller owns the loop: results come back in order, one at a time, and `stop()` (for a
cancel) ends the run after the items already started, so each one is either fully
handed back or never begun; nothing is left half-done.
"""
from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipelines.files import write_all
from pipelines.thumbnails.make import Variant
from pipelines.thumbnails.source import SourceError, variants_from_file
from pipelines.thumbnails.spec import VariantSpec


@dataclass(frozen=True)
class Target:
    """Make SPEC and write it to PATH."""

    spec: VariantSpec
    path: Path


@dataclass(frozen=True)
class Item:
    """One frame's work: read SOURCE, write each target. KEY comes back with the result."""

    key: object
    source: Path
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Outcome:
    key: object
    variants: tuple[Variant, ...] = ()
    error: str = ""  # set when the source could not be read or a file not written

    @property
    def ok(self) -> bool:
        return not self.error


def make_item(item: Item) -> Outcome:
    """Read ITEM's source once, write all its targets (all or none)."""
    try:
        variants = variants_from_file(item.source, [t.spec for t in item.targets])
    except SourceError as exc:
        return Outcome(item.key, error=str(exc))
    files = [(t.path, v.data) for t, v in zip(item.targets, variants, strict=True)]
    try:
        write_all(files)
    except OSError as exc:  # write_all left none of this item's new files behind
        return Outcome(item.key, error=f"could not write {item.targets[0].path.name}: {exc}")
    return Outcome(item.key, variants=tuple(variants))


class BulkMaker:
    """`for outcome in BulkMaker(workers).run(items)`: up to 2 x WORKERS items in flight."""

    def __init__(self, workers: int = 2):
        self.workers = max(1, workers)
        self._stopping = False

    def stop(self) -> None:
        """Take no new items; `run` hands back those already started, then ends."""
        self._stopping = True

    def run(self, items: Iterable[Item]) -> Iterator[Outcome]:
        pending: collections.deque[Future] = collections.deque()
        source = iter(items)  # advanced here, in the caller's thread (it may query a DB)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="variants") as pool:
            while True:
                while not self._stopping and len(pending) < self.workers * 2:
                    item = next(source, None)
                    if item is None:
                        break
                    pending.append(pool.submit(make_item, item))
                if not pending:
                    return
                yield pending.popleft().result()
