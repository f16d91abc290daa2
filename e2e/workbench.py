"""Helpers the workbench and widget browser tests share: signing in, the browser's session as
an API client, finding a shopper's conversation, and reading the thread and the widget's
messages as plain data."""

from __future__ import annotations

import time

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

from ui import WAIT, css, fill, tap, wait, wid, wid_shown
from widget_fixtures import DEMO_PASSWORD, AgentAPI

# Every message row of the widget: sequence, sender, text, the automatic reply's sender and tag,
# the bot's label, the card a message carries, and an after-sale solution's card.
WIDGET_MESSAGES_JS = """
const host = document.querySelector('kefu-widget');
if (!host || !host.shadowRoot) return null;
const text = (r, id) => (r.querySelector('[data-testid="' + id + '"]') || {}).textContent || '';
return Array.from(host.shadowRoot.querySelectorAll('[data-testid="kefu-message"]')).map((r) => ({
  seq: Number(r.getAttribute('data-seq') || 0), sender: r.getAttribute('data-sender'), auto: r.getAttribute('data-auto') || '',
  who: text(r, 'kefu-auto-sender'), tag: text(r, 'kefu-auto-tag'),
  text: text(r, 'kefu-message-text'), bot: text(r, 'kefu-bot-label'),
  card: r.querySelector('[data-testid="kefu-card"]') ? {
    kind: r.querySelector('[data-testid="kefu-card"]').getAttribute('data-kind'),
    title: text(r, 'kefu-card-title'), price: text(r, 'kefu-card-price'),
    status: text(r, 'kefu-card-status'), subtitle: text(r, 'kefu-card-subtitle'),
  } : null,
  afterSale: r.querySelector('[data-testid="kefu-case-card"]') ? {
    caseId: r.querySelector('[data-testid="kefu-case-card"]').getAttribute('data-case-id'),
    answer: r.querySelector('[data-testid="kefu-case-card"]').getAttribute('data-answer') || '',
    ticket: text(r, 'kefu-case-ticket'), kind: text(r, 'kefu-case-kind'), solution: text(r, 'kefu-case-solution'),
    shown: text(r, 'kefu-case-answer'), buttons: !!r.querySelector('[data-testid="kefu-case-accept"]'),
  } : null,
}));
"""

# The workbench thread's messages, with the card a message carries (an order, a product, or an
# after-sale solution).
THREAD_JS = """
return Array.from(document.querySelectorAll('[data-testid="thread-messages"] [data-testid="msg"]')).map((m) => {
  const card = m.querySelector('[data-testid="msg-card"]');
  const solution = m.querySelector('[data-testid="msg-case-card"]');
  return {
    seq: Number(m.getAttribute('data-seq') || 0), sender: m.getAttribute('data-sender-type'),
    text: (m.querySelector('[data-testid="msg-text"]') || {}).textContent || '',
    card: card ? { id: card.getAttribute('data-external-id'),
                   title: (card.querySelector('[data-testid="msg-card-title"]') || {}).textContent || '',
                   price: (card.querySelector('[data-testid="msg-card-price"]') || {}).textContent || '' } : null,
    afterSale: solution ? { caseId: solution.getAttribute('data-case-id'),
                            solution: (solution.querySelector('[data-testid="msg-case-solution"]') || {}).textContent || '',
                            ticket: (solution.querySelector('[data-testid="msg-case-ticket"]') || {}).textContent || '' } : null,
  };
});
"""


def sign_in(drv, base: str, email: str, badge: str) -> None:
    """Signs in through the page (as another member if someone was signed in)."""
    drv.delete_all_cookies()
    drv.get(base + "/")
    fill(drv, "signin-email", email)
    fill(drv, "signin-password", DEMO_PASSWORD)
    tap(drv, "signin-submit")
    # bcrypt at the shipped cost in a debug build on a busy 2-CPU machine can take long.
    wait(drv, 45).until(lambda d: d.find_element(By.CSS_SELECTOR, css("agent-badge")).text == badge, f"not signed in as {badge}")


def browser_api(drv, base: str) -> AgentAPI:
    """A requests session with the browser's session cookie; the CSRF token from /auth/me."""
    api = AgentAPI(base)
    for cookie in drv.get_cookies():
        api.cookies.set(cookie["name"], cookie["value"])
    me = api.get(api.url("/api/v1/auth/me"), timeout=20)
    assert me.status_code == 200, me.text
    api.headers["X-CSRF-Token"] = me.json()["csrfToken"]
    api.me = me.json()
    return api


def get_json(api: AgentAPI, path: str, **params) -> dict:
    answer = api.get(api.url(path), params=params, timeout=20)
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
    return answer.json()


def same(a: str | None, b: str | None) -> bool:
    """Ids compare case-insensitively (Kefu writes UUIDs upper case)."""
    return (a or "").lower() == (b or "").lower()


def conversation_of(api: AgentAPI, text: str) -> dict:
    """The conversation (among those the agent sees) holding the shopper's message ``text``."""
    deadline = time.monotonic() + WAIT
    while True:
        for c in get_json(api, "/api/v1/conversations", filter="all", limit=50)["items"]:
            items = get_json(api, f"/api/v1/conversations/{c['id']}/messages", limit=20)["items"]
            if any(m["senderType"] == "visitor" and m["text"] == text for m in items):
                return c
        if time.monotonic() > deadline:
            raise AssertionError(f"no conversation holds {text!r}")
        time.sleep(0.3)  # polling the server for the shopper's message, not the page


def js_errors(drv) -> list[str]:
    """Console errors other than failed requests (expected 4xx answers) and sockets going away."""
    try:
        entries = drv.get_log("browser")
    except WebDriverException:
        return []
    return [e["message"] for e in entries if e["level"] == "SEVERE"
            and "Failed to load resource" not in e["message"] and "WebSocket connection to" not in e["message"]]


def thread(drv) -> list[dict]:
    return drv.execute_script(THREAD_JS) or []


def widget_messages(drv) -> list[dict]:
    return drv.execute_script(WIDGET_MESSAGES_JS) or []


def widget_message(drv, predicate, what: str, timeout: float = WAIT) -> dict:
    def found(d):
        return next((m for m in widget_messages(d) if predicate(m)), False)
    return wait(drv, timeout).until(found, f"no widget message: {what}; have {widget_messages(drv)}")


def shopper_writes(make_driver, base: str, customer: str, text: str, size: tuple[int, int] = (1000, 800)):
    """The demo shop's customer `customer` opens the widget and writes `text`; returns their
    browser once the message is acknowledged."""
    from selenium.webdriver.common.keys import Keys
    shopper = make_driver("zh-CN", *size)
    shopper.get(f"{base}/demo/shop?customer={customer}")
    open_widget(shopper)
    box = wid(shopper, "kefu-input")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    widget_message(shopper, lambda m: m["text"] == text and m["seq"] > 0, f"{text!r}, acknowledged")
    return shopper


def open_widget(drv) -> None:
    """Opens the chat panel (if it is not open) and waits for its animation to end."""
    wait(drv).until(lambda d: wid_shown(d, "kefu-launcher") or wid_shown(d, "kefu-panel"), "the chat button never appeared")
    if not wid_shown(drv, "kefu-panel"):
        wid(drv, "kefu-launcher").click()
    wait(drv).until(lambda d: wid_shown(d, "kefu-panel"), "the chat panel did not open")
    # The panel fades in: wait for the animation so a screenshot does not show it half transparent.
    wait(drv).until(lambda d: d.execute_script("""
      const p = document.querySelector('kefu-widget').shadowRoot.querySelector('[data-testid="kefu-panel"]');
      return getComputedStyle(p).opacity === '1' && p.getAnimations().every((a) => a.playState !== 'running');"""),
                    "the chat panel never finished opening")
