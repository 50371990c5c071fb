"""What stands between the console and Odoo's API going wrong, each in one line with exit
2: a web server that is not Odoo (an HTML page, a 404, a redirect), a certificate that
does not verify, a proxy that rate-limits (HTTP 429: backed off, then said), a server
that never answers. Real HTTP servers on loopback play the proxy or the wrong URL; the
cases Odoo itself answers are in tests/real_odoo/test_api_backend.py."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.backends.api_transport import RETRIES_ON_429, OdooApi
from console.domain.errors import ConnectionFailed
from testkit.smtp_server import self_signed_cert
from tests.helpers.cli import assert_one_line_error, run_cli

KEY = {"ODOO_MAILQ_API_KEY": "s3cr3t-api-key"}


class Answer:
    """What the server answers every POST with, and how many it received."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.requests = 0


@contextmanager
def web_server(answer: Answer, *, tls: bool = False) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            answer.requests += 1
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(answer.status)
            for name, value in {"Content-Type": "text/html", **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        cert, key = self_signed_cert()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme = "https" if tls else "http"
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def status(url: str) -> subprocess.CompletedProcess[str]:
    return run_cli("status", "--url", url, "--odoo-db", "acme", "--login", "admin", env=KEY)


LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/web/login'>Log in</form></body></html>"


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (Answer(200, LOGIN_PAGE), "answered HTML, not Odoo's API"),
        (Answer(404, LOGIN_PAGE), "has no Odoo API here (HTTP 404)"),
        (Answer(301, b"", {"Location": "https://acme.odoo.com/jsonrpc"}), "redirects to https://"),
        (Answer(502, b"<html>Bad Gateway</html>"), "answered HTTP 502"),
    ],
    ids=["html", "404", "redirect", "502"],
)
def test_a_web_server_that_is_not_odoos_api_is_one_line(answer: Answer, said: str) -> None:
    with web_server(answer) as url:
        refused = status(url)
    line = assert_one_line_error(refused, said)
    assert "s3cr3t-api-key" not in line


def test_a_certificate_that_does_not_verify_is_said_as_tls() -> None:
    with web_server(Answer(200, b"{}"), tls=True) as url:
        refused = status(url)
    assert_one_line_error(refused, "Cannot reach", "TLS failed")


def test_rate_limiting_backs_off_then_says_so() -> None:
    answer = Answer(429, b"Too Many Requests", {"Retry-After": "0"})
    with web_server(answer) as url:
        refused = status(url)
    assert_one_line_error(refused, "rate limiting", "HTTP 429")
    # the version and the login, asked at once: each its request and three waits
    assert answer.requests == 2 * (1 + RETRIES_ON_429) == 8


def test_a_server_that_never_answers_times_out_in_one_line() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        api = OdooApi(f"http://127.0.0.1:{silent.getsockname()[1]}", "acme", "admin", "k",
                      timeout=0.5)  # fmt: skip
        with pytest.raises(ConnectionFailed, match="did not answer in time"):
            api.open()
        api.close()
    finally:
        silent.close()
