import Foundation
import Testing
@testable import KubeUpstream

/// Plain request/response exchanges against the test server: status, headers, bodies both
/// ways, credential headers, bounds and transport errors.
@Suite struct RequestTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server, credentials: .token(SecretString("kcache-token")))
        defer { client.shutdown() }

        let response = try await client.send(UpstreamRequest(
            pathAndQuery: "/echo?status=201&id=get", headers: ["X-Request": "r1"]))

        #expect(response.status == 201)
        #expect(response.headers["x-test"] == "yes")
        #expect(response.headers.values(for: "X-Multi") == ["one", "two"])
        #expect(response.headers["Content-Type"] == "application/json")
        let echo = try Fixtures.echo(response)
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo?status=201&id=get")
        #expect(echo.header("X-Request") == "r1")
        #expect(echo.header("Authorization") == "Bearer kcache-token")
        #expect(echo.header("User-Agent") == "kcache")
        #expect(!echo.has("Accept"), "libcurl's default Accept must not be added")
        #expect(response.body.count == Int(response.headers["Content-Length"] ?? "") ?? -1)
    }

    @Test func postSendsBytesBodyWithLengthAndNoLibcurlExtras() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }
        let body = Array((0..<300_000).map { UInt8($0 % 256) })

        let response = try await client.send(UpstreamRequest(
            method: "POST", pathAndQuery: "/echo", headers: ["Content-Type": "application/json"], body: .bytes(body)))

        let echo = try Fixtures.echo(response)
        #expect(echo.method == "POST")
        #expect(echo.body_length == body.count)
        #expect(echo.body_sha256 == sha256Hex(body))
        #expect(echo.header("Content-Length") == String(body.count))
        #expect(echo.header("Content-Type") == "application/json")
        #expect(!echo.has("Expect"))
        #expect(!echo.has("Authorization"))
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func otherMethodsWithAndWithoutBody(method: String) async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let withBody = try Fixtures.echo(try await client.send(UpstreamRequest(
            method: method, pathAndQuery: "/echo", body: .bytes(Array("{\"a\":1}".utf8)))))
        #expect(withBody.method == method)
        #expect(withBody.body_length == 7)
        #expect(!withBody.has("Content-Type"), "libcurl's form Content-Type must not be added")

        let without = try Fixtures.echo(try await client.send(UpstreamRequest(method: method, pathAndQuery: "/echo")))
        #expect(without.method == method)
        #expect(without.body_length == 0)
    }

    @Test func bearerTokenOverrideReplacesKcacheCredentialAndCallerHeader() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server, credentials: .token(SecretString("kcache-token")))
        defer { client.shutdown() }

        let echo = try Fixtures.echo(try await client.send(UpstreamRequest(
            pathAndQuery: "/echo", headers: ["Authorization": "Bearer from-header"],
            bearerTokenOverride: SecretString("client-token"))))

        #expect(echo.headers.filter { $0[0].lowercased() == "authorization" }.map { $0[1] } == ["Bearer client-token"])
    }

    @Test func framingAndUnsafeHeadersAreDroppedAndEmptyValuesKept() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let echo = try Fixtures.echo(try await client.send(UpstreamRequest(
            method: "POST", pathAndQuery: "/echo",
            headers: HeaderFields([
                ("Content-Length", "999"), ("Transfer-Encoding", "chunked"), ("X-Empty", ""),
                ("X-Injected", "a\r\nX-Evil: 1"), ("Bad Name", "x"), ("X-Kept", "yes"),
            ]),
            body: .bytes([1, 2, 3]))))
        #expect(echo.header("Content-Length") == "3")
        #expect(!echo.chunked)
        #expect(echo.header("X-Empty") == "")
        #expect(!echo.has("X-Injected") && !echo.has("X-Evil") && !echo.has("Bad Name"))
        #expect(echo.header("X-Kept") == "yes")
    }

    @Test func serverPathPrefixAndProxyURL() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        // The test server doubles as a forward proxy: it answers the absolute-form request itself.
        let cluster = ClusterConfiguration(server: "http://kube.invalid:6443/k8s/clusters/c-1/", proxyURL: server.url)
        let client = try UpstreamClient(cluster: cluster, logger: .init(label: "test"))
        defer { client.shutdown() }

        let echo = try Fixtures.echo(try await client.send(UpstreamRequest(pathAndQuery: "/api/v1/echo?x=1")))
        #expect(echo.path == "http://kube.invalid:6443/k8s/clusters/c-1/api/v1/echo?x=1")
    }

    @Test func totalTimeoutEndsAStalledRequest() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/hold-head?id=t", timeout: .milliseconds(300)))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.curlCode == 28)
        try await server.waitForEvent("disconnect hold-head t")
    }

    @Test func lowSpeedTimeoutEndsASilentStream() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/hold?id=ls", lowSpeedTimeout: .seconds(1)))
        let error = await #expect(throws: UpstreamError.self) {
            for try await _ in stream {}
        }
        #expect(error?.kind == .timeout)
    }

    @Test func basicAuthHeader() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server, credentials: .basic(username: "admin", password: SecretString("s3cret")))
        defer { client.shutdown() }

        let echo = try Fixtures.echo(try await client.send(UpstreamRequest(pathAndQuery: "/echo")))
        #expect(echo.header("Authorization") == "Basic " + Data("admin:s3cret".utf8).base64EncodedString())
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        var ports: Set<Int> = []
        for _ in 0..<5 {
            ports.insert(try Fixtures.echo(try await client.send(UpstreamRequest(pathAndQuery: "/echo"))).client_port)
        }
        #expect(ports.count == 1)
    }

    @Test func bodyOverTheBoundIsRefused() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/bytes?n=200000&id=big"), maxBodyBytes: 100_000)
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message == "response body exceeds 100000 bytes")
    }

    @Test func headerOverTheBoundIsRefused() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server) { $0.maxHeaderBytes = 50_000 }
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/big-header?count=100"))
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message == "response header exceeds 50000 bytes")
    }

    @Test func connectionRefusedIsAConnectError() async throws {
        let server = try await TestServer()
        let url = server.url
        server.stop()  // the port is now closed
        let client = try UpstreamClient(
            cluster: ClusterConfiguration(server: url), logger: .init(label: "test"))
        defer { client.shutdown() }

        let error = await #expect(throws: UpstreamError.self) {
            _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo"))
        }
        #expect(error?.kind == .connect)
        #expect(error?.curlCode == 7)
        #expect(error?.isRetriable == true)
        #expect(error?.message.contains("127.0.0.1") == true)
    }

    @Test func resetMidBodyFailsTheStreamAfterTheHead() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let stream = try await client.stream(UpstreamRequest(pathAndQuery: "/reset?id=r"))
        #expect(stream.status == 200)
        var received: [UInt8] = []
        let error = await #expect(throws: UpstreamError.self) {
            for try await chunk in stream { received += chunk }
        }
        #expect(error?.kind == .transport)
        #expect(error?.isRetriable == true)
        #expect(received == Array("0123456789".utf8))
    }

    @Test func retryAfterIsReadFromTheResponse() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let client = try Fixtures.client(server)
        defer { client.shutdown() }

        let response = try await client.send(UpstreamRequest(pathAndQuery: "/echo?status=429&retry_after=3"))
        #expect(response.status == 429)
        #expect(response.retryAfter() == .seconds(3))
    }

    @Test func metricsCountRequestsByVerbAndCodeAndErrorsByKind() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let metrics = TestMetrics()
        let client = try Fixtures.client(server) { $0.metricsFactory = metrics }
        defer { client.shutdown() }

        _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo?status=404", verb: "get"))
        _ = try await client.send(UpstreamRequest(pathAndQuery: "/echo?status=404", verb: "get"))
        _ = try await client.send(UpstreamRequest(method: "POST", pathAndQuery: "/echo"))
        _ = try? await client.send(UpstreamRequest(pathAndQuery: "/reset", verb: "list"))

        try await waitUntil("the counters") {
            metrics.value("kcache_upstream_requests_total", [("verb", "get"), ("code", "404")]) == 2
                && metrics.value("kcache_upstream_requests_total", [("verb", "post"), ("code", "200")]) == 1
                && metrics.value("kcache_upstream_errors_total", [("verb", "list"), ("kind", "transport")]) == 1
        }
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    let output = (try? runSHA256(bytes)) ?? ""
    return output
}

/// SHA-256 via the `openssl` CLI (no crypto library in this target).
private func runSHA256(_ bytes: [UInt8]) throws -> String {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("data")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let output = try runCommand(["openssl", "dgst", "-sha256", "-r", path])
    return String(output.split(separator: " ")[0])
}
