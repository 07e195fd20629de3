"""The one way to run an external binary: list arguments, a timeout, captured output,
and a typed error. ffmpeg is resolved here and nowhere else.

`run` waits for the binary; `stream` hands its stdout to a callback line by line while it
runs (ffmpeg's `-progress pipe:1`) and kills it when the callback raises (a cancel)."""
from __future__ import annotations

import functools
import os
import selectors
import shutil
import subprocess
import tempfile
from collections.abc import Callable


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


def _tail(fh) -> str:
    fh.seek(0, os.SEEK_END)
    fh.seek(max(0, fh.tell() - 4000))
    return fh.read().decode(errors="replace")[-2000:]


def stream(args: list[str], on_line: Callable[[str], None], idle_timeout: float = 600) -> str:
    """Run ARGS (no shell), calling ON_LINE with each line of stdout as it arrives.

    stderr goes to a temp file: an undrained pipe would stall the binary once full. When
    ON_LINE raises (say, a cancelled job) or stdout stays silent for IDLE_TIMEOUT seconds,
    the binary is killed and reaped before the exception goes on; the caller removes its
    partial output. Returns the tail of stderr; a non-zero exit raises ProcessError."""
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=err)
        except FileNotFoundError:
            raise ProcessError(f"{args[0]}: not found") from None
        try:
            _pump(proc, on_line, idle_timeout)
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            proc.stdout.close()
        tail = _tail(err)
    if code != 0:
        last = tail.strip().splitlines()[-1:] or [""]
        raise ProcessError(f"{args[0]}: exit {code}: {last[0]}", tail)
    return tail


def _pump(proc: subprocess.Popen, on_line: Callable[[str], None], idle_timeout: float) -> None:
    """Read stdout until it closes, line by line, giving up after IDLE_TIMEOUT of silence."""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        pending = b""
        while True:
            if not selector.select(idle_timeout):
                raise ProcessError(f"{proc.args[0]}: no output for {idle_timeout:g} s")
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                on_line(line.decode(errors="replace").rstrip("\r"))
        if pending:
            on_line(pending.decode(errors="replace"))
