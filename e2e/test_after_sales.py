"""After-sales, end to end, against the real server with the demo shop.

"A shopper complains about a T-shirt, the agent opens an exchange case and proposes a coupon above
her limit, the supervisor approves it, the shopper accepts the solution in the widget", with
screenshots (e2e/screenshots/after-sales-*.png).

1. 8号 小美 (agent, limit ¥10) signs in; the shopper, signed in on the demo shop as 王女士 (C1001),
   complains in the widget: the chat is routed to 小美.
2. 小美 turns the chat into a complaint ticket from the 工单 tab, linking the T-shirt order
   E20261101003, and opens the ticket's 售后与补偿 tab: she opens an exchange case for one
   TEE-220 (quality), marks 倾听道歉 done, and proposes a ¥20 coupon: above her limit, it waits.
3. 2号 小李 (supervisor) opens 售后 (the case is listed with its time left) and 补偿审批: the
   coupon and the demo's ¥15 cash on "T恤洗了一次就缩水" wait; he approves the coupon.
4. 小美 sends the solution; the shopper sees the card in the widget and accepts it; after a reload
   the card in the history still says so.
5. The ticket shows the customer's acceptance, the ledger the coupon granted by 小李, the timeline
   every step. The platform steps in and rules for the buyer; 小李 reverses the coupon (a new
   entry of -¥20.00, linked both ways); the conversation's thread shows the solution card.
"""

from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import demo_server  # noqa: F401  (fixture)
from ui import css, fill, find, press, tap, visible, wait, wid
from workbench import (shopper_writes, browser_api, conversation_of, get_json, js_errors, open_widget, same, sign_in, thread,
                       widget_message, widget_messages)

AGENT_EMAIL, AGENT_BADGE = "mei@demo.kefu.local", "8号 小美"
SUPERVISOR_EMAIL, SUPERVISOR_BADGE = "li@demo.kefu.local", "2号 小李"
CUSTOMER_ID = "C1001"
TEE_ORDER, TEE_SKU = "E20261101003", "TEE-220"
COMPLAINT = "T恤洗了一次就缩水变形了，质量太差，我要投诉！"
DESCRIPTION = "洗后缩水约两个尺码，顾客要求换一件新的"
NOTE = "老顾客，补偿一张 20 元优惠券"
SOLUTION = "非常抱歉！为您免费换一件新的 T 恤，今天发出，另送 20 元优惠券。"
DEMO_PENDING_SUBJECT = "T恤洗了一次就缩水"


def raw_keys(drv) -> list[str]:
    """Untranslated catalogue keys ("cases.something") shown as text on the page."""
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\b(?:cases|tickets)\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def widget_raw_keys(drv) -> list[str]:
    return drv.execute_script(r"""
      const root = document.querySelector('kefu-widget').shadowRoot;
      return Array.from(new Set(root.textContent.match(/\bwidget\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def in_case(drv, name: str):
    return find(drv, "case", f' [data-testid="{name}"]')


def case_answer(drv) -> str:
    # The tab redraws when the case changes: read again if the element went stale under us.
    for _ in range(5):
        try:
            found = drv.find_elements(By.CSS_SELECTOR, css("case") + " " + css("case-answer"))
            return found[0].get_attribute("data-answer") if found else "none"
        except StaleElementReferenceException:
            continue
    return "stale"


def ledger_rows(drv) -> list[dict]:
    return drv.execute_script("""
      return Array.from(document.querySelectorAll('[data-testid="compensation-ledger"] [data-testid="compensation-row"]')).map((r) => ({
        id: r.getAttribute('data-entry-id'), status: r.getAttribute('data-status'), kind: r.getAttribute('data-kind'),
        amount: Number(r.getAttribute('data-amount')),
        approver: (r.querySelector('[data-testid="compensation-approver"]') || {}).textContent || '',
        proposer: (r.querySelector('[data-testid="compensation-proposer"]') || {}).textContent || '',
      }));""") or []


def test_complaint_case_compensation_approval_and_the_shoppers_answer(demo_server, make_driver):
    base = demo_server.url

    # -- 8号 小美 signs in and is online: the shopper's chat comes to her.
    mei = make_driver("zh-CN", 1440, 960)
    sign_in(mei, base, AGENT_EMAIL, AGENT_BADGE)
    mei_api = browser_api(mei, base)
    mei_id = mei_api.me["user"]["id"]
    wait(mei).until(lambda d: next((a for a in get_json(mei_api, "/api/v1/agents")["items"] if same(a["id"], mei_id)), {}).get("status") == "online",
                    "小美 is not online for routing")

    shopper = shopper_writes(make_driver, base, CUSTOMER_ID, COMPLAINT, size=(1280, 900))
    conversation = conversation_of(mei_api, COMPLAINT)
    wait(mei).until(lambda d: same(get_json(mei_api, f"/api/v1/conversations/{conversation['id']}").get("assigneeId"), mei_id),
                    "the complaint is not 小美's")

    # -- the chat becomes a complaint ticket with the T-shirt's order.
    mei.get(f"{base}/#/conversations/{conversation['id']}")
    wait(mei).until(lambda d: any(m["text"] == COMPLAINT for m in thread(d)), "the complaint is not in the thread")
    tap(mei, "side-tab-tickets")
    tap(mei, "ticket-panel-create")
    visible(mei, "ticket-draft-form")
    assert Select(find(mei, "ticket-draft-type")).first_selected_option.get_attribute("value") == "complaint"
    press(mei, find(mei, "ticket-draft-order", f'[data-order-id="{TEE_ORDER}"]'))
    tap(mei, "ticket-draft-submit")
    item = visible(mei, "ticket-panel-item")
    number, ticket_id = item.get_attribute("data-number"), item.get_attribute("data-ticket-id")
    ticket = get_json(mei_api, f"/api/v1/tickets/{ticket_id}")
    assert ticket["type"] == "complaint" and [l["order"]["externalId"] for l in ticket["links"] if l.get("order")] == [TEE_ORDER], ticket

    # -- the ticket's after-sales tab: an exchange case for one T-shirt.
    item.click()
    visible(mei, "ticket-page")
    tap(mei, "ticket-tab-cases")
    wait(mei).until(lambda d: d.current_url.endswith(f"#/tickets/{ticket_id}/after-sales"), "the address does not name the tab")
    visible(mei, "cases-empty")
    tap(mei, "case-open")
    visible(mei, "case-dialog")
    Select(find(mei, "case-form-kind")).select_by_value("exchange")
    Select(find(mei, "case-form-reason")).select_by_value("quality")
    assert Select(find(mei, "case-form-order")).first_selected_option.get_attribute("value") == TEE_ORDER
    line = visible(mei, "case-form-line", f'[data-sku="{TEE_SKU}"]')
    if not line.is_selected():
        press(mei, line)
    fill(mei, "case-form-description", DESCRIPTION)
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "after-sales-case-form")
    tap(mei, "case-form-submit")

    card = visible(mei, "case")
    case_id = card.get_attribute("data-case-id")
    assert (card.get_attribute("data-kind"), card.get_attribute("data-state")) == ("exchange", "requested")
    wait(mei).until(lambda d: in_case(d, "case-kind").text == "换货" and in_case(mei, "case-reason").text == "质量问题", "the after-sales tab does not show " + repr("质量问题"))
    deadline = in_case(mei, "case-deadline")
    assert deadline.get_attribute("data-overdue") == "false" and deadline.text.startswith("剩 23 小时"), deadline.text
    wait(mei).until(lambda d: TEE_SKU in in_case(d, "case-lines").text and "× 1" in in_case(d, "case-lines").text, "the case's lines")
    # The complaint procedure: 倾听道歉 done by 小美.
    tap(mei, "case-step", '[data-step="acknowledge"] [data-testid="case-step-do"]')
    wait(mei).until(lambda d: find(d, "case-step", '[data-step="acknowledge"]').get_attribute("data-done") == "true", "the step is not done")
    wait(mei).until(lambda d: AGENT_BADGE in find(d, "case-step", '[data-step="acknowledge"] [data-testid="case-step-who"]').text, "who acknowledged")

    # -- a ¥20 coupon: above an agent's ¥10, it waits for a supervisor.
    tap(mei, "compensation-propose")
    visible(mei, "compensation-dialog")
    assert Select(find(mei, "compensation-form-kind")).first_selected_option.get_attribute("value") == "coupon"
    assert Select(find(mei, "compensation-form-case")).first_selected_option.get_attribute("value").lower() == case_id.lower()
    fill(mei, "compensation-form-amount", "20")
    fill(mei, "compensation-form-note", NOTE)
    tap(mei, "compensation-form-submit")
    visible(mei, "compensation-pending-notice")
    wait(mei).until(lambda d: [(r["kind"], r["amount"], r["status"]) for r in ledger_rows(d)] == [("coupon", 2000, "pending")],
                    f"the ledger does not show the coupon waiting: {ledger_rows(mei)}")
    wait(mei).until(lambda d: find(d, "compensation-total-pending").text == "待审批 ¥20.00", "the after-sales tab does not show " + repr("待审批 ¥20.00"))
    entry = get_json(mei_api, f"/api/v1/tickets/{ticket_id}/compensations")["items"][0]
    assert (entry["kind"], entry["amount"], entry["status"], entry["caseId"].lower()) == ("coupon", 2000, "pending", case_id.lower()), entry
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "after-sales-pending")

    # -- 2号 小李: the open cases, then the approvals with the demo's ¥15 cash beside the coupon.
    li = make_driver("zh-CN", 1440, 900)
    sign_in(li, base, SUPERVISOR_EMAIL, SUPERVISOR_BADGE)
    li.get(f"{base}/#/after-sales")
    row = visible(li, "case-row", f'[data-ticket-number="{number}"]')
    assert row.find_element(By.CSS_SELECTOR, css("case-row-state")).get_attribute("data-state") == "requested"
    assert "剩" in row.find_element(By.CSS_SELECTOR, css("case-row-deadline")).text
    assert len(li.find_elements(By.CSS_SELECTOR, css("case-row"))) >= 2, "the demo's exchange case is not listed"
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "after-sales-list")

    tap(li, "nav-compensations")
    mine = visible(li, "compensation-pending-row", f'[data-ticket-number="{number}"]')
    assert mine.find_element(By.CSS_SELECTOR, css("compensation-pending-amount")).text == "¥20.00"
    assert mine.find_element(By.CSS_SELECTOR, css("compensation-pending-kind")).text == "优惠券"
    assert mine.find_element(By.CSS_SELECTOR, css("compensation-pending-proposer")).text == AGENT_BADGE
    demo_ticket = next(t for t in get_json(browser_api(li, base), "/api/v1/tickets", view="all", q=DEMO_PENDING_SUBJECT)["items"]
                       if t["subject"] == DEMO_PENDING_SUBJECT)
    demo = visible(li, "compensation-pending-row", f'[data-ticket-number="{demo_ticket["number"]}"]')
    assert (demo.get_attribute("data-kind"), demo.find_element(By.CSS_SELECTOR, css("compensation-pending-amount")).text) == ("cash", "¥15.00")
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "after-sales-approvals")
    mine.find_element(By.CSS_SELECTOR, css("compensation-decision-note")).send_keys("同意，老顾客")
    tap(li, "compensation-pending-row", f'[data-ticket-number="{number}"] [data-testid="compensation-approve"]')
    wait(li).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("compensation-pending-row", f'[data-ticket-number="{number}"]')),
                   "the approved coupon is still waiting")
    visible(li, "compensation-pending-row", f'[data-ticket-number="{demo_ticket["number"]}"]')
    granted = visible(li, "compensations-ledger", f' [data-entry-id="{entry["id"]}"]')
    assert granted.get_attribute("data-status") == "approved" and SUPERVISOR_BADGE in granted.text
    assert granted.find_elements(By.CSS_SELECTOR, css("compensation-reverse")), "a granted coupon cannot be reversed"
    save_screenshot(li, "after-sales-approved")

    # -- 小美 sends the solution; the shopper accepts it in the widget.
    fill(mei, "case-solution-input", SOLUTION)
    tap(mei, "case-solution-send")
    wait(mei).until(lambda d: in_case(d, "case-solution-text").text == SOLUTION, "the solution is not on the case")
    assert case_answer(mei) == ""
    wait(mei).until(lambda d: find(d, "case-step", '[data-step="propose"]').get_attribute("data-done") == "true", "the propose step")

    card = widget_message(shopper, lambda m: m["afterSale"] and m["afterSale"]["solution"] == SOLUTION, "the solution card")["afterSale"]
    assert same(card["caseId"], case_id) and card["ticket"] == f"工单 {number}" and card["kind"] == "换货" and card["buttons"], card
    save_screenshot(shopper, "after-sales-widget-card")
    wid(shopper, "kefu-case-accept").click()
    widget_message(shopper, lambda m: m["afterSale"] and m["afterSale"]["answer"] == "accepted" and m["afterSale"]["shown"] == "您已接受该方案",
                   "the accepted card")
    assert not widget_raw_keys(shopper), widget_raw_keys(shopper)
    save_screenshot(shopper, "after-sales-widget-accepted")
    # The card in the history carries the answer of its sending time (none): the widget keeps it.
    shopper.refresh()
    open_widget(shopper)
    widget_message(shopper, lambda m: m["afterSale"] and m["afterSale"]["answer"] == "accepted" and not m["afterSale"]["buttons"],
                   "the accepted card after a reload")

    # -- the ticket: the acceptance, the coupon granted by 小李, every step in the timeline.
    wait(mei, 30).until(lambda d: case_answer(d) == "accepted", "the case does not show the customer's acceptance")
    tap(mei, "aftersales-refresh")
    wait(mei).until(lambda d: [(r["status"], SUPERVISOR_BADGE in r["approver"], r["proposer"]) for r in ledger_rows(d)] == [("approved", True, AGENT_BADGE)],
                    f"the ledger does not show the coupon granted by 小李: {ledger_rows(mei)}")
    wait(mei).until(lambda d: find(d, "compensation-total-granted").text == "已发放 ¥20.00", "the after-sales tab does not show " + repr("已发放 ¥20.00"))
    assert not mei.find_elements(By.CSS_SELECTOR, css("compensation-pending-notice"))
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "after-sales-ticket")

    tap(mei, "ticket-tab-activity")
    wait(mei).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("ticket-entry-case-answer", '[data-answer="accepted"]')),
                    "the timeline does not show the customer's acceptance")
    events = mei.execute_script("""
      return Array.from(document.querySelectorAll('[data-testid="ticket-timeline"] > li')).map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-what') || e.getAttribute('data-answer') || '', e.innerText]);""")
    kinds = [(k, w) for k, w, _ in events if k in ("case", "compensation", "customer")]
    for expected in [("case", "opened"), ("case", "step.acknowledge"), ("compensation", "proposed"), ("compensation", "approved"),
                     ("case", "solution"), ("customer", "accepted")]:
        assert expected in kinds, (expected, kinds)
    texts = {w: text for k, w, text in events}
    assert "发起了售后" in texts["opened"] and "换货" in texts["opened"] and "质量问题" in texts["opened"]
    assert "¥20.00" in texts["proposed"] and "待审批" in texts["proposed"]
    assert "小李" in texts["approved"] and "批准了补偿" in texts["approved"]
    assert SOLUTION in texts["solution"] and "接受了解决方案" in texts["accepted"]
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "after-sales-timeline")

    # -- the platform steps in and rules for the buyer: the case is agreed.
    tap(mei, "ticket-tab-cases")
    tap(mei, "case-move", '[data-state="platform_intervention"]')
    wait(mei).until(lambda d: find(d, "case").get_attribute("data-state") == "platform_intervention", "the platform did not step in")
    tap(mei, "case-ruling", '[data-ruling="buyer_supported"]')
    wait(mei).until(lambda d: find(d, "case").get_attribute("data-state") == "agreed", "the ruling did not agree the case")
    wait(mei).until(lambda d: in_case(d, "case-ruling-shown").text == "平台裁决：支持买家", "the after-sales tab does not show " + repr("平台裁决：支持买家"))
    assert [b.get_attribute("data-state") for b in mei.find_elements(By.CSS_SELECTOR, css("case-move"))] == ["awaiting_return", "platform_intervention"]

    # -- 小李 reverses the coupon: a new entry of the opposite sign, linked both ways.
    tap(li, "compensations-ledger", f' [data-entry-id="{entry["id"]}"] [data-testid="compensation-reverse"]')
    fill(li, "compensation-reverse-note", "重复补偿，冲正")
    tap(li, "compensation-reverse-submit")
    reversal = wait(li).until(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, css("compensations-ledger") + " " + css("compensation-row"))
                                              if r.get_attribute("data-amount") == "-2000"), False), "no reversal in the ledger")
    assert reversal.find_element(By.CSS_SELECTOR, css("compensation-amount")).text == "-¥20.00"
    reversal.find_element(By.CSS_SELECTOR, css("compensation-reverses"))
    original = find(li, "compensations-ledger", f' [data-entry-id="{entry["id"]}"]')
    assert original.find_elements(By.CSS_SELECTOR, css("compensation-reversed-by")) and not original.find_elements(By.CSS_SELECTOR, css("compensation-reverse"))
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "after-sales-reversed")

    # -- the conversation's thread shows the solution as a card.
    mei.get(f"{base}/#/conversations/{conversation['id']}")
    shown = wait(mei).until(lambda d: next((m["afterSale"] for m in thread(d) if m.get("afterSale")), False), "no solution card in the thread")
    assert shown["solution"] == SOLUTION and shown["ticket"] == number, shown

    for drv in (mei, li, shopper):
        assert js_errors(drv) == [], js_errors(drv)
    assert widget_messages(shopper)
    mei_api.close()
