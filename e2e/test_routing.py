"""Routing, greeting, quick phrases and the queue, end to end, against the real server with the demo shop.

8号 小美 signs in to the workbench; her agent socket makes her the one online agent of 售前
(nobody else of the shop is connected). A shopper opens the widget on /demo/shop and writes:
the conversation is hers at once and the widget shows the greeting as an automatic reply in
her name ("8号", tagged 自动回复). 小美 opens the conversation, types "/" and picks the team
phrase "hi" (made by 2号 小李 over the API) with Enter: the composer holds it with the variables
filled ("亲，张女士您好，我是8号客服小美" — the contact was named 张女士 first), and she sends it.
With 售前's capacity set to 1 a second shopper (another browser) writes and waits in line: the
widget shows the queue bar at position 1. 小美 resolves the first conversation: the bar goes
away and 8号 greets the second shopper. Finally 小李 opens the live view (#/live): the 售前 card
shows the inbox and 小美's row her load against her capacity (1/1).

The steps share browsers and build on each other, so they are one scenario test.
"""

from __future__ import annotations


from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import save_screenshot
from widget_fixtures import DEMO_PASSWORD, AgentAPI, demo_server  # noqa: F401  (fixtures)
from ui import wait, css, visible, tap, wid, wid_shown
from workbench import THREAD_JS, browser_api, conversation_of, js_errors, same, sign_in, widget_message, widget_messages

WAIT = 20
OWNER_EMAIL = "owner@demo.kefu.local"
SUPERVISOR_EMAIL = "li@demo.kefu.local"
AGENT_EMAIL = "mei@demo.kefu.local"
INBOX = "售前"
FIRST_TEXT = "你好，这件羊毛大衣有黑色 M 码吗？"
SECOND_TEXT = "在吗？想问下包邮吗"
PHRASE = "亲，{customer_name}您好，我是{agent_number}号客服{agent_name}"
CUSTOMER = "张女士"
FILLED = "亲，张女士您好，我是8号客服小美"

# The widget's rendered messages, read out of its (open) shadow root.
# ---- helpers ----------------------------------------------------------------------------------

def shopper_writes(drv, base: str, text: str) -> None:
    drv.get(base + "/demo/shop")
    wait(drv).until(lambda d: wid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
    wid(drv, "kefu-launcher").click()
    wait(drv).until(lambda d: wid_shown(d, "kefu-panel"), "the chat panel did not open")
    box = wid(drv, "kefu-input")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    widget_message(drv, lambda m: m["text"] == text and m["seq"] > 0, f"{text!r}, acknowledged")


def greeted_by_8(m: dict) -> bool:
    return m["auto"] == "auto.greeting" and "8号" in m["who"]


def live(api: AgentAPI) -> dict:
    answer = api.get(api.url("/api/v1/live"), timeout=20)
    assert answer.status_code == 200, answer.text
    return answer.json()


# ---- the scenario -----------------------------------------------------------------------------

def test_greeting_phrase_queue_and_live_view(demo_server, make_driver):
    base = demo_server.url
    owner = AgentAPI(base)
    owner.login(OWNER_EMAIL, DEMO_PASSWORD)
    supervisor = AgentAPI(base)
    supervisor.login(SUPERVISOR_EMAIL, DEMO_PASSWORD)
    inboxes = owner.get(owner.url("/api/v1/inboxes"), timeout=20).json()
    inboxes = inboxes["items"] if isinstance(inboxes, dict) else inboxes
    presale = next(i for i in inboxes if i["name"] == INBOX)
    assert presale.get("botMode", "off") == "off", presale
    settings = owner.get(owner.url(f"/api/v1/inboxes/{presale['id']}/settings"), timeout=20).json()
    assert settings["routing"] == "round_robin" and settings["capacity"] == 5, settings

    # 2号 小李 (supervisor) adds the team phrase "hi".
    made = supervisor.post(supervisor.url("/api/v1/quick-phrases"), timeout=20,
                           json={"scope": "team", "shortcut": "hi", "text": PHRASE})
    assert made.status_code == 201, made.text
    phrase_id = made.json()["id"]

    # -- 8号 小美 signs in: her agent socket makes her online, the only one of 售前.
    mei = make_driver("zh-CN", 1440, 900)
    sign_in(mei, base, AGENT_EMAIL, "8号 小美")
    mei_api = browser_api(mei, base)
    mei_id = mei_api.me["user"]["id"]
    wait(mei).until(lambda d: next(a for a in live(owner)["agents"] if same(a["id"], mei_id))["status"] == "online",
                    "小美 is not online for routing")
    others = [a for a in live(owner)["agents"] if not same(a["id"], mei_id) and a["status"] != "offline"]
    assert others == [], f"only 小美 may be online: {others}"

    # -- shopper 1 writes: assigned to 小美 at once; the widget shows the greeting as 8号's auto-reply.
    shopper1 = make_driver("zh-CN", 1280, 900)
    shopper_writes(shopper1, base, FIRST_TEXT)
    greeting = widget_message(shopper1, greeted_by_8, "the greeting by 8号")
    assert greeting["who"] == "8号 小美", greeting
    assert greeting["tag"] == "自动回复", greeting
    assert greeting["sender"] == "bot" and "我是8号客服小美" in greeting["text"], greeting
    assert not wid_shown(shopper1, "kefu-queue"), "a shopper who was assigned at once sees a queue bar"
    save_screenshot(shopper1, "routing-greeting")

    first = conversation_of(mei_api, FIRST_TEXT)
    assert same(first["assigneeId"], mei_id), f"the first conversation is not 小美's: {first}"
    named = mei_api.patch(mei_api.url(f"/api/v1/contacts/{first['contactId']}"), json={"name": CUSTOMER}, timeout=20)
    assert named.status_code == 200, named.text

    # -- 小美 opens it, types "/" and picks the team phrase with Enter: variables filled.
    mei.get(f"{base}/#/conversations/{first['id']}")
    wait(mei).until(lambda d: any(m["text"] == FIRST_TEXT for m in (d.execute_script(THREAD_JS) or [])),
                    "the shopper's message is not in the thread")
    box = visible(mei, "composer-input")
    box.click()
    box.send_keys("/")
    picker = visible(mei, "qp-picker")
    wait(mei).until(lambda d: picker.find_elements(By.CSS_SELECTOR, css("qp-picker-item", '[data-shortcut="hi"]')),
                    f"the picker does not offer /hi: {picker.text!r}")
    items = picker.find_elements(By.CSS_SELECTOR, css("qp-picker-item"))
    assert items[0].get_attribute("data-phrase-id").lower() == phrase_id.lower(), [i.text for i in items]
    assert items[0].get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ENTER)
    wait(mei).until(lambda d: box.get_attribute("value") == FILLED,
                    f"the composer holds {box.get_attribute('value')!r}, not {FILLED!r}")
    assert not picker.is_displayed()
    assert "我是8号客服小美" in box.get_attribute("value") and CUSTOMER in box.get_attribute("value")
    save_screenshot(mei, "routing-phrase")
    tap(mei, "composer-send")
    widget_message(shopper1, lambda m: m["sender"] == "agent" and m["text"] == FILLED, "小美's phrase at the shopper")
    used = supervisor.get(supervisor.url("/api/v1/quick-phrases"), params={"q": "hi"}, timeout=20).json()["items"]
    assert next(p for p in used if same(p["id"], phrase_id))["usageCount"] == 1, used

    # -- capacity 1: 小美 is full, so a second shopper (another browser) waits in line, position 1.
    capped = owner.put(owner.url(f"/api/v1/inboxes/{presale['id']}/settings"), json={"capacity": 1}, timeout=20)
    assert capped.status_code == 200, capped.text
    assert [a["id"] for a in live(owner)["agents"] if a["status"] != "offline"] == [mei_id]
    shopper2 = make_driver("zh-CN", 1280, 900)
    shopper_writes(shopper2, base, SECOND_TEXT)
    wait(shopper2).until(lambda d: wid_shown(d, "kefu-queue"), "the second shopper sees no queue bar")
    wait(shopper2).until(lambda d: wid(d, "kefu-queue-position").text == "1",
                         f"queue position {wid(shopper2, 'kefu-queue-position').text!r}, not 1")
    assert not any(greeted_by_8(m) for m in widget_messages(shopper2)), "greeted while waiting"
    inbox_live = next(i for i in live(owner)["inboxes"] if same(i["id"], presale["id"]))
    assert inbox_live["queued"] == 1, inbox_live
    save_screenshot(shopper2, "routing-queue")

    # -- 小美 resolves the first conversation: the bar goes, 8号 greets the second shopper.
    tap(mei, "conv-resolve")
    wait(mei).until(lambda d: "status-resolved" in visible(d, "conv-status").get_attribute("class"),
                    "the conversation did not turn resolved")
    wait(shopper2, 15).until(lambda d: not wid_shown(d, "kefu-queue"), "the queue bar stayed after 小美 freed up")
    greeting2 = widget_message(shopper2, greeted_by_8, "the greeting by 8号 after the wait", timeout=15)
    assert greeting2["who"] == "8号 小美" and greeting2["tag"] == "自动回复", greeting2
    second = conversation_of(mei_api, SECOND_TEXT)
    assert same(second["assigneeId"], mei_id), second

    # -- 2号 小李 opens the live view (in the first shopper's browser, signed in anew).
    sign_in(shopper1, base, SUPERVISOR_EMAIL, "2号 小李")
    shopper1.get(base + "/#/live")
    card = visible(shopper1, "live-inbox", f'[data-inbox-id="{presale["id"]}"]')
    assert card.find_element(By.CSS_SELECTOR, ".live-inbox-name").text == INBOX
    wait(shopper1).until(lambda d: visible(d, "live-inbox", f'[data-inbox-id="{presale["id"]}"]')
                         .find_element(By.CSS_SELECTOR, css("live-inbox-queued")).text == "0", "售前 still shows a queue")
    wait(shopper1).until(lambda d: any(same(r.get_attribute("data-agent-id"), mei_id) for r in d.find_elements(By.CSS_SELECTOR, css("live-agent"))),
                         "小美 is not in the live view")
    wait(shopper1).until(lambda d: next(r for r in d.find_elements(By.CSS_SELECTOR, css("live-agent"))
                                        if same(r.get_attribute("data-agent-id"), mei_id))
                         .find_element(By.CSS_SELECTOR, css("live-agent-load")).get_attribute("data-load") == "1",
                         "小美's load is not 1")
    row = next(r for r in shopper1.find_elements(By.CSS_SELECTOR, css("live-agent")) if same(r.get_attribute("data-agent-id"), mei_id))
    load = row.find_element(By.CSS_SELECTOR, css("live-agent-load"))
    assert load.get_attribute("data-capacity") == "1" and load.text == "1/1", (load.get_attribute("outerHTML"))
    assert row.get_attribute("data-status") == "online"
    assert "8号 小美" in row.text and INBOX in row.text, row.text
    assert [c.get_attribute("data-conversation-id").lower() for c in row.find_elements(By.CSS_SELECTOR, css("live-agent-conversation"))] \
        == [second["id"].lower()]
    save_screenshot(shopper1, "routing-live")

    for drv in (mei, shopper1, shopper2):
        assert js_errors(drv) == [], js_errors(drv)
