"""The detectors on a labelled set of real photographs (see samples.py): no good frame is
discarded or even flagged, and every corrupt frame is caught. Precision and recall are
printed (run with -s to see them)."""
import pytest

from pipelines.corruption import Thresholds, evaluate_bytes
from tests.pipelines.corruption.samples import history_of, labelled


@pytest.fixture(scope="module")
def verdicts():
    """Every sample scored as a camera would: fast and heavy checks, with its history."""
    return [(sample, evaluate_bytes(sample.data, Thresholds(), history_of(sample.recent),
                                    heavy_checks=True)) for sample in labelled()]


def test_it_discards_every_corrupt_frame_and_no_good_one(verdicts):
    caught = [s.name for s, e in verdicts if s.bad and e.corrupt]
    missed = [f"{s.name} (score {e.score})" for s, e in verdicts if s.bad and not e.corrupt]
    false = [f"{s.name}: {e.reasons()}" for s, e in verdicts if not s.bad and e.corrupt]
    bad = sum(s.bad for s, _ in verdicts)
    precision = len(caught) / max(len(caught) + len(false), 1)
    recall = len(caught) / bad
    print(f"\ncorruption labelled set: {len(verdicts)} frames ({bad} corrupt), "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert missed == []
    assert false == []


def test_it_keeps_every_good_frame_unflagged_with_or_without_history(verdicts):
    for sample, evaluation in verdicts:
        if sample.bad:
            continue
        alone = evaluate_bytes(sample.data, heavy_checks=True)
        assert (evaluation.score, alone.score) == (100, 100), (sample.name, alone.reasons())


def test_the_fast_checks_alone_catch_all_but_garbage_and_tears(verdicts):
    """The heavy detector is optional: what the fast path misses must be only its share."""
    missed = {s.name for s, _ in verdicts
              if s.bad and not evaluate_bytes(s.data, history=history_of(s.recent),
                                              heavy_checks=False).corrupt}
    assert missed == {"macroblock garbage", "macroblock garbage (grass)", "torn frame",
                      "torn frame (motorcycle)"}
