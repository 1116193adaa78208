import Foundation

/// nginx (the Debian package) serving a directory of static files on 127.0.0.1, the reference
/// for kcache's LIST and GET: a generated config in the work directory, `daemon off` so it is
/// our child, its default worker count (`auto`, one per core, as the packaged config has),
/// `sendfile` on, no access log, keep-alive without a request limit.
///
/// nginx cannot bind port 0, so the port is picked free and the start retried on a clash.
/// `stop()` ends the master and its workers (they share its process group).
final class Nginx: Sendable {
    let port: Int
    let process: ChildProcess
    let root: String

    private init(port: Int, process: ChildProcess, root: String) {
        self.port = port
        self.process = process
        self.root = root
    }

    /// Starts nginx serving `root`; files are read from there as they are requested.
    static func start(serving root: String, in work: WorkDirectory) async throws -> Nginx {
        let executable = try Tools.require("nginx", package: "nginx")
        let prefix = work.file("nginx")
        for directory in ["", "/temp", "/logs"] {
            try FileManager.default.createDirectory(atPath: prefix + directory, withIntermediateDirectories: true)
        }
        var lastFailure = ""
        for attempt in 1...8 {
            let port = try Ports.free()
            let config = prefix + "/nginx.conf"
            try configuration(port: port, root: root, prefix: prefix).write(toFile: config, atomically: true, encoding: .utf8)
            let process = try ChildProcess.spawn(
                name: "nginx", executable: executable,
                arguments: ["-p", prefix, "-c", config, "-e", prefix + "/logs/error.log"],
                logPath: work.file("nginx-\(attempt).log"))
            let nginx = Nginx(port: port, process: process, root: root)
            if try await nginx.waitUntilServing() { return nginx }
            lastFailure = (try? String(contentsOfFile: prefix + "/logs/error.log", encoding: .utf8)) ?? process.log
            await process.stop()
            guard lastFailure.contains("Address already in use") else { break }
        }
        throw ChildProcess.SpawnError(description: "nginx did not start:\n\(lastFailure)")
    }

    /// True once a request is answered; false when nginx exited (a port clash, usually).
    private func waitUntilServing() async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if !process.isRunning { return false }
            if let connection = try? await BenchConnection.connect(port: port) {
                let answered = (try? await connection.get("/")) != nil
                await connection.close()
                if answered, process.isRunning { return true }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func url(_ file: String) -> String { "http://127.0.0.1:\(port)/\(file)" }

    func stop() async {
        // SIGQUIT would wait for keep-alive connections; SIGTERM is nginx's fast shutdown.
        await process.stop(signal: SIGTERM, grace: .seconds(5))
    }

    static func configuration(port: Int, root: String, prefix: String) -> String {
        """
        daemon off;
        worker_processes auto;
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/logs/error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            tcp_nodelay on;
            keepalive_timeout 120s;
            keepalive_requests 100000000;
            default_type application/json;
            client_body_temp_path \(prefix)/temp/client;
            proxy_temp_path \(prefix)/temp/proxy;
            fastcgi_temp_path \(prefix)/temp/fastcgi;
            uwsgi_temp_path \(prefix)/temp/uwsgi;
            scgi_temp_path \(prefix)/temp/scgi;
            server {
                listen 127.0.0.1:\(port);
                root \(root);
                location / { }
            }
        }

        """
    }
}
