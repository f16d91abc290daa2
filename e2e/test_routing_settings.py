"""Routing settings and quick phrases in the workbench, end to end, against the real server.

1号 店长 opens the routing settings of 售前 from 接待组, sets the capacity to 4 and saves; the
server has it, and a capacity of 0 is refused in the dialog without being stored. Then he adds
a team quick phrase on 快捷短语 and finds it by its shortcut.
"""

from __future__ import annotations

from selenium.webdriver.common.by import By

from conftest import save_screenshot
from widget_fixtures import DEMO_PASSWORD, AgentAPI, demo_server  # noqa: F401  (fixtures)
from ui import wait, css, visible

OWNER_EMAIL = "owner@demo.kefu.local"
INBOX = "售前"


def tap(drv, name: str, extra: str = "") -> None:
    element = visible(drv, name, extra)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def fill(drv, name: str, value: str) -> None:
    element = visible(drv, name)
    element.clear()
    element.send_keys(value)


def settings(api: AgentAPI) -> dict:
    inbox = next(i for i in api.get(api.url("/api/v1/inboxes"), timeout=20).json()["items"] if i["name"] == INBOX)
    answer = api.get(api.url(f"/api/v1/inboxes/{inbox['id']}/settings"), timeout=20)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_owner_changes_routing_and_adds_a_quick_phrase(demo_server, make_driver):
    base = demo_server.url
    api = AgentAPI(base)
    api.login(OWNER_EMAIL, DEMO_PASSWORD)
    assert settings(api)["capacity"] == 5

    drv = make_driver("zh-CN", 1280, 900)
    drv.get(base + "/")
    visible(drv, "signin-email").send_keys(OWNER_EMAIL)
    visible(drv, "signin-password").send_keys(DEMO_PASSWORD)
    tap(drv, "signin-submit")
    wait(drv).until(lambda d: visible(d, "agent-badge").text.startswith("1号"), "not signed in as the owner")

    # Routing settings of 售前: a bad capacity is refused, a good one is stored.
    tap(drv, "nav-inboxes")
    row = visible(drv, "inbox-row", f'[data-inbox-name="{INBOX}"]')
    button = row.find_element(By.CSS_SELECTOR, css("inbox-settings-open"))
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    visible(drv, "inbox-settings")
    fill(drv, "rs-capacity", "0")
    tap(drv, "rs-save")
    wait(drv).until(lambda d: visible(d, "rs-error").text.strip() != "", "no error for a capacity of 0")
    assert settings(api)["capacity"] == 5
    fill(drv, "rs-capacity", "4")
    tap(drv, "rs-save")
    wait(drv).until(lambda d: settings(api)["capacity"] == 4, "the capacity was not stored")
    save_screenshot(drv, "routing-settings")
    tap(drv, "rs-close")

    # A team quick phrase, found again by its shortcut.
    tap(drv, "nav-phrases")
    tap(drv, "qp-new")
    visible(drv, "qp-dialog")
    fill(drv, "qp-shortcut", "ship")
    fill(drv, "qp-text", "亲，{customer_name}，今天下单今天发货哦")
    tap(drv, "qp-save")
    wait(drv).until(lambda d: any(r.get_attribute("data-shortcut") == "ship" for r in d.find_elements(By.CSS_SELECTOR, css("qp-row"))),
                    "the new phrase is not listed")
    fill(drv, "qp-search", "shi")
    wait(drv).until(lambda d: [r.get_attribute("data-shortcut") for r in d.find_elements(By.CSS_SELECTOR, css("qp-row"))] == ["ship"],
                    "searching by the shortcut does not find only the phrase")
    save_screenshot(drv, "quick-phrases")
    phrases = api.get(api.url("/api/v1/quick-phrases"), timeout=20).json()["items"]
    assert [p["shortcut"] for p in phrases] == ["ship"]
