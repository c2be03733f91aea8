"""An upstream in another language for the gateway tests: Python's standard library only.

Echoes each request (method, path with query, headers in order with repeats, body length, SHA-256, text when
small) as JSON. Paths that start with /api/hang hold the request without answering; /api/close closes the
connection without an answer; /api/cookies answers with Set-Cookie headers, Gatehouse's names among them.
Every request and the first read of a body are reported on stdout as JSON lines, so a test can count what
reached the upstream and see that a body is being read while the client is still sending it.
"""

import hashlib
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PIECE = 64 * 1024


def report(event):
    print(json.dumps(event), flush=True)


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self):
        report({"event": "request", "method": self.command, "path": self.path})
        if self.path.startswith("/api/hang"):
            time.sleep(60)
            self.close_connection = True
            return
        if self.path.startswith("/api/close"):
            self.close_connection = True
            return
        length, digest, text = self.read_body()
        echo = {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "bodyLength": length,
            "bodySha256": digest,
            "body": text,
        }
        payload = json.dumps(echo).encode()
        self.send_response(200)
        if self.path.startswith("/api/cookies"):
            self.send_header("Set-Cookie", "__Host-gh_refresh=planted; Path=/; Secure; HttpOnly")
            self.send_header("Set-Cookie", "__Host-gh_tx_0123456789abcdef=planted; Path=/; Secure")
            self.send_header("Set-Cookie", "theirs=kept; Path=/")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                # The gateway gave up on this request (a body over its limit): nobody is reading.
                self.close_connection = True

    def read_body(self):
        digest = hashlib.sha256()
        kept = b""
        length = 0
        for piece in self.pieces():
            if length == 0:
                report({"event": "reading", "path": self.path})
            length += len(piece)
            digest.update(piece)
            if len(kept) < 4096:
                kept += piece[: 4096 - len(kept)]
        text = kept.decode("utf-8", "replace") if length <= 4096 else None
        return length, digest.hexdigest(), text

    def pieces(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return
                left = size
                while left > 0:
                    piece = self.rfile.read(min(PIECE, left))
                    if not piece:
                        return
                    left -= len(piece)
                    yield piece
                self.rfile.readline()
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            piece = self.rfile.read(min(PIECE, left))
            if not piece:
                return
            left -= len(piece)
            yield piece

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = answer


server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
server.daemon_threads = True
report({"event": "listening", "port": server.server_address[1]})
sys.stdout.flush()
server.serve_forever()
