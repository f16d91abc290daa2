"""The agent's conversation workspace end to end, in two real browsers against the real server.

A shopper on the demo shop (/demo/shop) opens the widget and writes (text, an emoji, an
image, and a line full of markup). 8号 小美 is signed in to the workbench, where the
conversation page is the default: the conversation appears in the list live, with an
unread badge, "(n)" in the tab title and the nav badge. She opens it, sees the text, the
emoji, the image and the inert markup, the customer's page and browser beside it, the
shopper typing; she answers with text + emoji (Enter) and an image, writes a private note
with an @mention (the shopper never sees it), sets a tag and the priority, and resolves.
The shopper sees the answers under "8号 小美"; the agent sees them turn 已读. Then the
server goes away: the agent gets the connection-lost banner, writes meanwhile, and the
message is stored exactly once after the reconnect. She snoozes and resolves; the shopper
comes back in a new conversation, into which she merges the first one. Finally the phone
layout: list OR conversation, with a back button. A second test checks the English
workspace and that a password change elsewhere (socket closed with 1008) signs it out.

The steps share the browsers and build on each other, so they live in one scenario test.
"""

from __future__ import annotations

import pytest

from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import AGENT_EMAIL, DEMO_PASSWORD, agent_api, demo_server, manual_desk, make_png  # noqa: F401  (fixtures)
from ui import wait, css, find, visible, is_shown, shadow, wid, wid_shown

# These scenarios walk the manual workflow (test_routing.py covers automatic routing).
pytestmark = pytest.mark.usefixtures("manual_desk")

WAIT = 20

HELLO = "你好，请问有货吗？"
EMOJI = "\U0001F60A"
MARKUP = '<img src=x onerror="window.__kefuXss=1"> 详见 https://example.com/item?id=7'
REPLY = "亲，有货的哦，今天下单明天发货"
REPLY_EMOJI = "\U0001F44D"
NOTE = "这位顾客问过两次库存，请跟进"
AFTER_NOTE = "还有其他可以帮您的吗？"
OFFLINE = "网络断开时写的回复"
AGAIN = "我又来了，上次的T恤还想再买一件"


# ---- helpers: the workbench (light DOM) ---------------------------------------------

def route(drv) -> str:
    return drv.find_element(By.ID, "content").get_attribute("data-route")


# Messages of the open conversation, as the agent sees them.
THREAD_JS = """
return Array.from(document.querySelectorAll('[data-testid="thread-messages"] [data-testid="msg"]')).map((m) => ({
  seq: Number(m.getAttribute('data-seq') || 0),
  sender: m.getAttribute('data-sender-type'),
  private: m.getAttribute('data-private') === 'true',
  clientId: m.getAttribute('data-client-id') || '',
  text: (m.querySelector('[data-testid="msg-text"]') || {}).textContent || '',
  author: (m.querySelector('[data-testid="msg-author"]') || {}).textContent || '',
  note: (m.querySelector('[data-testid="note-label"]') || {}).textContent || '',
  pending: Boolean(m.querySelector('[data-testid="msg-pending"]')),
  read: (m.querySelector('[data-testid="msg-read-state"]') || {getAttribute: () => ''}).getAttribute('data-read') || '',
  readText: (m.querySelector('[data-testid="msg-read-state"]') || {}).textContent || '',
  images: Array.from(m.querySelectorAll('img')).map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0,
    link: i.closest('a') ? { href: i.closest('a').href, target: i.closest('a').target, rel: i.closest('a').rel } : null })),
  links: Array.from(m.querySelectorAll('[data-testid="msg-text"] a')).map((a) => ({ href: a.href, rel: a.rel, target: a.target, text: a.textContent })),
}));
"""


def thread(drv) -> list[dict]:
    return drv.execute_script(THREAD_JS) or []


def wait_thread(drv, predicate, what: str, timeout: float = WAIT) -> dict:
    def look(d):
        for m in thread(d):
            if predicate(m):
                return m
        return False
    return wait(drv, timeout).until(look, f"no message in the workbench: {what}; have {thread(drv)}")


def settled(drv) -> list[dict]:
    """The thread once nothing waits for an ack; each message shown exactly once, in seq order."""
    def done(d):
        items = thread(d)
        return items if items and not any(m["pending"] for m in items) else False
    items = wait(drv).until(done, f"messages still pending: {[m for m in thread(drv) if m['pending']]}")
    seqs = [m["seq"] for m in items]
    assert all(seqs) and seqs == sorted(set(seqs)), f"a message is missing its seq, shown twice or out of order: {items}"
    return items


def conv_row(drv, conversation_id: str):
    return drv.find_element(By.CSS_SELECTOR, css("conv-row", f'[data-conversation-id="{conversation_id}"]'))


def row_unread(drv, conversation_id: str) -> int:
    try:
        badge = conv_row(drv, conversation_id).find_elements(By.CSS_SELECTOR, css("conv-unread"))
    except NoSuchElementException:
        return -1
    return int(badge[0].text) if badge and badge[0].text.isdigit() else 0


def sign_in_agent(drv, base: str) -> None:
    drv.get(base + "/")
    email = visible(drv, "signin-email")
    email.clear()
    email.send_keys(AGENT_EMAIL)
    password = visible(drv, "signin-password")
    password.clear()
    password.send_keys(DEMO_PASSWORD)
    visible(drv, "signin-submit").click()
    wait(drv).until(lambda d: visible(d, "agent-badge").text == "8号 小美", "not signed in as 8号 小美")


def js_errors(drv) -> list[str]:
    """Console errors that are not the expected 4xx answers or the socket going away on purpose."""
    try:
        entries = drv.get_log("browser")
    except WebDriverException:
        return []
    return [e["message"] for e in entries if e["level"] == "SEVERE"
            and "Failed to load resource" not in e["message"]
            and "WebSocket connection to" not in e["message"]]


# ---- helpers: the shopper's widget (shadow DOM) -----------------------------------------

WIDGET_JS = """
const host = document.querySelector('kefu-widget');
if (!host || !host.shadowRoot) return [];
return Array.from(host.shadowRoot.querySelectorAll('[data-testid="kefu-message"]')).map((r) => ({
  seq: Number(r.getAttribute('data-seq') || 0),
  sender: r.getAttribute('data-sender'),
  text: (r.querySelector('[data-testid="kefu-message-text"]') || {}).textContent || '',
  all: r.textContent,
  images: Array.from(r.querySelectorAll('img')).map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 })),
}));
"""


def widget_messages(drv) -> list[dict]:
    return drv.execute_script(WIDGET_JS) or []


def wait_widget(drv, predicate, what: str, timeout: float = WAIT) -> dict:
    def look(d):
        for m in widget_messages(d):
            if predicate(m):
                return m
        return False
    return wait(drv, timeout).until(look, f"no widget message: {what}; have {widget_messages(drv)}")


def widget_send(drv, text: str) -> None:
    box = wid(drv, "kefu-input")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait_widget(drv, lambda m: m["text"] == text and m["seq"] > 0, f"the shopper's {text!r}, acknowledged")


# ---- the scenario --------------------------------------------------------------------------

def test_agent_answers_a_shopper_in_the_workbench(demo_server, agent_api, make_driver, tmp_path):
    base = demo_server.url
    agent = make_driver("zh-CN", 1440, 900)
    shopper = make_driver("zh-CN", 1100, 860)

    # -- 小美 signs in: the conversation workspace is the default page.
    sign_in_agent(agent, base)
    wait(agent).until(lambda d: route(d) == "conversations", "the default page is not the conversations")
    assert agent.current_url.endswith("#/conversations")
    nav = visible(agent, "nav-conversations")
    assert nav.text.strip().startswith("会话")
    assert agent.find_elements(By.CSS_SELECTOR, '.sidenav [data-testid^="nav-"]')[0].get_attribute("data-testid") == "nav-conversations"
    visible(agent, "chat-empty")
    visible(agent, "conv-filter-all").click()
    Select(visible(agent, "conv-status-filter")).select_by_value("open")
    assert [t.text for t in agent.find_elements(By.CSS_SELECTOR, ".conv-tab")] == ["我的会话", "未分配", "全部"]
    assert not is_shown(agent, "nav-badge-conversations")
    wait(agent).until(lambda d: is_shown(d, "conv-empty") or d.find_elements(By.CSS_SELECTOR, css("conv-row")))

    # -- the shopper opens the widget and writes: text, an emoji from the picker, an image.
    shopper.get(base + "/demo/shop")
    wait(shopper).until(lambda d: wid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
    wid(shopper, "kefu-launcher").click()
    wait(shopper).until(lambda d: wid_shown(d, "kefu-panel"), "the chat panel did not open")
    widget_send(shopper, HELLO)

    # The conversation appears in 小美's list live, unread.
    conversation_id = wait(agent).until(
        lambda d: next((r.get_attribute("data-conversation-id") for r in d.find_elements(By.CSS_SELECTOR, css("conv-row"))
                        if HELLO in r.text), False), "the new conversation did not appear in the list")
    wait(agent).until(lambda d: row_unread(d, conversation_id) >= 1, "no unread badge on the new conversation")

    wid(shopper, "kefu-emoji-button").click()
    wait(shopper).until(lambda d: wid_shown(d, "kefu-emoji-picker"), "the widget's emoji picker did not open")
    next(e for e in shadow(shopper).find_elements(By.CSS_SELECTOR, css("kefu-emoji")) if e.text == EMOJI).click()
    wid(shopper, "kefu-send").click()
    wait_widget(shopper, lambda m: m["text"] == EMOJI and m["seq"] > 0, "the emoji, acknowledged")
    png = make_png(tmp_path / "shopper.png")
    wid(shopper, "kefu-file-input").send_keys(str(png))
    wait(shopper).until(lambda d: wid_shown(d, "kefu-preview"), "no preview in the widget")
    wid(shopper, "kefu-send").click()
    wait_widget(shopper, lambda m: m["images"] and m["seq"] > 0, "the shopper's image, acknowledged")
    widget_send(shopper, MARKUP)

    # Live: the row shows all four unread, the newest preview, the tab title and the nav badge.
    wait(agent).until(lambda d: row_unread(d, conversation_id) == 4, f"unread is {row_unread(agent, conversation_id)}, not 4")
    row = conv_row(agent, conversation_id)
    assert "example.com" in row.find_element(By.CSS_SELECTOR, css("conv-preview")).text
    assert "未分配" in row.find_element(By.CSS_SELECTOR, css("conv-assignee")).text
    assert row.find_element(By.CSS_SELECTOR, css("conv-name")).text.startswith("访客 #")
    wait(agent).until(lambda d: d.title.startswith("(4) "), f"the tab title is {agent.title!r}")
    wait(agent).until(lambda d: visible(d, "nav-badge-conversations").text == "4", "no nav badge with 4")
    assert agent.execute_script("return window.__kefuXss") is None
    save_screenshot(agent, "chat-list")

    # -- 小美 opens it: everything in order, the markup inert, the link safe, the image loaded.
    conv_row(agent, conversation_id).click()
    wait(agent).until(lambda d: d.current_url.endswith(f"#/conversations/{conversation_id}"))
    visible(agent, "conv-header")
    wait_thread(agent, lambda m: m["images"] and m["images"][0]["loaded"], "the shopper's image, loaded")
    wait_thread(agent, lambda m: m["text"] == MARKUP, "the markup message")
    visitor = [m for m in thread(agent) if m["sender"] == "visitor"]
    assert [m["text"] for m in visitor] == [HELLO, EMOJI, "", MARKUP]
    assert [m["seq"] for m in visitor] == sorted(m["seq"] for m in visitor)
    image = visitor[2]["images"][0]
    assert image["link"] and image["link"]["target"] == "_blank" and "noopener" in image["link"]["rel"]
    assert image["link"]["href"] == image["src"]
    assert visitor[3]["links"] == [{"href": "https://example.com/item?id=7", "rel": "noopener noreferrer",
                                    "target": "_blank", "text": "https://example.com/item?id=7"}]
    assert agent.execute_script("return window.__kefuXss") is None
    assert not agent.find_elements(By.CSS_SELECTOR, '[data-testid="msg-text"] img')
    # Opening it marks it read: badges and the title go back.
    wait(agent).until(lambda d: row_unread(d, conversation_id) == 0, "the open conversation still shows unread")
    wait(agent).until(lambda d: not is_shown(d, "nav-badge-conversations"), "the nav badge stayed")
    wait(agent).until(lambda d: not d.title.startswith("("), f"the tab title is still {agent.title!r}")

    # The customer beside it: the demo shop page, Chrome, 简体中文; an editable name.
    side = visible(agent, "customer-sidebar")
    wait(agent).until(lambda d: "/demo/shop" in (find(d, "contact-page").find_element(By.TAG_NAME, "a").get_attribute("href") or ""))
    assert "Chrome" in find(agent, "contact-browser").text
    assert "zh-CN" in find(agent, "contact-language").text
    visible(agent, "contact-edit").click()
    name_input = visible(agent, "contact-name-input")
    name_input.clear()
    name_input.send_keys("王女士")
    phone = visible(agent, "contact-phone-input")
    phone.clear()
    phone.send_keys("13800138000")
    visible(agent, "contact-save").click()
    wait(agent).until(lambda d: find(d, "contact-name").text == "王女士", "the name was not saved")
    assert find(agent, "contact-phone").text == "13800138000"
    wait(agent).until(lambda d: find(d, "conv-header-name").text == "王女士")
    wait(agent).until(lambda d: "王女士" in conv_row(d, conversation_id).text, "the list did not take the new name")
    assert side.is_displayed()

    # The shopper types: 小美 sees it.
    wid(shopper, "kefu-input").send_keys("还想问")
    wait(agent).until(lambda d: is_shown(d, "typing-indicator"), "no typing indicator")
    assert "顾客正在输入" in find(agent, "typing-indicator").text
    save_screenshot(agent, "chat-open")
    wid(shopper, "kefu-input").clear()

    # -- 小美 answers: text + emoji from the picker, Enter sends.
    box = visible(agent, "composer-input")
    box.send_keys(REPLY)
    visible(agent, "emoji-toggle").click()
    assert len(agent.find_elements(By.CSS_SELECTOR, css("emoji-option"))) >= 36
    visible(agent, "emoji-option", f'[data-emoji="{REPLY_EMOJI}"]').click()
    assert visible(agent, "composer-input").get_attribute("value") == REPLY + REPLY_EMOJI
    # Shift+Enter is a new line, not a send.
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    assert visible(agent, "composer-input").get_attribute("value") == REPLY + REPLY_EMOJI + "\n"
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(Keys.ENTER)
    reply = wait_thread(agent, lambda m: m["text"] == REPLY + REPLY_EMOJI and m["seq"] > 0 and not m["pending"], "the reply, acknowledged")
    assert reply["author"] == "8号 小美"
    assert visible(agent, "composer-input").get_attribute("value") == ""
    assert [m["text"] for m in settled(agent)].count(REPLY + REPLY_EMOJI) == 1

    # An image: preview, then send.
    agent_png = make_png(tmp_path / "agent.png", 120, 80)
    find(agent, "composer-file").send_keys(str(agent_png))
    wait(agent).until(lambda d: find(d, "upload-preview").get_attribute("data-status") == "done", "the upload did not finish")
    save_screenshot(agent, "chat-image-preview")
    visible(agent, "composer-send").click()
    wait_thread(agent, lambda m: m["sender"] == "agent" and m["images"] and m["seq"] > 0 and m["images"][0]["loaded"],
                "the agent's image, stored and shown")
    assert not is_shown(agent, "upload-preview")
    assert len([m for m in settled(agent) if m["sender"] == "agent" and m["images"]]) == 1

    # The shopper sees both under 8号 小美, and reading them turns them 已读 for 小美.
    wait_widget(shopper, lambda m: m["sender"] == "agent" and m["text"] == REPLY + REPLY_EMOJI, "the reply in the widget")
    wait_widget(shopper, lambda m: m["sender"] == "agent" and m["images"] and m["images"][0]["loaded"], "the agent's image in the widget")
    wait(shopper).until(lambda d: "8号" in wid(d, "kefu-agent").text, "the widget does not name 8号")
    assert wid(shopper, "kefu-agent").text == "8号 小美"
    wait_thread(agent, lambda m: m["text"] == REPLY + REPLY_EMOJI and m["read"] == "read", "已读 on the reply")
    assert wait_thread(agent, lambda m: m["text"] == REPLY + REPLY_EMOJI, "the reply")["readText"] == "已读"

    # -- a private note with an @mention: yellow, labelled; the shopper never gets it.
    visible(agent, "composer-mode-note").click()
    box = visible(agent, "composer-input")
    box.send_keys("@")
    menu = visible(agent, "mention-menu")
    names = [o.text for o in menu.find_elements(By.CSS_SELECTOR, css("mention-option"))]
    assert any("小李" in n for n in names), names
    box.send_keys("小李")
    wait(agent).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, css("mention-option"))) == 1)
    box.send_keys(Keys.ENTER)  # picks the teammate, does not send
    assert visible(agent, "composer-input").get_attribute("value") == "@小李 "
    box.send_keys(NOTE)
    box.send_keys(Keys.ENTER)
    note = wait_thread(agent, lambda m: m["private"] and m["seq"] > 0 and NOTE in m["text"], "the note, stored")
    assert note["note"] == "内部备注" and note["text"] == "@小李 " + NOTE
    assert agent.find_element(By.CSS_SELECTOR, f'[data-testid="msg"][data-seq="{note["seq"]}"] .mention').text == "@小李"
    visible(agent, "composer-mode-reply").click()
    box = visible(agent, "composer-input")
    box.send_keys(AFTER_NOTE)
    box.send_keys(Keys.ENTER)
    wait_thread(agent, lambda m: m["text"] == AFTER_NOTE and m["seq"] > 0, "the answer after the note")
    assert [m["text"] for m in settled(agent)].count(AFTER_NOTE) == 1
    wait_widget(shopper, lambda m: m["text"] == AFTER_NOTE, "the answer after the note, at the shopper")
    assert not any(NOTE in m["all"] for m in widget_messages(shopper)), "the shopper sees the private note"
    assert NOTE not in shadow(shopper).find_element(By.CSS_SELECTOR, css("kefu-messages")).text
    save_screenshot(agent, "chat-note")
    save_screenshot(shopper, "chat-shopper")

    # -- tag and priority, then resolve; the server keeps all of it.
    tag = visible(agent, "tag-input")
    tag.send_keys("缺货")
    tag.send_keys(Keys.ENTER)
    wait(agent).until(lambda d: [c.get_attribute("data-tag") for c in d.find_elements(By.CSS_SELECTOR, css("tag-chip"))] == ["缺货"])
    Select(visible(agent, "conv-priority-select")).select_by_value("high")
    wait(agent).until(lambda d: conv_row(d, conversation_id).get_attribute("data-priority") == "high", "the list does not show the priority")
    assert conv_row(agent, conversation_id).find_element(By.CSS_SELECTOR, css("conv-priority")).text == "高"
    stored = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation_id}"), timeout=20).json()
    assert stored["tags"] == ["缺货"] and stored["priority"] == "high", stored
    save_screenshot(agent, "chat-tagged")
    visible(agent, "conv-resolve").click()
    wait(agent).until(lambda d: find(d, "conv-status").text == "已解决", "the status did not turn 已解决")
    visible(agent, "conv-reopen")
    stored = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation_id}"), timeout=20).json()
    assert stored["status"] == "resolved", stored
    wait_thread(agent, lambda m: m["sender"] == "system" and m["text"] == "8号 小美 将会话设为“已解决”", "the status change in the thread")
    # Under the "open" filter the resolved conversation leaves the list; under 已解决 it is there.
    wait(agent).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("conv-row", f'[data-conversation-id="{conversation_id}"]')))
    Select(visible(agent, "conv-status-filter")).select_by_value("resolved")
    wait(agent).until(lambda d: conv_row(d, conversation_id).get_attribute("data-status") == "resolved")
    save_screenshot(agent, "chat-resolved")
    visible(agent, "conv-reopen").click()
    wait(agent).until(lambda d: find(d, "conv-status").text == "进行中")
    Select(visible(agent, "conv-status-filter")).select_by_value("open")
    wait(agent).until(lambda d: conv_row(d, conversation_id))

    # -- the server goes away: banner; a reply written meanwhile is stored once after the reconnect.
    if demo_server.can_restart:
        demo_server.stop()
        wait(agent, 30).until(lambda d: is_shown(d, "conn-banner"), "no connection-lost banner")
        assert "连接已断开" in find(agent, "conn-banner").text
        box = visible(agent, "composer-input")
        box.send_keys(OFFLINE)
        box.send_keys(Keys.ENTER)
        pending = wait_thread(agent, lambda m: m["text"] == OFFLINE, "the reply written offline")
        assert pending["pending"] and pending["seq"] == 0
        save_screenshot(agent, "chat-offline")
        demo_server.start()
        wait(agent, 60).until(lambda d: not is_shown(d, "conn-banner"), "the banner stayed after the server came back")
        wait_thread(agent, lambda m: m["text"] == OFFLINE and m["seq"] > 0 and not m["pending"], "the offline reply, acknowledged", timeout=45)
        items = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation_id}/messages?limit=200"), timeout=20).json()["items"]
        assert [m["text"] for m in items].count(OFFLINE) == 1
        assert [m["seq"] for m in items] == list(range(1, len(items) + 1))
        assert [m["text"] for m in settled(agent)].count(OFFLINE) == 1
        # Messages sent while the agent's socket was away arrive too (resume), live again after it.
        wait_widget(shopper, lambda m: m["text"] == OFFLINE, "the offline reply at the shopper", timeout=45)
        widget_send(shopper, "收到，谢谢")
        wait_thread(agent, lambda m: m["text"] == "收到，谢谢", "the shopper's message after the reconnect", timeout=45)
        assert [m["seq"] for m in settled(agent)] == [m["seq"] for m in agent_api.get(
            agent_api.url(f"/api/v1/conversations/{conversation_id}/messages?limit=200"), timeout=20).json()["items"]]

    # -- snooze for an hour, then resolve.
    visible(agent, "conv-snooze-toggle").click()
    visible(agent, "snooze-1h").click()
    wait(agent).until(lambda d: find(d, "conv-status").text == "稍后处理", "the status did not turn 稍后处理")
    stored = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation_id}"), timeout=20).json()
    assert stored["status"] == "snoozed" and stored.get("snoozedUntil"), stored
    visible(agent, "conv-resolve").click()
    wait(agent).until(lambda d: find(d, "conv-status").text == "已解决")

    # -- the shopper comes back: a new conversation, with the first one among the customer's
    # past conversations; 小美 merges the first into it.
    widget_send(shopper, AGAIN)
    second_id = wait(agent).until(
        lambda d: next((r.get_attribute("data-conversation-id") for r in d.find_elements(By.CSS_SELECTOR, css("conv-row"))
                        if AGAIN in r.text and r.get_attribute("data-conversation-id") != conversation_id), False),
        "the shopper's new conversation did not appear")
    conv_row(agent, second_id).click()
    wait_thread(agent, lambda m: m["text"] == AGAIN, "the new conversation's message")
    wait(agent).until(lambda d: {e.get_attribute("data-conversation-id") for e in d.find_elements(By.CSS_SELECTOR, css("contact-conversation"))}
                      == {conversation_id, second_id}, "the customer's conversations are not both listed")
    assert "王女士" in find(agent, "conv-header-name").text
    visible(agent, "conv-merge-toggle").click()
    visible(agent, "merge-option", f'[data-conversation-id="{conversation_id}"]').click()
    assert visible(agent, "confirm-dialog").text
    visible(agent, "confirm-ok").click()
    wait_thread(agent, lambda m: m["text"] == HELLO, "the first conversation's messages after the merge")
    wait_thread(agent, lambda m: m["sender"] == "system" and "合并" in m["text"], "the merge in the thread")
    merged = settled(agent)
    assert [m["text"] for m in merged].count(REPLY + REPLY_EMOJI) == 1
    first = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation_id}"), timeout=20).json()
    assert first.get("mergedIntoId") == second_id and first["status"] == "resolved", first
    save_screenshot(agent, "chat-merged")

    assert agent.execute_script("return window.__kefuXss") is None
    assert js_errors(agent) == []

    # -- phone width: the list OR the conversation, with a back button.
    phone = make_driver("zh-CN", 390, 844)
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    sign_in_agent(phone, base)
    wait(phone).until(lambda d: route(d) == "conversations")
    visible(phone, "conv-filter-all").click()
    wait(phone).until(lambda d: conv_row(d, second_id).is_displayed())
    assert not is_shown(phone, "chat-main")
    save_screenshot(phone, "chat-phone-list")
    conv_row(phone, second_id).click()
    visible(phone, "composer-input")
    wait_thread(phone, lambda m: m["text"] == REPLY + REPLY_EMOJI, "the reply on the phone")
    assert not is_shown(phone, "conv-list-panel")
    save_screenshot(phone, "chat-phone-thread")
    visible(phone, "conv-back").click()
    wait(phone).until(lambda d: is_shown(d, "conv-list-panel") and not is_shown(d, "chat-main"))
    assert phone.current_url.endswith("#/conversations")
    assert js_errors(phone) == []


def test_workspace_speaks_english(demo_server, agent_api, make_driver):
    drv = make_driver("en", 1280, 800)
    drv.get(demo_server.url + "/")
    visible(drv, "signin-email").send_keys(AGENT_EMAIL)
    visible(drv, "signin-password").send_keys(DEMO_PASSWORD)
    visible(drv, "signin-submit").click()
    wait(drv).until(lambda d: route(d) == "conversations")
    assert drv.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    wait(drv).until(lambda d: [t.text for t in d.find_elements(By.CSS_SELECTOR, ".conv-tab")] == ["Mine", "Unassigned", "All"])
    assert visible(drv, "nav-conversations").text.strip().startswith("Conversations")
    save_screenshot(drv, "chat-english")
    assert js_errors(drv) == []

    # A password change elsewhere ends this session: the server closes the socket (1008)
    # and the workbench goes back to the sign-in page instead of reconnecting forever.
    changed = agent_api.post(agent_api.url("/api/v1/auth/password"),
                             json={"currentPassword": DEMO_PASSWORD, "newPassword": "changed-pass-2026"}, timeout=20)
    assert changed.status_code == 204, changed.text
    try:
        visible(drv, "signin-page")
    finally:
        back = agent_api.post(agent_api.url("/api/v1/auth/password"),
                              json={"currentPassword": "changed-pass-2026", "newPassword": DEMO_PASSWORD}, timeout=20)
        assert back.status_code == 204, back.text
