"""Acting on corruption scores: the record of every evaluation, quick re-captures decided
by the scheduler, degraded mode (streak and rate rules), auto-disable, reset, and the
tick's clean-up of quarantined frames. Time is passed in explicitly."""
import datetime as dt

import pytest

from models import Camera, CorruptionEvaluation, Event, Setting, Timelapse
from pipelines.corruption import DISCARD, FLAG, KEEP, evaluate_frame
from tasks import corruption, schedule, storage
from tasks import corruption_settings as cs
from tests.pipelines.corruption.samples import noisy, scenes

T0 = dt.datetime(2030, 1, 7, 12, 0, 0, tzinfo=dt.UTC)  # future: eta tasks stay queued
SMALL = (160, 90)


def at(seconds):
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def evaluations():
    """Real evaluations of a small real photograph: good, suspect (resized), corrupt."""
    frame = noisy(scenes(SMALL)["rocket"], 1)
    good = evaluate_frame(frame)
    bad = evaluate_frame(frame[:, :, :] * 0)
    from pipelines.corruption import History
    suspect = evaluate_frame(frame[:80], history=History(previous=good.stats))
    assert (good.action, suspect.action, bad.action) == (KEEP, FLAG, DISCARD)
    return {"good": good, "suspect": suspect, "bad": bad}


@pytest.fixture
def tl(data_dir):
    camera = Camera.create(name="Gate", url="demo://")
    return Timelapse.create(camera=camera, name="TL", interval_seconds=60, status="running",
                            started_at=T0, anchor_at=T0, generation=3)


def set_camera(tl, **values):
    Camera.update(corruption={**cs.defaults(cs.PER_CAMERA), **values}).where(
        Camera.id == tl.camera_id).execute()


def camera(tl):
    return Camera.get_by_id(tl.camera_id)


def queued_captures(queue):
    """(attempt, eta) of the queued captures; Huey keeps etas as naive UTC."""
    return [(task.args[3], task.eta.replace(tzinfo=dt.UTC)) for task in queue.scheduled()
            if task.name.endswith("capture")]


def score(tl, evaluation, seconds=1, attempt=0, slot=T0, **kw):
    schedule.frame_scored(tl.id, slot, tl.generation, attempt, evaluation, now=at(seconds), **kw)


def test_every_evaluation_is_recorded_with_score_checks_action_and_times(tl, evaluations):
    score(tl, evaluations["bad"], quarantine="cameras/1/quarantine/x.jpg")
    row = CorruptionEvaluation.get()
    assert (row.camera_id, row.timelapse_id, row.slot_at, row.attempt) == (
        tl.camera_id, tl.id, T0, 0)
    assert (row.score, row.action) == (0, DISCARD)
    assert row.failed[0]["name"] == "uniform" and row.failed[0]["detail"]
    assert row.fast_ms > 0 and row.heavy_ms is None
    assert row.quarantine_path == "cameras/1/quarantine/x.jpg"
    assert Event.select().where(Event.kind == "frame_discarded").count() == 1


def test_a_discarded_frame_is_recaptured_soon_and_only_a_bounded_number_of_times(
        tl, evaluations, empty_queue):
    score(tl, evaluations["bad"], seconds=1)
    assert queued_captures(empty_queue) == [(1, at(1) + schedule.CORRUPT_RETRY_DELAY)]
    empty_queue.storage.flush_all()
    score(tl, evaluations["bad"], seconds=3, attempt=2)  # the default allows 2 re-captures
    assert queued_captures(empty_queue) == []


def test_kept_and_flagged_frames_are_not_recaptured(tl, evaluations, empty_queue):
    score(tl, evaluations["good"])
    score(tl, evaluations["suspect"])
    assert queued_captures(empty_queue) == []
    assert [r.action for r in CorruptionEvaluation.select()] == [KEEP, FLAG]


def test_the_camera_setting_bounds_the_recaptures_and_a_short_slot_gets_none(
        tl, evaluations, empty_queue):
    set_camera(tl, retries=0)
    score(tl, evaluations["bad"])
    assert queued_captures(empty_queue) == []
    set_camera(tl, retries=2)
    Timelapse.update(interval_seconds=5).where(Timelapse.id == tl.id).execute()
    score(tl, evaluations["bad"], seconds=2)  # a retry at 3 s is past half of 5 s
    assert queued_captures(empty_queue) == []


def test_a_camera_is_degraded_after_n_bad_frames_in_a_row_and_then_not_retried(
        tl, evaluations, empty_queue):
    set_camera(tl, degraded_after=3, degraded_window=100)
    for n in range(3):
        assert camera(tl).corruption_degraded_at is None
        score(tl, evaluations["bad"], seconds=n, slot=at(60 * n))
    cam = camera(tl)
    assert cam.corruption_degraded_at == at(2) and cam.corrupt_streak == 3
    assert "3 bad frames in a row" in cam.corruption_note
    assert Event.select().where(Event.kind == "camera_corruption_degraded").count() == 1
    empty_queue.storage.flush_all()
    score(tl, evaluations["bad"], seconds=200, slot=at(200))
    assert queued_captures(empty_queue) == []  # re-grabbing a broken camera is pointless
    assert camera(tl).enabled  # switching it off is an option, off by default


def test_a_camera_is_degraded_when_too_many_of_the_recent_frames_were_bad(tl, evaluations):
    set_camera(tl, degraded_after=10, degraded_window=6, degraded_percent=50)
    for n, kind in enumerate(["bad", "good", "bad", "good", "bad"]):
        score(tl, evaluations[kind], seconds=n, slot=at(60 * n))
    assert camera(tl).corruption_degraded_at is None  # a window of 5 is not yet full
    score(tl, evaluations["good"], seconds=9, slot=at(600))
    assert camera(tl).corruption_note == "3 of the last 6 frames were bad"


def test_degraded_mode_ends_after_as_many_good_frames_in_a_row(tl, evaluations):
    set_camera(tl, degraded_after=2)
    for n in range(2):
        score(tl, evaluations["bad"], seconds=n, slot=at(60 * n))
    assert camera(tl).corruption_degraded_at is not None
    score(tl, evaluations["good"], seconds=5, slot=at(300))
    assert camera(tl).corruption_degraded_at is not None
    score(tl, evaluations["good"], seconds=6, slot=at(360))
    cam = camera(tl)
    assert cam.corruption_degraded_at is None and cam.corruption_reset_at == at(6)
    assert Event.select().where(Event.kind == "camera_corruption_recovered").count() == 1


def test_auto_disable_switches_the_camera_off_and_a_reset_switches_it_back_on(
        tl, evaluations):
    set_camera(tl, degraded_after=1, auto_disable=True)
    score(tl, evaluations["bad"])
    cam = camera(tl)
    assert not cam.enabled and cam.corruption_disabled
    assert schedule.claim_capture(tl.id, at(60), tl.generation, 0, at(60)) is None
    cam = corruption.reset(cam.id, now=at(100))
    assert cam.enabled and not cam.corruption_disabled
    assert (cam.corrupt_streak, cam.corruption_degraded_at, cam.corruption_note) == (0, None, "")
    assert cam.corruption_history is None and cam.corruption_reset_at == at(100)


def test_a_reset_leaves_a_camera_switched_off_by_a_person_off(tl):
    Camera.update(enabled=False).where(Camera.id == tl.camera_id).execute()
    assert not corruption.reset(tl.camera_id).enabled


def test_the_history_keeps_only_good_frames_but_remembers_the_last_one_seen(tl, evaluations):
    score(tl, evaluations["good"])
    score(tl, evaluations["suspect"], slot=at(60))
    history = corruption.history(camera(tl))
    assert len(history.recent) == 1
    assert history.recent[0].fingerprint == evaluations["good"].stats.fingerprint
    assert history.previous.fingerprint == evaluations["suspect"].stats.fingerprint
    for n in range(corruption.RECENT + 3):
        score(tl, evaluations["good"], slot=at(120 + 60 * n))
    assert len(corruption.history(camera(tl)).recent) == corruption.RECENT


def test_the_frame_check_follows_the_camera_settings_over_the_global_ones(tl):
    cs.save_global({"heavy": True, "discard_below": 30, "flag_below": 60})
    check = corruption.frame_check(camera(tl))
    assert check.heavy and check.thresholds.discard_below == 30
    set_camera(tl, heavy=False, discard_below=70, flag_below=90)
    check = corruption.frame_check(camera(tl))
    assert not check.heavy and check.thresholds.flag_below == 90
    set_camera(tl, enabled=False)
    assert corruption.frame_check(camera(tl)) is None


def test_the_tick_removes_quarantined_frames_after_their_time_and_old_records(tl, evaluations):
    Setting.set_value(cs.SETTING_KEY, {"quarantine_hours": 1, "keep_days": 2})
    files = []
    for n, age in enumerate((dt.timedelta(minutes=30), dt.timedelta(hours=2),
                             dt.timedelta(days=3))):
        rel = storage.quarantine_path(tl.camera_id, tl.id, at(60 * n), 0)
        storage.media_path(rel).parent.mkdir(parents=True, exist_ok=True)
        storage.media_path(rel).write_bytes(b"jpeg")
        files.append(storage.media_path(rel))
        corruption.record(tl, at(60 * n), 0, evaluations["bad"], quarantine=rel, now=T0 - age)
    schedule.plan_all(T0)
    assert [f.exists() for f in files] == [True, False, False]
    rows = list(CorruptionEvaluation.select().order_by(CorruptionEvaluation.id))
    assert [bool(r.quarantine_path) for r in rows] == [True, False]  # the 3-day one is gone


def test_deleting_the_camera_deletes_its_records_and_quarantine(tl, evaluations):
    rel = storage.quarantine_path(tl.camera_id, tl.id, T0, 1)
    storage.media_path(rel).parent.mkdir(parents=True, exist_ok=True)
    storage.media_path(rel).write_bytes(b"jpeg")
    score(tl, evaluations["bad"], quarantine=rel)
    storage.delete_camera(camera(tl))
    assert CorruptionEvaluation.select().count() == 0
    assert not storage.media_path(rel).exists()


@pytest.mark.parametrize(("data", "form", "field"), [
    ({"discard_below": "abc"}, True, "discard_below"),
    ({"retries": "9"}, True, "retries"),
    ({"heavy": "yes"}, False, "heavy"),
    ({"retries": 1.5}, False, "retries"),
    ({"retries": True}, False, "retries"),
    ({"colour": 1}, False, "colour"),
])
def test_settings_refuse_what_they_cannot_use(data, form, field):
    values, errors = cs.clean(data, form=form)
    assert field in errors and field not in values


def test_settings_from_a_form_read_unticked_boxes_as_off_and_numbers_as_numbers():
    values, errors = cs.clean({"retries": " 3 ", "macroblock_percent": "2.5"}, form=True)
    assert errors == {}
    assert values["retries"] == 3 and values["macroblock_percent"] == 2.5
    assert values["enabled"] is False and values["heavy"] is False
    conf = {**cs.defaults(), "discard_below": 90, "flag_below": 80}
    order_errors = {}
    cs.check_order(conf, order_errors)
    assert "flag_below" in order_errors
