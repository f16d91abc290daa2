"""Tickets, end to end, against the real server with the demo shop.

"A shopper threatens to complain, the agent turns the chat into a ticket, answers from the
ticket, and the shopper's answer reopens it", with screenshots.

1. 2号 小李 (supervisor, works in every inbox) signs in. The shopper opens /demo/shop as 王女士
   and writes "大衣收到是破的，再不处理我就投诉到12315！".
2. 小李 opens the conversation and its 工单 tab: no ticket yet. "转为工单" proposes 投诉, urgent,
   priority urgent, with the cue 12315, the first line as the subject, and 王女士's recent orders;
   he links the coat's order and creates the ticket: it is listed in the tab (badge 1).
3. He opens the ticket page: number, 投诉, the customer, the transcript of the chat (folded, then
   opened), the timeline. He answers publicly and submits it as 待客户回复 (pending).
4. The shopper reads the answer in the widget and writes back; a moment later (the durable
   listener) the ticket page shows it open again with the "customer wrote again" entry.
5. The tickets list finds the ticket by its number; the 全部 view lists the demo tickets
   T-10001…T-10004 (the damaged coat among them).
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import demo_server  # noqa: F401  (fixture)
from ui import css, fill, find, tap, visible, wait, wid
from workbench import browser_api, conversation_of, get_json, js_errors, open_widget, same, sign_in, thread, widget_message

SUPERVISOR_EMAIL = "li@demo.kefu.local"
CUSTOMER_ID = "C1001"
COAT_ORDER = "E20261120007"
COMPLAINT = "大衣收到是破的，再不处理我就投诉到12315！"
REPLY = "非常抱歉给您带来不便，我们已为您安排换货，新大衣明天发出，请您留意物流信息。"
ANSWER = "收到，那我等新的大衣。"
DEMO_NUMBERS = ["T-10001", "T-10002", "T-10003", "T-10004"]
DEMO_COAT = "大衣到货有破损"


def raw_keys(drv) -> list[str]:
    """Untranslated catalogue keys ("tickets.something") shown as text on the page."""
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\btickets\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def selected(drv, name: str) -> str:
    return Select(find(drv, name)).first_selected_option.get_attribute("value")


def texts(drv, name: str) -> list[str]:
    return [e.text for e in drv.find_elements(By.CSS_SELECTOR, css(name))]


def ticket_status(drv) -> str:
    found = drv.find_elements(By.CSS_SELECTOR, css("ticket-page") + " " + css("ticket-status"))
    return found[0].get_attribute("data-status") if found else ""


def test_complaint_becomes_ticket_reply_reaches_shopper_and_answer_reopens_it(demo_server, make_driver):
    base = demo_server.url

    # -- 2号 小李 signs in; the shopper, signed in on the demo shop as 王女士, complains.
    li = make_driver("zh-CN", 1400, 900)
    sign_in(li, base, SUPERVISOR_EMAIL, "2号 小李")
    li_api = browser_api(li, base)

    shopper = make_driver("zh-CN", 1280, 900)
    shopper.get(f"{base}/demo/shop?customer={CUSTOMER_ID}")
    open_widget(shopper)
    box = wid(shopper, "kefu-input")
    box.send_keys(COMPLAINT)
    box.send_keys(Keys.ENTER)
    widget_message(shopper, lambda m: m["text"] == COMPLAINT and m["seq"] > 0, "the complaint, acknowledged")
    conversation = conversation_of(li_api, COMPLAINT)

    # -- the 工单 tab: nothing yet; "转为工单" proposes a complaint because of 12315.
    li.get(f"{base}/#/conversations/{conversation['id']}")
    wait(li).until(lambda d: any(m["text"] == COMPLAINT for m in thread(d)), "the complaint is not in the thread")
    tap(li, "side-tab-tickets")
    visible(li, "ticket-panel-empty")
    tap(li, "ticket-panel-create")
    visible(li, "ticket-draft-form")
    assert selected(li, "ticket-draft-type") == "complaint"
    assert selected(li, "ticket-draft-urgency") == "urgent"
    assert selected(li, "ticket-draft-priority") == "urgent"
    assert "12315" in texts(li, "ticket-draft-cue"), texts(li, "ticket-draft-cue")
    assert "依据" in find(li, "ticket-draft-cues").text and "投诉" in find(li, "ticket-draft-proposal").text
    assert find(li, "ticket-draft-subject").get_attribute("value") == COMPLAINT
    orders = {e.get_attribute("data-order-id"): e for e in li.find_elements(By.CSS_SELECTOR, css("ticket-draft-order"))}
    assert COAT_ORDER in orders, list(orders)
    orders[COAT_ORDER].click()
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "tickets-draft")
    tap(li, "ticket-draft-submit")

    item = visible(li, "ticket-panel-item")
    number = item.get_attribute("data-number")
    ticket_id = item.get_attribute("data-ticket-id")
    assert number.startswith("T-") and number not in DEMO_NUMBERS, number
    assert item.find_element(By.CSS_SELECTOR, css("ticket-panel-subject")).text == COMPLAINT
    wait(li).until(lambda d: find(d, "side-tab-tickets-count").text == "1", "the tab's badge does not count the ticket")
    ticket = get_json(li_api, f"/api/v1/tickets/{ticket_id}")
    assert (ticket["type"], ticket["urgency"], ticket["priority"], ticket["source"]) == ("complaint", "urgent", "urgent", "chat"), ticket
    assert same(ticket["assignee"]["id"], li_api.me["user"]["id"]) and ticket["status"] == "open", ticket
    assert [l["order"]["externalId"] for l in ticket["links"] if l.get("order")] == [COAT_ORDER], ticket["links"]
    save_screenshot(li, "tickets-panel")

    # -- the ticket page: header, the chat's transcript, the timeline.
    item.click()
    wait(li).until(lambda d: d.current_url.endswith(f"#/tickets/{ticket_id}"), "the ticket did not open")
    assert find(li, "ticket-page").get_attribute("data-ticket-id") == ticket_id
    wait(li).until(lambda d: find(d, "ticket-number").text == number, "the ticket's number is not shown")
    assert find(li, "ticket-type").text == "投诉" and find(li, "ticket-subject").text == COMPLAINT
    assert "王女士" in find(li, "ticket-customer").text
    visible(li, "ticket-entry-created")
    assert COAT_ORDER in find(li, "ticket-timeline").text
    tap(li, "transcript-toggle")
    wait(li).until(lambda d: COMPLAINT in texts(d, "transcript-text"), "the transcript does not show the complaint")
    assert find(li, "ticket-mode-reply").get_attribute("aria-selected") == "true", "a ticket with a chat does not default to a public reply"

    # -- a public reply, submitted as 待客户回复 (pending).
    fill(li, "ticket-composer-input", REPLY)
    tap(li, "ticket-submit-as")
    tap(li, "ticket-submit-as-pending")
    wait(li).until(lambda d: ticket_status(d) == "pending", "the ticket is not pending after the reply")
    reply = wait(li).until(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css("ticket-entry", '[data-kind="reply"]'))
                                           if REPLY in e.text), False), "the reply is not in the timeline")
    assert "2号 小李" in reply.text
    assert find(li, "ticket-composer-input").get_attribute("value") == ""
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "tickets-detail")

    # -- the shopper reads the reply in the widget and answers.
    shown = widget_message(shopper, lambda m: m["text"] == REPLY, "the ticket's public reply")
    assert shown["sender"] == "agent", shown
    save_screenshot(shopper, "tickets-widget-reply")
    box = wid(shopper, "kefu-input")
    box.send_keys(ANSWER)
    box.send_keys(Keys.ENTER)
    widget_message(shopper, lambda m: m["text"] == ANSWER and m["seq"] > 0, "the shopper's answer, acknowledged")

    # -- the durable listener reopens the ticket; the page follows without a reload.
    wait(li, 30).until(lambda d: ticket_status(d) == "open", "the ticket did not open again after the customer's answer")
    visible(li, "ticket-entry-customer-replied")
    assert find(li, "ticket-entry-customer-replied").text.count("待客户回复") == 1
    save_screenshot(li, "tickets-reopened")

    # -- the list finds it by its number; the demo tickets are in 全部.
    tap(li, "ticket-back")
    visible(li, "tickets-page")
    fill(li, "tickets-search", number.lower().replace("-", ""))
    wait(li).until(lambda d: [r.get_attribute("data-number") for r in d.find_elements(By.CSS_SELECTOR, css("ticket-row"))] == [number],
                   "the search by number does not find the ticket alone")
    fill(li, "tickets-search", "")
    li.find_element(By.CSS_SELECTOR, css("tickets-search")).send_keys(Keys.ENTER)
    tap(li, "tickets-view-all")

    def rows(d):
        return {r.get_attribute("data-number"): r for r in d.find_elements(By.CSS_SELECTOR, css("ticket-row"))}
    wait(li).until(lambda d: set(DEMO_NUMBERS + [number]) <= set(rows(d)), "the 全部 view does not list the demo tickets")
    listed = rows(li)
    assert DEMO_COAT in listed["T-10001"].find_element(By.CSS_SELECTOR, css("ticket-subject")).text
    mine = listed[number]
    assert mine.find_element(By.CSS_SELECTOR, css("ticket-status")).get_attribute("data-status") == "open"
    assert mine.find_elements(By.CSS_SELECTOR, css("ticket-urgent")), "the urgent mark is missing"
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "tickets-list")

    # -- a ticket filed elsewhere (the API, a colleague) appears without waiting for the minute's poll.
    filed = li_api.post(li_api.url("/api/v1/tickets"), json={"subject": "电话：发票抬头写错了", "source": "phone"}, timeout=20)
    assert filed.status_code == 201, filed.text
    pushed = filed.json()["number"]
    wait(li, 10).until(lambda d: pushed in rows(d), "the list did not hear of the new ticket (ticket.changed)")

    # -- a ticket filed by hand for a customer found by name (a phone call from 王女士).
    tap(li, "tickets-new")
    visible(li, "ticket-new-dialog")
    fill(li, "ticket-new-subject", "电话：询问换货进度")
    fill(li, "ticket-new-customer", "王女士")
    wait(li).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("ticket-new-customer-hit")), "no customer found by name")
    hit = li.find_element(By.CSS_SELECTOR, css("ticket-new-customer-hit"))
    assert "王女士" in hit.text, hit.text
    hit.click()
    wait(li).until(lambda d: "王女士" in find(d, "ticket-new-customer-chosen").text, "the chosen customer is not shown")
    save_screenshot(li, "tickets-new-customer")
    tap(li, "ticket-new-submit")
    wait(li).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("ticket-new-dialog")), "the dialog did not close")
    phoned = get_json(li_api, "/api/v1/tickets", view="all", q="询问换货进度")["items"]
    assert len(phoned) == 1 and (phoned[0].get("contact") or {}).get("name") == "王女士", phoned

    for drv in (li, shopper):
        assert js_errors(drv) == [], js_errors(drv)
    li_api.close()
