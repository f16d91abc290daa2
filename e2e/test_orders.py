"""Orders inside the conversation, end to end, against the real server with the demo shop.

"An agent sends an order card, lowers the shipping fee, and the shopper sees both in the
widget, with screenshots."

1. 8号 小美 signs in to the workbench (her agent socket makes her the one online agent of
   售前, which routes round robin). The shopper opens /demo/shop?customer=C1001 — signed in as
   王女士 (VIP) — opens the widget and asks "这个订单能便宜点运费吗": the conversation is 小美's
   and linked to 王女士's orders.
2. 小美 opens it, the 订单 tab lists E20261122001 (unpaid, VIP prices) and she sends it as a
   card: the thread and the widget show the card (title, price ¥230.80).
3. She lowers the shipping fee from ¥10.00 to ¥9.00 (10 %: within an agent's limit, applied at
   once): the panel shows the new total ¥229.80 and the shopper reads "运费已修改为¥9.00，订单
   合计¥229.80，请刷新后付款".
4. She asks for free shipping (100 %: above an agent's 10 %, pending). 2号 小李 (supervisor, who
   may waive any shipping fee in the standard limits) approves it on #/price-changes; the shopper
   reads the second message, from the shop (¥0.00, total ¥220.80).
5. 催付: the first reminder reaches the shopper, the second is refused (reminded_recently) with
   a visible error.
6. The shopper pays on the demo page ("立即付款") and the widget confirms the payment.
   小美 searches 马克杯 and sends it as a product card at 王女士's VIP price; the shopper sees it.
7. The owner opens #/order-settings: the demo reminder rule, the demo platform's webhook and
   its delivered deliveries are listed.

The steps share browsers and build on each other, so they are one scenario test.
"""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import DEMO_PASSWORD, AgentAPI, demo_server  # noqa: F401  (fixtures)
from ui import wait, css, find, visible, press, tap, fill, wid, wid_shown
from workbench import (browser_api, conversation_of, get_json, js_errors, open_widget, same, sign_in, thread,
                       widget_message)

WAIT = 20
OWNER_EMAIL = "owner@demo.kefu.local"
SUPERVISOR_EMAIL = "li@demo.kefu.local"
AGENT_EMAIL = "mei@demo.kefu.local"

CUSTOMER_ID, CUSTOMER_NAME = "C1001", "王女士"
ORDER = "E20261122001"
QUESTION = "这个订单能便宜点运费吗"
REASON_SMALL = "老顾客，运费优惠1元"
REASON_FREE = "VIP 老顾客包邮"
PAID_TEXT = "您的付款已成功，我们会及时为您发货"
RULE_NAME = "下单 30 分钟未付款"
WEBHOOK_PATH = "/demo/platform/webhook"

# The widget's rendered messages (text or card), read out of its open shadow root.
# ---- helpers ----------------------------------------------------------------------------------

def yuan(minor: int) -> str:
    """¥ and two decimals, as zh-CN's Intl formats CNY: 22980 → "¥229.80"."""
    return f"¥{minor // 100:,}.{minor % 100:02d}"


def page_text(drv, name: str) -> str:
    """The text of an element while the page may be reloading (the pay form posts and redirects)."""
    try:
        return "".join(el.text for el in drv.find_elements(By.CSS_SELECTOR, css(name)))
    except WebDriverException:
        return ""


def order_item(drv):
    return visible(drv, "order-item", f'[data-order-id="{ORDER}"]')


def in_order(drv, name: str):
    """The element with data-testid ``name`` inside the order's panel entry."""
    return order_item(drv).find_element(By.CSS_SELECTOR, css(name))


def click_in_order(drv, name: str) -> None:
    """Clicks a button of the order's entry. The panel redraws itself when order news arrives
    (a card, a price change, a reminder), so a button found a moment ago may be gone: find it
    again until the click lands."""
    def clicked(d):
        button = in_order(d, name)
        if not (button.is_displayed() and button.is_enabled()):
            return False
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        return True
    wait(drv).until(clicked, f"could not click {name} of {ORDER}")


def order_text(drv, name: str) -> str:
    try:
        return in_order(drv, name).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def wait_order_text(drv, name: str, expected: str) -> None:
    wait(drv).until(lambda d: order_text(d, name) == expected,
                    f"the panel's {name} shows {order_text(drv, name)!r}, not {expected!r}")


def server_order(api: AgentAPI) -> dict:
    return get_json(api, f"/api/v1/orders/{ORDER}")


def change_price(drv, amount: str | None, reason: str, *, free: bool = False) -> None:
    """Opens the price-change dialog of the order, targets the shipping fee and fills it in."""
    click_in_order(drv, "order-change-price")
    visible(drv, "pricechange-dialog")
    Select(visible(drv, "pricechange-target")).select_by_value("shipping")
    if free:
        tap(drv, "pricechange-free-shipping")
    else:
        fill(drv, "pricechange-amount", amount)
    fill(drv, "pricechange-reason", reason)


def submit_price_change(drv, status: str) -> str:
    """Submits the dialog; returns the result's text once it shows ``status`` (fails on an error)."""
    tap(drv, "pricechange-submit")

    def outcome(d):
        if d.find_elements(By.CSS_SELECTOR, css("pricechange-result")):
            return d.find_element(By.CSS_SELECTOR, css("pricechange-result"))
        error = d.find_element(By.CSS_SELECTOR, css("pricechange-error"))
        if error.is_displayed() and error.text.strip():
            raise AssertionError(f"the price change was refused: {error.text}")
        return False
    result = wait(drv).until(outcome, "no price-change result")
    assert result.get_attribute("data-status") == status, f"{result.get_attribute('data-status')}: {result.text}"
    return result.text


def raw_keys(drv) -> list[str]:
    """Untranslated i18n keys ("orders.something") shown as text anywhere on the page."""
    return drv.execute_script(r"""
      const text = document.body.innerText;
      return Array.from(new Set(text.match(/\b(?:orders|pricechange|reminders|webhooks|orderchat|common|chat|nav)\.[a-zA-Z][\w.]*\b/g) || []));
    """) or []


def widget_raw_keys(drv) -> list[str]:
    """Untranslated keys ("widget.card.order") shown inside the widget's shadow root."""
    return drv.execute_script(r"""
      const root = document.querySelector('kefu-widget').shadowRoot;
      const text = Array.from(root.querySelectorAll('*')).map((e) => e.childNodes.length ? Array.from(e.childNodes)
        .filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' ') : '').join(' ');
      return Array.from(new Set(text.match(/\b(?:widget|orderchat|orders)\.[a-zA-Z][\w.]*\b/g) || []));
    """) or []


# ---- the scenario -----------------------------------------------------------------------------

def test_agent_sends_order_card_and_changes_shipping_shopper_sees_both(demo_server, make_driver):
    base = demo_server.url
    owner = AgentAPI(base)
    owner.login(OWNER_EMAIL, DEMO_PASSWORD)

    # The demo order, from the demo data: VIP prices DRESS-FR 169.00 + 2 × MUG-400 25.90, shipping 10.00.
    order = server_order(owner)
    assert order["status"] == "unpaid" and order["buyer"]["tier"] == "vip" and order["currency"] == "CNY", order
    lines = {line["sku"]: line for line in order["lines"]}
    assert (lines["DRESS-FR"]["unitPrice"], lines["MUG-400"]["unitPrice"], lines["MUG-400"]["quantity"]) == (16900, 2590, 2), lines
    subtotal = sum(line["unitPrice"] * line["quantity"] for line in order["lines"])
    assert subtotal == order["subtotal"] == 22080, order
    assert order["shippingFee"] == 1000 and order["discount"] == 0 and order["total"] == subtotal + 1000, order
    total_before, total_small, total_free = subtotal + 1000, subtotal + 900, subtotal  # ¥230.80, ¥229.80, ¥220.80

    # -- 8号 小美 signs in: her agent socket makes her the one online agent of 售前.
    mei = make_driver("zh-CN", 1400, 900)
    sign_in(mei, base, AGENT_EMAIL, "8号 小美")
    mei_api = browser_api(mei, base)
    mei_id = mei_api.me["user"]["id"]
    wait(mei).until(lambda d: next((a for a in get_json(owner, "/api/v1/live")["agents"] if same(a["id"], mei_id)), {}).get("status") == "online",
                    "小美 is not online for routing")

    # -- the shopper, signed in on the demo shop as 王女士, asks about the shipping fee.
    shopper = make_driver("zh-CN", 1280, 900)
    shopper.get(f"{base}/demo/shop?customer={CUSTOMER_ID}")
    script = shopper.find_element(By.CSS_SELECTOR, "script[data-inbox]")
    assert script.get_attribute("data-customer-id") == CUSTOMER_ID and script.get_attribute("data-customer-name") == CUSTOMER_NAME
    assert script.get_attribute("data-customer-hash"), "the widget is not told who the customer is"
    visible(shopper, f"demo-pay-{ORDER}")
    open_widget(shopper)
    box = wid(shopper, "kefu-input")
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)
    widget_message(shopper, lambda m: m["text"] == QUESTION and m["seq"] > 0, "the question, acknowledged")
    # Routed to 小美 (the one online agent): the widget shows her greeting once she has it.
    widget_message(shopper, lambda m: m["sender"] == "bot" and "8号" in m["text"], "8号's greeting")

    conversation = conversation_of(mei_api, QUESTION)
    assert same(conversation.get("assigneeId"), mei_id), f"the conversation is not 小美's: {conversation}"
    linked = get_json(mei_api, f"/api/v1/contacts/{conversation['contactId']}/orders")
    assert linked["externalId"] == CUSTOMER_ID and linked["tier"] == "vip", linked
    assert ORDER in [o["externalId"] for o in linked["orders"]], linked

    # -- 小美 opens the conversation and the 订单 tab: E20261122001, unpaid, VIP.
    mei.get(f"{base}/#/conversations/{conversation['id']}")
    wait(mei).until(lambda d: any(m["text"] == QUESTION for m in thread(d)), "the shopper's question is not in the thread")
    tap(mei, "side-tab-orders")
    visible(mei, "order-panel")
    tier = visible(mei, "order-tier")
    assert tier.get_attribute("data-tier") == "vip" and tier.text == "VIP", tier.get_attribute("outerHTML")
    assert CUSTOMER_ID in visible(mei, "order-buyer-id").text
    # The panel redraws itself when order news arrives, so every read is a wait that reads again.
    wait(mei).until(lambda d: order_item(d).get_attribute("data-status") == "unpaid", "the order is not shown unpaid")
    wait_order_text(mei, "order-status", "待付款")
    wait_order_text(mei, "order-total", yuan(total_before))
    wait_order_text(mei, "order-shipping", yuan(1000))
    wait(mei).until(lambda d: [li.get_attribute("data-sku") for li in order_item(d).find_elements(By.CSS_SELECTOR, css("order-line"))]
                    == ["DRESS-FR", "MUG-400"], "the order's lines are not DRESS-FR and MUG-400")

    # -- send the order card: it lands in the thread.
    click_in_order(mei, "order-send-card")
    card = wait(mei).until(lambda d: next((m["card"] for m in thread(d) if m["card"] and m["card"]["id"] == ORDER and m["seq"] > 0), False),
                           "the order card is not in the thread")
    assert card["title"] == lines["DRESS-FR"]["title"] and card["price"] == yuan(total_before), card
    assert not raw_keys(mei), raw_keys(mei)
    mei.execute_script("arguments[0].scrollIntoView({block: 'nearest'});", visible(mei, "order-tier"))
    order_item(mei)
    save_screenshot(mei, "orders-workbench-card")

    # -- lower the shipping fee 10.00 → 9.00 (10 %, within an agent's limit): applied at once.
    change_price(mei, "9.00", REASON_SMALL)
    wait(mei).until(lambda d: "10%" in find(d, "pricechange-preview").text, f"preview: {find(mei, 'pricechange-preview').text!r}")
    assert yuan(total_small) in find(mei, "pricechange-preview").text, find(mei, "pricechange-preview").text
    assert not find(mei, "pricechange-needs-approval").is_displayed(), "a change within the limit is announced as needing approval"
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "orders-pricechange-dialog")
    result = submit_price_change(mei, "applied")
    assert f"{yuan(1000)} → {yuan(900)}" in result and yuan(total_small) in result, result
    tap(mei, "pricechange-close")
    wait(mei).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("pricechange-dialog")), "the dialog did not close")
    wait_order_text(mei, "order-shipping", yuan(900))
    wait_order_text(mei, "order-total", yuan(total_small))
    changed = server_order(owner)
    assert (changed["shippingFee"], changed["total"]) == (900, total_small), changed

    # -- the shopper sees the card and 小美's message about the new fee.
    shown_card = widget_message(shopper, lambda m: m["card"] and m["card"]["kind"] == "order", "the order card")
    assert shown_card["sender"] == "agent", shown_card
    assert shown_card["card"]["title"] == lines["DRESS-FR"]["title"] and shown_card["card"]["price"] == yuan(total_before), shown_card
    assert shown_card["card"]["status"] == "待付款", shown_card
    note = widget_message(shopper, lambda m: "运费已修改" in m["text"], "the shipping-fee message")
    assert note["sender"] == "agent", note
    for part in (f"订单{ORDER}", f"运费已修改为{yuan(900)}", f"订单合计{yuan(total_small)}", "请刷新后付款"):
        assert part in note["text"], f"{part!r} not in {note['text']!r}"
    assert note["seq"] > shown_card["seq"] > 0
    assert not widget_raw_keys(shopper), widget_raw_keys(shopper)
    save_screenshot(shopper, "orders-widget-card-message")

    # -- free shipping (100 %): above an agent's limit, it waits for a supervisor.
    change_price(mei, None, REASON_FREE, free=True)
    assert find(mei, "pricechange-amount").get_attribute("value") == "0.00"
    wait(mei).until(lambda d: find(d, "pricechange-needs-approval").is_displayed(), "free shipping is not announced as needing approval")
    submit_price_change(mei, "pending")
    tap(mei, "pricechange-close")
    wait(mei).until(lambda d: yuan(0) in order_text(d, "order-pending-change"), "the panel shows no pending change to ¥0.00")
    wait(mei).until(lambda d: not in_order(d, "order-change-price").is_enabled(), "a second change can be started while one waits")
    assert server_order(owner)["shippingFee"] == 900

    # -- 2号 小李 (supervisor; standard limits: any shipping fee, 30 % off prices) sees it on the
    #    approvals page and approves it.
    li = make_driver("zh-CN", 1400, 900)
    sign_in(li, base, SUPERVISOR_EMAIL, "2号 小李")
    li.get(f"{base}/#/price-changes")
    row = visible(li, "pricechange-row", f'[data-order-id="{ORDER}"]')
    assert row.find_element(By.CSS_SELECTOR, css("pricechange-row-amounts")).text == f"{yuan(900)} → {yuan(0)}"
    assert row.find_element(By.CSS_SELECTOR, css("pricechange-row-reason")).text == REASON_FREE
    assert "8号" in row.text and "小美" in row.text, row.text
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "orders-approvals")
    press(li, row.find_element(By.CSS_SELECTOR, css("pricechange-approve")))
    wait(li).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("pricechange-row", f'[data-order-id="{ORDER}"]')),
                   "the approved change is still pending")
    decided = visible(li, "pricechange-recent-row", '[data-status="approved"]')
    assert ORDER in decided.text and "2号 小李" in decided.text, decided.text
    approved = server_order(owner)
    assert (approved["shippingFee"], approved["total"], approved.get("pendingChange")) == (0, total_free, None), approved

    # -- the shopper reads the second message; 小美's panel follows.
    free_note = widget_message(shopper, lambda m: f"运费已修改为{yuan(0)}" in m["text"], "the free-shipping message")
    assert f"订单合计{yuan(total_free)}" in free_note["text"] and "请刷新后付款" in free_note["text"], free_note
    assert free_note["sender"] == "bot" and free_note["bot"] == "店铺客服", f"approved later, the shop tells the shopper: {free_note}"
    wait_order_text(mei, "order-shipping", "包邮")
    wait_order_text(mei, "order-total", yuan(total_free))
    wait(mei).until(lambda d: not order_item(d).find_elements(By.CSS_SELECTOR, css("order-pending-change")), "the pending note stayed")

    # -- 催付: the first reminder is sent, the second refused with a visible error.
    click_in_order(mei, "order-remind")
    wait(mei).until(lambda d: in_order(d, "order-reminders").get_attribute("data-sent") == "1", "the reminder count did not turn 1")
    reminder = widget_message(shopper, lambda m: "还未付款" in m["text"], "the payment reminder")
    for part in (f"订单{ORDER}", yuan(total_free), "点此完成支付"):
        assert part in reminder["text"], f"{part!r} not in {reminder['text']!r}"
    click_in_order(mei, "order-remind")
    wait(mei).until(lambda d: "刚刚催付过" in order_text(d, "order-error"),
                    f"the second reminder shows no refusal: {order_text(mei, 'order-error')!r}")
    wait(mei).until(lambda d: in_order(d, "order-reminders").get_attribute("data-sent") == "1", "a refused reminder was counted")
    again = mei_api.post(mei_api.url(f"/api/v1/orders/{ORDER}/remind"), json={"conversationId": conversation["id"]}, timeout=20)
    assert again.status_code == 429 and again.json()["error"]["code"] == "reminded_recently", again.text
    assert not raw_keys(mei), raw_keys(mei)
    save_screenshot(mei, "orders-workbench-remind-refused")

    # -- the shopper pays on the demo page: the widget confirms the payment.
    # She closes the chat first: the confirmation then shows as an unread badge on the launcher.
    wid(shopper, "kefu-close").click()
    wait(shopper).until(lambda d: not wid_shown(d, "kefu-panel"), "the chat panel did not close")
    press(shopper, visible(shopper, f"demo-pay-{ORDER}"))
    wait(shopper).until(lambda d: page_text(d, f"demo-order-{ORDER}") and "待发货" in page_text(d, f"demo-order-{ORDER}"),
                        "the demo page does not show the order paid")
    wait(shopper).until(lambda d: wid_shown(d, "kefu-badge"), "the payment confirmation raised no unread badge")
    open_widget(shopper)
    paid = widget_message(shopper, lambda m: m["text"] == PAID_TEXT, "the payment confirmation")
    assert paid["seq"] > reminder["seq"], (paid, reminder)
    assert not shopper.find_elements(By.CSS_SELECTOR, css(f"demo-pay-{ORDER}")), "the paid order can still be paid"
    assert not widget_raw_keys(shopper), widget_raw_keys(shopper)
    save_screenshot(shopper, "orders-widget-paid")
    wait(mei).until(lambda d: order_item(d).get_attribute("data-status") == "paid", "小美's panel does not show the order paid")

    # -- a product card: 小美 searches 马克杯 (a keyword of the product), sees 王女士's VIP
    #    price marked, and sends it; the shopper sees it with that price.
    fill(mei, "product-search", "马克杯")
    def mug(d):
        return visible(d, "product-result", '[data-product-id="MUG-400"]')
    wait(mei).until(lambda d: mug(d).find_element(By.CSS_SELECTOR, css("product-price", '[data-customer-price="true"]'))
                    .get_attribute("data-tier") == "vip", "the customer's VIP price is not marked")

    def send_mug(d):
        button = mug(d).find_element(By.CSS_SELECTOR, css("send-product-card"))
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        button.click()
        return True
    wait(mei).until(send_mug, "could not send the product card")
    product = widget_message(shopper, lambda m: m["card"] and m["card"]["kind"] == "product", "the product card")
    assert product["card"]["title"] == "北欧简约陶瓷马克杯 400ml" and product["card"]["price"] == yuan(2590), product
    assert product["sender"] == "agent", product

    # -- the owner's order settings: the demo rule, the demo platform's webhook, delivered deliveries.
    hook = next(w for w in get_json(owner, "/api/v1/webhooks")["webhooks"] if w["url"].endswith(WEBHOOK_PATH))
    wait(li).until(lambda d: sum(x["status"] == "delivered" for x in get_json(owner, "/api/v1/webhooks/deliveries", webhook=hook["id"])["deliveries"]) >= 3,
                   f"the demo platform did not receive the deliveries: {get_json(owner, '/api/v1/webhooks/deliveries')}")
    sign_in(li, base, OWNER_EMAIL, "1号 店长")
    li.get(f"{base}/#/order-settings")
    rule = wait(li).until(lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, css("rule-row-name")) if RULE_NAME in r.text), False),
                          "the demo reminder rule is not listed")
    assert rule.is_displayed()
    hook_row = visible(li, "webhook-row", f'[data-webhook-id="{hook["id"]}"]')
    assert hook_row.find_element(By.CSS_SELECTOR, css("webhook-row-url")).text.endswith(WEBHOOK_PATH)
    wait(li).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, css("delivery-row", '[data-status="delivered"]'))) >= 3,
                   "the delivery log does not show the delivered deliveries")
    assert not li.find_elements(By.CSS_SELECTOR, css("delivery-row", '[data-status="failed"]')), "a delivery to the demo platform failed"
    assert not raw_keys(li), raw_keys(li)
    # The whole page in one picture: a window as tall as the page (its scrolling column) needs.
    hidden = li.execute_script("""
      const scrollers = [document.scrollingElement, ...Array.from(document.querySelectorAll('*'))
        .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))];
      return Math.max(...scrollers.map((e) => e.scrollHeight - e.clientHeight));""")
    li.set_window_size(1400, min(900 + int(hidden), 4000))
    save_screenshot(li, "orders-settings")
    li.set_window_size(1400, 900)

    for drv in (mei, shopper, li):
        assert js_errors(drv) == [], js_errors(drv)
    owner.close()
    mei_api.close()
