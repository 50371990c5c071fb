"""The SMTP test server (testkit/smtp_server.py) in a process of its own, so that its event
loop does not share the benchmark's GIL with the sender being measured.

    python -m bench.smtp_sink DELAY_SECONDS

Prints its port, then obeys one command per stdin line, answering ``ok``:
``reset`` (forget what was received), ``dump PATH`` (write a JSON summary: connections
opened, and the most open at once; and the envelopes as a pickle of (mail_from,
rcpt_tos, data) to PATH), ``quit``.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

from testkit.smtp_server import SmtpTestServer


def main(delay: float) -> int:
    server = SmtpTestServer(delay=delay).start()
    counts = {"connections": 0}
    controller: Any = server._controller
    handler = controller.handler
    original_ehlo = handler.handle_EHLO

    async def counting_ehlo(
        server_: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> Any:
        counts["connections"] += 1  # aiosmtpd reads the 5 parameters: keep them
        return await original_ehlo(server_, session, envelope, hostname, responses)

    handler.handle_EHLO = counting_ehlo
    print(server.port, flush=True)
    try:
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "reset":
                with server._lock:
                    server.received.clear()
                    server.max_open_connections = server.open_connections
                counts["connections"] = 0
            elif command == "dump":
                with server._lock:
                    envelopes = [(r.mail_from, r.rcpt_tos, r.data) for r in server.received]
                Path(argument).write_bytes(pickle.dumps(envelopes))
                summary = {**counts, "max_open": server.max_open_connections}
                Path(argument + ".json").write_text(json.dumps(summary))
            elif command == "quit":
                break
            print("ok", flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(float(sys.argv[1])))
