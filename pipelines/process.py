"""The one way to run an external binary: list arguments, a timeout, captured output,
and a typed error. ffmpeg is resolved here and nowhere else.

`run` waits for the binary; `stream` hands its stdout to a callback line by line while it
runs (ffmpeg's `-progress pipe:1`) and kills it when the callback raises (a cancel); it
can also feed the binary's stdin from a thread (frames piped to ffmpeg)."""
from __future__ import annotations

import contextlib
import functools
import os
import selectors
import shutil
import subprocess
import tempfile
import threading
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


def stream(args: list[str], on_line: Callable[[str], None], idle_timeout: float = 600,
           feed: Callable[[object], None] | None = None) -> str:
    """Run ARGS (no shell), calling ON_LINE with each line of stdout as it arrives.

    stderr goes to a temp file: an undrained pipe would stall the binary once full. When
    ON_LINE raises (say, a cancelled job) or stdout stays silent for IDLE_TIMEOUT seconds,
    the binary is killed and reaped before the exception goes on; the caller removes its
    partial output. FEED(stdin), when given, writes the binary's input from a thread (so
    stdout keeps being read: one thread doing both would deadlock once a pipe is full);
    an exception in FEED is raised here. Returns the tail of stderr; a non-zero exit
    raises ProcessError."""
    with tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(args, stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err)
        except FileNotFoundError:
            raise ProcessError(f"{args[0]}: not found") from None
        feeder = _Feeder(proc, feed) if feed else None
        try:
            _pump(proc, on_line, idle_timeout)
            code = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            proc.stdout.close()
            if feeder:
                feeder.join()
        if feeder:
            feeder.raise_error()
        tail = _tail(err)
    if code != 0:
        last = tail.strip().splitlines()[-1:] or [""]
        raise ProcessError(f"{args[0]}: exit {code}: {last[0]}", tail)
    return tail


class _Feeder:
    """Runs FEED(proc.stdin) in a thread, then closes stdin (the binary sees the end).
    A closed pipe (the binary died or was killed) ends it quietly; the exit code tells."""

    def __init__(self, proc: subprocess.Popen, feed: Callable[[object], None]):
        self.proc, self.feed, self.error = proc, feed, None
        self.thread = threading.Thread(target=self._run, name="process-feed", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.feed(self.proc.stdin)
        except (BrokenPipeError, ValueError):  # ValueError: writing to a closed file
            pass
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc
            self.proc.kill()
        finally:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()

    def join(self) -> None:
        self.thread.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


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
