"""Selenium helpers shared by the browser tests: waiting, data-testid selectors, and the
widget's shadow root (the widget renders inside `<kefu-widget>`)."""

from __future__ import annotations

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20


def wait(drv, timeout: float = WAIT) -> WebDriverWait:
    return WebDriverWait(drv, timeout, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def css(name: str, extra: str = "") -> str:
    return f'[data-testid="{name}"]{extra}'


def find(drv, name: str, extra: str = ""):
    return wait(drv).until(lambda d: d.find_element(By.CSS_SELECTOR, css(name, extra)), f"no {name}{extra}")


def visible(drv, name: str, extra: str = ""):
    def shown(d):
        el = d.find_element(By.CSS_SELECTOR, css(name, extra))
        return el if el.is_displayed() else False
    return wait(drv).until(shown, f"{name}{extra} is not visible")


def is_shown(drv, name: str, extra: str = "") -> bool:
    try:
        return drv.find_element(By.CSS_SELECTOR, css(name, extra)).is_displayed()
    except (NoSuchElementException, StaleElementReferenceException):
        return False


def shadow(drv):
    return wait(drv).until(lambda d: d.find_element(By.CSS_SELECTOR, "kefu-widget").shadow_root,
                           "the widget's shadow root never appeared")


def wid(drv, name: str):
    return shadow(drv).find_element(By.CSS_SELECTOR, css(name))


def wid_shown(drv, name: str) -> bool:
    try:
        return wid(drv, name).is_displayed()
    except (NoSuchElementException, StaleElementReferenceException):
        return False


def press(drv, element) -> None:
    """Clicks ``element`` after centring it (sticky bars and side columns can cover what is near them)."""
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    wait(drv).until(lambda d: element.is_displayed() and element.is_enabled(), "not clickable")
    element.click()


def tap(drv, name: str, extra: str = "") -> None:
    """Clicks the visible element with data-testid ``name`` (plus an ``extra`` selector), finding it
    again if the page redrew it between finding and clicking (a live update can replace a tab bar)."""
    def clicked(d):
        el = d.find_element(By.CSS_SELECTOR, css(name, extra))
        if not (el.is_displayed() and el.is_enabled()):
            return False
        d.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)
        el.click()
        return True
    wait(drv).until(clicked, f"could not click {name}{extra}")


def fill(drv, name: str, text: str) -> None:
    """Replaces the value of the visible input or textarea with data-testid ``name``."""
    box = visible(drv, name)
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.clear()
    box.send_keys(text)


def set_value(drv, element, value: str) -> None:
    """Sets an <input type=time|date|number> the way a picker does (typing depends on the browser's locale)."""
    drv.execute_script("""
      const el = arguments[0];
      el.value = arguments[1];
      el.dispatchEvent(new Event('input', {bubbles: true}));
      el.dispatchEvent(new Event('change', {bubbles: true}));
    """, element, value)
