#!/usr/bin/env python3
"""Times bizadmin's businesses page for several views; run by scripts/bench-admin.

Signs in as ROLE (a database that trusts the socket: no password needed), then for each
view sends one warm-up request and REQUESTS timed ones over one keep-alive connection.
A time is from sending the request to reading the last byte of the page.
"""
import argparse
import http.client
import re
import statistics
import sys
import time
import urllib.parse


def views(rows):
    last = (rows + 19) // 20
    return [
        ("first page, by name", {}),
        ("sorted by Twilio phone, descending", {"sort": "twilio_phone", "dir": "desc"}),
        ("sorted by 10DLC status", {"sort": "ten_dlc", "dir": "asc"}),
        ("sorted by updated, descending", {"sort": "updated", "dir": "desc"}),
        ("page 3, 20 rows", {"sort": "twilio_phone", "dir": "desc", "page": "3", "size": "20"}),
        (f"middle page ({last // 2} of {last}), by name", {"page": str(last // 2)}),
        (f"middle page, by 10DLC status", {"sort": "ten_dlc", "page": str(last // 2)}),
        (f"last page ({last})", {"page": str(last)}),
        ("50 rows per page, by public phone", {"sort": "public_phone", "size": "50"}),
        ("search a name substring ('0042')", {"q": "0042"}),
        ("search a phone typed '(555) 004-2042'", {"q": "(555) 004-2042"}),
        ("search matching nothing", {"q": "no such business"}),
        ("search matching every row ('business')", {"q": "business"}),
        ("search of two letters ('in'; no trigram)", {"q": "in"}),
    ]


class Client:
    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key] = val
        return response.status, page.decode("utf-8", "replace")

    def sign_in(self, role):
        status, page = self.request("GET", "/login")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        if status != 200 or not token:
            sys.exit(f"bench-admin: no sign-in page ({status})")
        form = urllib.parse.urlencode({"csrf": token.group(1), "role": role, "password": "unused"})
        status, page = self.request("POST", "/login", form)
        if status != 303:
            sys.exit(f"bench-admin: sign-in as {role} answered {status}: {page[:300]}")


def main():
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--url", required=True)
    arguments.add_argument("--role", required=True)
    arguments.add_argument("--requests", type=int, default=50)
    arguments.add_argument("--rows", type=int, default=100000)
    options = arguments.parse_args()

    client = Client(options.url)
    for attempt in range(100):
        try:
            client.sign_in(options.role)
            break
        except (ConnectionError, OSError):
            client = Client(options.url)
            time.sleep(0.1)
    else:
        sys.exit("bench-admin: bizadmin did not answer")

    print(f"bizadmin businesses page, {options.rows} businesses, {options.requests} requests per view (ms)")
    print(f"{'view':44} {'median':>8} {'p95':>8} {'max':>8}  rows shown")
    worst = 0.0
    for title, query in views(options.rows):
        path = "/?" + urllib.parse.urlencode(query) if query else "/"
        status, page = client.request("GET", path)  # warm-up
        if status != 200:
            sys.exit(f"bench-admin: {path} answered {status}")
        shown = page.count("<tr>") - 1  # the header row
        if "No businesses match." in page:
            shown = 0
        times = []
        for _ in range(options.requests):
            started = time.perf_counter()
            status, _ = client.request("GET", path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                sys.exit(f"bench-admin: {path} answered {status}")
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        worst = max(worst, p95)
        print(f"{title:44} {statistics.median(times):8.2f} {p95:8.2f} {times[-1]:8.2f}  {shown}")
    print(f"slowest view's p95: {worst:.2f} ms (goal: under 50 ms)")


if __name__ == "__main__":
    main()
