import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// Schemathesis (property-based API testing, from PyPI) against `openapi.yaml` on a running
/// `kcache serve` in front of a KubeSim: every operation with generated paths, queries and
/// headers — valid and invalid — and two checks on every answer: no `5xx`, and every error a
/// `Status` of the same code (`hooks`, loaded as `kcache_hooks`). Bounded for CI: a fixed seed, a few examples
/// per operation (`KCACHE_SCHEMATHESIS_EXAMPLES`, default 25). Skips, saying why, when
/// schemathesis is not installed (`make test-deps` installs it).
@Suite("Schemathesis")
struct SchemathesisTests {
    static let schemathesis = ExecutableLookup.find("schemathesis")

    @Test(.enabled(if: schemathesis != nil, "schemathesis is not installed (pip install schemathesis); skipping"))
    func openAPIOperationsAnswerNoServerErrorAndOnlyStatuses() async throws {
        let schemathesis = try #require(Self.schemathesis)
        let examples = ProcessInfo.processInfo.environment["KCACHE_SCHEMATHESIS_EXAMPLES"].flatMap(Int.init) ?? 25
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sim = KubeSim()
        try sim.seed(SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 3, widgetsPerNamespace: 2, nodes: 2))
        try await withServer(sim) { sim in
            let config = try directory.write("kcache.yaml", """
                upstream: \(sim.baseURL)
                resources: [configmaps, pods, namespaces]
                log-format: json

                """)
            let kcache = try await ServeProcessTests.Running.start(config: config)
            do {
                try await waitUntil(timeout: .seconds(60), "kcache to be ready") {
                    (try? await TestHTTPClient().request("GET", kcache.baseURL + "/readyz"))?.status == 200
                }
                try directory.write("kcache_hooks.py", Self.hooks)
                let arguments = [
                    "run", Repository.path("openapi.yaml"), "--url", kcache.baseURL,
                    "--checks", "not_a_server_error,error_is_a_status",
                    "--max-examples", String(examples), "--seed", "7", "--workers", "2",
                    "--phases", "examples,coverage,fuzzing", "--request-timeout", "15", "--no-color",
                    "--suppress-health-check", "all", "--generation-database", "none",
                    "--report", "junit", "--report-junit-path", directory.path + "/junit.xml",
                ]
                var environment = ProcessInfo.processInfo.environment
                environment["SCHEMATHESIS_HOOKS"] = "kcache_hooks"
                environment["PYTHONPATH"] = directory.path + (environment["PYTHONPATH"].map { ":" + $0 } ?? "")
                let process = try BackgroundProcess(schemathesis, arguments, environment: environment)
                try await waitUntil(timeout: .seconds(600), "schemathesis to finish") { !process.isRunning }
                let status = await process.waitForExit()
                let output = process.standardOutput + process.standardError
                let junit = (try? String(contentsOfFile: directory.path + "/junit.xml", encoding: .utf8)) ?? ""
                let summary = Self.summary(output: output, junit: junit)
                print("schemathesis: \(summary)")
                #expect(status == 0, "schemathesis found problems (exit \(status)):\n\(output.suffix(6000))")
                #expect(kcache.process.isRunning, "kcache survived")
            } catch {
                await kcache.process.stop()
                throw error
            }
            await kcache.process.stop()
        }
    }

    /// The counts schemathesis reports: its summary lines, and the JUnit report's totals.
    static func summary(output: String, junit: String) -> String {
        let lines = output.split(separator: "\n").map(String.init).filter { line in
            ["test cases", "passed", "failed", "generated", "Operations", "Test cases", "Seed"].contains { line.contains($0) }
        }
        var totals = ""
        if let suites = junit.range(of: "<testsuites[^>]*>", options: .regularExpression) {
            totals = String(junit[suites])
        }
        return (lines.suffix(8) + [totals]).joined(separator: " | ")
    }

    /// Schemathesis hooks, written beside the run as `kcache_hooks.py` (a Python file in the
    /// test target's folder would be an unhandled resource to SwiftPM).
    static let hooks = #"""
"""Schemathesis hooks for kcache's openapi.yaml (loaded through SCHEMATHESIS_HOOKS).

- A watch streams until its timeout: every generated watch gets `timeoutSeconds=1` unless it
  already names a shorter one, so each example ends.
- `error_is_a_status`: every error answer (4xx, 5xx) is a Kubernetes `Status` of the same
  code, as the API server answers.
"""
import json

import schemathesis

_FALSE = {"0", "false", "False", "FALSE"}


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    query = case.query or {}
    watch = query.get("watch")
    if watch is not None and str(watch) not in _FALSE:
        timeout = query.get("timeoutSeconds")
        try:
            short = timeout is not None and int(str(timeout)) <= 1
        except ValueError:
            short = False
        if not short:
            query["timeoutSeconds"] = "1"
            case.query = query


@schemathesis.check
def error_is_a_status(ctx, response, case):
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} answered with a body that is not JSON: {response.content[:200]!r}")
    if not isinstance(body, dict) or body.get("kind") != "Status" or body.get("apiVersion") != "v1":
        raise AssertionError(f"{response.status_code} answered with something other than a Status: {str(body)[:200]}")
    if body.get("code") != response.status_code:
        raise AssertionError(f"{response.status_code} answered with a Status of code {body.get('code')}")
    return None
"""#
}
