"""ffmpeg's progress blocks become percent, speed and time left."""
from pipelines.video.progress import ProgressParser


def feed(parser, **values):
    for key, value in values.items():
        parser(f"{key}={value}")
    parser("progress=continue")


def test_each_block_reports_once_with_frames_fps_and_time_left():
    reports = []
    parser = ProgressParser(lambda *r: reports.append(r), total=200)
    feed(parser, frame=50, fps="25.0", out_time_us=123)
    feed(parser, frame=100, fps="0.00")
    assert len(reports) == 2
    percent, message, figures = reports[0]
    assert percent == 25 and figures == {"frame": 50, "frames": 200, "fps": 25.0,
                                         "eta_seconds": 6}
    assert "frame 50 of 200" in message and "25 fps" in message and "6 s left" in message
    assert reports[1][0] == 50 and "eta_seconds" not in reports[1][2]


def test_a_run_inside_a_larger_job_counts_the_frames_done_before():
    reports = []
    parser = ProgressParser(lambda *r: reports.append(r), total=100, done_before=60)
    feed(parser, frame=20, fps=10)
    assert reports[0][0] == 80 and reports[0][2]["eta_seconds"] == 2


def test_malformed_lines_are_ignored():
    reports = []
    parser = ProgressParser(lambda *r: reports.append(r), total=10)
    parser("garbage without equals")
    feed(parser, frame="x")
    assert reports == []
