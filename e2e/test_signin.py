"""Sign-in errors: wrong credentials, then the rate limit with its retry hint."""

from __future__ import annotations

from test_workbench import fill, sign_in, visible, wait, wait_lang, tid, js_errors

from conftest import save_screenshot

# An address nobody owns, so locking it out does not disturb the other tests.
LOCKED_EMAIL = "nobody@example.com"


def test_wrong_password_then_rate_limited(kefu_server, make_driver):
    drv = make_driver("zh-CN")
    drv.get(kefu_server + "/")
    visible(drv, "signin-page")
    wait_lang(drv, "zh-CN")

    # Empty form: checked in the browser, no request.
    visible(drv, "signin-submit").click()
    box = visible(drv, "signin-email")
    wait(drv).until(lambda d: "is-invalid" in box.get_attribute("class"))

    sign_in(drv, LOCKED_EMAIL, "wrong-password-1")
    wait(drv).until(lambda d: "邮箱或密码不正确" in d.find_element(*tid("form-error")).text)

    # The per-account limit is 5 attempts; the server then answers 429 with Retry-After.
    def limited(d):
        text = d.find_element(*tid("form-error")).text
        if "尝试次数过多" in text:
            return text
        fill(d.find_element(*tid("signin-password")), "wrong-password-x")
        d.find_element(*tid("signin-submit")).click()
        return False

    text = wait(drv, 30).until(limited)
    assert "分钟后再试" in text or "秒后再试" in text, text
    save_screenshot(drv, "signin-rate-limited")
    assert js_errors(drv) == []
