import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// curl against KubeSim and through kcache: a LIST (headers and body) and a watch that sees a
/// change. Skipped with a printed reason when curl is not installed.
@Suite struct CurlEndToEndTests {
    static let seed = SeedPlan(namespaces: 1, configMapsPerNamespace: 3, podsPerNamespace: 0)

    @Test(arguments: ConformanceTarget.allCases)
    func list(_ target: ConformanceTarget) async throws {
        guard ClientTools.available(ClientTools.curl, "curl") else { return }
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let result = try await ProcessRunner.run(
                ClientTools.curl!, ["-sS", "--max-time", "20", "-D", "-", fixture.url("/api/v1/namespaces/ns-0/configmaps?limit=2")],
                environment: home.environment)
            #expect(result.status == 0, "\(result.standardError)")
            let parts = result.standardOutput.components(separatedBy: "\r\n\r\n")
            try #require(parts.count == 2, "\(result.standardOutput)")
            let headers = parts[0].lowercased()
            #expect(headers.hasPrefix("http/1.1 200"))
            #expect(headers.contains("content-type: application/json"))
            if target == .kcache { #expect(headers.contains("x-kcache-source: cache")) }
            let body = try JSONSerialization.jsonObject(with: Data(parts[1].utf8)) as? [String: Any] ?? [:]
            let reference = try await fixture.getFromSim("/api/v1/namespaces/ns-0/configmaps?limit=2")
            #expect(body["kind"] as? String == "ConfigMapList")
            #expect(NSArray(array: body["items"] as? [Any] ?? []).isEqual(to: reference.items))
            #expect((body["metadata"] as? [String: Any])?["remainingItemCount"] as? Int == 1)
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func watch(_ target: ConformanceTarget) async throws {
        guard ClientTools.available(ClientTools.curl, "curl") else { return }
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let process = try BackgroundProcess(
                ClientTools.curl!, ["-sSN", "--max-time", "30", fixture.url("/api/v1/namespaces/ns-0/configmaps?watch=true&allowWatchBookmarks=false")],
                environment: home.environment)
            do {
                try await process.waitForOutput("curl to print the initial events") { $0.filter { $0 == "\n" }.count >= 3 }
                let written = try await fixture.createConfigMap("ns-0", "seen-by-curl")
                try await process.waitForOutput("curl to print the new object") { $0.contains("seen-by-curl") && $0.hasSuffix("\n") }
                let events = process.standardOutput.split(separator: "\n").map { WatchEvent(line: Array($0.utf8)) }
                #expect(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "ADDED"], "one JSON event per line")
                #expect(events.map { $0.name ?? "" } == ["cm-0", "cm-1", "cm-2", "seen-by-curl"])
                #expect(events.last?.resourceVersion == written)
            } catch {
                await process.stop()
                throw error
            }
            await process.stop()
        }
    }
}
