"""The pages in a real headless Chromium (Debian's chromium and chromedriver, driven by
Selenium; nothing downloaded): they load without console errors, search narrows the list as
one types, links lead where they say, sign-in works with a key and a strict cookie, what a
page shows is escaped, forms need their CSRF token, and a phone's width needs no sideways
scroll. Each page's screenshot is saved under the test's temporary folder."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import codedb

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver (make tools installs them)"
)
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def backend() -> str:
    """The pages read through the same domain calls as the JSON routes, which are tested on
    both backends: the browser tests run on SQLite."""
    return "sqlite"


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The module's browser, its console log emptied for this test."""
    chromium.get_log("browser")
    chromium.delete_all_cookies()
    return chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    import os

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not look for a driver online
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_window_size(1280, 900)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def fill(db: codedb.Database) -> dict[str, str]:
    fib = db.functions.add(
        "fib",
        "Fibonacci numbers",
        "def fib(n):\n    # the nth\n    return n if n < 2 else fib(n - 1)\n",
        ["math"],
        ["recursion"],
    )
    add = db.functions.add(
        "add_numbers", "adds two numbers", "def add_numbers(a, b):\n    return a + b\n", ["math"]
    )
    db.functions.add(HOSTILE, "<script>alert(2)</script>", "x = '</pre><script>alert(3)</script>'")
    db.dependencies.add(fib.function_id, add.function_id)
    test = db.tests.add(fib.function_id, "test_fib", "fib(10) is 55")
    db.tests.record_result(test.test_id, "passed")
    db.functions.modify(fib.function_id, "ann", "faster", "def fib(n):\n    return n\n")
    shop = db.projects.create("shop", "a book shop", cost_estimate=1.0)
    db.projects.move(shop.project_id, "start")
    db.generated_files.save(shop.project_id, "src/app.py", "print('<b>hi</b>')\n")
    db.projects.report(shop.project_id, actual_cost=5.0)
    db.projects.create("blog", "a blog")
    db.usage.record("openai", "gpt-4", project_id=shop.project_id, tokens_in=100, tokens_out=50, cost=0.5)
    db.usage.record("anthropic", "claude", tokens_in=10, tokens_out=5, cost=0.25)
    db.templates.publish("flask-app", "app = Flask(__name__)", description="a web app", tags=["web"])
    for ms in (10.0, 20.0, 30.0):
        db.metrics.record("generate", ms)
    return {"fib": fib.function_id, "add": add.function_id, "shop": shop.project_id}


def visit(browser: Any, url: str, shots: Path, name: str) -> None:
    browser.get(url)
    browser.save_screenshot(str(shots / f"{name}.png"))
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], (url, severe)


def wait_for(browser: Any, condition: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda _: condition())


def test_every_page_loads_links_and_search_narrows(
    browser: Any, web: Any, local: codedb.Database, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    ids = fill(local)
    visit(browser, f"{web.url}/", tmp_path, "overview")
    assert "functions" in browser.find_element(By.CSS_SELECTOR, ".cards").text
    browser.find_element(By.LINK_TEXT, "Functions").click()
    wait_for(browser, lambda: browser.current_url.endswith("/functions"))
    visit(browser, f"{web.url}/functions", tmp_path, "functions")
    rows = lambda: [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#function-rows td:first-child a")]  # noqa: E731
    assert sorted(rows()) == sorted(["fib", "add_numbers", HOSTILE])
    box = browser.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys("fibonacci")
    wait_for(browser, lambda: rows() == ["fib"])  # the list narrows as one types
    assert "q=fibonacci" in browser.current_url
    browser.find_element(By.LINK_TEXT, "fib").click()
    wait_for(browser, lambda: "/functions/" in browser.current_url)
    browser.save_screenshot(str(tmp_path / "function.png"))
    assert browser.find_elements(By.CSS_SELECTOR, "pre.code .kw")  # highlighted
    assert (
        "test_fib" in browser.page_source
        and "passed" in browser.page_source
        and "faster" in browser.page_source
    )
    browser.find_element(By.LINK_TEXT, "add_numbers").click()  # a dependency's link
    wait_for(browser, lambda: ids["add"] in browser.current_url)
    assert "fib" in browser.find_element(By.TAG_NAME, "main").text  # used by fib
    visit(browser, f"{web.url}/projects?status=in_progress", tmp_path, "projects")
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.rows td:first-child a")]
    assert names == ["shop"]
    browser.find_element(By.LINK_TEXT, "shop").click()
    wait_for(browser, lambda: ids["shop"] in browser.current_url)
    browser.save_screenshot(str(tmp_path / "project.png"))
    assert "start" in browser.find_element(By.CSS_SELECTOR, ".timeline").text
    browser.find_element(By.LINK_TEXT, "src/app.py").click()
    wait_for(browser, lambda: browser.current_url.endswith("/files/src/app.py"))
    assert "print('<b>hi</b>')" in browser.find_element(By.CSS_SELECTOR, "pre.code").text
    for name in ("costs", "templates", "metrics", "docs"):
        visit(browser, f"{web.url}/{name}", tmp_path, name)
    browser.get(f"{web.url}/costs")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect")
    visit(browser, f"{web.url}/metrics", tmp_path, "metrics")
    assert "generate" in browser.find_element(By.TAG_NAME, "table").text
    assert len(list(tmp_path.glob("*.png"))) >= 8


def test_what_pages_show_is_escaped(browser: Any, web: Any, local: codedb.Database, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    fill(local)
    hostile = next(f for f in local.functions.list() if f.name == HOSTILE)
    visit(browser, f"{web.url}/functions/{hostile.function_id}", tmp_path, "hostile")
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE
    assert "</pre><script>alert(3)</script>" in browser.find_element(By.CSS_SELECTOR, "pre.code").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - raises when no script ran
    raw = web.client.get(f"/functions/{hostile.function_id}").text
    assert HOSTILE not in raw and "&lt;img src=x onerror=alert(1)&gt;" in raw
    assert "default-src 'self'" in web.client.get("/functions").headers["content-security-policy"]


def test_alerts_are_dismissed_with_the_form_only(
    browser: Any, web: Any, local: codedb.Database, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    fill(local)
    forged = web.client.post("/costs/dismiss", data={"alert_id": "budget_exceeded-x", "csrf": "guess"})
    assert forged.status_code == 403
    assert local.usage.alerts() and local.usage.alerts() == local.usage.alerts(dismissed=True)
    visit(browser, f"{web.url}/costs", tmp_path, "costs-before")
    count = len(browser.find_elements(By.CSS_SELECTOR, ".alerts form"))
    browser.find_element(By.CSS_SELECTOR, ".alerts form button").click()
    wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, ".alerts form")) == count - 1)
    assert len(local.usage.alerts()) == count - 1


def test_sign_in_with_a_key_and_a_strict_cookie(
    serve: Any, browser: Any, local: codedb.Database, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    fill(local)
    ann = local.users.add("ann", "ann@example.com")
    key = local.users.new_key(ann.user_id)
    web = serve()
    browser.delete_all_cookies()
    visit(browser, f"{web.url}/projects", tmp_path, "login")
    assert "/login" in browser.current_url
    field = browser.find_element(By.NAME, "key")
    field.send_keys("cdb_wrong.key")
    field.submit()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, ".error"))
    assert "cdb_wrong" not in browser.find_element(By.CSS_SELECTOR, ".error").text
    field = browser.find_element(By.NAME, "key")
    field.send_keys(key)
    field.submit()
    wait_for(browser, lambda: browser.current_url.endswith("/projects"))
    assert "ann" in browser.find_element(By.CSS_SELECTOR, "header").text
    cookie = browser.get_cookie("codedb_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and key not in cookie["value"]
    web.client.cookies.set("codedb_session", cookie["value"] + "0")
    assert web.client.get("/projects").status_code == 303  # a forged cookie
    web.client.cookies.clear()
    local.users.new_key(ann.user_id)  # a new key ends the sessions of the old one
    browser.get(f"{web.url}/projects")
    assert "/login" in browser.current_url
    login = web.client.get("/login")
    assert (
        login.status_code == 200 and web.client.post("/login", data={"key": key}).status_code == 403
    )  # no token


def test_a_phone_width_needs_no_sideways_scroll(
    browser: Any, web: Any, local: codedb.Database, tmp_path: Path
) -> None:
    ids = fill(local)
    browser.set_window_size(390, 844)
    try:
        for path in (
            "/functions",
            f"/functions/{ids['fib']}",
            "/projects",
            f"/projects/{ids['shop']}",
            "/costs",
        ):
            visit(browser, f"{web.url}{path}", tmp_path, "phone" + path.replace("/", "-"))
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, path
    finally:
        browser.set_window_size(1280, 900)
