/// The Python test server the KubeUpstream tests talk to (see `TestServer`), kept as Swift
/// source so that SwiftPM needs no resource declaration. Python 3 standard library only.
enum TestServerScript {
    static let source = #"""
# kcache KubeUpstream test server: HTTP/1.1 (optionally TLS with client certificates) with
# routes that control chunk timing, slow consumers, resets and authentication. Writes its port
# to <state>/port and one line per notable event to <state>/events.log.
import hashlib, json, os, select, socket, ssl, struct, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

STATE = sys.argv[1]
ARGS = dict(zip(sys.argv[2::2], sys.argv[3::2]))  # --flag value pairs
LOCK = threading.Lock()
PATTERN = bytes(range(251)) * 300


def event(text):
    with LOCK:
        with open(os.path.join(STATE, "events.log"), "a") as f:
            f.write(text + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        if "--cert" in ARGS:
            try:
                self.request.do_handshake()
            except Exception as error:
                event("tls-fail %s" % error)
                raise
        super().setup()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body, True
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0)), False

    def head(self, status, headers=(), chunked=True, length=None):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self.wfile.flush()

    def end(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def reply(self, status, body, headers=()):
        self.head(status, list(headers) + [("Content-Type", "application/json")], chunked=False, length=len(body))
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def wait_for_disconnect(self, name):
        ready, _, _ = select.select([self.connection], [], [], 120)
        try:
            gone = not ready or self.connection.recv(1) == b""
        except (ConnectionError, OSError, ssl.SSLError):
            gone = True
        event(("disconnect %s" if gone else "unexpected-data %s") % name)
        self.close_connection = True

    def route(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        name = url.path.rstrip("/").split("/")[-1] or "root"  # last segment: prefixes and proxies work
        ident = query.get("id", "-")
        try:
            getattr(self, "r_" + name.replace("-", "_"))(query, ident)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as error:
            event("disconnect %s %s" % (name, ident))
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = route

    def r_echo(self, q, ident):
        body, chunked = self.read_body() if self.command not in ("GET", "HEAD") else (b"", False)
        answer = {
            "method": self.command, "path": self.path, "client_port": self.client_address[1],
            "headers": [[k, v] for k, v in self.headers.items()], "chunked": chunked,
            "body_length": len(body), "body_sha256": hashlib.sha256(body).hexdigest(),
            "client_certificate": bool(getattr(self.connection, "getpeercert", lambda: None)()),
        }
        event("echo %s %s" % (self.command, ident))
        extra = [("X-Test", "yes"), ("X-Multi", "one"), ("X-Multi", "two")]
        if "retry_after" in q:
            extra.append(("Retry-After", q["retry_after"]))
        self.reply(int(q.get("status", 200)), json.dumps(answer).encode(), extra)

    def r_bytes(self, q, ident):
        total, size = int(q["n"]), int(q.get("chunk", 65536))
        self.head(200, [("Content-Type", "application/octet-stream")])
        event("start bytes %s" % ident)
        sent = 0
        while sent < total:
            count = min(size, total - sent)
            offset = sent % 251
            self.chunk(PATTERN[offset:offset + count])
            sent += count
        self.end()
        event("done bytes %s" % ident)

    def r_lines(self, q, ident):
        count, split = int(q.get("count", 10)), int(q.get("split", 7))
        pad = int(q.get("pad", 300))
        body = b"".join(
            json.dumps({"type": "ADDED", "n": i, "pad": "x" * ((i * 37) % (pad + 1))}).encode() + b"\n"
            for i in range(count))
        self.head(200, [("Content-Type", "application/json")])
        sizes, position, turn = [split, 1, 2 * split + 1], 0, 0
        while position < len(body):
            size = sizes[turn % 3]
            self.chunk(body[position:position + size])
            position += size
            turn += 1
        self.end()
        event("done lines %s" % ident)

    def r_hold(self, q, ident):
        self.head(200, [("Content-Type", "application/json")])
        self.chunk(b"hello\n")
        event("start hold %s" % ident)
        self.wait_for_disconnect("hold %s" % ident)

    def r_hold_head(self, q, ident):
        event("start hold-head %s" % ident)
        self.wait_for_disconnect("hold-head %s" % ident)

    def r_reset(self, q, ident):
        self.head(200, [("Content-Type", "application/json")], chunked=False, length=1000)
        self.wfile.write(b"0123456789")
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
        event("reset %s" % ident)

    def r_big_header(self, q, ident):
        self.send_response(200)
        for i in range(int(q.get("count", 100))):
            self.send_header("X-Big-%d" % i, "v" * 1000)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def r_auth(self, q, ident):
        try:
            with open(os.path.join(STATE, "valid-tokens")) as f:
                valid = [line.strip() for line in f if line.strip()]
        except FileNotFoundError:
            valid = []
        given = self.headers.get("Authorization", "")
        if given.startswith("Bearer ") and given[7:] in valid:
            event("auth ok %s" % given[7:])
            self.reply(200, b'{"ok":true}')
        else:
            event("auth rejected")
            self.reply(401, b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass


server = Server(("127.0.0.1", 0), Handler)
if "--cert" in ARGS:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS["--cert"], ARGS["--key"])
    if "--client-ca" in ARGS:
        context.verify_mode = ssl.CERT_OPTIONAL if "--client-optional" in ARGS else ssl.CERT_REQUIRED
        context.load_verify_locations(ARGS["--client-ca"])
    context.sni_callback = lambda sock, name, ctx: event("sni %s" % name)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
with open(os.path.join(STATE, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(STATE, "port.tmp"), os.path.join(STATE, "port"))
server.serve_forever()
"""#
}
