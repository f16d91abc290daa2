"""The workbench end to end: owner sets up an inbox, an agent and an API token, reads
the audit log, switches languages; then the new agent signs in and changes its password.

The steps share one browser and build on each other, so they live in one scenario test.
"""

from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import OWNER_EMAIL, OWNER_PASSWORD, save_screenshot

WAIT = 20

AGENT_EMAIL = "xiaomei@example.com"
AGENT_PASSWORD = "agent-pass-123"
AGENT_NEW_PASSWORD = "agent-new-pass-456"
XSS_NAME = '<img src=x onerror="window.__kefuXss=1">'


# ---- helpers -------------------------------------------------------------------

def tid(name: str, extra: str = "") -> tuple[str, str]:
    return By.CSS_SELECTOR, f'[data-testid="{name}"]{extra}'


def wait(drv, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(drv, timeout, ignored_exceptions=(StaleElementReferenceException,))


def visible(drv, name: str, extra: str = ""):
    return wait(drv).until(EC.visibility_of_element_located(tid(name, extra)))


def click(drv, name: str, extra: str = "") -> None:
    wait(drv).until(EC.element_to_be_clickable(tid(name, extra))).click()


def fill(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def wait_text(drv, locator, text: str) -> None:
    wait(drv).until(EC.text_to_be_present_in_element(locator, text))


def wait_lang(drv, lang: str) -> None:
    wait(drv).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang)


def go(drv, route: str) -> None:
    """Opens a page from the left nav and waits until the router drew it."""
    click(drv, f"nav-{route}")
    wait(drv).until(lambda d: d.find_element(By.ID, "content").get_attribute("data-route") == route)
    visible(drv, "page-title")


def sign_in(drv, email: str, password: str) -> None:
    fill(visible(drv, "signin-email"), email)
    fill(visible(drv, "signin-password"), password)
    click(drv, "signin-submit")


def sign_out(drv) -> None:
    click(drv, "signout")
    visible(drv, "signin-page")


def choose_locale(drv, select_testid: str, code: str) -> None:
    Select(visible(drv, select_testid)).select_by_value(code)
    wait_lang(drv, code)


def js_errors(drv) -> list[str]:
    """Console errors that are not just the expected 4xx answers of the API."""
    entries = drv.get_log("browser")
    return [e["message"] for e in entries
            if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]


# ---- the scenario --------------------------------------------------------------------

def test_workbench_scenario(kefu_server, driver):
    drv = driver
    drv.get(kefu_server + "/")

    # Sign-in page, Chinese by default.
    visible(drv, "signin-page")
    wait_lang(drv, "zh-CN")
    assert visible(drv, "signin-submit").text == "登录"
    save_screenshot(drv, "signin")

    # Owner signs in: Chinese shell, badge "1号 ...", admin navigation.
    sign_in(drv, OWNER_EMAIL, OWNER_PASSWORD)
    badge = visible(drv, "agent-badge")
    assert badge.text.startswith("1号"), badge.text
    assert visible(drv, "signout").text == "退出"
    assert "店主" in visible(drv, "role-badge").text
    assert "测试店铺" in visible(drv, "shop-name").text
    for route in ("conversations", "account", "agents", "inboxes", "tokens", "audit"):
        visible(drv, f"nav-{route}")
    # The conversation workspace is the page after sign-in; the account page is one click away.
    wait(drv).until(lambda d: d.find_element(By.ID, "content").get_attribute("data-route") == "conversations")
    go(drv, "account")
    assert visible(drv, "profile-email").text == OWNER_EMAIL
    save_screenshot(drv, "account-owner")

    # ---- inbox 售前 ----
    go(drv, "inboxes")
    fill(visible(drv, "inbox-name"), "售前")
    fill(visible(drv, "inbox-description"), "售前咨询：商品、库存、优惠")
    click(drv, "inbox-create-submit")
    row = visible(drv, "inbox-row", '[data-inbox-name="售前"]')
    assert "售前咨询" in row.text
    widget_key = row.find_element(*tid("inbox-widget-key")).text
    assert widget_key
    row.find_element(*tid("inbox-embed-toggle")).click()
    snippet = visible(drv, "inbox-embed-code").text
    assert snippet == f'<script src="{kefu_server}/widget.js" data-inbox="{widget_key}" async></script>'
    save_screenshot(drv, "inboxes")
    visible(drv, "inbox-row", '[data-inbox-name="售前"]').find_element(*tid("inbox-edit")).click()
    fill(visible(drv, "inbox-edit-description"), "售前咨询与优惠活动")
    click(drv, "inbox-edit-save")
    wait_text(drv, tid("inbox-row", '[data-inbox-name="售前"]'), "售前咨询与优惠活动")

    # ---- agent 8号 小美, role agent, inbox 售前 ----
    go(drv, "agents")
    click(drv, "agent-create-open")
    form = visible(drv, "agent-create-form")
    fill(form.find_element(*tid("agent-email")), AGENT_EMAIL)
    fill(form.find_element(*tid("agent-password")), AGENT_PASSWORD)
    fill(form.find_element(*tid("agent-display-name")), "小美")
    fill(form.find_element(*tid("agent-number")), "8")
    Select(form.find_element(*tid("agent-role"))).select_by_value("agent")
    form.find_element(By.CSS_SELECTOR, 'input[data-inbox-name="售前"]').click()
    click(drv, "agent-create-submit")
    row = visible(drv, "agent-row", '[data-agent-number="8"]')
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[0] == "8"
    assert "小美" in cells[1]
    assert cells[2] == AGENT_EMAIL
    assert cells[3] == "客服"
    assert "售前" in cells[4]

    # Agent number 8 again: the conflict is shown inline at the number field.
    click(drv, "agent-create-open")
    form = visible(drv, "agent-create-form")
    fill(form.find_element(*tid("agent-email")), "dup8@example.com")
    fill(form.find_element(*tid("agent-password")), AGENT_PASSWORD)
    fill(form.find_element(*tid("agent-display-name")), "重复")
    fill(form.find_element(*tid("agent-number")), "8")
    click(drv, "agent-create-submit")
    error_box = visible(drv, "form-error")
    assert error_box.text, "conflict error should be shown"
    number_input = form.find_element(*tid("agent-number"))
    wait(drv).until(lambda d: "is-invalid" in number_input.get_attribute("class"))

    # A name full of markup is shown as text and never runs.
    fill(form.find_element(*tid("agent-email")), "xss@example.com")
    fill(form.find_element(*tid("agent-display-name")), XSS_NAME)
    number_input.clear()
    click(drv, "agent-create-submit")
    wait(drv).until(lambda d: any(XSS_NAME in r.text for r in d.find_elements(*tid("agent-row"))))
    assert drv.execute_script("return window.__kefuXss") is None
    assert not drv.find_elements(By.CSS_SELECTOR, '[data-testid="agents-table"] img')
    save_screenshot(drv, "agents")

    # Edit that agent (new name, reset password), then deactivate it after confirming.
    xss_row = next(r for r in drv.find_elements(*tid("agent-row")) if XSS_NAME in r.text)
    xss_id = xss_row.get_attribute("data-agent-id")
    row_sel = f'[data-agent-id="{xss_id}"]'
    xss_row.find_element(*tid("agent-edit")).click()
    edit = visible(drv, "agent-edit-form")
    fill(edit.find_element(*tid("edit-display-name")), "小丽")
    fill(edit.find_element(*tid("edit-password")), "reset-pass-789")
    click(drv, "agent-edit-save")
    wait_text(drv, tid("agent-row", row_sel), "小丽")
    visible(drv, "agent-row", row_sel).find_element(*tid("agent-deactivate")).click()
    assert "小丽" in visible(drv, "confirm-dialog").text
    click(drv, "confirm-ok")
    wait_text(drv, tid("agent-row", row_sel), "已停用")
    visible(drv, "agent-row", row_sel).find_element(*tid("agent-reactivate"))

    # ---- API token: the secret is shown once ----
    go(drv, "tokens")
    fill(visible(drv, "token-name"), "订单同步")
    Select(visible(drv, "token-role")).select_by_value("admin")
    click(drv, "token-create-submit")
    secret = visible(drv, "token-secret").text
    assert secret.startswith("kefu_"), secret
    assert visible(drv, "token-secret-card").text
    visible(drv, "token-row", '[data-token-name="订单同步"]')
    save_screenshot(drv, "token-secret")
    click(drv, "token-secret-done")
    wait(drv).until(EC.invisibility_of_element_located(tid("token-secret")))
    assert secret not in drv.find_element(By.TAG_NAME, "body").text

    # A second token, revoked after confirming.
    fill(visible(drv, "token-name"), "临时")
    click(drv, "token-create-submit")
    visible(drv, "token-secret")
    row = visible(drv, "token-row", '[data-token-name="临时"]')
    row.find_element(*tid("token-revoke")).click()
    assert "临时" in visible(drv, "confirm-dialog").text
    click(drv, "confirm-ok")
    wait_text(drv, tid("token-row", '[data-token-name="临时"]'), "已吊销")

    # ---- audit log shows all of it ----
    go(drv, "audit")
    visible(drv, "audit-row")
    wanted = {"inbox.create", "inbox.update", "agent.create", "agent.update", "api_token.create", "api_token.revoke"}
    wait(drv).until(lambda d: wanted <= {r.get_attribute("data-action") for r in d.find_elements(*tid("audit-row"))})
    table_text = visible(drv, "audit-table").text
    assert "售前" in table_text
    save_screenshot(drv, "audit")

    # ---- languages ----
    choose_locale(drv, "locale-select", "en")
    wait_text(drv, tid("signout"), "Sign out")
    assert visible(drv, "agent-badge").text.startswith("No. 1 ")
    assert visible(drv, "page-title").text == "Audit log"
    assert visible(drv, "nav-agents").text == "Agents"
    save_screenshot(drv, "english")

    choose_locale(drv, "locale-select", "ko")
    wait_text(drv, tid("signout"), "로그아웃")
    assert visible(drv, "agent-badge").text.startswith("1번")
    assert visible(drv, "page-title").text == "감사 로그"
    save_screenshot(drv, "korean")

    # ---- sign out; the agent signs in (choosing 简体中文 on the sign-in page) ----
    sign_out(drv)
    wait_lang(drv, "ko")
    assert visible(drv, "signin-submit").text == "로그인"
    choose_locale(drv, "signin-locale", "zh-CN")
    assert visible(drv, "signin-submit").text == "登录"
    sign_in(drv, AGENT_EMAIL, AGENT_PASSWORD)
    assert visible(drv, "agent-badge").text == "8号 小美"
    assert visible(drv, "role-badge").text == "客服"
    visible(drv, "nav-account")
    for route in ("agents", "inboxes", "tokens", "audit"):
        assert not drv.find_elements(*tid(f"nav-{route}")), f"agent must not see {route}"
    # An admin page by address falls back to the default page, the conversation workspace.
    drv.get(kefu_server + "/#/agents")
    wait(drv).until(lambda d: d.find_element(By.ID, "content").get_attribute("data-route") == "conversations")
    go(drv, "account")
    assert visible(drv, "profile-number").text == "8"
    save_screenshot(drv, "agent-view")

    # ---- the agent changes its password ----
    form = visible(drv, "account-password-form")
    current = form.find_element(*tid("account-current-password"))
    new = form.find_element(*tid("account-new-password"))
    repeat = form.find_element(*tid("account-repeat-password"))

    # Repeat does not match: checked in the browser.
    fill(current, AGENT_PASSWORD)
    fill(new, AGENT_NEW_PASSWORD)
    fill(repeat, AGENT_NEW_PASSWORD + "x")
    click(drv, "account-password-save")
    wait(drv).until(lambda d: "is-invalid" in repeat.get_attribute("class"))
    assert "不一致" in form.text

    # Wrong current password: the server says so, shown at the field.
    fill(current, "not-my-password")
    fill(repeat, AGENT_NEW_PASSWORD)
    click(drv, "account-password-save")
    wait(drv).until(lambda d: "is-invalid" in current.get_attribute("class"))
    assert "当前密码不正确" in form.text

    # Over 72 bytes: the server's message names the limit.
    long_password = "密" * 30  # 90 bytes in UTF-8
    fill(current, AGENT_PASSWORD)
    fill(new, long_password)
    fill(repeat, long_password)
    click(drv, "account-password-save")
    wait(drv).until(lambda d: "is-invalid" in new.get_attribute("class"))
    assert "72" in form.text
    save_screenshot(drv, "password-error")

    # Correct: success toast, form cleared.
    fill(current, AGENT_PASSWORD)
    fill(new, AGENT_NEW_PASSWORD)
    fill(repeat, AGENT_NEW_PASSWORD)
    click(drv, "account-password-save")
    wait_text(drv, tid("toast"), "密码已修改")
    wait(drv).until(lambda d: current.get_attribute("value") == "")

    # ---- the old password no longer works; the new one does ----
    sign_out(drv)
    sign_in(drv, AGENT_EMAIL, AGENT_PASSWORD)
    wait_text(drv, tid("form-error"), "邮箱或密码不正确")
    assert drv.find_elements(*tid("signin-page"))
    save_screenshot(drv, "signin-error")
    sign_in(drv, AGENT_EMAIL, AGENT_NEW_PASSWORD)
    assert visible(drv, "agent-badge").text == "8号 小美"

    assert js_errors(drv) == []


def test_phone_width_collapses_nav(kefu_server, make_driver):
    drv = make_driver("zh-CN", 390, 844)
    drv.get(kefu_server + "/")
    sign_in(drv, OWNER_EMAIL, OWNER_PASSWORD)
    visible(drv, "agent-badge")
    nav_link = drv.find_element(*tid("nav-agents"))
    assert not nav_link.is_displayed() or nav_link.rect["x"] + nav_link.rect["width"] <= 0
    save_screenshot(drv, "phone")
    click(drv, "nav-toggle")
    wait(drv).until(lambda d: d.find_element(*tid("nav-agents")).rect["x"] >= 0)
    save_screenshot(drv, "phone-nav")
    click(drv, "nav-agents")
    wait(drv).until(lambda d: d.find_element(By.ID, "content").get_attribute("data-route") == "agents")
    visible(drv, "agents-table")
    assert js_errors(drv) == []
