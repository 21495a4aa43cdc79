"""A scriptable HTTP/1.1 server on a loopback address for fetcher tests.

Routes map a path to a function returning a ``Reply``; every request is recorded with the
server-side start and end times so tests can measure what the fetcher did to the host.
"""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0              # sleep before answering (slow server)
    truncate_to: int | None = None    # send only this many body bytes, then close the connection
    hold_open_s: float = 0.0          # with truncate_to: keep the connection open this long before closing
    stream: Iterator[bytes] | None = None  # chunked body (no Content-Length)


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    start: float
    end: float = 0.0
    client_port: int = 0              # the connection the request came on


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer is what several tests provoke; anything else is still shown."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Callable[[Hit], Reply]] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                hit = Hit(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                          self.rfile.read(length) if length else b"", time.monotonic(),
                          client_port=self.client_address[1])
                server._enter(hit)
                try:
                    route = server.routes.get(self.path.split("?", 1)[0])
                    reply = route(hit) if route else Reply(404, b"not found")
                    if reply.delay_s:
                        time.sleep(reply.delay_s)
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    hit.end = time.monotonic()
                    server._leave()

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.stream is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.stream:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.truncate_to is not None:
                    self.wfile.write(reply.body[: reply.truncate_to])
                    self.wfile.flush()
                    time.sleep(reply.hold_open_s)
                    self.close_connection = True
                    return
                if self.command != "HEAD" and reply.status != 304:
                    self.wfile.write(reply.body)

            do_GET = do_POST = do_HEAD = _serve

        self._httpd = _QuietServer((host, 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def _enter(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.split("?", 1)[0] == path]

    def start_gaps(self) -> list[float]:
        """Time between the starts of consecutive requests (the span the fetcher's delay governs)."""
        starts = sorted(hit.start for hit in self.hits)
        return [later - earlier for earlier, later in zip(starts, starts[1:])]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def sequence(*replies: Reply) -> Callable[[Hit], Reply]:
    """A route answering with each reply in turn, then repeating the last."""
    state = {"next": 0}

    def route(hit: Hit) -> Reply:
        index = min(state["next"], len(replies) - 1)
        state["next"] += 1
        return replies[index]

    return route
