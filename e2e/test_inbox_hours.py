"""Business hours of an inbox in the workbench, end to end, against the real server with the demo shop.

1号 店长 (owner) opens 接待组; every demo inbox shows "全天营业". On 售前 he opens the hours
editor, turns "always open" off, builds Monday 09:00–18:00 by hand, closes Tuesday, copies
Monday to Tuesday–Friday and adds the holiday 2026-10-01. A Saturday range left without an
end is refused next to the editor and nothing is stored. Once it is removed, saving closes the
editor; the row says "周一至周五 09:00–18:00 · 1 个节假日", also after a reload, and
GET /api/v1/inboxes returns exactly that schedule in Asia/Shanghai.

Inboxes keep their hours by a calendar: saving made one named after 售前. On 售后 he picks that
calendar in "按日历营业" and saves; GET /api/v1/inboxes then gives both inboxes the same calendarId
and hours, the 售后 row sums up the same hours, and 售前's editor notes that the calendar is
shared with 售后 (editing it changes both).

The steps share one browser and build on each other, so they are one scenario test.
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import DEMO_PASSWORD, AgentAPI, demo_server  # noqa: F401  (fixtures)
from ui import wait, css, set_value, visible

WAIT = 20
OWNER_EMAIL = "owner@demo.kefu.local"
INBOX = "售前"
SECOND = "售后"
HOLIDAY = "2026-10-01"
SUMMARY = "周一至周五 09:00–18:00 · 1 个节假日"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


# ---- helpers ----------------------------------------------------------------------------------

def press(drv, element) -> None:
    """Clicks an element after centring it (the sticky top bar would take a click at the edge)."""
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def tap(drv, name: str, extra: str = "") -> None:
    press(drv, visible(drv, name, extra))


def inbox_row(drv, name: str = INBOX):
    return visible(drv, "inbox-row", f'[data-inbox-name="{name}"]')


def summary(drv, name: str = INBOX) -> str:
    return inbox_row(drv, name).find_element(By.CSS_SELECTOR, css("hours-summary")).text


def day(drv, key: str):
    return visible(drv, f"hours-day-{key}")


def ranges(drv, key: str) -> list[tuple[str, str]]:
    row = day(drv, key)
    starts = row.find_elements(By.CSS_SELECTOR, css("hours-range-start"))
    ends = row.find_elements(By.CSS_SELECTOR, css("hours-range-end"))
    return [(s.get_attribute("value"), e.get_attribute("value")) for s, e in zip(starts, ends)]


def stored_inbox(api: AgentAPI, name: str = INBOX) -> dict:
    answer = api.get(api.url("/api/v1/inboxes"), timeout=20)
    assert answer.status_code == 200, answer.text
    return next(i for i in answer.json()["items"] if i["name"] == name)


def stored_hours(api: AgentAPI):
    return stored_inbox(api).get("businessHours")


def raw_keys(drv) -> list[str]:
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\b(?:hours|inboxes|kb|common)\.[a-zA-Z][\w.]*\b/g) || []));
    """) or []


def js_errors(drv) -> list[str]:
    return [e["message"] for e in drv.get_log("browser")
            if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]


# ---- the scenario --------------------------------------------------------------------------------

def test_owner_sets_business_hours(demo_server, make_driver):
    base = demo_server.url
    api = AgentAPI(base)
    api.login(OWNER_EMAIL, DEMO_PASSWORD)
    assert stored_hours(api) is None

    drv = make_driver("zh-CN", 1280, 900)
    drv.get(base + "/")
    visible(drv, "signin-email").send_keys(OWNER_EMAIL)
    visible(drv, "signin-password").send_keys(DEMO_PASSWORD)
    tap(drv, "signin-submit")
    wait(drv).until(lambda d: visible(d, "agent-badge").text.startswith("1号"), "not signed in as the owner")
    tap(drv, "nav-inboxes")
    wait(drv).until(lambda d: d.find_element(By.ID, "content").get_attribute("data-route") == "inboxes")

    # Every demo inbox is open around the clock.
    wait(drv).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, css("hours-summary"))) >= 3)
    assert {e.text for e in drv.find_elements(By.CSS_SELECTOR, css("hours-summary"))} == {"全天营业"}

    # The editor opens below the row, "always open" on.
    press(drv, inbox_row(drv).find_element(By.CSS_SELECTOR, css("inbox-hours-edit")))
    switch = visible(drv, "hours-always-open")
    assert switch.is_selected()
    press(drv, switch)
    assert not switch.is_selected()
    assert visible(drv, "hours-timezone").get_attribute("value") == "Asia/Shanghai"

    # Monday by hand: clear what is there, add a range, set 09:00–18:00.
    while ranges(drv, "mon"):
        press(drv, day(drv, "mon").find_element(By.CSS_SELECTOR, css("hours-range-remove")))
    assert "休息" in day(drv, "mon").text
    tap(drv, "hours-add-mon")
    monday = day(drv, "mon")
    set_value(drv, monday.find_element(By.CSS_SELECTOR, css("hours-range-start")), "09:00")
    set_value(drv, monday.find_element(By.CSS_SELECTOR, css("hours-range-end")), "18:00")
    assert ranges(drv, "mon") == [("09:00", "18:00")]

    # Tuesday closed, then Monday copied to Tuesday–Friday.
    while ranges(drv, "tue"):
        press(drv, day(drv, "tue").find_element(By.CSS_SELECTOR, css("hours-range-remove")))
    assert ranges(drv, "tue") == []
    tap(drv, "hours-copy-weekdays")
    for key in WEEKDAYS:
        assert ranges(drv, key) == [("09:00", "18:00")], key
    assert ranges(drv, "sat") == [] and ranges(drv, "sun") == []

    # A holiday.
    set_value(drv, visible(drv, "hours-holiday-input"), HOLIDAY)
    tap(drv, "hours-holiday-add")
    chips = drv.find_elements(By.CSS_SELECTOR, css("hours-holiday"))
    assert [c.get_attribute("data-date") for c in chips] == [HOLIDAY]

    # A Saturday range without an end is refused beside the editor; nothing is stored.
    tap(drv, "hours-add-sat")
    saturday_end = day(drv, "sat").find_element(By.CSS_SELECTOR, css("hours-range-end"))
    set_value(drv, saturday_end, "")
    tap(drv, "hours-save")
    error = visible(drv, "hours-error")
    assert "星期六" in error.text, error.text
    assert saturday_end.get_attribute("aria-invalid") == "true"
    assert stored_hours(api) is None
    save_screenshot(drv, "inbox-hours-error")
    press(drv, day(drv, "sat").find_element(By.CSS_SELECTOR, css("hours-range-remove")))
    assert ranges(drv, "sat") == []

    # Save: the editor closes and the row sums the hours up.
    tap(drv, "hours-save")
    wait(drv).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("hours-editor")), "the editor stayed open")
    wait(drv).until(lambda d: summary(d) == SUMMARY, f"the summary says {summary(drv)!r}")
    save_screenshot(drv, "inbox-hours")

    # After a reload too.
    drv.refresh()
    wait(drv).until(lambda d: summary(d) == SUMMARY, f"after a reload the summary says {summary(drv)!r}")
    assert not raw_keys(drv), raw_keys(drv)
    assert not js_errors(drv), js_errors(drv)

    # What the server stored.
    assert stored_hours(api) == {
        "timeZone": "Asia/Shanghai",
        "weekly": {
            **{key: [{"start": "09:00", "end": "18:00"}] for key in WEEKDAYS},
            "sat": [],
            "sun": [],
        },
        "holidays": [HOLIDAY],
    }

    # 售前 keeps its hours by a calendar now; 售后 takes the same calendar from the choice.
    first = stored_inbox(api)
    assert first.get("calendarId"), first
    calendar = next(c for c in api.get(api.url("/api/v1/sla/calendars"), timeout=20).json()["items"]
                    if c["id"].lower() == first["calendarId"].lower())
    press(drv, inbox_row(drv, SECOND).find_element(By.CSS_SELECTOR, css("inbox-hours-edit")))
    choice = Select(visible(drv, "hours-calendar"))
    assert choice.first_selected_option.get_attribute("value") == "", "售后 is open around the clock"
    assert visible(drv, "hours-always-open").is_selected()
    choice.select_by_value(calendar["id"])
    assert not visible(drv, "hours-always-open").is_selected()
    for key in WEEKDAYS:
        assert ranges(drv, key) == [("09:00", "18:00")], key
    tap(drv, "hours-save")
    wait(drv).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("hours-editor")), "the editor stayed open")
    wait(drv).until(lambda d: summary(d, SECOND) == SUMMARY, f"售后 says {summary(drv, SECOND)!r}")
    second = stored_inbox(api, SECOND)
    assert second["calendarId"].lower() == first["calendarId"].lower(), (first, second)
    assert second["businessHours"] == first["businessHours"], (first, second)
    # Both rows name the calendar; 售前's editor says that an edit changes 售后 too.
    for name in (INBOX, SECOND):
        shown = inbox_row(drv, name).find_element(By.CSS_SELECTOR, css("hours-calendar-name"))
        assert calendar["name"] in shown.text, shown.text
    press(drv, inbox_row(drv).find_element(By.CSS_SELECTOR, css("inbox-hours-edit")))
    note = visible(drv, "hours-calendar-shared")
    assert SECOND in note.text and note.get_attribute("data-count") == "1", note.text
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", note)
    save_screenshot(drv, "inbox-hours-calendar")
    tap(drv, "hours-cancel")
    assert not raw_keys(drv), raw_keys(drv)
    assert not js_errors(drv), js_errors(drv)
    api.close()
