"""An OpenAI-compatible embeddings endpoint for the tests: a real HTTP server on loopback that
plays a script of answers (tests/core/test_embedding.py, tests/cli/test_embed.py)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Server:
    """A loopback HTTP server whose answers are played from `script` (one per request; the
    last repeats): an int status, "hang", or a JSON body (an OpenAI answer for the texts when
    "vectors")."""

    def __init__(self, script: list[Any]):
        self.script, self.requests = script, []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append({"body": body, "auth": self.headers.get("Authorization")})
                step = owner.script[min(len(owner.requests), len(owner.script)) - 1]
                if step == "hang":
                    owner.release.wait(10)
                    return
                if isinstance(step, int):
                    self.send_response(step)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                if step == "vectors":
                    step = {
                        "data": [
                            {"index": i, "embedding": [1.0, float(i), 2.0]} for i in range(len(body["input"]))
                        ]
                    }
                raw = step if isinstance(step, bytes) else json.dumps(step).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.release = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
