"""Automation rules, end to end, against the real server with the demo shop.

The shopper 王女士 (C1001) first asks about a size in the demo shop's widget: that chat is the past
conversation the rule is tried on. 2号 小李 (supervisor) opens 自动化规则 (#/automation), where the
demo's example rules are listed, all switched off, and builds
"投诉自动升级": when the customer writes (message.created), if the object is a conversation and the
text contains 投诉 or 质量太差 (ALL), set the priority to urgent, add the tag 投诉, leave the private
note "顾客在投诉，请优先处理" and reply "{customer_name}您好，已为您转接售后专员优先处理。".

He saves it first with the reply still empty: the server refuses it and its reason stands beside
that action's text (nothing stored). He writes the reply and tries the rule on the shopper's first
chat: the ✓/✗ of each condition, the verdict and the reply rendered with her name are what
POST /api/v1/automation/rules/test answers for the same rule (target ✓, words ✗: it would not fire).
Saved, the rule is listed with its trigger and counts.

The shopper then complains in the widget: a moment later the conversation is urgent and tagged
投诉 (API), the widget shows the automatic reply with her name, the chat's thread in the workbench
shows the private note, and the firing log lists the run as done for that conversation.
Screenshots: automation-editor (the form with the try-out), automation-runs (the firing log).
"""

from __future__ import annotations

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from conftest import save_screenshot
from widget_fixtures import demo_server  # noqa: F401  (fixture)
from ui import css, fill, find, tap, visible, wait, wid
from workbench import shopper_writes, browser_api, conversation_of, get_json, js_errors, same, sign_in, thread, widget_message

SUPERVISOR_EMAIL, SUPERVISOR_BADGE = "li@demo.kefu.local", "2号 小李"
CUSTOMER_ID = "C1001"
RULE = "投诉自动升级"
WORDS = ["投诉", "质量太差"]
NOTE = "顾客在投诉，请优先处理"
REPLY = "{customer_name}您好，已为您转接售后专员优先处理。"
HELLO = "你好，这件T恤有XL码吗？"
COMPLAINT = "T恤洗了一次就缩水变形了，质量太差，我要投诉！"


def raw_keys(drv) -> list[str]:
    """Untranslated catalogue keys ("automation.something") shown as text on the page."""
    return drv.execute_script(r"""
      return Array.from(new Set(document.body.innerText.match(/\bautomation\.[a-zA-Z][\w.]*\b/g) || []));""") or []


def condition(drv, group: str, index: int):
    return find(drv, "automation-condition", f'[data-group="{group}"][data-index="{index}"]')


def action(drv, index: int):
    return find(drv, "automation-action", f'[data-index="{index}"]')


def pick(drv, row_of, name: str, value: str) -> None:
    """Chooses `value` in the select `name` of the row row_of() (found again: a change redraws the row)."""
    Select(row_of().find_element(By.CSS_SELECTOR, css(name))).select_by_value(value)
    wait(drv).until(lambda d: row_of().find_element(By.CSS_SELECTOR, css(name)).get_attribute("value") == value, f"{name} is not {value}")


def add_condition(drv, group: str, field: str, op: str) -> int:
    index = len(drv.find_elements(By.CSS_SELECTOR, css("automation-condition", f'[data-group="{group}"]')))
    tap(drv, "automation-condition-add", f'[data-group="{group}"]')
    pick(drv, lambda: condition(drv, group, index), "automation-condition-field", field)
    pick(drv, lambda: condition(drv, group, index), "automation-condition-op", op)
    return index


def add_action(drv, kind: str) -> int:
    index = len(drv.find_elements(By.CSS_SELECTOR, css("automation-action")))
    tap(drv, "automation-action-add")
    pick(drv, lambda: action(drv, index), "automation-action-type", kind)
    return index


def test_complaint_rule_tried_saved_and_fired(demo_server, make_driver):
    base = demo_server.url

    # -- the shopper's first chat: the past conversation to try the rule on.
    shopper = shopper_writes(make_driver, base, CUSTOMER_ID, HELLO)

    li = make_driver("zh-CN", 1400, 1000)
    sign_in(li, base, SUPERVISOR_EMAIL, SUPERVISOR_BADGE)
    api = browser_api(li, base)
    chat = conversation_of(api, HELLO)
    name = chat["contact"]["name"]
    assert name, chat
    # The demo brings example rules, all switched off: the demo shop behaves as before.
    demo_rules = get_json(api, "/api/v1/automation/rules")["items"]
    assert demo_rules and not any(r["enabled"] for r in demo_rules), demo_rules

    # -- the page: the demo's rules, switched off.
    assert find(li, "nav-automation").text == "自动化规则"
    tap(li, "nav-automation")
    for r in demo_rules:
        visible(li, "automation-rule-row", f'[data-rule-id="{r["id"]}"]')
    tap(li, "automation-rule-new")
    visible(li, "automation-form")
    fill(li, "automation-name", RULE)
    Select(find(li, "automation-trigger-event")).select_by_value("message.created")
    assert find(li, "automation-trigger-scope").get_attribute("data-scope") == "conversation"

    # ALL: the object is a conversation, and its text has one of the words.
    target = add_condition(li, "all", "target", "is")
    pick(li, lambda: condition(li, "all", target), "automation-condition-value", "conversation")
    words = add_condition(li, "all", "text", "contains_any")
    for word in WORDS:
        typed = condition(li, "all", words).find_element(By.CSS_SELECTOR, css("automation-condition-value"))
        typed.send_keys(word)
        typed.send_keys(Keys.ENTER)
    wait(li).until(lambda d: [c.get_attribute("data-value") for c in condition(d, "all", words).find_elements(
        By.CSS_SELECTOR, css("automation-chip"))] == WORDS, "the words are not chips")

    # The actions, the reply left empty for now.
    i = add_action(li, "set_priority")
    pick(li, lambda: action(li, i), "automation-action-value", "urgent")
    i = add_action(li, "add_tags")
    tags = action(li, i).find_element(By.CSS_SELECTOR, css("automation-action-tags"))
    tags.send_keys("投诉")
    tags.send_keys(Keys.ENTER)
    i = add_action(li, "note")
    action(li, i).find_element(By.CSS_SELECTOR, css("automation-action-text")).send_keys(NOTE)
    reply = add_action(li, "reply")

    # -- saved with an empty reply: refused beside that action's text, nothing stored.
    tap(li, "automation-save")
    wait(li).until(lambda d: action(d, reply).find_element(By.CSS_SELECTOR, css("automation-action-text")).get_attribute("aria-invalid") == "true",
                   "the empty reply is not marked")
    beside = action(li, reply).find_element(By.CSS_SELECTOR, f'.field-error[data-error-for="actions[{reply}]"]').text
    assert f"actions[{reply}].text" in beside, beside
    assert visible(li, "automation-form-error").text
    assert get_json(api, "/api/v1/automation/rules")["items"] == demo_rules

    # -- the reply written (a variable chip for the name), then tried on the shopper's first chat.
    area = action(li, reply).find_element(By.CSS_SELECTOR, css("automation-action-text"))
    area.click()
    action(li, reply).find_element(By.CSS_SELECTOR, css("automation-action-var", '[data-var="customer_name"]')).click()
    area.send_keys(REPLY.replace("{customer_name}", ""))
    assert area.get_attribute("value") == REPLY
    Select(find(li, "automation-test-type")).select_by_value("conversation")
    wait(li).until(lambda d: d.find_elements(By.CSS_SELECTOR, css("automation-test-conversation") + f' option[value="{chat["id"]}"]'),
                   "the shopper's chat is not among the recent ones")
    Select(find(li, "automation-test-conversation")).select_by_value(chat["id"])
    tap(li, "automation-test-run")
    result = visible(li, "automation-test-result")
    assert not li.find_elements(By.CSS_SELECTOR, css("automation-field-error"))

    body = {
        "name": RULE, "enabled": True, "trigger": {"kind": "event", "event": "message.created"},
        "conditions": {"all": [{"field": "target", "op": "is", "value": "conversation"},
                               {"field": "text", "op": "contains_any", "value": WORDS}], "any": []},
        "actions": [{"type": "set_priority", "value": "urgent"}, {"type": "add_tags", "tags": ["投诉"]},
                    {"type": "note", "text": NOTE}, {"type": "reply", "text": REPLY}],
    }
    answer = api.post(api.url("/api/v1/automation/rules/test"), timeout=20,
                      json={"rule": body, "targetType": "conversation", "targetId": chat["id"]})
    assert answer.status_code == 200, answer.text
    answer = answer.json()
    shown = [(c.get_attribute("data-group"), int(c.get_attribute("data-index")), c.get_attribute("data-passed") == "true",
              c.find_element(By.CSS_SELECTOR, css("automation-test-mark")).text)
             for c in result.find_elements(By.CSS_SELECTOR, css("automation-test-condition"))]
    assert [(g, i, p) for g, i, p, _ in shown] == [(c["group"], c["index"], c["passed"]) for c in answer["conditions"]], (shown, answer)
    assert [mark for *_, mark in shown] == ["✓" if c["passed"] else "✗" for c in answer["conditions"]], shown
    assert [p for _, _, p, _ in shown] == [True, False], shown  # a conversation, without the words
    assert result.get_attribute("data-matched") == str(answer["matched"]).lower() == "false"
    assert find(li, "automation-test-trigger").get_attribute("data-reason") == answer["trigger"]["reason"]
    actual = result.find_elements(By.CSS_SELECTOR, css("automation-test-condition"))[1].find_element(By.CSS_SELECTOR, css("automation-test-actual")).text
    assert HELLO in actual, actual
    details = [(a.get_attribute("data-type"), a.text) for a in result.find_elements(By.CSS_SELECTOR, css("automation-test-action"))]
    assert [t for t, _ in details] == [a["type"] for a in answer["actions"]] == ["set_priority", "add_tags", "note", "reply"], details
    assert f"{name}您好" in details[3][1] and NOTE in details[2][1], details
    assert not raw_keys(li), raw_keys(li)
    li.set_window_size(1400, 2000)  # the whole editor with the try-out
    li.execute_script("arguments[0].scrollIntoView({block: 'start'})", find(li, "automation-form"))
    li.execute_script("window.scrollBy(0, -60)")
    save_screenshot(li, "automation-editor")
    li.set_window_size(1400, 1000)

    # -- saved: listed with its trigger and counts.
    tap(li, "automation-save")
    wait(li).until(lambda d: not d.find_elements(By.CSS_SELECTOR, css("automation-form")), "the rule form stayed open")
    rules = get_json(api, "/api/v1/automation/rules")["items"]
    assert len(rules) == len(demo_rules) + 1, rules
    rule = rules[-1]
    assert {k: rule[k] for k in body} == body, rule
    row = css("automation-rule-row", f'[data-rule-id="{rule["id"]}"]')
    assert li.find_element(By.CSS_SELECTOR, row + " " + css("automation-rule-name")).text == RULE
    assert li.find_element(By.CSS_SELECTOR, row + " " + css("automation-rule-trigger")).text == "客户发来消息"
    assert li.find_element(By.CSS_SELECTOR, row + " " + css("automation-rule-counts")).text == "2 个条件 · 4 个动作"
    assert li.find_element(By.CSS_SELECTOR, row + " " + css("automation-rule-enabled")).is_selected()

    # -- the shopper complains: the rule runs a moment after her message.
    box = wid(shopper, "kefu-input")
    box.send_keys(COMPLAINT)
    box.send_keys(Keys.ENTER)
    widget_message(shopper, lambda m: m["text"] == COMPLAINT and m["seq"] > 0, "the complaint, acknowledged")
    deadline = time.monotonic() + 20
    while True:
        now = get_json(api, f"/api/v1/conversations/{chat['id']}")
        if (now["priority"] == "urgent" and "投诉" in now["tags"]) or time.monotonic() > deadline:
            break
        time.sleep(0.3)  # the rule runs after the message is stored: polling the server, not the page
    assert now["priority"] == "urgent" and "投诉" in now["tags"], now
    answered = REPLY.replace("{customer_name}", name)
    widget_message(shopper, lambda m: m["text"] == answered, "the automatic reply with her name")

    li.get(f"{base}/#/conversations/{chat['id']}")
    wait(li).until(lambda d: any(NOTE in m["text"] for m in thread(d)), f"the private note is not in the thread: {thread(li)}")

    # -- the firing log: the run, done, for that conversation.
    tap(li, "nav-automation")
    firings = wait(li).until(lambda d: d.find_elements(By.CSS_SELECTOR, row + " " + css("automation-rule-firings")), "the rule is not listed")[0]
    assert int(firings.get_attribute("data-count")) >= 1, firings.text
    tap(li, "automation-tab-runs")
    run_row = css("automation-run", f'[data-target-id="{chat["id"]}" i][data-rule-id="{rule["id"]}" i]')
    run = wait(li).until(lambda d: (d.find_elements(By.CSS_SELECTOR, run_row) or [None])[0]
                         if d.find_elements(By.CSS_SELECTOR, run_row + '[data-status="done"]') else False,
                         "the firing log does not list the run as done")
    runs = get_json(api, "/api/v1/automation/runs", ruleId=rule["id"], targetType="conversation", targetId=chat["id"])["items"]
    assert runs and runs[0]["status"] == "done" and same(runs[0]["targetId"], chat["id"]), runs
    assert [a.get_attribute("data-result") for a in run.find_elements(By.CSS_SELECTOR, css("automation-run-action"))] == \
        [a["result"] for a in runs[0]["actions"]] == ["ok"] * 4, runs[0]
    assert run.find_element(By.CSS_SELECTOR, css("automation-run-rule")).text == RULE
    assert run.find_element(By.CSS_SELECTOR, css("automation-run-status")).text == "已执行"
    assert run.find_element(By.CSS_SELECTOR, css("automation-run-link")).get_attribute("href").lower().endswith(f"#/conversations/{chat['id']}".lower())
    assert not raw_keys(li), raw_keys(li)
    save_screenshot(li, "automation-runs")
    for d in (li, shopper):
        assert js_errors(d) == [], js_errors(d)
    api.close()
