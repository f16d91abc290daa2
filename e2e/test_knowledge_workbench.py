"""The knowledge base inside the workbench, end to end, against the real server with the demo shop.

1. The editor: 2号 小李 (supervisor) opens 知识库 and sees the 59 demo articles; writes a new one
   (Markdown body, a category, tags), checks the rendered preview, saves it and finds it first
   when searching; a bad slug is refused at the field and stores nothing; the CSV export
   downloads with her session and holds the new title; a CSV with two new articles imports
   ("新建 2 篇"), and one of them is deleted after confirming. 8号 小美 (agent) reads the
   page but has no "new article" button.
2. Suggestions beside a conversation: a shopper on the 售前 desk (bot off) asks "退款几天能到账"
   over the visitor socket; 小美 opens the conversation; the panel shows the question and
   "退款多久到账？" first; "插入" puts the answer into the reply box without sending; she
   sends it and it lands in the thread. The panel's own search for "发票" lists an invoice
   article.

The steps of each flow share one browser and build on each other, so each is one scenario test.
"""

from __future__ import annotations

import asyncio
import csv
import io

import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import save_screenshot
from kefu_client import VisitorClient
from widget_fixtures import DEMO_PASSWORD, AgentAPI, demo_server  # noqa: F401  (fixtures)
from ui import wait, css, find, visible, is_shown

WAIT = 20

SUPERVISOR_EMAIL = "li@demo.kefu.local"
AGENT_EMAIL = "mei@demo.kefu.local"
DEMO_ARTICLES = 59

NEW_TITLE = "可以用微信支付吗？"
NEW_BODY = "支持**微信支付**和支付宝。\n\n- 扫码付款\n- 花呗分期"
NEW_CATEGORY = "售前/支付"
NEW_TAGS = "微信, 支付"

IMPORTED = [
    ("e2e-gift-wrap", "可以提供礼品包装吗？", "可以，下单时勾选**礼品包装**即可，每单加收 5 元。", "售前/服务", "礼品|包装"),
    ("e2e-pet-hair", "衣服粘宠物毛怎么办？", "建议使用粘毛滚筒，或者洗涤时加入少量柔顺剂。", "售后/保养", "宠物毛|保养"),
]

QUESTION = "退款几天能到账"
REFUND_TITLE = "退款多久到账？"
REFUND_SENTENCE = "微信和支付宝 1–3 个工作日到账"


# ---- helpers (light DOM, as in test_chat.py) ------------------------------------------------

def press(drv, element) -> None:
    """Clicks after centring the element: the editor's sticky top bar can cover what is near it."""
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    wait(drv).until(lambda d: element.is_displayed() and element.is_enabled(), "not clickable")
    element.click()


def tap(drv, name: str, extra: str = "") -> None:
    press(drv, visible(drv, name, extra))


def fill(drv, name: str, text: str) -> None:
    box = visible(drv, name)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.clear()
    box.send_keys(text)


def route(drv) -> str:
    return drv.find_element(By.ID, "content").get_attribute("data-route")


def sign_in(drv, base: str, email: str, badge: str) -> None:
    drv.get(base + "/")
    fill(drv, "signin-email", email)
    fill(drv, "signin-password", DEMO_PASSWORD)
    tap(drv, "signin-submit")
    wait(drv).until(lambda d: visible(d, "agent-badge").text == badge, f"not signed in as {badge}")


def open_knowledge(drv) -> None:
    tap(drv, "nav-knowledge")
    wait(drv).until(lambda d: route(d) == "knowledge", "the knowledge page did not open")
    visible(drv, "kb-articles")


ROWS_JS = """
return Array.from(document.querySelectorAll('[data-testid="kb-article-row"]')).map((r) => ({
  id: r.getAttribute('data-article-id'), slug: r.getAttribute('data-slug'), status: r.getAttribute('data-status'),
  title: (r.querySelector('[data-testid="kb-article-open"]') || {}).textContent || '',
}));
"""


def rows(drv) -> list[dict]:
    return drv.execute_script(ROWS_JS) or []


def search_list(drv, q: str) -> list[dict]:
    """Types into the list search and waits until the list shows that search's answer."""
    box = visible(drv, "kb-search")
    box.clear()
    box.send_keys(q)
    box.send_keys(Keys.ENTER)
    expected = {a["id"] for a in api_list(drv, q)}
    wait(drv).until(lambda d: rows(d) and {r["id"] for r in rows(d)} == expected,
                    f"the list does not show the search for {q!r}: {rows(drv)}")
    return rows(drv)


def browser_api(drv, base: str) -> AgentAPI:
    """A requests session with the browser's session cookie (and its CSRF token)."""
    api = AgentAPI(base)
    for cookie in drv.get_cookies():
        api.cookies.set(cookie["name"], cookie["value"])
    return api


_apis: dict[int, AgentAPI] = {}


def api_list(drv, q: str = "") -> list[dict]:
    api = _apis[id(drv)]
    answer = api.get(api.url("/api/v1/knowledge/articles"), params={"q": q, "limit": 200}, timeout=20)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def api_total(api: AgentAPI) -> int:
    answer = api.get(api.url("/api/v1/knowledge/articles"), params={"limit": 1}, timeout=20)
    assert answer.status_code == 200, answer.text
    return answer.json()["total"]


def js_errors(drv) -> list[str]:
    """Console errors that are not the expected 4xx answers or a socket going away."""
    try:
        entries = drv.get_log("browser")
    except WebDriverException:
        return []
    return [e["message"] for e in entries if e["level"] == "SEVERE"
            and "Failed to load resource" not in e["message"]
            and "WebSocket connection to" not in e["message"]]


def raw_keys(drv) -> list[str]:
    """Untranslated i18n keys ("kb.something") shown as text anywhere on the page."""
    return drv.execute_script(r"""
      const text = document.body.innerText;
      return Array.from(new Set(text.match(/\b(?:kb|common|chat|nav|error)\.[a-zA-Z][\w.]*\b/g) || []));
    """) or []


# ---- 1. the editor ----------------------------------------------------------------------------

def test_editor_writes_imports_exports_and_deletes(demo_server, make_driver, tmp_path):
    base = demo_server.url
    drv = make_driver("zh-CN", 1440, 900)
    sign_in(drv, base, SUPERVISOR_EMAIL, "2号 小李")
    api = browser_api(drv, base)
    _apis[id(drv)] = api
    assert api_total(api) == DEMO_ARTICLES

    # -- the list: 59 demo articles, the tabs of an editor, a "new article" button.
    open_knowledge(drv)
    assert visible(drv, "page-title").text == "知识库"
    wait(drv).until(lambda d: find(d, "kb-count").text == f"共 {DEMO_ARTICLES} 篇",
                    f"the count says {find(drv, 'kb-count').text!r}")
    wait(drv).until(lambda d: len(rows(d)) == min(DEMO_ARTICLES, 50), f"{len(rows(drv))} rows shown")
    for tab in ("articles", "unanswered", "transfer", "settings"):
        visible(drv, f"kb-tab-{tab}")
    visible(drv, "kb-new")
    assert not raw_keys(drv), raw_keys(drv)
    save_screenshot(drv, "knowledge-list")

    # The category tree counts each article once: "售前" holds the articles filed under it or
    # below it, and the top levels add up to no more than the whole knowledge base.
    everything = api_list(drv)
    presale = sum(1 for a in everything if a["category"] == "售前" or a["category"].startswith("售前/"))
    wait(drv).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("kb-category-filter", '[data-path="售前"]')))
    tree = drv.execute_script("""
      return Array.from(document.querySelectorAll('[data-testid="kb-category-filter"]')).map((b) => ({
        path: b.getAttribute('data-path'),
        count: Number((b.querySelector('.kb-cat-count') || {}).textContent || 0)}));""")
    shown = {c["path"]: c["count"] for c in tree}
    top_levels = sum(c["count"] for c in tree if c["path"] and "/" not in c["path"])
    assert shown[""] == DEMO_ARTICLES, tree
    assert shown["售前"] == presale and top_levels <= DEMO_ARTICLES, \
        f"the category tree counts articles twice: 售前 shows {shown['售前']} (has {presale}), top levels add up to {top_levels}: {tree}"

    # -- a new article: title, Markdown body, category, tags; the preview renders it.
    tap(drv, "kb-new")
    visible(drv, "kb-editor")
    assert visible(drv, "kb-editor-heading").text == "新建文章"
    fill(drv, "kb-title", NEW_TITLE)
    body = visible(drv, "kb-body")
    body.clear()
    body.send_keys(NEW_BODY)  # send_keys types the new lines as Enter: a plain textarea keeps them
    assert body.get_attribute("value") == NEW_BODY
    fill(drv, "kb-category", NEW_CATEGORY)
    fill(drv, "kb-tags", NEW_TAGS)
    tap(drv, "kb-tab-preview")
    preview = visible(drv, "kb-preview")
    wait(drv).until(lambda d: preview.find_elements(By.CSS_SELECTOR, "strong"), "the preview shows no <strong>")
    assert [s.text for s in preview.find_elements(By.CSS_SELECTOR, "strong")] == ["微信支付"]
    assert [li.text for li in preview.find_elements(By.CSS_SELECTOR, "ul > li")] == ["扫码付款", "花呗分期"]
    assert "**" not in preview.text
    assert not is_shown(drv, "kb-body")
    save_screenshot(drv, "knowledge-editor-preview")

    tap(drv, "kb-save")
    wait(drv).until(lambda d: find(d, "kb-editor").get_attribute("data-article-id"), "the article was not saved")
    new_id = find(drv, "kb-editor").get_attribute("data-article-id")
    visible(drv, "kb-delete")  # a saved article can be deleted
    assert "可以用微信支付吗" in visible(drv, "toast").text
    stored = api.get(api.url(f"/api/v1/knowledge/articles/{new_id}"), timeout=20).json()
    assert stored["title"] == NEW_TITLE and stored["body"] == NEW_BODY, stored
    assert stored["category"] == NEW_CATEGORY and stored["tags"] == ["微信", "支付"], stored
    assert "<strong>微信支付</strong>" in stored["bodyHtml"] and "<li>花呗分期</li>" in stored["bodyHtml"], stored["bodyHtml"]
    assert api_total(api) == DEMO_ARTICLES + 1

    # -- back to the list; searching "微信" finds it first.
    tap(drv, "kb-back")
    visible(drv, "kb-articles")
    wait(drv).until(lambda d: find(d, "kb-count").text == f"共 {DEMO_ARTICLES + 1} 篇")
    found = search_list(drv, "微信")
    assert found[0]["id"] == new_id and found[0]["title"] == NEW_TITLE, found[:3]

    # -- a bad slug: refused at the field, nothing stored.
    tap(drv, "kb-new")
    visible(drv, "kb-editor")
    fill(drv, "kb-title", "坏的网址标识")
    fill(drv, "kb-body", "这篇不应该被保存。")
    fill(drv, "kb-slug", "Bad Slug!")
    tap(drv, "kb-save")
    slug = find(drv, "kb-slug")
    wait(drv).until(lambda d: "is-invalid" in slug.get_attribute("class"), "the slug field is not marked invalid")
    slug_error = find(drv, "kb-editor").find_element(By.CSS_SELECTOR, '.field-error[data-error-for="slug"]')
    assert slug_error.text.strip(), "no message under the slug field"
    assert not find(drv, "kb-editor").get_attribute("data-article-id")
    assert api_total(api) == DEMO_ARTICLES + 1
    assert not api_list(drv, "坏的网址标识") or all(a["title"] != "坏的网址标识" for a in api_list(drv, "坏的网址标识"))
    save_screenshot(drv, "knowledge-slug-error")
    tap(drv, "kb-back")  # unsaved changes: confirm discarding them
    tap(drv, "confirm-ok")
    visible(drv, "kb-articles")

    # -- export CSV: the link downloads with the session cookie and holds the new title.
    tap(drv, "kb-tab-transfer")
    link = visible(drv, "kb-export-csv")
    href = link.get_attribute("href")
    assert href.endswith("/api/v1/knowledge/export?format=csv"), href
    plain = requests.Session()
    for cookie in drv.get_cookies():
        plain.cookies.set(cookie["name"], cookie["value"])
    exported = plain.get(href, timeout=20)
    assert exported.status_code == 200, exported.text
    assert "attachment" in exported.headers.get("Content-Disposition", ""), exported.headers
    text = exported.content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0].keys()) == ["slug", "locale", "title", "body", "category", "tags", "synonyms", "related", "status"]
    assert len(table) == DEMO_ARTICLES + 1
    mine = next(r for r in table if r["title"] == NEW_TITLE)
    assert mine["body"] == NEW_BODY and mine["tags"] == "微信|支付" and mine["category"] == NEW_CATEGORY, mine

    # -- import a CSV with two new articles: "新建 2 篇".
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["slug", "locale", "title", "body", "category", "tags", "synonyms", "related", "status"])
    for slug_, title_, body_, cat_, tags_ in IMPORTED:
        writer.writerow([slug_, "zh-CN", title_, body_, cat_, tags_, "", "", "published"])
    upload = tmp_path / "import.csv"
    upload.write_text(out.getvalue(), encoding="utf-8")
    find(drv, "kb-import-file").send_keys(str(upload))
    tap(drv, "kb-import-submit")
    result = visible(drv, "kb-import-result")
    wait(drv).until(lambda d: result.get_attribute("data-state") in ("success", "error"), "no import result")
    assert result.get_attribute("data-state") == "success", result.text
    assert "新建 2 篇" in result.text and "更新 0 篇" in result.text, result.text
    assert api_total(api) == DEMO_ARTICLES + 3
    save_screenshot(drv, "knowledge-import")

    # -- delete one of them, after confirming.
    tap(drv, "kb-tab-articles")
    gone_slug, gone_title = IMPORTED[0][0], IMPORTED[0][1]
    search_list(drv, gone_title)
    row = visible(drv, "kb-article-row", f'[data-slug="{gone_slug}"]')
    press(drv, row.find_element(By.CSS_SELECTOR, css("kb-article-open")))
    wait(drv).until(lambda d: find(d, "kb-title").get_attribute("value") == gone_title, "the imported article did not open")
    tap(drv, "kb-delete")
    assert gone_title in visible(drv, "confirm-dialog").text
    tap(drv, "confirm-ok")
    visible(drv, "kb-articles")
    wait(drv).until(lambda d: api_total(api) == DEMO_ARTICLES + 2, "the article was not deleted")
    assert all(a["slug"] != gone_slug for a in api_list(drv, gone_title))
    wait(drv).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("kb-article-row", f'[data-slug="{gone_slug}"]')),
                    "the deleted article is still listed")
    assert any(a["slug"] == IMPORTED[1][0] for a in api_list(drv, IMPORTED[1][1]))
    assert js_errors(drv) == []

    # -- 8号 小美 (agent) reads the knowledge base, without "new article" or the editor's tabs.
    reader = make_driver("zh-CN", 1280, 860)
    sign_in(reader, base, AGENT_EMAIL, "8号 小美")
    _apis[id(reader)] = browser_api(reader, base)
    open_knowledge(reader)
    wait(reader).until(lambda d: len(rows(d)) >= 50, "the agent sees no articles")
    assert not reader.find_elements(By.CSS_SELECTOR, css("kb-new"))
    for tab in ("unanswered", "transfer", "settings"):
        assert not reader.find_elements(By.CSS_SELECTOR, css(f"kb-tab-{tab}")), tab
    search_list(reader, "退款")
    press(reader, visible(reader, "kb-article-row", '[data-slug="refund-time"]').find_element(By.CSS_SELECTOR, css("kb-article-open")))
    assert visible(reader, "kb-reader-title").text == REFUND_TITLE
    assert "原路退回" in find(reader, "kb-reader-body").find_element(By.TAG_NAME, "strong").text
    assert not reader.find_elements(By.CSS_SELECTOR, css("kb-save")) and not reader.find_elements(By.CSS_SELECTOR, css("kb-delete"))
    assert not raw_keys(reader), raw_keys(reader)
    save_screenshot(reader, "knowledge-agent-reader")
    assert js_errors(reader) == []


# ---- 2. suggestions beside a conversation -------------------------------------------------------

async def shopper_asks(base: str, inbox_key: str, text: str) -> dict:
    visitor = VisitorClient.start(base, inbox_key, locale="zh-CN",
                                  page={"url": base + "/demo/shop", "title": "Kefu 演示店铺"})
    await visitor.connect()
    try:
        return await visitor.send_message(text)
    finally:
        await visitor.close()


THREAD_TEXTS_JS = """
return Array.from(document.querySelectorAll('[data-testid="thread-messages"] [data-testid="msg"]')).map((m) => ({
  seq: Number(m.getAttribute('data-seq') || 0), sender: m.getAttribute('data-sender-type'),
  text: (m.querySelector('[data-testid="msg-text"]') || {}).textContent || '',
}));
"""


def test_suggestions_beside_a_conversation(demo_server, make_driver):
    base = demo_server.url
    api = AgentAPI(base)
    api.login(AGENT_EMAIL, DEMO_PASSWORD)
    inboxes = api.get(api.url("/api/v1/inboxes"), timeout=20).json()
    inboxes = inboxes["items"] if isinstance(inboxes, dict) else inboxes
    presale = next(i for i in inboxes if i["name"] == "售前")
    assert presale.get("botMode", "off") == "off", presale

    # -- a shopper on the 售前 desk asks; nobody (no bot) answers.
    ack = asyncio.run(shopper_asks(base, presale["widgetKey"], QUESTION))
    conversation_id = ack["conversationId"]
    stored = api.get(api.url(f"/api/v1/conversations/{conversation_id}/suggestions"), timeout=20).json()
    assert stored["question"] == QUESTION, stored

    # -- 小美 opens it: the panel names the question and offers "退款多久到账？" first.
    drv = make_driver("zh-CN", 1440, 900)
    sign_in(drv, base, AGENT_EMAIL, "8号 小美")
    drv.get(f"{base}/#/conversations/{conversation_id}")
    wait(drv).until(lambda d: any(m["text"] == QUESTION for m in (d.execute_script(THREAD_TEXTS_JS) or [])),
                    "the shopper's question is not in the thread")
    panel = visible(drv, "kb-suggestions")
    assert drv.find_element(By.CSS_SELECTOR, css("customer-sidebar")).find_elements(By.CSS_SELECTOR, css("kb-suggestions"))
    question = visible(drv, "kb-suggest-question")
    assert QUESTION in question.text, question.text
    wait(drv).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("kb-suggestion")), "no suggestions shown")
    first = drv.find_elements(By.CSS_SELECTOR, css("kb-suggestion"))[0]
    assert first.find_element(By.CSS_SELECTOR, css("kb-suggestion-title")).text == REFUND_TITLE, \
        [s.text for s in drv.find_elements(By.CSS_SELECTOR, css("kb-suggestion-title"))]
    assert not raw_keys(drv), raw_keys(drv)
    save_screenshot(drv, "knowledge-suggestions")

    # -- "插入": the answer goes into the reply box, nothing is sent.
    before = [m for m in drv.execute_script(THREAD_TEXTS_JS) if m["sender"] == "agent"]
    box = visible(drv, "composer-input")
    assert box.get_attribute("value") == ""
    press(drv, first.find_element(By.CSS_SELECTOR, css("kb-suggestion-insert")))
    wait(drv).until(lambda d: REFUND_SENTENCE in visible(d, "composer-input").get_attribute("value"),
                    f"the reply box holds {visible(drv, 'composer-input').get_attribute('value')!r}")
    answer = visible(drv, "composer-input").get_attribute("value")
    assert "**" not in answer, answer  # plain text, Markdown removed
    assert [m for m in drv.execute_script(THREAD_TEXTS_JS) if m["sender"] == "agent"] == before
    items = api.get(api.url(f"/api/v1/conversations/{conversation_id}/messages?limit=200"), timeout=20).json()["items"]
    assert not any(m.get("senderType") == "agent" for m in items), "inserting sent the answer"

    # -- she sends it: it lands in the thread, stored once.
    press(drv, visible(drv, "composer-send"))
    wait(drv).until(lambda d: any(m["sender"] == "agent" and m["seq"] > 0 and REFUND_SENTENCE in m["text"]
                                  for m in d.execute_script(THREAD_TEXTS_JS)), "the answer did not appear in the thread")
    wait(drv).until(lambda d: visible(d, "composer-input").get_attribute("value") == "", "the reply box was not cleared")
    items = api.get(api.url(f"/api/v1/conversations/{conversation_id}/messages?limit=200"), timeout=20).json()["items"]
    sent = [m for m in items if m.get("senderType") == "agent"]
    assert len(sent) == 1 and sent[0]["text"] == answer, sent

    # -- the panel's own search: "发票" lists an invoice article.
    search = visible(drv, "kb-suggest-search")
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", search)
    search.send_keys("发票")
    search.send_keys(Keys.ENTER)
    wait(drv).until(lambda d: any("发票" in t.text for t in d.find_elements(By.CSS_SELECTOR, css("kb-suggestion-title"))),
                    "the search lists no invoice article")
    titles = [t.text for t in drv.find_elements(By.CSS_SELECTOR, css("kb-suggestion-title"))]
    assert "怎么开发票？" in titles, titles
    assert panel.is_displayed()
    save_screenshot(drv, "knowledge-suggestions-search")
    assert js_errors(drv) == []
    api.close()
