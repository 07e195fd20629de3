"""BulkMaker: ordered results, a bad item fails alone, stop() ends after the items in
flight, and every item is either written completely or not at all."""
from __future__ import annotations

from pipelines.thumbnails import BulkMaker, Item, Target, VariantSpec
from tests.fixtures.photos import write_photo

THUMB, SMALL = VariantSpec(160, "jpeg", 75), VariantSpec(400, "webp", 80)


def items(tmp_path, count, bad=()):
    result = []
    for i in range(count):
        source = write_photo(tmp_path / "src" / f"{i}.jpg", 640, 360, seed=i % 3)
        if i in bad:
            source.write_bytes(b"garbage")
        targets = (Target(THUMB, tmp_path / "out" / f"{i}.t.jpg"),
                   Target(SMALL, tmp_path / "out" / f"{i}.s.webp"))
        result.append(Item(i, source, targets))
    return result


def test_results_come_back_in_order_and_a_bad_source_fails_alone(tmp_path):
    work = items(tmp_path, 9, bad={4})
    outcomes = list(BulkMaker(workers=2).run(work))
    assert [o.key for o in outcomes] == list(range(9))
    assert [o.ok for o in outcomes] == [i != 4 for i in range(9)]
    assert "4.jpg" in outcomes[4].error and "not an image" in outcomes[4].error
    assert [(v.width, v.height) for v in outcomes[0].variants] == [(160, 90), (400, 225)]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{i}.{k}" for i in range(9) if i != 4 for k in ("t.jpg", "s.webp"))


def test_stop_ends_the_run_after_the_items_in_flight(tmp_path):
    work = items(tmp_path, 20)
    maker = BulkMaker(workers=2)
    seen = []
    for outcome in maker.run(work):
        seen.append(outcome.key)
        if len(seen) == 2:
            maker.stop()
    assert 2 < len(seen) <= 2 + 2 * 2  # what was already started is finished, nothing more
    assert seen == list(range(len(seen)))
    written = {p.name.split(".")[0] for p in (tmp_path / "out").iterdir()}
    assert written == {str(k) for k in seen}  # every handed-back item complete, no others


def test_a_failed_write_leaves_none_of_the_items_files(tmp_path):
    (work,) = items(tmp_path, 1)
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where a folder should be")
    item = Item(0, work.source, (work.targets[0], Target(SMALL, blocker / "x.webp")))
    (outcome,) = BulkMaker(workers=1).run([item])
    assert not outcome.ok and "could not write" in outcome.error
    assert not work.targets[0].path.exists()
