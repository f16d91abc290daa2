"""SLA, end to end, against the real server with the demo shop.

1号 店长 (owner) opens SLA (#/sla); what the demo shop brings there (a calendar, policies) stays
as it is. He creates the calendar 售后: every day open around a 30-minute break that is placed
six hours away from now (Asia/Shanghai), so the calendar is open while the test runs and since
the demo ran; the list sums it up as "每天 00:00–HH:00、HH:30–24:00".

He creates the policy "投诉：首次回复 1 分钟" for tickets of type 投诉 on that calendar: first reply
for 紧急 first typed as 0 minutes, which the server refuses beside that cell of the grid (nothing
stored), then 1 minute; resolution for 紧急 600 minutes; a warning at 50 %. Saved at the end of
the list, it is moved up (↑) until it is tried first.

SLA clocks start on the next event of a ticket, so a tag is added to the demo complaint
"大衣到货有破损…" (complaint, urgent) through the API: its first-reply clock counts from the
ticket's creation (when `kefu demo` ran) and is due one minute after it. The ticket's page shows
the SLA section with the policy, the first-reply clock and its countdown, red and negative once
breached (within about a minute when the test runs alone); the SLA log lists the breach. The demo's
switched-off rule "投诉超时：升级给组长", switched on first, fires on that breach: someone ranking above
its assignee has the complaint and its timeline shows the rule's note. The
tickets list shows the red badge on that row, and the SLA page's breach list has it.

The customer (王女士) writes in the demo shop's widget, that chat is linked to the ticket and an
agent's public reply (API) fulfils the first-reply clock: the ticket's page, opened again, says
超时达成 (met late).

That chat has SLA clocks of its own (the demo policy 在线咨询 for conversations): the SLA tab
beside it shows the policy and the clocks GET /api/v1/conversations/{id}/sla gives. The SLA
report (last 7 days) counts the complaint's first reply as met late, in the headline, the day's
column of the chart and the first-reply row of the per-metric table, as GET /api/v1/sla/report
does; for tickets only it still does.
"""

from __future__ import annotations

import datetime
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import demo_server  # noqa: F401  (fixture)
from ui import css, fill, find, set_value, tap, visible, wait
from workbench import shopper_writes, browser_api, conversation_of, get_json, js_errors, same, sign_in

OWNER_EMAIL = "owner@demo.kefu.local"
CALENDAR = "售后"
POLICY = "投诉：首次回复 1 分钟"
DEMO_COAT = "大衣到货有破损"
CUSTOMER_ID = "C1001"
CUSTOMER_TEXT = "请问换货什么时候能安排？"
REPLY = "已为您安排换货，新大衣今天发出。"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def break_hour() -> int:
    """An hour six hours away from now in Asia/Shanghai (never 0, so the first range is not empty)."""
    hour = (datetime.datetime.now(SHANGHAI).hour + 6) % 24
    return hour or 1


def day_ranges(drv, key: str) -> list[tuple[str, str]]:
    row = visible(drv, f"hours-day-{key}")
    starts = row.find_elements(By.CSS_SELECTOR, css("hours-range-start"))
    ends = row.find_elements(By.CSS_SELECTOR, css("hours-range-end"))
    return [(s.get_attribute("value"), e.get_attribute("value")) for s, e in zip(starts, ends)]


def set_day(drv, key: str, ranges: list[tuple[str, str]]) -> None:
    """Gives day `key` exactly `ranges` (adding rows as needed)."""
    while len(day_ranges(drv, key)) > len(ranges):
        visible(drv, f"hours-day-{key}").find_elements(By.CSS_SELECTOR, css("hours-range-remove"))[-1].click()
    while len(day_ranges(drv, key)) < len(ranges):
        tap(drv, f"hours-add-{key}")
    row = visible(drv, f"hours-day-{key}")
    for (start, end), s, e in zip(ranges, row.find_elements(By.CSS_SELECTOR, css("hours-range-start")),
                                  row.find_elements(By.CSS_SELECTOR, css("hours-range-end"))):
        set_value(drv, s, start)
        set_value(drv, e, end)
    assert day_ranges(drv, key) == ranges, (key, day_ranges(drv, key))


def cell(drv, metric: str, priority: str):
    return find(drv, "sla-target", f'[data-metric="{metric}"][data-priority="{priority}"]')


def clock_row(drv, metric: str):
    """The clock of `metric` shown first (a clock cancelled when the policy changed is listed after)."""
    found = drv.find_elements(By.CSS_SELECTOR, css("sla-clock", f'[data-metric="{metric}"]'))
    return found[0] if found else None


def raw_keys(drv) -> list[str]:
    """Untranslated catalogue keys ("sla.something") shown as text on the page."""
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\bsla\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def test_sla_calendar_policy_breach_and_met_late(demo_server, make_driver):
    base = demo_server.url
    drv = make_driver("zh-CN", 1400, 900)
    sign_in(drv, base, OWNER_EMAIL, "1号 店长")
    api = browser_api(drv, base)
    coat = next(t for t in get_json(api, "/api/v1/tickets", view="all", limit=50)["items"] if t["subject"].startswith(DEMO_COAT))
    assert (coat["type"], coat["priority"]) == ("complaint", "urgent"), coat

    # -- the SLA page (a newer demo shop brings its own calendar and policies: they stay as they are).
    tap(drv, "nav-sla")
    visible(drv, "sla-page")
    wait(drv).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'{css("sla-policies")}, {css("sla-policies-empty")}')
                    and d.find_elements(By.CSS_SELECTOR, f'{css("sla-calendars")}, {css("sla-calendars-empty")}'), "the SLA page did not load")
    before = get_json(api, "/api/v1/sla/policies")["items"]
    assert not any(c["name"] == CALENDAR for c in get_json(api, "/api/v1/sla/calendars")["items"])

    # -- the calendar 售后: every day open around a half-hour break far from now.
    brk = break_hour()
    ranges = [("00:00", f"{brk:02d}:00"), (f"{brk:02d}:30", "00:00")]  # an end of 00:00 means until midnight
    tap(drv, "sla-calendar-new")
    visible(drv, "sla-calendar-form")
    fill(drv, "sla-calendar-name-input", CALENDAR)
    assert find(drv, "hours-timezone").get_attribute("value") == "Asia/Shanghai"
    set_day(drv, "mon", ranges)
    tap(drv, "hours-copy-weekdays")
    for key in ("sat", "sun"):
        set_day(drv, key, ranges)
    for key in DAYS:
        assert day_ranges(drv, key) == ranges, key
    save_screenshot(drv, "sla-calendar-form")
    tap(drv, "sla-calendar-save")
    wait(drv).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("sla-calendar-form")), "the calendar form stayed open")
    summary = f"每天 00:00–{brk:02d}:00、{brk:02d}:30–24:00"

    def calendar_summary(d):
        rows = d.find_elements(By.CSS_SELECTOR, css("sla-calendar-row"))
        return next((r.find_element(By.CSS_SELECTOR, css("sla-calendar-summary")).text for r in rows
                     if r.find_element(By.CSS_SELECTOR, css("sla-calendar-name")).text == CALENDAR), None)
    wait(drv).until(lambda d: calendar_summary(d) == summary, f"the calendar reads {calendar_summary(drv)!r}")
    calendar = next(c for c in get_json(api, "/api/v1/sla/calendars")["items"] if c["name"] == CALENDAR)
    assert calendar["hours"]["weekly"] == {key: [{"start": "00:00", "end": f"{brk:02d}:00"},
                                                 {"start": f"{brk:02d}:30", "end": "24:00"}] for key in DAYS}

    # -- the policy: first typed with 0 minutes, refused beside its cell; nothing stored.
    tap(drv, "sla-policy-new")
    visible(drv, "sla-policy-form")
    fill(drv, "sla-policy-name", POLICY)
    Select(find(drv, "sla-policy-applies")).select_by_value("ticket")
    tap(drv, "sla-policy-type", '[data-value="complaint"]')
    Select(find(drv, "sla-policy-calendar")).select_by_visible_text(CALENDAR)
    set_value(drv, cell(drv, "first_reply", "urgent"), "0")
    set_value(drv, cell(drv, "resolution", "urgent"), "600")
    Select(find(drv, "sla-policy-warning-mode")).select_by_value("percent")
    set_value(drv, visible(drv, "sla-policy-warning-value"), "50")
    tap(drv, "sla-policy-save")
    wait(drv).until(lambda d: cell(d, "first_reply", "urgent").get_attribute("aria-invalid") == "true",
                    "the refused cell is not marked")
    slot = find(drv, "sla-policy-form").find_element(By.CSS_SELECTOR, '[data-error-for="targets"]')
    assert "targets[0].minutes" in slot.text and "首次回复" in slot.text, slot.text
    assert cell(drv, "resolution", "urgent").get_attribute("aria-invalid") is None
    visible(drv, "sla-policy-error")
    assert get_json(api, "/api/v1/sla/policies")["items"] == before
    save_screenshot(drv, "sla-policy-error")

    # -- 1 minute: saved at the end of the list, then moved up to be tried first.
    set_value(drv, cell(drv, "first_reply", "urgent"), "1")
    tap(drv, "sla-policy-save")
    wait(drv).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("sla-policy-form")), "the policy form stayed open")
    policies = get_json(api, "/api/v1/sla/policies")["items"]
    assert len(policies) == len(before) + 1 and policies[-1]["name"] == POLICY, policies
    policy = policies[-1]
    mine = css("sla-policy-row", f'[data-rule-id="{policy["id"]}"]')
    for _ in before:
        position = find(drv, "sla-policy-row", f'[data-rule-id="{policy["id"]}"]').find_element(By.CSS_SELECTOR, css("sla-policy-position")).text
        press_up = drv.find_element(By.CSS_SELECTOR, mine + " " + css("sla-policy-up"))
        drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", press_up)
        press_up.click()
        wait(drv).until(lambda d, was=position: d.find_element(By.CSS_SELECTOR, mine + " " + css("sla-policy-position")).text == str(int(was) - 1),
                        "the policy did not move up")
    policies = get_json(api, "/api/v1/sla/policies")["items"]
    assert policies[0]["id"] == policy["id"] and [p["id"] for p in policies[1:]] == [p["id"] for p in before], policies
    listed = wait(drv).until(lambda d: {name: d.find_element(By.CSS_SELECTOR, mine + " " + css(name)).text for name in (
        "sla-policy-position", "sla-policy-row-name", "sla-policy-conditions", "sla-policy-calendar-name", "sla-policy-targets")},
        "the policy is not listed")
    assert listed["sla-policy-position"] == "1" and listed["sla-policy-row-name"] == POLICY, listed
    assert "投诉" in listed["sla-policy-conditions"] and CALENDAR in listed["sla-policy-calendar-name"], listed
    assert "首次回复 · 紧急" in listed["sla-policy-targets"], listed
    policy = policies[0]
    assert (policy["name"], policy["version"], policy["enabled"]) == (POLICY, 1, True), policy
    assert same(policy["calendarId"], calendar["id"]) and policy["warning"] == {"percent": 50}, policy
    assert policy["conditions"]["targetTypes"] == ["ticket"] and policy["conditions"]["ticketTypes"] == ["complaint"], policy
    assert sorted((x["metric"], x["priority"], x["minutes"]) for x in policy["targets"]) == [
        ("first_reply", "urgent", 1), ("resolution", "urgent", 600)], policy["targets"]
    # The editor as it looks when editing the saved policy.
    edit = drv.find_element(By.CSS_SELECTOR, mine + " " + css("sla-policy-edit"))
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", edit)
    edit.click()
    visible(drv, "sla-policy-form")
    assert cell(drv, "first_reply", "urgent").get_attribute("value") == "1"
    drv.set_window_size(1400, 1700)  # the whole editor, targets grid included
    drv.execute_script("window.scrollTo(0, 0)")
    save_screenshot(drv, "sla-settings")
    drv.set_window_size(1400, 900)
    tap(drv, "sla-policy-cancel")
    assert not raw_keys(drv), raw_keys(drv)

    # -- the demo's rule "投诉超时：升级给组长" (switched off) is switched on: on a complaint's breach,
    #    escalate (priority up, the supervisor) and a note saying why.
    escalation = next(r for r in get_json(api, "/api/v1/automation/rules")["items"] if r["trigger"].get("event") == "sla.breached")
    assert not escalation["enabled"], escalation
    body = {k: escalation[k] for k in ("name", "trigger", "conditions", "actions")}
    switched = api.put(api.url(f"/api/v1/automation/rules/{escalation['id']}"), json={**body, "enabled": True}, timeout=20)
    assert switched.status_code == 200, switched.text
    team = {a["id"]: a for a in get_json(api, "/api/v1/agents")["items"]}
    rank = {"agent": 0, "supervisor": 1, "admin": 2, "owner": 3}
    before = (coat.get("assignee") or {}).get("id")

    # -- the complaint changes (a tag): its SLA starts, counted from the ticket's creation.
    patched = api.patch(api.url(f"/api/v1/tickets/{coat['id']}"), json={"tags": coat["tags"] + ["sla"]}, timeout=20)
    assert patched.status_code == 200, patched.text

    drv.get(f"{base}/#/tickets/{coat['id']}")
    visible(drv, "sla-panel")
    wait(drv).until(lambda d: clock_row(d, "first_reply") is not None, "the first-reply clock is not shown")
    wait(drv).until(lambda d: POLICY in find(d, "sla-policy").text and "第 1 版" in find(d, "sla-policy").text
                    and clock_row(d, "resolution") is not None, "the policy or the resolution clock is not shown")

    def breached(d):
        row = clock_row(d, "first_reply")
        if row is None or row.get_attribute("data-breached") != "true":
            return False
        count = row.find_element(By.CSS_SELECTOR, css("sla-clock-countdown"))
        return count.text.startswith("-") and "is-late" in count.get_attribute("class")
    wait(drv, 75).until(breached, "the first-reply clock never showed as breached")
    # The section is drawn again when the server answers: read the row as one piece.
    shown = wait(drv).until(lambda d: d.execute_script("""
      const row = document.querySelector('[data-testid="sla-clock"][data-metric="first_reply"]');
      const count = row && row.querySelector('[data-testid="sla-clock-countdown"]');
      return count ? {state: row.querySelector('[data-testid="sla-clock-state"]').textContent,
                      color: getComputedStyle(count).color, text: count.textContent} : null;"""), "no first-reply row")
    assert shown["state"] == "已超时" and shown["text"].startswith("-"), shown
    assert shown["color"].startswith("rgb(217, 60, 60"), shown
    tap(drv, "sla-log-toggle")
    wait(drv).until(lambda d: any("超时" in e.text for e in d.find_elements(
        By.CSS_SELECTOR, css("sla-log-event", '[data-kind="breached"][data-metric="first_reply"]'))), "the SLA log does not list the breach")
    save_screenshot(drv, "sla-ticket-breached")

    # -- the rule fired on the breach: the supervisor has the complaint, and its timeline says why.
    def fired(d):
        runs = get_json(api, f"/api/v1/automation/runs?targetType=ticket&targetId={coat['id']}")["items"]
        return next((r for r in runs if r["ruleId"] == escalation["id"] and r["status"] in ("done", "failed")), None)
    run = wait(drv, 30).until(fired, "the escalation rule did not fire on the breach")
    assert run["status"] == "done" and run["trigger"] == "sla.breached", run
    escalated = get_json(api, f"/api/v1/tickets/{coat['id']}")
    # Up the ladder: to someone ranking above whoever had it (小李, the supervisor, has it in the demo: the owner).
    after = escalated["assignee"]["id"]
    assert after != before and rank[team[after]["role"]] > rank[team[before]["role"] if before else "agent"], (before, escalated["assignee"])
    assert escalated["priority"] == "urgent", escalated
    drv.get(f"{base}/#/tickets/{coat['id']}")
    note = wait(drv).until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css("ticket-entry", '[data-kind="note"]'))
                                           if "首次回复已超时" in e.text), None), "the timeline does not show the rule's note")
    assert "自动" in note.text, note.text
    save_screenshot(drv, "sla-ticket-escalated")

    # -- the tickets list: the red badge on that row.
    tap(drv, "ticket-back")
    visible(drv, "tickets-page")
    tap(drv, "tickets-view-all")

    def badge(d):
        found = d.find_elements(By.CSS_SELECTOR, css("ticket-row", f'[data-ticket-id="{coat["id"]}"]') + " " + css("sla-due"))
        if not found or found[0].get_attribute("data-breached") != "true":
            return False
        return {"metric": found[0].get_attribute("data-metric"), "text": found[0].text}
    due = wait(drv).until(badge, "the tickets list shows no breached SLA badge on the complaint")
    assert due["metric"] == "first_reply" and due["text"].startswith("-") and "首次回复" in due["text"], due
    save_screenshot(drv, "sla-tickets-list")

    # -- the breach list.
    tap(drv, "nav-sla")
    def breach_row(d):
        found = d.find_elements(By.CSS_SELECTOR, css("sla-breach-row", f'[data-target-id="{coat["id"]}"]'))
        if not found:
            return False
        row = found[0]
        return {"metric": row.get_attribute("data-metric"), "breached": row.get_attribute("data-breached"), "text": row.text,
                "count": row.find_element(By.CSS_SELECTOR, css("sla-breach-countdown")).text,
                "href": row.find_element(By.CSS_SELECTOR, css("sla-breach-link")).get_attribute("href")}
    late = wait(drv).until(breach_row, "the breach list does not show the complaint")
    assert (late["metric"], late["breached"]) == ("first_reply", "true") and late["count"].startswith("-"), late
    assert late["href"].endswith(f"#/tickets/{coat['id']}") and DEMO_COAT in late["text"], late
    save_screenshot(drv, "sla-breaches")

    # -- the customer writes in the shop; that chat is linked and an agent answers from the ticket.
    shopper = shopper_writes(make_driver, base, CUSTOMER_ID, CUSTOMER_TEXT)
    chat = conversation_of(api, CUSTOMER_TEXT)
    linked = api.post(api.url(f"/api/v1/tickets/{coat['id']}/links"), json={"conversationId": chat["id"]}, timeout=20)
    assert linked.status_code == 200, linked.text
    replied = api.post(api.url(f"/api/v1/tickets/{coat['id']}/entries"), json={"kind": "reply", "text": REPLY}, timeout=20)
    assert replied.status_code in (200, 201), replied.text

    deadline = time.monotonic() + 20
    while True:
        clocks = {c["metric"]: c for c in get_json(api, f"/api/v1/tickets/{coat['id']}/sla")["clocks"]}
        if clocks["first_reply"]["state"] == "fulfilled" or time.monotonic() > deadline:
            break
        time.sleep(0.3)  # the durable SLA listener runs a moment after the reply: polling the server, not the page
    assert clocks["first_reply"]["state"] == "fulfilled" and clocks["first_reply"]["breachedAt"], clocks["first_reply"]

    drv.get(f"{base}/#/tickets/{coat['id']}")
    def met_late(d):
        row = clock_row(d, "first_reply")
        if row is None or row.get_attribute("data-outcome") != "met-late":
            return False
        return {"state": row.find_element(By.CSS_SELECTOR, css("sla-clock-state")).text,
                "resolution": clock_row(d, "resolution").get_attribute("data-state")}
    met = wait(drv).until(met_late, "the first-reply clock does not say met late")
    assert met == {"state": "超时达成", "resolution": "running"}, met
    assert not raw_keys(drv), raw_keys(drv)

    # -- the chat's SLA tab: the policy and the clocks the server has for it.
    status = get_json(api, f"/api/v1/conversations/{chat['id']}/sla")
    assert status["policyName"] == "在线咨询" and status["clocks"], status
    drv.get(f"{base}/#/conversations/{chat['id']}")
    tap(drv, "side-tab-sla")
    panel = visible(drv, "sla-panel", '[data-target-type="conversation"]')

    def tab_clocks(d):
        status = get_json(api, f"/api/v1/conversations/{chat['id']}/sla")  # the clocks move on: read both each time
        want = sorted((c["metric"], c["state"]) for c in status["clocks"])
        shown = sorted((r.get_attribute("data-metric"), r.get_attribute("data-state"))
                       for r in panel.find_elements(By.CSS_SELECTOR, css("sla-clock")))
        return shown if shown == want else False
    shown = wait(drv).until(tab_clocks, "the SLA tab does not show the chat's clocks")
    assert any(metric == "first_reply" for metric, _ in shown), shown
    assert "在线咨询" in find(drv, "sla-policy").text
    save_screenshot(drv, "sla-conversation-tab")

    # -- the report: the complaint's first reply, met late, counted today.
    tap(drv, "nav-sla")
    report = visible(drv, "sla-report")
    wait(drv).until(lambda d: report.get_attribute("data-loaded") == "true", "the SLA report did not load")
    zone = report.get_attribute("data-time-zone")

    def counted(d, kind: str):
        """The report as shown, once it agrees with the server's (clocks keep starting and ending)."""
        data = get_json(api, "/api/v1/sla/report", days=7, timeZone=zone, **({"type": kind} if kind else {}))
        first = next(m["counts"] for m in data["byMetric"] if m["metric"] == "first_reply")
        row = d.find_element(By.CSS_SELECTOR, css("sla-report-metric-row", '[data-metric="first_reply"]'))
        cells = {c.get_attribute("data-key"): int(c.text) for c in row.find_elements(By.CSS_SELECTOR, css("sla-report-count"))}
        days = d.find_elements(By.CSS_SELECTOR, css("sla-report-day"))
        chart_late = sum(int(c.get_attribute("data-met-late")) + int(c.get_attribute("data-breached-open")) for c in days)
        totals = {e.get_attribute("data-key"): int(e.find_element(By.CSS_SELECTOR, ".sla-stat-value").text)
                  for e in d.find_elements(By.CSS_SELECTOR, css("sla-report-total"))}
        if cells.get("metLate") != first["metLate"] or totals.get("metLate") != data["total"]["metLate"] \
                or chart_late != data["total"]["metLate"] + data["total"]["breachedOpen"] or len(days) != 7:
            return False
        return {"first": cells, "rate": find(d, "sla-report-achievement").text,
                "late days": [c.get_attribute("data-day") for c in days if int(c.get_attribute("data-met-late"))]}
    shown = wait(drv).until(lambda d: counted(d, ""), "the report does not agree with GET /api/v1/sla/report")
    assert shown["first"]["metLate"] >= 1 and shown["late days"], shown
    assert shown["rate"].endswith("%"), shown
    drv.execute_script("arguments[0].scrollIntoView({block: 'start'});", report)
    drv.execute_script("window.scrollBy(0, -64)")
    save_screenshot(drv, "sla-report")
    tap(drv, "sla-report-type-option", '[data-value="ticket"]')
    wait(drv).until(lambda d: report.get_attribute("data-type") == "ticket" and report.get_attribute("data-loaded") == "true")
    shown = wait(drv).until(lambda d: counted(d, "ticket"), "the tickets-only report does not agree with the server's")
    assert shown["first"]["metLate"] >= 1, shown
    assert not raw_keys(drv), raw_keys(drv)
    for d in (drv, shopper):
        assert js_errors(d) == [], js_errors(d)
    api.close()
