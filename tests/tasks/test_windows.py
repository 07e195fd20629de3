"""Due-time maths: the grid, daily windows (also overnight), weekdays, sunrise/sunset, polar."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tasks.windows import Window, WindowSpec, first_slot_at_or_after, in_window, next_slot, slots_in

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
OSLO = ZoneInfo("Europe/Oslo")


def t(text, tz=UTC):
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def spec(windows=(), days="0123456", tz=UTC, **kw):
    return WindowSpec(tz=tz, windows=tuple(Window.parse(w) for w in windows),
                      days=frozenset(int(d) for d in days), **kw)


def test_it_places_slots_on_a_fixed_grid_from_the_anchor():
    anchor = t("2026-11-28 12:00:00")
    slots = slots_in(spec(), anchor, 5, t("2026-11-28 12:00:03"), t("2026-11-28 12:00:20"))
    assert [s.second for s in slots] == [5, 10, 15, 20]


def test_it_never_gives_a_slot_before_the_anchor():
    anchor = t("2026-11-28 12:00:00")
    assert first_slot_at_or_after(anchor, 60, t("2026-11-28 11:00:00")) == anchor


def test_it_keeps_the_grid_across_long_gaps():
    anchor = t("2026-11-28 12:00:00")
    slot = first_slot_at_or_after(anchor, 7, t("2026-12-28 12:00:01"))
    assert (slot - anchor).total_seconds() % 7 == 0
    assert slot >= t("2026-12-28 12:00:01")


def test_a_daily_window_admits_only_its_hours():
    s = spec(["08:00-18:00"])
    assert in_window(s, t("2026-11-28 08:00:00"))
    assert in_window(s, t("2026-11-28 17:59:59"))
    assert not in_window(s, t("2026-11-28 18:00:00"))
    assert not in_window(s, t("2026-11-28 07:59:59"))


def test_next_slot_jumps_to_the_next_opening_on_the_grid():
    s = spec(["08:00-18:00"])
    anchor = t("2026-11-28 12:00:00")
    assert next_slot(s, anchor, 600, t("2026-11-28 18:00:00")) == t("2026-11-29 08:00:00")
    assert next_slot(s, anchor, 7 * 60, t("2026-11-28 18:00:00")) == t("2026-11-29 08:04:00")


def test_an_overnight_window_belongs_to_the_day_it_opens():
    s = spec(["22:00-06:00"], days="0")  # Mondays only; 2026-11-30 is a Monday
    assert in_window(s, t("2026-11-30 23:00:00"))
    assert in_window(s, t("2026-12-01 02:00:00"))  # Tuesday morning, Monday's night
    assert not in_window(s, t("2026-12-01 23:00:00"))
    assert not in_window(s, t("2026-11-30 02:00:00"))  # Sunday's night


def test_weekdays_without_windows_admit_whole_days():
    s = spec(days="56")  # weekends; 2026-11-28 is a Saturday
    assert in_window(s, t("2026-11-28 03:00:00"))
    assert not in_window(s, t("2026-11-30 03:00:00"))
    assert next_slot(s, t("2026-11-28 00:00:00"), 3600, t("2026-11-30 00:00:01")) == \
        t("2026-12-05 00:00:00")


def test_windows_are_read_in_the_configured_time_zone_across_dst():
    s = spec(["12:00-13:00"], tz=LONDON)
    # London is UTC+1 in summer and UTC+0 in winter: noon local moves in UTC.
    assert in_window(s, t("2026-07-01 11:30:00"))
    assert in_window(s, t("2026-12-01 12:30:00"))
    assert not in_window(s, t("2026-07-01 12:30:00"))


def test_daylight_follows_sunrise_and_sunset_with_offsets():
    s = spec(tz=LONDON, daylight=True, latitude=51.5, longitude=-0.13)
    assert in_window(s, t("2026-06-21 12:00:00"))
    assert not in_window(s, t("2026-06-21 01:00:00"))  # 02:00 local, dark
    later = spec(tz=LONDON, daylight=True, latitude=51.5, longitude=-0.13, sunrise_offset=120)
    assert in_window(s, t("2026-06-21 05:00:00"))  # sunrise ~04:43 local
    assert not in_window(later, t("2026-06-21 05:00:00"))


def test_polar_day_is_all_day_and_polar_night_finds_the_returning_sun():
    s = spec(tz=OSLO, daylight=True, latitude=69.65, longitude=18.96)  # Tromsø
    assert in_window(s, t("2026-06-21 23:30:00"))
    assert not in_window(s, t("2026-12-21 11:00:00"))
    anchor = t("2026-12-01 00:00:00")
    slot = next_slot(s, anchor, 600, t("2026-12-21 11:00:00"))
    assert slot is not None and t("2027-01-10 00:00:00") < slot < t("2027-02-01 00:00:00")


def test_windows_that_never_open_give_no_slot():
    s = spec(["10:00-11:00"], tz=OSLO, daylight=True, latitude=78.2, longitude=15.6,
             sunrise_offset=0)  # Svalbard: the sun is gone from late October to mid February
    slot = next_slot(s, t("2026-11-01 00:00:00"), 3600, t("2026-11-28 00:00:00"))
    assert slot is None or slot > t("2027-02-01 00:00:00")


@pytest.mark.parametrize("text", ["8-18", "08:00", "25:00-26:00", "10:00-10:00", ""])
def test_it_rejects_malformed_windows(text):
    with pytest.raises(ValueError):
        Window.parse(text)


def test_the_slot_after_a_slot_is_a_whole_interval_later():
    anchor = t("2026-11-28 12:00:00")
    assert first_slot_at_or_after(anchor, 3600, anchor + dt.timedelta(microseconds=1)) == \
        anchor + dt.timedelta(hours=1)
