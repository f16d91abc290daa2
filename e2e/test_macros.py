"""Macros, end to end, against the real server with the demo shop.

The shopper 陈先生 (C1002, the customer of the demo ticket T-10002 in 售前) asks in the demo shop's
widget whether his T-shirt has shipped: that chat, open in 售前, is the conversation the macro is
applied to (the demo has no chats of its own).

8号 小美 (agent, 售前) opens 宏 (#/macros) — the three shared demo macros are listed as the team's,
not editable by her — and creates her own conversation macro "已发货提醒": a reply with the
customer's name and her own number and name, the tag 已发货, status resolved. Saved first with
the reply empty, the server's reason stands beside that step's text (nothing stored); then written
(a variable chip for the name) and saved.

In the chat she opens the macro menu from the reply box with Alt+M, filters and picks it with
Enter: the preview shows the reply exactly as POST /api/v1/macros/{id}/preview answers it (the
customer's name, "8号小美"), the tag 已发货 as added and the status going to resolved. Applied: the
conversation is resolved and tagged (API), its messages hold the reply sent by her, and the thread
shows it.

On T-10002's page (linked to the chat first, through the API) she applies the shared macro
请提供破损照片 from the ticket composer's 宏 button: the ticket waits on the customer (pending) and
is tagged 待照片 (API). Screenshots: macros-preview (the composer's preview), macros-page.
"""

from __future__ import annotations

import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import demo_server  # noqa: F401  (fixture)
from ui import css, fill, find, tap, visible, wait
from workbench import shopper_writes, browser_api, conversation_of, get_json, js_errors, same, sign_in, thread

AGENT_EMAIL, AGENT_BADGE = "mei@demo.kefu.local", "8号 小美"
CUSTOMER_ID = "C1002"
HELLO = "你好，我买的T恤发货了吗？"
MACRO = "已发货提醒"
REPLY = "{customer_name}您好，我是{agent_number}号{agent_name}，您的包裹已发出，单号稍后短信通知。"
TAG = "已发货"
TICKET = "T-10002"
TICKET_MACRO = "请提供破损照片"
DEMO_SHARED = ["请提供破损照片", "转售后跟进", "退款已处理"]


def raw_keys(drv) -> list[str]:
    """Untranslated catalogue keys ("macros.something") shown as text on the page."""
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\bmacros\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def step(drv, index: int):
    return find(drv, "macros-action", f'[data-index="{index}"]')


def add_step(drv, kind: str) -> int:
    index = len(drv.find_elements(By.CSS_SELECTOR, css("macros-action")))
    tap(drv, "macros-action-add")
    Select(step(drv, index).find_element(By.CSS_SELECTOR, css("macros-action-type"))).select_by_value(kind)
    wait(drv).until(lambda d: step(d, index).get_attribute("data-type") == kind, f"step {index} is not {kind}")
    return index


def poll(api, path: str, ok, what: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        now = get_json(api, path)
        if ok(now):
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {now}")
        time.sleep(0.3)  # the server's state, not the page


def test_macro_created_previewed_and_applied_to_a_chat_and_a_ticket(demo_server, make_driver):
    base = demo_server.url

    # -- the shopper asks: an open chat in 售前.
    shopper = shopper_writes(make_driver, base, CUSTOMER_ID, HELLO)

    mei = make_driver("zh-CN", 1400, 1000)
    sign_in(mei, base, AGENT_EMAIL, AGENT_BADGE)
    api = browser_api(mei, base)
    chat = conversation_of(api, HELLO)
    assert chat["status"] == "open" and same(chat["inboxId"], api.me["user"]["inboxIds"][0]), chat
    customer = (chat.get("contact") or {}).get("name") or ""

    # -- the page: the team's demo macros, read only for an agent; none of her own.
    assert find(mei, "nav-macros").text == "宏"
    tap(mei, "nav-macros")
    visible(mei, "macros-mine-empty")
    shared_rows = wait(mei).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("macros-shared") + " " + css("macros-row")), "no shared macros")
    assert [r.find_element(By.CSS_SELECTOR, css("macros-row-name")).text for r in shared_rows] == DEMO_SHARED
    assert not mei.find_elements(By.CSS_SELECTOR, css("macros-shared") + " " + css("macros-row-edit"))
    assert not mei.find_elements(By.CSS_SELECTOR, css("macros-new-shared"))

    tap(mei, "macros-new-mine")
    visible(mei, "macros-form")
    assert not mei.find_elements(By.CSS_SELECTOR, css("macros-form-shared")), "an agent cannot share"
    fill(mei, "macros-name", MACRO)
    assert find(mei, "macros-target", '[data-value="conversation"]').is_selected()
    assert step(mei, 0).get_attribute("data-type") == "reply"  # a new macro starts with its reply
    tags = step(mei, add_step(mei, "add_tags")).find_element(By.CSS_SELECTOR, css("macros-action-tags"))
    tags.send_keys(TAG)
    tags.send_keys(Keys.ENTER)
    status = add_step(mei, "set_status")
    offered = [o.get_attribute("value") for o in step(mei, status).find_elements(By.CSS_SELECTOR, css("macros-action-value") + " option")]
    assert [v for v in offered if v] == ["open", "pending", "resolved"], offered
    Select(step(mei, status).find_element(By.CSS_SELECTOR, css("macros-action-value"))).select_by_value("resolved")

    # -- saved with the reply empty: refused beside that step's text, nothing stored.
    tap(mei, "macros-save")
    wait(mei).until(lambda d: step(d, 0).find_element(By.CSS_SELECTOR, css("macros-action-text")).get_attribute("aria-invalid") == "true",
                    "the empty reply is not marked")
    beside = step(mei, 0).find_element(By.CSS_SELECTOR, '.field-error[data-error-for="actions[0]"]').text
    assert "actions[0].text" in beside, beside
    assert visible(mei, "macros-form-error").text
    assert not any(m["name"] == MACRO for m in get_json(api, "/api/v1/macros")["items"])

    # -- the reply written (a variable chip for the name), saved: listed as hers.
    area = step(mei, 0).find_element(By.CSS_SELECTOR, css("macros-action-text"))
    area.click()
    step(mei, 0).find_element(By.CSS_SELECTOR, css("macros-action-var", '[data-var="customer_name"]')).click()
    area.send_keys(REPLY.replace("{customer_name}", ""))
    assert area.get_attribute("value") == REPLY
    tap(mei, "macros-save")
    wait(mei).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("macros-form")), "the macro form stayed open")
    macro = next(m for m in get_json(api, "/api/v1/macros", target="conversation")["items"] if m["name"] == MACRO)
    assert macro["shared"] is False and same(macro["ownerId"], api.me["user"]["id"]), macro
    assert macro["actions"] == [{"type": "reply", "text": REPLY}, {"type": "add_tags", "tags": [TAG]},
                                {"type": "set_status", "value": "resolved"}], macro
    mine = find(mei, "macros-mine", " " + css("macros-row", f'[data-rule-id="{macro["id"]}"]'))
    assert mine.find_element(By.CSS_SELECTOR, css("macros-row-name")).text == MACRO

    # -- the chat: Alt+M in the reply box, filter, Enter → the preview.
    mei.get(f"{base}/#/conversations/{chat['id']}")
    composer = visible(mei, "composer-input")
    composer.click()
    ActionChains(mei).key_down(Keys.ALT).send_keys("m").key_up(Keys.ALT).perform()
    search = visible(mei, "macros-menu-search")
    wait(mei).until(lambda d: d.switch_to.active_element == search, "the menu's filter box has not the focus")
    wait(mei).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, css("macros-menu-item"))) == 3, "the menu lists the three conversation macros")
    keys = [k.text for k in mei.find_elements(By.CSS_SELECTOR, css("macros-menu-key"))]
    assert keys == ["Alt+1", "Alt+2", "Alt+3"], keys
    search.send_keys("发货")
    wait(mei).until(lambda d: [i.get_attribute("data-name") for i in d.find_elements(By.CSS_SELECTOR, css("macros-menu-item"))] == [MACRO],
                    "the filter does not leave the macro alone")
    search.send_keys(Keys.ENTER)
    preview = visible(mei, "macros-preview", '[data-state="ready"]')
    answer = api.post(api.url(f"/api/v1/macros/{macro['id']}/preview"), json={"targetId": chat["id"]}, timeout=20)
    assert answer.status_code == 200, answer.text
    answer = answer.json()
    expected = REPLY.replace("{customer_name}", customer).replace("{agent_number}", "8").replace("{agent_name}", "小美")
    assert answer["reply"] == expected and "8号小美" in expected, answer
    assert answer["applied"] is False and answer["status"] == "resolved" and TAG in answer["tags"], answer
    shown = preview.find_element(By.CSS_SELECTOR, css("macros-preview-reply")).text
    assert shown == answer["reply"], (shown, answer)
    if customer:
        assert shown.startswith(f"{customer}您好"), shown
    assert preview.find_element(By.CSS_SELECTOR, css("macros-preview-tag", f'[data-tag="{TAG}"]')).get_attribute("data-change") == "added"
    moved = preview.find_element(By.CSS_SELECTOR, css("macros-preview-status"))
    assert (moved.get_attribute("data-from"), moved.get_attribute("data-to")) == ("open", "resolved")
    assert get_json(api, f"/api/v1/conversations/{chat['id']}")["status"] == "open", "the preview changed something"
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "macros-preview")

    # -- applied: resolved, tagged, and her reply in the messages and the thread.
    tap(mei, "macros-apply")
    wait(mei).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("macros-preview")), "the preview stayed open")
    visible(mei, "toast")
    now = poll(api, f"/api/v1/conversations/{chat['id']}", lambda c: c["status"] == "resolved" and TAG in c["tags"],
               "the conversation is not resolved and tagged")
    messages = get_json(api, f"/api/v1/conversations/{chat['id']}/messages", limit=50)["items"]
    sent = [m for m in messages if m["text"] == expected]
    assert len(sent) == 1 and sent[0]["senderType"] == "agent" and not sent[0].get("private"), messages
    assert same((sent[0].get("sender") or {}).get("id") or sent[0].get("senderId"), api.me["user"]["id"]), sent[0]
    wait(mei).until(lambda d: any(m["text"] == expected and m["sender"] == "agent" for m in thread(d)), "the thread does not show the reply")
    assert now["status"] == "resolved"

    # -- the ticket: T-10002 (陈先生's, in 售前) linked to his chat; the shared macro from its composer.
    ticket = next(t for t in get_json(api, "/api/v1/tickets")["items"] if t["number"] == TICKET)
    linked = api.post(api.url(f"/api/v1/tickets/{ticket['id']}/links"), json={"conversationId": chat["id"]}, timeout=20)
    assert linked.status_code == 200, linked.text
    mei.get(f"{base}/#/tickets/{ticket['id']}")
    visible(mei, "ticket-page")
    tap(mei, "ticket-composer", " " + css("macros-open"))
    item = css("macros-menu-item", f'[data-name="{TICKET_MACRO}"]')
    wait(mei).until(lambda d: d.find_elements(By.CSS_SELECTOR, item), "the ticket macro is not offered")
    mei.find_element(By.CSS_SELECTOR, item).click()
    preview = visible(mei, "macros-preview", '[data-state="ready"]')
    assert TICKET in preview.find_element(By.CSS_SELECTOR, css("macros-preview-reply")).text
    tap(mei, "macros-apply")
    wait(mei).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("macros-preview")), "the ticket preview stayed open")
    poll(api, f"/api/v1/tickets/{ticket['id']}", lambda t: t["status"] == "pending" and "待照片" in t["tags"],
         "the ticket is not pending and tagged 待照片")
    wait(mei).until(lambda d: d.find_element(By.CSS_SELECTOR, css("ticket-page") + " " + css("ticket-status")).get_attribute("data-status") == "pending",
                    "the ticket page does not show it pending")

    # -- the page again: used once, just now.
    tap(mei, "nav-macros")
    row = css("macros-mine") + " " + css("macros-row", f'[data-rule-id="{macro["id"]}"]')
    uses = wait(mei).until(lambda d: d.find_element(By.CSS_SELECTOR, row + " " + css("macros-row-uses")), "the macro is not listed")
    wait(mei).until(lambda d: d.find_element(By.CSS_SELECTOR, row + " " + css("macros-row-uses")).get_attribute("data-count") == "1",
                    f"not counted as used once: {uses.text}")
    assert mei.find_element(By.CSS_SELECTOR, row + " " + css("macros-row-last")).text
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "macros-page")
    for d in (mei, shopper):
        assert js_errors(d) == [], js_errors(d)
    api.close()
