"""XSS corpus (QUALITY.md): well over 200 payloads go through the chat's inputs — the
shopper's messages, the agent's replies, private notes, the customer's name — and are
rendered in two real headless browsers: the widget on the demo shop page and the agent's
workbench. Nothing may execute: every payload sets `window.__xss` (or opens an alert) if it
runs, and the test checks that neither page ever got it, while the payload text is on the
screen as text.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from websockets.sync.client import connect

from conftest import save_screenshot
from widget_fixtures import AGENT_EMAIL, DEMO_PASSWORD, agent_api, demo_server, manual_desk  # noqa: F401  (fixtures)

# These scenarios walk the manual workflow (test_routing.py covers automatic routing).
pytestmark = pytest.mark.usefixtures("manual_desk")

MARK = "window.__xss=1"
BASE = [
    f"<script>{MARK}</script>",
    f"<img src=x onerror={MARK}>",
    f"<img src=x onerror=\"{MARK}\">",
    f"<svg onload={MARK}>",
    f"<svg><script>{MARK}</script></svg>",
    f"<body onload={MARK}>",
    f"<iframe src=\"javascript:{MARK}\"></iframe>",
    f"<iframe srcdoc=\"<script>parent.{MARK}</script>\"></iframe>",
    f"<a href=\"javascript:{MARK}\">click</a>",
    f"javascript:{MARK}",
    f"<details open ontoggle={MARK}>",
    f"<video><source onerror=\"{MARK}\"></video>",
    f"<audio src=x onerror={MARK}>",
    f"<input autofocus onfocus={MARK}>",
    f"<marquee onstart={MARK}>x</marquee>",
    f"<object data=\"javascript:{MARK}\"></object>",
    f"<embed src=\"javascript:{MARK}\">",
    f"<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror={MARK}></style></mtext></svg></math>",
    f"<style>@import 'javascript:{MARK}';</style>",
    f"<div style=\"background:url(javascript:{MARK})\">x</div>",
    f"\" onmouseover=\"{MARK}\" x=\"",
    f"' onfocus='{MARK}' autofocus '",
    f"{{{{constructor.constructor('{MARK}')()}}}}",
    f"${{{MARK}}}",
    f"https://example.com/\"><img src=x onerror={MARK}>",
    f"<a href=\"https://example.com\" onclick=\"{MARK}\">link</a>",
]
PREFIXES = ["", "\"><", "'><", "</textarea>", "</title>", "-->", "]]>", "</style>", "</script>"]
CORPUS = [prefix + payload for payload in BASE for prefix in PREFIXES]
assert len(CORPUS) >= 200

WAIT = 60


def executed(drv) -> bool:
    try:
        drv.switch_to.alert.dismiss()
        return True
    except NoAlertPresentException:
        pass
    return bool(drv.execute_script("return window.__xss === 1 || (window.top && window.top.__xss === 1)"))


def widget_text(drv) -> str:
    """All text of the widget's message list (links split a bubble into several nodes)."""
    return drv.execute_script("""
      const root = document.querySelector('kefu-widget');
      const list = root && root.shadowRoot && root.shadowRoot.querySelector('[data-testid="kefu-messages"]');
      return list ? list.textContent : '';
    """) or ""


def test_payloads_render_as_text_and_never_run(demo_server, agent_api, make_driver):
    base = demo_server.url
    # The shopper opens the widget and says hello, which creates the visitor and the conversation.
    shopper = make_driver("zh-CN")
    shopper.get(base + "/demo/shop")
    root = WebDriverWait(shopper, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, "kefu-widget").shadow_root)
    WebDriverWait(shopper, WAIT).until(lambda d: root.find_element(By.CSS_SELECTOR, '[data-testid="kefu-launcher"]').is_displayed())
    root.find_element(By.CSS_SELECTOR, '[data-testid="kefu-launcher"]').click()
    box = root.find_element(By.CSS_SELECTOR, '[data-testid="kefu-input"]')
    box.send_keys("你好")
    root.find_element(By.CSS_SELECTOR, '[data-testid="kefu-send"]').click()
    token = WebDriverWait(shopper, WAIT).until(lambda d: d.execute_script(
        "for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);"
        " if (k.endsWith(':token')) return localStorage.getItem(k); } return null;"))
    conversation = WebDriverWait(shopper, WAIT).until(lambda d: d.execute_script(
        "for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);"
        " if (k.endsWith(':conversation') && localStorage.getItem(k)) return localStorage.getItem(k); } return null;"))

    # The agent has the conversation open in the workbench before the payloads arrive.
    agent = make_driver("zh-CN")
    agent.get(base + "/")
    WebDriverWait(agent, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[type=email]"))
    agent.find_element(By.CSS_SELECTOR, "input[type=email]").send_keys(AGENT_EMAIL)
    agent.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(DEMO_PASSWORD)
    agent.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(agent, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="conv-row"]'))
    agent.get(f"{base}/#/conversations/{conversation}")
    WebDriverWait(agent, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="thread-messages"]'))

    # act: the shopper's messages (a second socket of the same visitor), the customer's name,
    # the agent's replies and private notes.
    ws_url = base.replace("http://", "ws://") + f"/api/v1/widget/ws?token={token}"
    with connect(ws_url, open_timeout=20) as ws:
        json.loads(ws.recv(timeout=20))  # hello
        # Paced under the visitor's allowance (10/s, bursts of 30); a refused send is
        # retried with the same client message id, as a real client would.
        queue = [(str(uuid.uuid4()), text) for text in CORPUS]
        texts = dict(queue)
        acked: set[str] = set()
        while queue:
            batch, queue = queue[:20], queue[20:]
            for client_id, text in batch:
                ws.send(json.dumps({"type": "message.send", "clientMessageId": client_id,
                                    "conversationId": conversation, "text": text}))
            waiting = {client_id for client_id, _ in batch}
            while waiting:
                frame = json.loads(ws.recv(timeout=20))
                ref = (frame.get("clientMessageId") or frame.get("ref") or "").lower()
                if frame["type"] == "ack" and ref in waiting:
                    waiting.discard(ref)
                    acked.add(ref)
                elif frame["type"] == "error" and ref in waiting:
                    assert frame["code"] == "rate_limited", frame
                    waiting.discard(ref)
                    queue.append((ref, texts[ref]))
            time.sleep(2.0)
        assert len(acked) == len(CORPUS)
    conv = agent_api.get(agent_api.url(f"/api/v1/conversations/{conversation}"), timeout=20).json()
    for name in [p for p in CORPUS if len(p) <= 80][:40]:
        response = agent_api.patch(agent_api.url(f"/api/v1/contacts/{conv['contactId']}"), json={"name": name}, timeout=20)
        assert response.status_code == 200, response.text
    for i, text in enumerate(CORPUS[::3]):
        response = agent_api.post(agent_api.url(f"/api/v1/conversations/{conversation}/messages"),
                                  json={"text": text, "private": i % 4 == 0}, timeout=20)
        assert response.status_code == 201, response.text

    # check: the last payloads are on both screens as text, and nothing ran.
    last_visitor, last_reply = CORPUS[-1], CORPUS[::3][-1]
    WebDriverWait(shopper, WAIT).until(lambda d: last_reply in widget_text(d), "the agent's last reply never showed in the widget")
    WebDriverWait(agent, WAIT).until(lambda d: last_visitor in d.find_element(By.CSS_SELECTOR, '[data-testid="thread-messages"]').text,
                                     "the shopper's last payload never showed in the workbench")
    shown_in_widget = widget_text(shopper).count(MARK)
    assert shown_in_widget >= 200, f"only {shown_in_widget} payloads rendered in the widget"
    # the workbench renders the list, the thread and the customer's name (reload: history path too)
    agent.refresh()
    WebDriverWait(agent, WAIT).until(lambda d: last_reply in d.find_element(By.CSS_SELECTOR, '[data-testid="thread-messages"]').text)
    save_screenshot(agent, "xss-workbench")
    save_screenshot(shopper, "xss-widget")
    shopper.refresh()
    WebDriverWait(shopper, WAIT).until(lambda d: MARK in widget_text(d), "history did not reload")
    assert not executed(shopper), "a payload ran in the widget"
    assert not executed(agent), "a payload ran in the workbench"
    errors = [e for e in agent.get_log("browser") if e.get("level") == "SEVERE" and "__xss" in e.get("message", "")]
    assert not errors, errors
