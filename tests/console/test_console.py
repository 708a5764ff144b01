"""The web console in a real browser (Chromium through chromedriver) against the real binary.

Run by tests/console/run.sh, which provides the binary, the browser and selenium. Each step
names what it proves; the first failure stops the run with a non-zero exit. Waiting is for a
condition in the page (WebDriverWait), never a fixed sleep, and no assertion is about time.

Environment: OPENLINES_BIN (the binary), CONSOLE_ARTIFACTS (where screenshots go),
CHROMIUM (browser binary), CHROMEDRIVER.
"""

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN_TOKEN = "console-test-admin-token-7f3a9c"
DEMO_WEBHOOK_CODE = "demo0123456789ab"
DEMO_ACCESS_TOKEN = "demo-access-token"
SCRIPT_TITLE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
SCRIPT_CHAT_ID = 77001
ARTIFACTS = os.environ.get("CONSOLE_ARTIFACTS", "console-artifacts")
WAIT_SECONDS = 20


def step(text):
    print(f"--- {text}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`openlines serve --demo` plus a fixture with a chat titled <script>."""

    def __init__(self, workdir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        fixture = os.path.join(workdir, "script-chat.jsonl")
        with open(fixture, "w", encoding="utf-8") as out:
            out.write(json.dumps({"type": "chat", "id": SCRIPT_CHAT_ID, "connector_id": "livechat",
                                  "title": SCRIPT_TITLE, "external_user_id": "x-1"}) + "\n")
            out.write(json.dumps({"type": "session", "id": 77002, "chat_id": SCRIPT_CHAT_ID,
                                  "status": 10, "operator_id": 2,
                                  "created_at": "2026-03-10T09:00:00Z",
                                  "modified_at": "2026-03-10T09:00:00Z",
                                  "crm": []}) + "\n")
        self.log = open(os.path.join(ARTIFACTS, "server.log"), "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [os.environ["OPENLINES_BIN"], "serve", "--demo", "--fixture", fixture,
             "--listen", f"127.0.0.1:{self.port}", "--admin-token", ADMIN_TOKEN,
             "--no-rate-limit"],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("the server did not start; see server.log")
                time.sleep(0.1)
        raise SystemExit("the server did not answer /healthz")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SystemExit("the server did not stop on SIGTERM with a live stream open")
        self.log.close()


def http(server, method, path, body=None, headers=None):
    """(status, headers, text) of one request, without following redirects."""
    request = urllib.request.Request(server.base + path, data=body, method=method, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def curl_call(server, method, params):
    """A call made with curl, as an integrator's app would: (HTTP status, JSON answer)."""
    output = subprocess.run(
        ["curl", "-sS", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
         "-d", json.dumps(params), f"{server.base}/rest/1/{DEMO_WEBHOOK_CODE}/{method}"],
        check=True, capture_output=True, text=True).stdout
    body, status = output.rsplit("\n", 1)
    return int(status), json.loads(body)


def check_server_side_refusals(server):
    step("without a session nothing of the console's data is reachable")
    status, _, text = http(server, "GET", "/_openlines/")
    assert status == 200 and 'name="token"' in text and "openlines_console" not in text, text[:200]
    for path in ["/_openlines/console/api/journal", "/_openlines/console/api/crm/deal/288",
                 "/_openlines/console/app.js", "/_openlines/console/api/faults"]:
        status, _, text = http(server, "GET", path)
        assert status == 401, (path, status, text)
        assert json.loads(text)["error"] == "INVALID_CREDENTIALS", text

    step("webhook codes and OAuth tokens never open the console")
    for secret in [DEMO_WEBHOOK_CODE, DEMO_ACCESS_TOKEN]:
        for headers in [{"Authorization": f"Bearer {secret}"}, {"Cookie": f"openlines_console={secret}"}]:
            status, _, _ = http(server, "GET", "/_openlines/console/api/journal", headers=headers)
            assert status == 401, (secret, headers, status)
        status, _, text = http(server, "POST", "/_openlines/login", body=f"token={secret}".encode(),
                               headers={"Origin": server.base,
                                        "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 401 and "That is not the admin token." in text, (secret, status)

    step("a sign-in form posted from another site is refused")
    status, headers, _ = http(server, "POST", "/_openlines/login", body=f"token={ADMIN_TOKEN}".encode(),
                              headers={"Origin": "http://evil.example",
                                       "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and headers.get("Set-Cookie") is None, status

    step("with a session, a change from another site or without the CSRF token is refused")
    status, headers, _ = http(server, "POST", "/_openlines/login", body=f"token={ADMIN_TOKEN}".encode(),
                              headers={"Origin": server.base,
                                       "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303, status
    cookie = headers["Set-Cookie"]
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/_openlines/"]:
        assert flag in cookie, cookie
    assert ADMIN_TOKEN not in cookie
    session = cookie.split(";")[0]
    _, _, text = http(server, "GET", "/_openlines/console/api/session", headers={"Cookie": session})
    csrf = json.loads(text)["csrf"]
    fault = json.dumps({"kind": "query_limit", "after_calls": 0}).encode()
    for headers in [
        {"Cookie": session, "Origin": "http://evil.example", "X-CSRF-Token": csrf},
        {"Cookie": session, "Origin": server.base},
        {"Cookie": session, "Origin": server.base, "X-CSRF-Token": "wrong"},
        {"Cookie": session, "X-CSRF-Token": csrf},
    ]:
        headers["Content-Type"] = "application/json"
        status, _, text = http(server, "POST", "/_openlines/console/api/faults", body=fault, headers=headers)
        assert status == 403 and json.loads(text)["error"] == "ACCESS_DENIED", (headers, status, text)
    _, _, text = http(server, "GET", "/_openlines/console/api/faults", headers={"Cookie": session})
    assert json.loads(text) == {"faults": []}, text


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000", "--force-prefers-reduced-motion"]:
        options.add_argument(argument)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    return driver


def shot(driver, name):
    path = os.path.join(ARTIFACTS, f"{name}.png")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(path)
    print(f"    screenshot {path}")


def wait(driver):
    return WebDriverWait(driver, WAIT_SECONDS)


def text_of(driver, css):
    return driver.find_element(By.CSS_SELECTOR, css).text


def go(driver, server, hash_route):
    driver.get(f"{server.base}/_openlines/#{hash_route}")


def no_secret_in(driver, secrets, where):
    source = driver.page_source
    for secret in secrets:
        assert secret not in source, f"{where} shows a secret"


def run(server):
    check_server_side_refusals(server)
    driver = browser()
    secrets = [ADMIN_TOKEN, DEMO_WEBHOOK_CODE, DEMO_ACCESS_TOKEN]
    try:
        step("the browser is refused without the token and signs in with it")
        driver.get(f"{server.base}/_openlines/")
        shot(driver, "signin")
        field = driver.find_element(By.ID, "token")
        field.send_keys(DEMO_WEBHOOK_CODE)
        field.submit()
        wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.error")))
        assert "That is not the admin token." in driver.page_source
        assert not driver.find_elements(By.ID, "calls-body")
        field = driver.find_element(By.ID, "token")
        field.send_keys(ADMIN_TOKEN)
        field.submit()
        wait(driver).until(EC.presence_of_element_located((By.ID, "calls-body")))
        cookie = driver.get_cookie("openlines_console")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
        wait(driver).until(lambda d: "on" in d.find_element(By.ID, "live-dot").get_attribute("class"))

        step("a call made with curl appears in the journal live, without a reload")
        driver.execute_script("window.__sameDocument = 'yes';")
        status, answer = curl_call(server, "imopenlines.crm.chat.get",
                                   {"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288, "ACTIVE_ONLY": "N"})
        assert status == 200 and answer["result"][0]["CHAT_ID"] == "9852", answer
        row = wait(driver).until(EC.presence_of_element_located(
            (By.XPATH, "//tbody[@id='calls-body']/tr[td[contains(@class,'method')]='imopenlines.crm.chat.get']")))
        assert driver.execute_script("return window.__sameDocument") == "yes", "the page was reloaded"
        assert "webhook 1 (user 1)" in row.text and "200" in row.text, row.text

        step("the filters narrow the journal")
        curl_call(server, "server.time", {})
        wait(driver).until(lambda d: "server.time" in text_of(d, "#calls-body"))
        driver.find_element(By.ID, "filter-method").send_keys("crm.chat")
        wait(driver).until(lambda d: "server.time" not in text_of(d, "#calls-body"))
        assert "imopenlines.crm.chat.get" in text_of(driver, "#calls-body")
        driver.find_element(By.ID, "filter-method").clear()
        driver.execute_script("document.getElementById('filter-method').dispatchEvent(new Event('input'))")

        step("opening the call shows the decoded parameters, the answer, the time block and curl")
        row = driver.find_element(
            By.XPATH, "//tbody[@id='calls-body']/tr[td[contains(@class,'method')]='imopenlines.crm.chat.get']")
        row.find_element(By.TAG_NAME, "button").send_keys("\n")  # keyboard, not a mouse click
        wait(driver).until(EC.presence_of_element_located((By.ID, "curl")))
        params = text_of(driver, "#call-params")
        assert "CRM_ENTITY_TYPE" in params and '"deal"' in params and "288" in params, params
        shown_answer = json.loads(text_of(driver, "#call-answer"))
        assert shown_answer["result"] == answer["result"], shown_answer
        assert "operating_reset_at" in text_of(driver, "#call-detail")
        curl = text_of(driver, "#curl")
        assert DEMO_WEBHOOK_CODE not in curl and "${OPENLINES_WEBHOOK_CODE}" in curl, curl
        driver.find_element(By.ID, "copy-curl").click()
        wait(driver).until(lambda d: "curl command" in text_of(d, "#status"))
        shot(driver, "journal")
        driver.set_window_size(390, 844)
        shot(driver, "journal-phone")
        driver.set_window_size(1400, 1000)
        step("the dark theme follows the system setting")
        light = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        dark = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert light == "rgb(255, 255, 255)" and dark == "rgb(15, 20, 25)", (light, dark)
        shot(driver, "journal-dark")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

        step("the copied curl command, run with the secret in its variable, repeats the call")
        copied = driver.execute_script("return document.getElementById('curl').textContent")
        repeated = subprocess.run(["bash", "-c", copied], check=True, capture_output=True, text=True,
                                  env={**os.environ, "OPENLINES_WEBHOOK_CODE": DEMO_WEBHOOK_CODE}).stdout
        assert json.loads(repeated)["result"] == answer["result"], repeated

        step("PHP brackets in a form post are shown as the tree a portal builds")
        subprocess.run(["curl", "-sS", "-o", "/dev/null", "-d", "FIELDS[TITLE]=Acme&FIELDS[PHONE][0][VALUE]=555",
                        f"{server.base}/rest/1/{DEMO_WEBHOOK_CODE}/profile"], check=True)
        row = wait(driver).until(EC.presence_of_element_located(
            (By.XPATH, "//tbody[@id='calls-body']/tr[td[contains(@class,'method')]='profile']")))
        row.find_element(By.TAG_NAME, "button").click()
        wait(driver).until(lambda d: "Call #" in text_of(d, "#call-detail") and "profile" in text_of(d, "#call-detail"))
        params = text_of(driver, "#call-params")
        for key in ["FIELDS", "TITLE", "PHONE", "VALUE", '"555"']:
            assert key in params, params
        assert driver.execute_script("return document.querySelectorAll('#call-params ul ul ul ul').length") == 1

        step("deal 288 shows its chat 9852, as imopenlines.crm.chat.get answers both ways")
        go(driver, server, "crm/deal/288")
        wait(driver).until(EC.presence_of_element_located((By.ID, "chats-all")))
        assert "9852" in text_of(driver, "#chats-all") and "Live Chat" in text_of(driver, "#chats-all")
        assert "9852" in text_of(driver, "#chats-active")
        assert text_of(driver, "#crm-title") == "Website redesign"
        shot(driver, "deal-288")
        driver.find_element(By.LINK_TEXT, "9852").click()
        wait(driver).until(EC.presence_of_element_located((By.ID, "chat-title")))
        assert "in work" in text_of(driver, "#page") and "501" in text_of(driver, "#page")
        shot(driver, "chat-9852")

        step("a chat titled <script> is shown as text, and runs nothing")
        go(driver, server, f"chats/{SCRIPT_CHAT_ID}")
        wait(driver).until(EC.presence_of_element_located((By.ID, "chat-title")))
        assert text_of(driver, "#chat-title") == SCRIPT_TITLE, text_of(driver, "#chat-title")
        assert driver.execute_script("return document.querySelectorAll('#page script, #page img').length") == 0
        assert "pwned" not in driver.title
        go(driver, server, "chats")
        wait(driver).until(EC.presence_of_element_located((By.LINK_TEXT, str(SCRIPT_CHAT_ID))))
        assert driver.execute_script("return document.querySelectorAll('#page script, #page img').length") == 0
        assert "pwned" not in driver.title
        shot(driver, "chats")

        step("the users page lists users with rights and departments")
        go(driver, server, "users")
        wait(driver).until(lambda d: "Anna Admin" in text_of(d, "#page"))
        assert "Sales" in text_of(driver, "#page")
        shot(driver, "users")

        step("a fault switched on refuses the next call; switched off, calls pass again")
        go(driver, server, "steering")
        wait(driver).until(EC.presence_of_element_located((By.ID, "no-faults")))
        Select(driver.find_element(By.ID, "fault-kind")).select_by_value("query_limit")
        wait(driver).until(lambda d: len(Select(d.find_element(By.ID, "fault-scope")).options) > 1)
        driver.find_element(By.ID, "fault-add").click()
        wait(driver).until(lambda d: "Rate limit" in text_of(d, "#fault-list"))
        shot(driver, "faults")
        status, refused = curl_call(server, "server.time", {})
        assert status == 503 and refused["error"] == "QUERY_LIMIT_EXCEEDED", (status, refused)
        driver.find_element(By.ID, "faults-clear").click()
        wait(driver).until(EC.presence_of_element_located((By.ID, "no-faults")))
        status, _ = curl_call(server, "server.time", {})
        assert status == 200, status

        step("a fault for one webhook only refuses that webhook")
        select = Select(driver.find_element(By.ID, "fault-scope"))
        select.select_by_visible_text("webhook 1 (user 1)")
        driver.find_element(By.ID, "fault-add").click()
        wait(driver).until(lambda d: "webhook 1 (user 1)" in text_of(d, "#fault-list"))
        status, _ = curl_call(server, "server.time", {})
        assert status == 503, status
        status, _, _ = http(server, "GET", "/rest/server.time", headers={"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"})
        assert status == 200, status
        driver.find_element(By.ID, "faults-clear").click()
        wait(driver).until(EC.presence_of_element_located((By.ID, "no-faults")))

        step("reset brings deleted data back")
        status, deleted = curl_call(server, "crm.deal.delete", {"id": 288})
        assert status == 200 and deleted["result"] is True, deleted
        go(driver, server, "crm/deal/288")
        wait(driver).until(lambda d: "no such record" in text_of(d, "#crm-result"))
        go(driver, server, "steering")
        wait(driver).until(EC.element_to_be_clickable((By.ID, "reset"))).click()
        wait(driver).until(lambda d: "reset to the start state" in text_of(d, "#status"))
        go(driver, server, "crm/deal/288")
        wait(driver).until(EC.presence_of_element_located((By.ID, "crm-title")))
        assert "9852" in text_of(driver, "#chats-all")

        step("a webhook added in the console shows its URL once, and works")
        go(driver, server, "credentials")
        wait(driver).until(lambda d: "Webhooks" in text_of(d, "#page") and "Live Chat" in text_of(d, "#page"))
        driver.find_element(By.ID, "hook-add").click()
        url = wait(driver).until(EC.presence_of_element_located((By.ID, "hook-url"))).text
        assert re.fullmatch(re.escape(server.base) + r"/rest/1/[a-z0-9]+/", url), url
        new_code = url.rstrip("/").rsplit("/", 1)[1]
        status, _, text = http(server, "GET", f"/rest/1/{new_code}/server.time")
        assert status == 200, (status, text)
        shot(driver, "credentials")
        secrets.append(new_code)
        go(driver, server, "calls")
        go(driver, server, "credentials")
        wait(driver).until(lambda d: "Webhooks" in text_of(d, "#page") and "Live Chat" in text_of(d, "#page"))
        no_secret_in(driver, secrets, "the credentials page after a reload")

        step("expiring a token in the console makes its next call answer 401 expired_token")
        fingerprint = hashlib.sha256(DEMO_ACCESS_TOKEN.encode()).hexdigest()[:12]
        status, _, _ = http(server, "GET", "/rest/server.time", headers={"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"})
        assert status == 200, status
        driver.find_element(By.CSS_SELECTOR, f"button[data-token='{fingerprint}']").click()
        wait(driver).until(lambda d: "expired" in text_of(d, "#status"))
        status, _, text = http(server, "GET", "/rest/server.time", headers={"Authorization": f"Bearer {DEMO_ACCESS_TOKEN}"})
        assert status == 401 and json.loads(text)["error"] == "expired_token", (status, text)

        step("no page shows a secret")
        for page in ["calls", "crm/deal/288", "chats", "users", "steering", "credentials"]:
            go(driver, server, page)
            wait(driver).until(lambda d: text_of(d, "#page").strip() != "")
            no_secret_in(driver, secrets, page)

        step("signing out ends the session")
        go(driver, server, "calls")
        wait(driver).until(EC.presence_of_element_located((By.ID, "calls-body")))
        driver.find_element(By.CSS_SELECTOR, "#signout button").click()
        wait(driver).until(EC.presence_of_element_located((By.ID, "token")))
        status = driver.execute_script(
            "return fetch('/_openlines/console/api/journal').then((r) => r.status)")
        assert status == 401, status
    finally:
        driver.quit()


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        server = Server(workdir)
        try:
            run(server)
        finally:
            step("the server stops gracefully")
            server.stop()
    print("console browser tests: all steps passed")


if __name__ == "__main__":
    sys.exit(main())
