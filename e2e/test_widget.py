"""The shopper chat widget end to end, in a real browser against the real server.

A shopper on the demo shop (/demo/shop) opens the widget, sends text (with a newline),
an emoji from the picker and an image; 8号 小美 answers over the REST API (and types over
the agent WebSocket); the shopper sees the typing indicator, the reply with "8号 小美" in the
header, 已读 on its messages, the unread badge; the history survives a reload and a
navigation to page 2; the widget survives the server going away (banner, queued message
resent once after reconnecting); and it works full-screen at phone width.

The steps share one browser and build on each other, so they live in one scenario test.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
import time
import uuid

import pytest
import requests
import websocket
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import _free_port, save_screenshot
from widget_fixtures import agent_api, demo_server, manual_desk, make_png  # noqa: F401  (fixtures)
from ui import wait, shadow

# These scenarios walk the manual workflow (test_routing.py covers automatic routing).
pytestmark = pytest.mark.usefixtures("manual_desk")

WAIT = 20

TEXT = "你好，这件衣服有货吗？"
MULTILINE = ("请问尺码偏大吗？", "我平时穿 M 码")
EMOJI = "\U0001F60A"
REPLY = "亲，有货的哦～ 尺码表见 https://example.com/size?from=kefu 。<img src=x onerror=window.__kefuXss=1>"
FOLLOW_UP = "还有其他问题吗？"
OFFLINE_TEXT = "断线时发的消息"

# Reads the widget's rendered messages out of its (open) shadow root.
MESSAGES_JS = """
const host = document.querySelector('kefu-widget');
if (!host || !host.shadowRoot) return null;
return Array.from(host.shadowRoot.querySelectorAll('[data-testid="kefu-message"]')).map((r) => {
  const text = r.querySelector('[data-testid="kefu-message-text"]');
  return {
    seq: Number(r.getAttribute('data-seq') || 0),
    sender: r.getAttribute('data-sender'),
    status: r.getAttribute('data-status') || '',
    statusText: (r.querySelector('[data-testid="kefu-status"]') || {}).textContent || '',
    text: text ? text.textContent : '',
    images: Array.from(r.querySelectorAll('img')).map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0 })),
    links: Array.from(r.querySelectorAll('a[href]')).filter((a) => !a.querySelector('img'))
      .map((a) => ({ href: a.href, rel: a.rel, target: a.target, text: a.textContent })),
  };
});
"""


# ---- helpers -------------------------------------------------------------------

def tid(drv, name: str):
    return shadow(drv).find_element(By.CSS_SELECTOR, f'[data-testid="{name}"]')


def tids(drv, name: str):
    return shadow(drv).find_elements(By.CSS_SELECTOR, f'[data-testid="{name}"]')


def shown(drv, name: str) -> bool:
    try:
        return tid(drv, name).is_displayed()
    except (NoSuchElementException, StaleElementReferenceException):
        return False


def messages(drv) -> list[dict]:
    return drv.execute_script(MESSAGES_JS) or []


def wait_message(drv, predicate, what: str, timeout: float = WAIT) -> dict:
    def find(d):
        for m in messages(d):
            if predicate(m):
                return m
        return False
    return wait(drv, timeout).until(find, f"no widget message: {what}; have {messages(drv)}")


def acked(m: dict) -> bool:
    return m["seq"] > 0 and m["status"] in ("unread", "read")


def inbox_key(drv) -> str:
    return drv.execute_script("return document.querySelector('script[data-inbox]').getAttribute('data-inbox')")


def stored_token(drv) -> str | None:
    return drv.execute_script("return localStorage.getItem(arguments[0])", f"kefu:{inbox_key(drv)}:token")


def assert_no_duplicates(msgs: list[dict]) -> None:
    seqs = [m["seq"] for m in msgs if m["seq"]]
    assert len(seqs) == len(set(seqs)), f"a message is shown twice: {msgs}"
    assert seqs == sorted(seqs), f"messages out of order: {seqs}"


def widget_errors(drv, allow_refused: bool = False) -> list[str]:
    """Severe console entries caused by widget.js; with allow_refused, failed connection
    attempts while the server is deliberately down do not count."""
    try:
        entries = drv.get_log("browser")
    except WebDriverException:
        return []
    errors = [e["message"] for e in entries if e.get("level") == "SEVERE" and "widget.js" in e.get("message", "")]
    if allow_refused:
        errors = [m for m in errors if "ERR_CONNECTION_REFUSED" not in m]
    return errors


def conversation_with(api, text: str) -> tuple[dict, list[dict]]:
    deadline = time.monotonic() + WAIT
    while True:
        listing = api.get(api.url("/api/v1/conversations?filter=all"), timeout=20)
        assert listing.status_code == 200, listing.text
        for conv in listing.json()["items"]:
            items = agent_messages(api, conv["id"])
            if any(m["text"] == text for m in items):
                return conv, items
        if time.monotonic() > deadline:
            raise AssertionError(f"no conversation of 8号 holds {text!r}: {listing.json()}")
        time.sleep(0.3)  # polling the server for the visitor's message, not the page


def agent_messages(api, conversation_id: str) -> list[dict]:
    response = api.get(api.url(f"/api/v1/conversations/{conversation_id}/messages?limit=100"), timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def agent_reply(api, conversation_id: str, text: str) -> dict:
    response = api.post(api.url(f"/api/v1/conversations/{conversation_id}/messages"),
                        json={"text": text, "clientMessageId": str(uuid.uuid4())}, timeout=20)
    assert response.status_code == 201, response.text
    return response.json()


def agent_socket(api):
    url = api.base.replace("http://", "ws://").replace("https://", "wss://") + "/api/v1/agent/ws"
    cookie = "; ".join(f"{k}={v}" for k, v in api.cookies.get_dict().items())
    ws = websocket.create_connection(url, cookie=cookie, origin=api.base, timeout=WAIT)
    hello = json.loads(ws.recv())
    assert hello["type"] == "hello" and hello["role"] == "agent", hello
    return ws


def open_widget(drv) -> None:
    if not shown(drv, "kefu-panel"):
        wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed())
        tid(drv, "kefu-launcher").click()
    wait(drv).until(lambda d: shown(d, "kefu-panel"), "the chat panel did not open")


# ---- the scenario ----------------------------------------------------------------

def test_shopper_chats_with_agent_8(demo_server, agent_api, make_driver, tmp_path):
    drv = make_driver("zh-CN")
    drv.get(demo_server.url + "/demo/shop")
    wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
    launcher = tid(drv, "kefu-launcher")
    assert launcher.get_attribute("aria-label") == "联系客服"
    assert not shown(drv, "kefu-panel")
    # The widget keeps to itself: one global, the shop's title untouched.
    assert drv.execute_script("return Object.keys(window.KefuWidget).sort()") == ["close", "open", "toggle"]
    assert drv.title.startswith("Kefu 演示店铺")
    save_screenshot(drv, "widget-closed")

    # -- open, and the composer speaks 简体中文
    open_widget(drv)
    assert tid(drv, "kefu-title").text.strip() == "售前"
    assert tid(drv, "kefu-input").get_attribute("placeholder") == "请输入消息…"
    assert tid(drv, "kefu-send").text == "发送"
    assert tid(drv, "kefu-welcome").text == "您好，请问有什么可以帮您？"
    save_screenshot(drv, "widget-open")

    # -- text: Enter sends
    box = tid(drv, "kefu-input")
    box.send_keys(TEXT)
    box.send_keys(Keys.ENTER)
    first = wait_message(drv, lambda m: m["text"] == TEXT and acked(m), "the first text, acknowledged")
    assert first["sender"] == "visitor"
    assert tid(drv, "kefu-input").get_attribute("value") == ""

    # -- Shift+Enter keeps a newline inside one message
    box = tid(drv, "kefu-input")
    box.send_keys(MULTILINE[0])
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys(MULTILINE[1])
    box.send_keys(Keys.ENTER)
    wait_message(drv, lambda m: m["text"] == "\n".join(MULTILINE) and acked(m), "the two-line message")

    # -- an emoji from the picker
    tid(drv, "kefu-emoji-button").click()
    wait(drv).until(lambda d: shown(d, "kefu-emoji-picker"), "the emoji picker did not open")
    emoji = tids(drv, "kefu-emoji")
    assert len(emoji) >= 36
    assert {EMOJI, "\U0001F44D", "\U0001F64F", "\U0001F602", "\U0001F389", "\U0001F44C", "\U0001F605", "\U0001F914", "\U0001F62D"} <= {e.text for e in emoji}
    next(e for e in emoji if e.text == EMOJI).click()
    assert tid(drv, "kefu-input").get_attribute("value") == EMOJI
    tid(drv, "kefu-send").click()
    wait_message(drv, lambda m: m["text"] == EMOJI and acked(m), "the emoji message")

    # -- an image: preview first, then upload and send
    png = make_png(tmp_path / "shirt.png")
    tid(drv, "kefu-file-input").send_keys(str(png))
    wait(drv).until(lambda d: shown(d, "kefu-preview"), "no preview of the chosen image")
    save_screenshot(drv, "widget-preview")
    tid(drv, "kefu-send").click()
    picture = wait_message(drv, lambda m: m["images"] and acked(m) and m["images"][0]["loaded"], "the image, uploaded and shown")
    assert picture["images"][0]["src"].startswith(demo_server.url + "/api/v1/attachments/")
    assert not shown(drv, "kefu-preview")

    # -- the agent finds the conversation with everything in order, nothing twice
    conversation, items = conversation_with(agent_api, TEXT)
    visitor_items = [m for m in items if m["senderType"] == "visitor"]
    assert [m["text"] for m in visitor_items] == [TEXT, "\n".join(MULTILINE), EMOJI, ""]
    assert [m["seq"] for m in items] == list(range(1, len(items) + 1))
    assert visitor_items[-1]["attachments"][0]["contentType"] == "image/png"
    assert len({m["clientMessageId"] for m in visitor_items}) == len(visitor_items)

    # -- 8号 types (over the agent socket), then answers (over REST)
    ws = agent_socket(agent_api)
    try:
        ws.send(json.dumps({"type": "typing", "conversationId": conversation["id"], "typing": True}))
        wait(drv).until(lambda d: shown(d, "kefu-typing"), "the typing indicator did not show")
        assert tid(drv, "kefu-typing").text == "对方正在输入…"
        save_screenshot(drv, "widget-typing")
        reply = agent_reply(agent_api, conversation["id"], REPLY)
        assert reply["sender"]["agentNumber"] == 8
        answer = wait_message(drv, lambda m: m["sender"] == "agent" and "有货" in m["text"], "8号's reply")
    finally:
        ws.close()
    wait(drv).until(lambda d: "8号" in tid(d, "kefu-agent").text, "the header does not name 8号")
    assert tid(drv, "kefu-agent").text == "8号 小美"
    assert not shown(drv, "kefu-typing")
    # Rendered as text: the markup stays visible and inert; the URL became a safe link.
    assert answer["text"] == REPLY
    assert drv.execute_script("return window.__kefuXss === undefined")
    assert answer["links"] == [{"href": "https://example.com/size?from=kefu", "rel": "noopener noreferrer",
                                "target": "_blank", "text": "https://example.com/size?from=kefu"}]

    # -- 8号 reads: the shopper's messages turn 已读
    last_seq = max(m["seq"] for m in messages(drv))
    read = agent_api.post(agent_api.url(f"/api/v1/conversations/{conversation['id']}/read"), json={"seq": last_seq}, timeout=20)
    assert read.status_code in (200, 204), read.text
    wait(drv).until(lambda d: all(m["status"] == "read" for m in messages(d) if m["sender"] == "visitor"),
                    "the shopper's messages did not turn read")
    assert {m["statusText"] for m in messages(drv) if m["sender"] == "visitor"} == {"已读"}
    assert_no_duplicates(messages(drv))
    save_screenshot(drv, "widget-reply")

    # -- closed panel: a new answer shows on the badge
    tid(drv, "kefu-close").click()
    wait(drv).until(lambda d: not shown(d, "kefu-panel"), "the panel did not close")
    agent_reply(agent_api, conversation["id"], FOLLOW_UP)
    wait(drv).until(lambda d: shown(d, "kefu-badge") and tid(d, "kefu-badge").text == "1", "no unread badge")
    save_screenshot(drv, "widget-badge")
    open_widget(drv)
    wait(drv).until(lambda d: not shown(d, "kefu-badge"), "the badge stayed after opening")
    wait_message(drv, lambda m: m["text"] == FOLLOW_UP, "the follow-up")

    # -- reload: same visitor, same history, panel still open
    token = stored_token(drv)
    assert token
    before = [(m["seq"], m["text"]) for m in messages(drv)]
    drv.refresh()
    wait(drv).until(lambda d: shown(d, "kefu-panel"), "the open state did not survive the reload")
    wait(drv).until(lambda d: [(m["seq"], m["text"]) for m in messages(d)] == before,
                    "the history after the reload differs")
    assert stored_token(drv) == token
    assert tid(drv, "kefu-agent").text == "8号 小美"
    wait_message(drv, lambda m: m["images"] and m["images"][0]["loaded"], "the image after the reload")
    assert all(m["status"] == "read" for m in messages(drv) if m["sender"] == "visitor")
    save_screenshot(drv, "widget-reload")

    # -- navigate to page 2: still the same conversation
    drv.find_element(By.ID, "next-page").click()
    wait(drv).until(lambda d: "第 2 页" in d.find_element(By.ID, "page-heading").text, "page 2 did not load")
    wait(drv).until(lambda d: [(m["seq"], m["text"]) for m in messages(d)] == before,
                    "the history on page 2 differs")
    assert stored_token(drv) == token
    save_screenshot(drv, "widget-page2")

    assert widget_errors(drv) == []

    # -- the server goes away: banner; a message written meanwhile is sent once after reconnecting
    if demo_server.can_restart:
        demo_server.stop()
        wait(drv).until(lambda d: shown(d, "kefu-banner"), "no connection-lost banner")
        assert tid(drv, "kefu-banner").text == "连接已断开，正在重新连接…"
        box = tid(drv, "kefu-input")
        box.send_keys(OFFLINE_TEXT)
        box.send_keys(Keys.ENTER)
        pending = wait_message(drv, lambda m: m["text"] == OFFLINE_TEXT, "the message written offline")
        assert pending["status"] == "sending" and pending["seq"] == 0
        save_screenshot(drv, "widget-offline")
        demo_server.start()
        wait(drv, 45).until(lambda d: not shown(d, "kefu-banner"), "the banner stayed after the server came back")
        wait_message(drv, lambda m: m["text"] == OFFLINE_TEXT and acked(m), "the offline message, acknowledged", timeout=45)
        stored = agent_messages(agent_api, conversation["id"])
        assert [m["text"] for m in stored].count(OFFLINE_TEXT) == 1
        assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))
        assert_no_duplicates(messages(drv))
        # And the live connection works again both ways.
        agent_reply(agent_api, conversation["id"], "网络恢复了，请继续")
        wait_message(drv, lambda m: m["text"] == "网络恢复了，请继续", "a reply after reconnecting")
        save_screenshot(drv, "widget-reconnected")
        assert widget_errors(drv, allow_refused=True) == []


def test_widget_full_screen_at_phone_width(demo_server, make_driver):
    drv = make_driver("zh-CN", 375, 740)
    # Desktop Chromium keeps windows wider than a phone; emulate the phone's viewport instead.
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": True})
    drv.get(demo_server.url + "/demo/shop?page=2")
    wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
    save_screenshot(drv, "widget-phone-closed")
    open_widget(drv)
    def full_screen(d):
        size = d.execute_script("""
          const r = document.querySelector('kefu-widget').shadowRoot.querySelector('[data-testid="kefu-panel"]').getBoundingClientRect();
          return {x: r.left, y: r.top, w: r.width, h: r.height, vw: document.documentElement.clientWidth, vh: window.innerHeight};
        """)
        return (abs(size["x"]) < 1 and abs(size["y"]) < 1 and abs(size["w"] - size["vw"]) <= 1
                and abs(size["h"] - size["vh"]) <= 1)
    wait(drv).until(full_screen, "the panel is not full-screen at phone width")
    assert not shown(drv, "kefu-launcher")  # the header's close button takes over
    box = tid(drv, "kefu-input")
    box.send_keys("手机上也能聊天吗？")
    box.send_keys(Keys.ENTER)
    wait_message(drv, lambda m: m["text"] == "手机上也能聊天吗？" and acked(m), "the phone message")
    save_screenshot(drv, "widget-phone-open")
    tid(drv, "kefu-close").click()
    wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed(), "no chat button after closing")


@pytest.mark.parametrize("lang, placeholder, send", [("ko", "메시지를 입력하세요…", "보내기"), ("en", "Type a message…", "Send")])
def test_widget_speaks_the_browser_language(demo_server, make_driver, lang, placeholder, send):
    drv = make_driver(lang)
    drv.get(demo_server.url + "/demo/shop")
    wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
    drv.execute_script("window.KefuWidget.open()")
    wait(drv).until(lambda d: shown(d, "kefu-panel"), "KefuWidget.open() did not open the panel")
    assert tid(drv, "kefu-input").get_attribute("placeholder") == placeholder
    assert tid(drv, "kefu-send").text == send


def test_widget_on_a_shop_of_another_origin(demo_server, make_driver, tmp_path):
    """The real use: the shop's own site (another origin) embeds the one script line.
    Kefu must answer the widget's calls from any origin (docs/protocol.md: sessions are
    "CORS open to any origin"), and the catalogue must be readable so the widget speaks 中文."""
    demo_page = requests.get(demo_server.url + "/demo/shop", timeout=20)
    assert demo_page.status_code == 200, demo_page.text
    key = re.search(r'data-inbox="([^"]+)"', demo_page.text).group(1)
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>别家的店铺</title></head>"
        "<body><h1>另一个网站上的店铺</h1>"
        f"<script src=\"{demo_server.url}/widget.js\" data-inbox=\"{key}\" async></script></body></html>",
        encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    port = _free_port()
    shop = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    try:
        drv = make_driver("zh-CN")
        drv.get(f"http://localhost:{port}/index.html")  # localhost ≠ 127.0.0.1: another origin
        wait(drv).until(lambda d: tid(d, "kefu-launcher").is_displayed(), "the chat button never appeared")
        open_widget(drv)
        box = tid(drv, "kefu-input")
        box.send_keys("我在别的网站上")
        box.send_keys(Keys.ENTER)
        try:
            wait_message(drv, lambda m: m["text"] == "我在别的网站上" and acked(m), "a message from another origin, acknowledged")
        finally:
            save_screenshot(drv, "widget-other-origin")
        assert tid(drv, "kefu-input").get_attribute("placeholder") == "请输入消息…", "the catalogue was not readable cross-origin"
    finally:
        shop.shutdown()
        shop.server_close()

