"""The one way to run an external binary: list arguments, a timeout, captured output,
and a typed error. ffmpeg is resolved here and nowhere else."""
from __future__ import annotations

import functools
import shutil
import subprocess


class ProcessError(RuntimeError):
    """A binary failed, timed out or is missing; `stderr` holds its last words."""

    def __init__(self, message: str, stderr: str = ""):
        super().__init__(message)
        self.stderr = stderr


@functools.cache
def ffmpeg_path() -> str:
    """The system ffmpeg when installed, else the static build in the imageio-ffmpeg wheel."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a pinned dependency
        raise ProcessError("ffmpeg not found: install ffmpeg or imageio-ffmpeg") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffprobe_path() -> str | None:
    """ffprobe ships with the system ffmpeg only (the wheel has none)."""
    return shutil.which("ffprobe")


def run(args: list[str], timeout: float, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ARGS (no shell), capture stdout/stderr, raise ProcessError on failure."""
    try:
        done = subprocess.run(args, input=input, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise ProcessError(f"{args[0]}: not found") from None
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stderr or b"").decode(errors="replace")[-2000:]
        raise ProcessError(f"{args[0]}: timed out after {timeout:g} s", tail) from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace")[-2000:]
        last = tail.strip().splitlines()[-1:] or [""]
        raise ProcessError(f"{args[0]}: exit {done.returncode}: {last[0]}", tail)
    return done
