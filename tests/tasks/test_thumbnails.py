"""The bulk thumbnail jobs on real files: regenerate, verify, repair, orphans, prune, cancel.
Huey runs inline here, so a gate returns once its job has run."""
from __future__ import annotations

import dataclasses

import pytest
from PIL import Image as PILImage

from models import Image, Job
from tasks import schedule, storage, thumbnail_settings
from tasks import thumbnails as thumbnail_tasks
from tests.fixtures.frames import age, files_on_disk, plant_frames, timelapse


def run(kind, tl=None, **params) -> Job:
    job = schedule.request_thumbnails(kind, tl.id if tl else None, **params)
    return Job.get_by_id(job.id)


def configure(**changes) -> thumbnail_settings.ThumbnailSettings:
    conf = dataclasses.replace(thumbnail_settings.load(), **changes)
    thumbnail_settings.save(conf)
    return conf


def size_of(rel: str) -> tuple[int, int]:
    with PILImage.open(storage.media_path(rel)) as image:
        return image.size


@pytest.fixture
def tl(data_dir):
    return timelapse()


def test_regenerating_after_a_size_change_remakes_every_variant(tl):
    frames = plant_frames(tl, 3, size=(1600, 900))
    old = {p for f in frames for p in (f.thumb_path, f.small_path)}
    configure(thumb_width=200, small_width=800, format="webp")
    job = run("thumbnails_regenerate", tl)
    assert (job.status, job.result["made"], job.result["failed"]) == ("done", 3, 0)
    for frame in Image.select().where(Image.timelapse == tl.id):
        assert frame.thumb_path.endswith(".w200q75.webp")
        assert frame.small_path.endswith(".w800q80.webp")
        assert (size_of(frame.thumb_path), size_of(frame.small_path)) == ((200, 113), (800, 450))
    assert not any(storage.media_path(p).exists() for p in old)  # replaced files are gone
    assert "3 of 3 frames" in job.message


def test_regenerating_skips_what_is_up_to_date_unless_forced(tl):
    plant_frames(tl, 2)
    assert run("thumbnails_regenerate", tl).result["made"] == 0
    assert run("thumbnails_regenerate", tl, force=True).result["made"] == 2


def test_a_new_thumbnail_size_alone_is_made_from_the_small_image(tl):
    frame = plant_frames(tl, 1, size=(1600, 900))[0]
    storage.media_path(frame.path).write_bytes(b"the frame is unreadable, the small is fine")
    configure(thumb_width=240)
    job = run("thumbnails_regenerate", tl)
    assert (job.result["made"], job.result["failed"]) == (1, 0)  # the frame was never read
    assert size_of(Image.get_by_id(frame.id).thumb_path) == (240, 135)


def test_a_corrupt_frame_fails_its_item_and_the_job_carries_on(tl):
    frames = plant_frames(tl, 4)
    bad = storage.media_path(frames[1].path)
    bad.write_bytes(bad.read_bytes()[:2000])  # cut short, as a dying disk or a crash leaves it
    configure(small_width=400)
    job = run("thumbnails_regenerate", tl)
    assert job.status == "done"
    assert (job.result["made"], job.result["failed"]) == (3, 1)
    (failure,) = job.result["failures"]
    assert failure["image_id"] == frames[1].id and "damaged" in failure["error"]
    assert "1 failed" in job.message
    assert Image.get_by_id(frames[1].id).small_path == frames[1].small_path  # left as it was
    assert Image.get_by_id(frames[2].id).small_path.endswith(".w400q80.jpg")


def test_regenerating_one_timelapse_leaves_the_others_alone(tl):
    other = timelapse("Other")
    plant_frames(tl, 1)
    kept = plant_frames(other, 1)[0]
    configure(thumb_width=200)
    assert run("thumbnails_regenerate", tl).result["made"] == 1
    assert Image.get_by_id(kept.id).thumb_path == kept.thumb_path
    assert run("thumbnails_regenerate").result["made"] == 1  # all: only the other is left


def plant_problems(tl):
    """Frames with exactly: one thumbnail file gone, one small image never made, one frame
    file gone, and two old orphan files plus a fresh one (a capture in progress)."""
    frames = plant_frames(tl, 5)
    storage.media_path(frames[0].thumb_path).unlink()
    storage.media_path(frames[1].small_path).unlink()
    Image.update(small_path="").where(Image.id == frames[1].id).execute()
    storage.media_path(frames[2].path).unlink()
    orphans = [f"timelapses/{tl.id}/thumbs/2026-05-01/999999.w320q75.jpg",
               f"timelapses/{tl.id}/frames/2026-04-30/.123.jpg.x1y2.tmp"]
    for rel in orphans:
        path = storage.media_path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left behind")
        age(path)
    fresh = storage.media_path(f"timelapses/{tl.id}/frames/2026-05-01/235959.jpg")
    fresh.write_bytes(b"being written right now")
    return frames, orphans


def test_verify_finds_exactly_the_planted_problems_and_changes_nothing(tl):
    frames, orphans = plant_problems(tl)
    before = files_on_disk(tl.id), list(Image.select().dicts())
    job = run("thumbnails_verify")
    r = job.result
    assert (r["frames"], r["missing_thumbs"], r["missing_smalls"]) == (5, 1, 1)
    assert r["missing_frames"] == 1
    assert r["missing_frame_ids"] == [frames[2].id] and r["outdated"] == 0
    assert sorted(r["orphan_paths"]) == sorted(orphans) and r["orphans"] == 2
    assert r["orphan_bytes"] == 2 * len(b"left behind")
    assert (files_on_disk(tl.id), list(Image.select().dicts())) == before
    assert job.message == ("Checked 5 frames: 1 missing thumbnail, 1 missing small image, "
                           "1 missing frame file, 2 orphan files")


def test_verify_reports_variants_made_with_other_settings(tl):
    plant_frames(tl, 2)
    configure(small_quality=60)
    assert run("thumbnails_verify", tl).result["outdated"] == 2


def test_repair_remakes_missing_variants_and_lists_orphans_without_deleting(tl):
    frames, orphans = plant_problems(tl)
    job = run("thumbnails_repair", tl)
    assert job.status == "done" and job.result["made"] == 2 and job.result["failed"] == 0
    assert storage.media_path(Image.get_by_id(frames[0].id).thumb_path).is_file()
    assert storage.media_path(Image.get_by_id(frames[1].id).small_path).is_file()
    assert sorted(job.result["orphan_paths"]) == sorted(orphans)
    assert all(storage.media_path(rel).exists() for rel in orphans)
    again = run("thumbnails_verify", tl).result
    assert (again["missing_thumbs"], again["missing_smalls"], again["missing_frames"]) == (0, 0, 1)


def test_deleting_orphans_removes_exactly_the_listed_ones_still_orphaned(tl):
    frames, orphans = plant_problems(tl)
    listing = run("thumbnails_verify", tl)
    # Meanwhile a row comes to own one of them: it must survive the deletion.
    Image.update(thumb_path=orphans[0]).where(Image.id == frames[0].id).execute()
    known = files_on_disk(tl.id) - set(orphans)
    job = run("thumbnails_delete_orphans", tl, source_job_id=listing.id)
    assert job.status == "done" and job.result["deleted"] == 1 and job.result["skipped"] == 1
    assert storage.media_path(orphans[0]).exists() and not storage.media_path(orphans[1]).exists()
    assert files_on_disk(tl.id) == known | {orphans[0]}


def test_orphans_of_a_deleted_timelapse_are_listed_when_checking_everything(tl):
    plant_frames(tl, 1)
    gone = timelapse("Gone")
    plant_frames(gone, 2)
    everything = files_on_disk(gone.id)
    for rel in everything:
        age(storage.media_path(rel))
    Image.delete().where(Image.timelapse == gone.id).execute()
    gone.delete_instance()
    listing = run("thumbnails_verify")
    assert set(listing.result["orphan_paths"]) == everything and len(everything) == 6
    run("thumbnails_delete_orphans", source_job_id=listing.id)
    assert files_on_disk(gone.id) == set() and len(files_on_disk(tl.id)) == 3


def test_orphan_deletion_needs_a_finished_listing(tl):
    with pytest.raises(schedule.ScheduleError, match="no list of orphan files"):
        schedule.request_thumbnails("thumbnails_delete_orphans", source_job_id=12345)
    clean = run("thumbnails_verify", tl)
    with pytest.raises(schedule.ScheduleError):
        schedule.request_thumbnails("thumbnails_delete_orphans", source_job_id=clean.id)


def test_orphan_deletion_never_leaves_the_frame_folders():
    from tasks.thumbnail_audit import deletable
    assert deletable("timelapses/3/thumbs/2026-05-01/080000.w320q75.jpg")
    for rel in ("timelapses/3/videos/x.mp4", "timelapses/3/thumbs/../../../secret_key",
                "cameras/1/preview.jpg", "/etc/passwd", "timelapses/x/frames/a.jpg"):
        assert not deletable(rel), rel


def test_a_completed_timelapse_drops_its_small_images_when_not_kept(tl):
    frames = plant_frames(tl, 2)
    configure(keep_small_completed=False)
    schedule.stop_timelapse(tl.id)
    prune = Job.get(Job.kind == "thumbnails_prune")
    assert prune.status == "done" and prune.timelapse_id == tl.id
    assert all(Image.get_by_id(f.id).small_path == "" for f in frames)
    assert not any(storage.media_path(f.small_path).exists() for f in frames)
    assert all(storage.media_path(f.thumb_path).exists() for f in frames)
    verify = run("thumbnails_verify", tl).result
    assert (verify["missing_smalls"], verify["missing_thumbs"]) == (0, 0)  # not wanted now


def test_completed_timelapses_keep_small_images_by_default(tl):
    plant_frames(tl, 1)
    schedule.stop_timelapse(tl.id)
    assert not Job.select().where(Job.kind == "thumbnails_prune").exists()


def test_turning_keep_off_prunes_all_completed_timelapses(tl):
    done = timelapse("Done", status="completed")
    running = plant_frames(tl, 1)[0]
    finished = plant_frames(done, 1)[0]
    before = thumbnail_settings.load()
    after = configure(keep_small_completed=False)
    job = schedule.thumbnail_settings_changed(before, after)
    assert Job.get_by_id(job.id).result["dropped"] == 1
    assert Image.get_by_id(finished.id).small_path == ""
    assert Image.get_by_id(running.id).small_path == running.small_path


def test_a_cancelled_run_stops_and_leaves_each_frame_whole(tl):
    frames = plant_frames(tl, 12)
    configure(thumb_width=200, small_width=480)
    job = Job.create(kind="thumbnails_regenerate", timelapse=tl.id)
    Job.update(cancel_requested=True).where(Job.id == job.id).execute()  # asked mid-run
    thumbnail_tasks.run.call_local(job.id)
    assert Job.get_by_id(job.id).status == "cancelled"
    rows = list(Image.select().where(Image.timelapse == tl.id))
    remade = [r for r in rows if r.thumb_path.endswith(".w200q75.jpg")]
    assert len(remade) < len(frames)  # it stopped early...
    for row in rows:  # ...and every row points at files that exist, old or new
        assert storage.media_path(row.thumb_path).is_file()
        assert storage.media_path(row.small_path).is_file()
    known = {p for r in rows for p in r.files()}
    assert files_on_disk(tl.id) == known  # nothing half-done left behind


def test_asking_twice_gives_the_same_job_and_a_second_writer_must_wait(tl):
    running = Job.create(kind="thumbnails_regenerate", timelapse=tl.id, status="running")
    assert schedule.request_thumbnails("thumbnails_regenerate", tl.id).id == running.id
    with pytest.raises(schedule.ScheduleError, match="still at work"):
        schedule.request_thumbnails("thumbnails_repair")
    assert run("thumbnails_verify", tl).status == "done"  # a verify changes nothing: allowed
    with pytest.raises(schedule.ScheduleError):
        schedule.request_thumbnails("thumbnails_everything")
    with pytest.raises(schedule.ScheduleError, match="no timelapse with number 999"):
        schedule.request_thumbnails("thumbnails_verify", 999)


def test_a_failed_thumbnail_job_can_be_retried(tl):
    plant_frames(tl, 1)
    job = Job.create(kind="thumbnails_verify", timelapse=tl.id, status="failed")
    again = Job.get_by_id(schedule.retry_job(job.id).id)
    assert again.status == "done" and again.result["frames"] == 1
