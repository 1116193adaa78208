/// The Node.js HTTP/2 test server (see `TestServer`), kept as Swift source so that SwiftPM needs
/// no resource declaration. Node standard library only.
enum H2ServerScript {
    static let source = #"""
// kcache KubeUpstream HTTP/2 test server (Node's built-in http2 module, TLS with ALPN h2 only).
// Writes its port to <state>/port and events to <state>/events.log.
const http2 = require("http2");
const fs = require("fs");
const [state, cert, key] = process.argv.slice(2);
const event = (line) => fs.appendFileSync(state + "/events.log", line + "\n");
const pattern = Buffer.alloc(251 * 300);
for (let i = 0; i < pattern.length; i++) pattern[i] = i % 251;
let sessions = 0;

const server = http2.createSecureServer({
  cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: false,
  settings: { maxConcurrentStreams: 1000 },
});
server.on("session", (session) => { session.kcacheId = ++sessions; event("session " + session.kcacheId); });
server.on("stream", (stream, headers) => {
  const url = new URL(headers[":path"], "https://h");
  const id = url.searchParams.get("id") || "-";
  const name = url.pathname.slice(1);
  let finished = false;
  stream.on("close", () => { if (!finished) event("closed " + name + " " + id); });
  stream.on("error", () => {});
  if (name === "hold") {
    stream.respond({ ":status": 200, "content-type": "application/json" });
    stream.write("hello\n");
    event("start hold " + id);
  } else if (name === "bytes") {
    const total = Number(url.searchParams.get("n"));
    let sent = 0;
    stream.respond({ ":status": 200, "content-type": "application/octet-stream" });
    const pump = () => {
      while (sent < total) {
        const count = Math.min(16384, total - sent);
        const offset = sent % 251;
        sent += count;
        if (!stream.write(pattern.subarray(offset, offset + count))) { stream.once("drain", pump); return; }
      }
      finished = true;
      stream.end();
      event("done bytes " + id);
    };
    pump();
  } else {
    finished = true;
    stream.respond({ ":status": 200, "content-type": "application/json" });
    stream.end(JSON.stringify({ session: stream.session.kcacheId, path: headers[":path"] }));
  }
});
server.listen(0, "127.0.0.1", () => {
  fs.writeFileSync(state + "/port.tmp", String(server.address().port));
  fs.renameSync(state + "/port.tmp", state + "/port");
});
"""#
}
