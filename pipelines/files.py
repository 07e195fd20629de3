"""Finished files only: write to a temp name beside the target, then rename into place."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write DATA to PATH so readers see the old file, the new file, or none: never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_quietly(*paths: Path) -> None:
    """Delete files that may already be gone (deleting a row deletes its files)."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write each (path, data) atomically; if one fails, none of them is left behind."""
    done: list[Path] = []
    try:
        for path, data in files:
            write_atomic(Path(path), data)
            done.append(Path(path))
    except BaseException:
        remove_quietly(*done)
        raise
