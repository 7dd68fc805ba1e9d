#!/usr/bin/env python3
"""bizadmin in a real headless Chromium, driven through Selenium: is refused a wrong password,
signs in, sorts, pages, searches, edits (and sees bizcached answer the new name at once),
deletes, signs out and signs in again read-only. Every step is checked and leaves a
screenshot NN-step-name.png.

Exits 0 when every check passed, 1 with the failed check's message otherwise.

    admin_walkthrough.py --url http://127.0.0.1:8080 --admin ROLE --viewer ROLE \
        --password PW --screenshots DIR --bizctl /path/to/bizctl --socket /path/to/bizcached.sock \
        --edit-phone +15550100042 --delete-phone +15550100007
"""

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import time
import traceback
from urllib.parse import parse_qs, urlparse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 10
WINDOW_WIDTH, WINDOW_HEIGHT = 1280, 1024
TWILIO_COLUMN = 2  # Name, Public phone, Twilio phone, ...


class CheckFailed(Exception):
    """A step's check did not hold; the message says what was expected and what was seen."""


def check(condition, message):
    """Raises CheckFailed with `message` unless `condition`."""
    if not condition:
        raise CheckFailed(message)


def typed_us_phone(e164):
    """+15550100042 as a person types it: (555) 010-0042."""
    digits = e164.removeprefix("+1")
    check(len(digits) == 10 and digits.isdigit(), f"not a US number in E.164: {e164}")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


class Walkthrough:
    """One browser session over bizadmin; each step_ method is one checked step."""

    def __init__(self, arguments, driver):
        self.arguments = arguments
        self.driver = driver
        self.screenshot_number = 0
        # The name of the business the phone search found, which the edit step renames.
        self.found_name = None

    # MARK: Helpers

    def wait(self, condition, what, seconds=WAIT_SECONDS):
        """Waits for `condition`; on timeout fails saying `what` was awaited and where.
        Errors while the condition is tried are tried again: while a page is replaced,
        Chromium may answer about the old one's elements with an inspector error rather
        than "stale element"."""
        try:
            return WebDriverWait(self.driver, seconds, ignored_exceptions=(WebDriverException,)).until(condition)
        except TimeoutException:
            raise CheckFailed(f"timed out after {seconds} s waiting for {what} (at {self.driver.current_url})")

    def open(self, path):
        self.driver.get(self.arguments.url.rstrip("/") + path)

    def screenshot(self, name):
        """Saves the whole page as NN-name.png in the screenshot folder: the window grows to
        the page's height for the picture (so that the pager below a long table shows), then
        goes back to its size."""
        self.screenshot_number += 1
        path = os.path.join(self.arguments.screenshots, f"{self.screenshot_number:02d}-{name}.png")
        page, viewport = self.driver.execute_script(
            "return [document.documentElement.scrollHeight, window.innerHeight]")
        if page > viewport:
            self.driver.set_window_size(WINDOW_WIDTH, WINDOW_HEIGHT + page - viewport)
        try:
            check(self.driver.save_screenshot(path), f"could not save {path}")
        finally:
            self.driver.set_window_size(WINDOW_WIDTH, WINDOW_HEIGHT)
        print(f"screenshot {path}", flush=True)

    def wait_for_heading(self, text):
        self.wait(conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), text), f"the heading '{text}'")

    def banner(self):
        return self.driver.find_element(By.TAG_NAME, "header").text

    def notice(self):
        """The text of the list's notice of what a form just did, or None."""
        notices = self.driver.find_elements(By.CSS_SELECTOR, "main p.notice[role=status]")
        return notices[0].text if notices else None

    def query(self):
        """The current URL's query parameters, one value each."""
        return {name: values[0] for name, values in parse_qs(urlparse(self.driver.current_url).query).items()}

    def rows(self):
        """The table's body rows as lists of cell texts."""
        return [
            [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in self.driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
        ]

    def page_text(self):
        """The pager's "Page X of Y"."""
        for span in self.driver.find_elements(By.CSS_SELECTOR, "nav.pages span"):
            if span.text.startswith("Page "):
                return span.text
        raise CheckFailed("no 'Page X of Y' in the pager")

    def total_businesses(self):
        """The pager's "N businesses"."""
        for span in self.driver.find_elements(By.CSS_SELECTOR, "nav.pages span"):
            if span.text.endswith(" businesses"):
                return int(span.text.split()[0])
        raise CheckFailed("no 'N businesses' in the pager")

    def twilio_header(self):
        return self.driver.find_element(By.XPATH, "//thead//th[a[starts-with(normalize-space(.), 'Twilio phone')]]")

    def click_and_wait_for_new_page(self, element, what):
        """Clicks `element` and waits until the browser has left the current page and loaded the next."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait_for_new_page(old, what)

    def wait_for_new_page(self, old, what):
        """Waits until `old` (the previous page's root element) is gone and the new page has loaded."""
        self.wait(conditions.staleness_of(old), f"a new page after {what}")
        self.wait(lambda driver: driver.execute_script("return document.readyState") == "complete",
                  f"the page after {what} to load")

    def search(self, text):
        """Types `text` into the search box and submits it."""
        box = self.driver.find_element(By.CSS_SELECTOR, "form[role=search] input[name=q]")
        box.clear()
        box.send_keys(text)
        self.click_and_wait_for_new_page(
            self.driver.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"), f"searching '{text}'")
        check(self.query().get("q") == text, f"the URL should carry q={text!r}: {self.driver.current_url}")

    def row_with_public_phone(self, phone):
        rows = [row for row in self.rows() if len(row) > 1 and row[1] == phone]
        check(len(rows) == 1, f"expected one row with public phone {phone}, saw: {self.rows()}")
        return rows[0]

    def table_row_element(self, phone):
        return self.driver.find_element(By.XPATH, f"//tbody/tr[td[2][normalize-space(.)='{phone}']]")

    def lookup(self, phone):
        """`bizctl lookup phone` against the running bizcached: (exit status, output)."""
        result = subprocess.run(
            [self.arguments.bizctl, "--socket", self.arguments.socket, "lookup", phone],
            capture_output=True, text=True, timeout=30)
        return result.returncode, (result.stdout + result.stderr).strip()

    def looked_up_name(self, phone):
        status, output = self.lookup(phone)
        check(status == 0, f"bizctl lookup {phone} exited {status}: {output}")
        try:
            return json.loads(output)["name"]
        except (ValueError, KeyError) as error:
            raise CheckFailed(f"bizctl lookup {phone} printed no business JSON ({error}): {output}")

    def submit_sign_in(self, role, password):
        """Fills in and submits the sign-in form; the page that answers is loaded on return."""
        self.open("/login")
        self.wait_for_heading("Sign in")
        self.driver.find_element(By.ID, "role").send_keys(role)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.click_and_wait_for_new_page(
            self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), "signing in")

    def sign_in(self, role, can_write):
        """Signs in as `role`; checks the banner names the role and its access."""
        self.submit_sign_in(role, self.arguments.password)
        self.wait_for_heading("Businesses")
        access = "can edit" if can_write else "read only"
        check(f"Signed in as {role} ({access})" in self.banner(),
              f"the banner should say 'Signed in as {role} ({access})': {self.banner()!r}")

    # MARK: Steps

    def step_wrong_password_is_refused(self):
        self.submit_sign_in(self.arguments.admin, "not-" + self.arguments.password)
        self.wait_for_heading("Sign in")
        notice = self.driver.find_elements(By.CSS_SELECTOR, "p.notice")
        check(notice and "Sign-in failed" in notice[0].text,
              f"a wrong password should be refused with 'Sign-in failed', saw: {[n.text for n in notice]}")
        check("Signed in as" not in self.banner(), "a wrong password must not sign in")
        self.screenshot("wrong-password-refused")

    def step_sign_in_as_admin(self):
        self.sign_in(self.arguments.admin, can_write=True)
        check(urlparse(self.driver.current_url).path == "/", f"signing in should lead to the list: {self.driver.current_url}")
        check(len(self.rows()) > 0, "the list shows no businesses after signing in")
        self.screenshot("signed-in-as-admin")

    def step_sort_by_twilio_phone_descending(self):
        for direction, arrow, name in (("asc", "▲", "ascending"), ("desc", "▼", "descending")):
            link = self.twilio_header().find_element(By.TAG_NAME, "a")
            self.click_and_wait_for_new_page(link, f"clicking the Twilio phone header ({name})")
            query = self.query()
            check(query.get("sort") == "twilio_phone" and query.get("dir") == direction,
                  f"the URL should sort by twilio_phone {direction}: {self.driver.current_url}")
            header = self.twilio_header()
            check(header.text.strip() == f"Twilio phone {arrow}", f"the header should read 'Twilio phone {arrow}': {header.text!r}")
            check(header.get_attribute("aria-sort") == name, f"aria-sort should be {name}: {header.get_attribute('aria-sort')!r}")
            phones = [row[TWILIO_COLUMN] for row in self.rows()]
            check(len(phones) > 1, f"too few rows to see an order: {phones}")
            expected = sorted(phones, reverse=direction == "desc")
            check(phones == expected, f"Twilio phones should be {name}: {phones}")
            self.screenshot(f"sorted-by-twilio-phone-{name}")

    def step_page_size_20_and_page_3(self):
        old = self.driver.find_element(By.TAG_NAME, "html")
        form = self.driver.find_element(By.XPATH, "//form[.//select[@name='size']]")
        Select(form.find_element(By.CSS_SELECTOR, "select[name=size]")).select_by_value("20")
        # A script may submit the form on change. Without one, or when 20 was already
        # chosen (so nothing changed), no new page comes within 2 s: the form's button (or,
        # if a script hid it, the form itself) is submitted instead.
        try:
            WebDriverWait(self.driver, 2, ignored_exceptions=(WebDriverException,)).until(conditions.staleness_of(old))
            self.wait_for_new_page(old, "choosing 20 rows per page")
        except TimeoutException:
            button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
            if button.is_displayed():
                self.click_and_wait_for_new_page(button, "choosing 20 rows per page")
            else:
                form.submit()
                self.wait_for_new_page(old, "submitting the page size")
        query = self.query()
        check(query.get("size") == "20", f"the URL should carry size=20: {self.driver.current_url}")
        check(query.get("sort") == "twilio_phone" and query.get("dir") == "desc",
              f"choosing a page size should keep the sort: {self.driver.current_url}")
        check(Select(self.driver.find_element(By.CSS_SELECTOR, "select[name=size]")).first_selected_option.text == "20",
              "the page size box should show 20")
        total = self.total_businesses()
        pages = math.ceil(total / 20)
        check(pages >= 3, f"{total} businesses make no page 3 of 20 rows")
        for page in (2, 3):
            self.click_and_wait_for_new_page(
                self.driver.find_element(By.PARTIAL_LINK_TEXT, "Next"), f"clicking Next towards page {page}")
            check(self.page_text() == f"Page {page} of {pages}",
                  f"the pager should read 'Page {page} of {pages}': {self.page_text()!r}")
        rows = self.rows()
        check(len(rows) == 20, f"page 3 should show exactly 20 rows, shows {len(rows)}")
        phones = [row[TWILIO_COLUMN] for row in rows]
        check(phones == sorted(phones, reverse=True), f"page 3 should keep the descending order: {phones}")
        check(self.query().get("page") == "3", f"the URL should carry page=3: {self.driver.current_url}")
        self.screenshot("page-3-of-20-rows")

    def step_search_typed_phone(self):
        typed = typed_us_phone(self.arguments.edit_phone)
        self.search(typed)
        rows = self.rows()
        check(len(rows) == 1, f"searching {typed!r} should find one business, found {len(rows)}: {rows}")
        check(rows[0][1] == self.arguments.edit_phone,
              f"searching {typed!r} should find {self.arguments.edit_phone}, found {rows[0]}")
        check(self.page_text() == "Page 1 of 1", f"one result is one page: {self.page_text()!r}")
        self.found_name = rows[0][0]
        self.screenshot("search-typed-phone")

    def step_edit_name(self):
        """Renames the business the search found."""
        phone = self.arguments.edit_phone
        old_name = self.found_name
        # Warm bizcached's cache with the old name, so that the new one must come from invalidation.
        cached = self.looked_up_name(phone)
        check(cached == old_name, f"bizcached should answer {old_name!r} for {phone} before the edit, answered {cached!r}")
        new_name = f"{old_name} (renamed in the browser)"
        self.click_and_wait_for_new_page(
            self.table_row_element(phone).find_element(By.LINK_TEXT, "Edit"), "clicking Edit")
        self.wait_for_heading("Edit business")
        field = self.driver.find_element(By.ID, "name")
        check(field.get_attribute("value") == old_name, f"the form should hold {old_name!r}: {field.get_attribute('value')!r}")
        field.clear()
        field.send_keys(new_name)
        self.screenshot("edit-form")
        self.click_and_wait_for_new_page(
            self.driver.find_element(By.XPATH, "//main//button[normalize-space(.)='Save']"), "saving")
        self.wait_for_heading("Businesses")
        # Right after the save: bizcached must already answer the new name.
        cached = self.looked_up_name(phone)
        check(cached == new_name, f"bizcached should answer {new_name!r} for {phone} right after the save, answered {cached!r}")
        # Back on the list view the edit started from (the search), saying so.
        check(self.notice() == "Changes saved.", f"the list should say the change was saved: {self.notice()!r}")
        check(self.query().get("q") == typed_us_phone(phone), f"saving should return to the search: {self.driver.current_url}")
        row = self.row_with_public_phone(phone)
        check(row[0] == new_name, f"the table should show {new_name!r} for {phone}, shows {row[0]!r}")
        self.screenshot("renamed-in-table-and-bizcached")
        print(f"renamed {phone} to {new_name!r}; bizctl lookup answered the new name at once", flush=True)

    def step_delete_other_business(self):
        phone = self.arguments.delete_phone
        check(phone != self.arguments.edit_phone, "the business deleted must not be the one edited")
        self.search(typed_us_phone(phone))
        name = self.row_with_public_phone(phone)[0]
        self.click_and_wait_for_new_page(
            self.table_row_element(phone).find_element(By.LINK_TEXT, "Delete"), "clicking Delete")
        self.wait_for_heading("Delete business")
        question = self.driver.find_element(By.CSS_SELECTOR, "main p").text
        check(name in question and phone in question, f"the confirmation should name {name!r} ({phone}): {question!r}")
        self.screenshot("delete-confirmation")
        self.click_and_wait_for_new_page(
            self.driver.find_element(By.CSS_SELECTOR, "main form button.danger"), "confirming the deletion")
        self.wait_for_heading("Businesses")
        check(self.notice() == "Business deleted.", f"the list should say the business was deleted: {self.notice()!r}")
        check(self.query().get("q") == typed_us_phone(phone), f"deleting should return to the search: {self.driver.current_url}")
        rows = self.rows()
        check(rows == [["No businesses match."]], f"{phone} should be gone from the table, saw: {rows}")
        status, output = self.lookup(phone)
        check(status == 1, f"bizctl lookup {phone} should find nothing after the deletion, exited {status}: {output}")
        self.screenshot("deleted")

    def step_sign_out(self):
        self.click_and_wait_for_new_page(
            self.driver.find_element(By.XPATH, "//header//button[normalize-space(.)='Sign out']"), "signing out")
        self.wait_for_heading("Sign in")
        check(urlparse(self.driver.current_url).path == "/login", f"signing out should lead to /login: {self.driver.current_url}")
        self.open("/")
        self.wait_for_heading("Sign in")
        check("Signed in as" not in self.banner(), "the list must not show after signing out")
        self.screenshot("signed-out")

    def step_viewer_is_read_only(self):
        self.sign_in(self.arguments.viewer, can_write=False)
        check(len(self.rows()) > 0, "the viewer should see businesses")
        for text in ("Edit", "Delete", "New business"):
            found = self.driver.find_elements(By.LINK_TEXT, text)
            check(not found, f"a viewer should see no '{text}' links, saw {len(found)}")
        headers = [header.text for header in self.driver.find_elements(By.CSS_SELECTOR, "thead th")]
        check("Actions" not in headers, f"a viewer should see no Actions column: {headers}")
        self.screenshot("viewer-read-only")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="bizadmin's base URL, http://127.0.0.1:PORT")
    parser.add_argument("--admin", required=True, help="a LOGIN role in biz_admin")
    parser.add_argument("--viewer", required=True, help="a LOGIN role in biz_viewer")
    parser.add_argument("--password", required=True, help="both roles' password")
    parser.add_argument("--screenshots", required=True, help="the folder the PNGs go to")
    parser.add_argument("--bizctl", required=True, help="the bizctl executable")
    parser.add_argument("--socket", required=True, help="the running bizcached's socket")
    parser.add_argument("--edit-phone", default="+15550100042", help="public phone of the business renamed")
    parser.add_argument("--delete-phone", default="+15550100007", help="public phone of the business deleted")
    return parser.parse_args()


def start_chromium():
    """Headless Chromium through Debian's chromedriver, named explicitly so that Selenium
    Manager never looks for (or downloads) a driver or browser."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WINDOW_WIDTH},{WINDOW_HEIGHT}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def main():
    arguments = parse_arguments()
    os.makedirs(arguments.screenshots, exist_ok=True)
    # Stopped from outside (the test timing out): leave through `finally`, which quits the browser.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    started = time.monotonic()
    driver = start_chromium()
    walkthrough = Walkthrough(arguments, driver)
    steps = [
        ("a wrong password is refused", walkthrough.step_wrong_password_is_refused),
        ("sign in as a biz_admin role", walkthrough.step_sign_in_as_admin),
        ("sort by Twilio phone, descending", walkthrough.step_sort_by_twilio_phone_descending),
        ("20 rows per page, page 3", walkthrough.step_page_size_20_and_page_3),
        ("search a phone as typed", walkthrough.step_search_typed_phone),
        ("edit the name; bizcached answers it at once", walkthrough.step_edit_name),
        ("delete another business", walkthrough.step_delete_other_business),
        ("sign out", walkthrough.step_sign_out),
        ("a biz_viewer role sees no Edit or Delete", walkthrough.step_viewer_is_read_only),
    ]
    try:
        for step, run in steps:
            run()
            print(f"ok: {step}", flush=True)
    except Exception as error:  # a failed check, or Selenium not finding what a step needs
        print(f"FAILED: {step}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        if not isinstance(error, CheckFailed):
            traceback.print_exc(limit=-3)  # where in the walkthrough Selenium failed
        try:
            walkthrough.screenshot("failure")
        except Exception as screenshot_error:
            print(f"(no failure screenshot: {screenshot_error})", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print(f"all steps passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
