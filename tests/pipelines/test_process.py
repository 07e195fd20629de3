"""The process helper's streaming run: lines as they come, a kill on cancel, typed errors."""
import os

import pytest

from pipelines.process import ProcessError, stream

TICKER = ["sh", "-c", "echo $$; while :; do echo tick; sleep 0.05; done"]


class Stop(Exception):
    pass


def test_lines_arrive_while_it_runs_and_stderr_is_returned():
    lines = []
    tail = stream(["sh", "-c", "echo one; echo two; echo oops >&2"], lines.append)
    assert lines == ["one", "two"] and "oops" in tail


def test_a_callback_that_raises_kills_the_binary_and_the_error_goes_on():
    pids = []

    def on_line(line):
        if not pids:
            pids.append(int(line))
        else:
            raise Stop()

    with pytest.raises(Stop):
        stream(TICKER, on_line)
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(pids[0], 0)


def test_a_failing_binary_raises_with_its_last_words():
    with pytest.raises(ProcessError, match="exit 3: broken") as caught:
        stream(["sh", "-c", "echo broken >&2; exit 3"], lambda line: None)
    assert "broken" in caught.value.stderr


def test_silence_longer_than_the_idle_timeout_gives_up():
    with pytest.raises(ProcessError, match="no output"):
        stream(["sleep", "5"], lambda line: None, idle_timeout=0.2)


def test_a_missing_binary_is_a_process_error():
    with pytest.raises(ProcessError, match="not found"):
        stream(["/nonexistent/binary"], lambda line: None)
