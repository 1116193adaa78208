import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// The real kubectl (1.32) against KubeSim alone and through kcache: get as JSON, get with a
/// label selector, get -w, create, apply twice, delete. Skipped with a printed reason when
/// kubectl is not installed.
@Suite struct KubectlEndToEndTests {
    static let seed = SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 3)

    @Test(arguments: ConformanceTarget.allCases)
    func getPodsAcrossNamespacesAsJSON(_ target: ConformanceTarget) async throws {
        guard ClientTools.available(ClientTools.kubectl, "kubectl") else { return }
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let listsBefore = fixture.sim.counters.count(verb: "list", resource: "pods")
            let result = try await ClientTools.kubectl(fixture.baseURL, ["get", "pods", "-A", "-o", "json"], home: home)
            #expect(result.status == 0, "\(result.standardError)")
            let printed = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
            let items = printed["items"] as? [[String: Any]] ?? []

            let listsAfter = fixture.sim.counters.count(verb: "list", resource: "pods")
            let reference = try await fixture.getFromSim("/api/v1/pods")
            #expect(items.count == 6)
            #expect(items.count == reference.items.count)
            for (shown, stored) in zip(items, reference.items) {
                #expect(shown["kind"] as? String == "Pod", "kubectl puts the kind back on list items")
                var withoutType = shown
                withoutType["kind"] = nil
                withoutType["apiVersion"] = nil
                #expect(NSDictionary(dictionary: withoutType).isEqual(to: stored),
                        "same name, resourceVersion and data as the API server's LIST: \(((shown["metadata"] as? [String: Any])?["name"] as? String) ?? "?")")
            }
            if target == .kcache {
                #expect(listsAfter == listsBefore, "kubectl's LIST was answered by the cache")
            }
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func getWithALabelSelector(_ target: ConformanceTarget) async throws {
        guard ClientTools.available(ClientTools.kubectl, "kubectl") else { return }
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let result = try await ClientTools.kubectl(fixture.baseURL, ["get", "configmaps", "-A", "-l", "tier in (frontend,cache)", "-o", "name"], home: home)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardOutput.split(separator: "\n") == [
                "configmap/cm-0", "configmap/cm-2", "configmap/cm-0", "configmap/cm-2",
            ])
            let one = try await ClientTools.kubectl(fixture.baseURL, ["get", "configmap", "cm-1", "-n", "ns-1", "-o", "json"], home: home)
            #expect(one.status == 0, "\(one.standardError)")
            let object = try JSONSerialization.jsonObject(with: Data(one.standardOutput.utf8)) as? [String: Any] ?? [:]
            let upstream = try await fixture.getFromSim("/api/v1/namespaces/ns-1/configmaps/cm-1")
            #expect(NSDictionary(dictionary: object).isEqual(to: upstream.object))
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func watchSeesAChange(_ target: ConformanceTarget) async throws {
        guard let kubectl = ClientTools.kubectl else {
            _ = ClientTools.available(nil, "kubectl")
            return
        }
        try await ConformanceFixture.with(target, seed: Self.seed) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let watchesBefore = fixture.sim.counters.count(verb: "watch", resource: "configmaps")
            let process = try BackgroundProcess(kubectl, [
                "--server=\(fixture.baseURL)", "--cache-dir=\(home.path)/cache", "get", "configmaps", "-n", "ns-0",
                "-w", "--output-watch-events", "-o", "json",
            ], environment: home.environment)
            do {
                try await process.waitForOutput("kubectl to print the existing configmaps") { $0.contains("\"cm-2\"") }
                let written = try await fixture.createConfigMap("ns-0", "added-later")
                try await process.waitForOutput("kubectl to print the new configmap") { $0.contains("\"added-later\"") }
                let events = Self.jsonObjects(in: process.standardOutput)
                let added = try #require(events.first { (($0["object"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String == "added-later" })
                #expect(added["type"] as? String == "ADDED")
                #expect(((added["object"] as? [String: Any])?["metadata"] as? [String: Any])?["resourceVersion"] as? String == written)
                if target == .kcache {
                    #expect(fixture.sim.counters.count(verb: "watch", resource: "configmaps") == watchesBefore,
                            "kubectl's watch was served by the cache")
                }
            } catch {
                await process.stop()
                throw error
            }
            await process.stop()
        }
    }

    @Test(arguments: ConformanceTarget.allCases)
    func createApplyTwiceAndDelete(_ target: ConformanceTarget) async throws {
        guard ClientTools.available(ClientTools.kubectl, "kubectl") else { return }
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 0, podsPerNamespace: 0)) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let created = try await ClientTools.kubectl(fixture.baseURL, ["create", "-f", "-"], home: home, stdin: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: created, namespace: ns-0}
                data: {color: blue}
                """)
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardOutput.contains("configmap/created created"))

            let manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: applied
                  namespace: ns-0
                  labels: {stage: one}
                data:
                  mode: one
                """
            let first = try await ClientTools.kubectl(fixture.baseURL, ["apply", "-f", "-"], home: home, stdin: manifest)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("configmap/applied created"), "\(first.standardOutput)")
            // kubectl reads the object back (a GET, from the cache through kcache) and patches:
            // read-your-writes must show it the object the first apply created.
            let second = try await ClientTools.kubectl(
                fixture.baseURL, ["apply", "-f", "-"], home: home,
                stdin: manifest.replacingOccurrences(of: "one", with: "two"))
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardOutput.contains("configmap/applied configured"), "the second apply is an update: \(second.standardOutput)")
            let stored = try await fixture.getFromSim("/api/v1/namespaces/ns-0/configmaps/applied")
            #expect((stored.object["data"] as? [String: String])?["mode"] == "two")
            #expect((stored.metadata["labels"] as? [String: String])?["stage"] == "two")
            #expect((stored.metadata["annotations"] as? [String: String])?["kubectl.kubernetes.io/last-applied-configuration"]?.contains("two") == true)

            let shown = try await ClientTools.kubectl(fixture.baseURL, ["get", "configmap", "applied", "-n", "ns-0", "-o", "jsonpath={.data.mode}"], home: home)
            #expect(shown.standardOutput == "two", "read-your-writes: \(shown.standardOutput) \(shown.standardError)")

            let deleted = try await ClientTools.kubectl(fixture.baseURL, ["delete", "configmap", "applied", "created", "-n", "ns-0"], home: home)
            #expect(deleted.status == 0, "\(deleted.standardError)")
            #expect(deleted.standardOutput.contains("configmap \"applied\" deleted"))
            #expect(deleted.standardOutput.contains("configmap \"created\" deleted"))
            let gone = try await ClientTools.kubectl(fixture.baseURL, ["get", "configmap", "applied", "-n", "ns-0"], home: home)
            #expect(gone.status != 0)
            #expect(gone.standardError.contains("NotFound") || gone.standardError.contains("not found"), "\(gone.standardError)")
            let remaining = try await ClientTools.kubectl(fixture.baseURL, ["get", "configmaps", "-n", "ns-0", "-o", "name"], home: home)
            #expect(remaining.standardOutput.isEmpty, "\(remaining.standardOutput)")
        }
    }

    /// The JSON objects kubectl printed one after another (pretty-printed, not one per line).
    static func jsonObjects(in text: String) -> [[String: Any]] {
        var objects: [[String: Any]] = []
        var depth = 0
        var start: String.Index?
        var inString = false
        var escaped = false
        for index in text.indices {
            let character = text[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{":
                if depth == 0 { start = index }
                depth += 1
            case "}":
                depth -= 1
                if depth == 0, let begin = start {
                    let slice = text[begin...index]
                    if let object = try? JSONSerialization.jsonObject(with: Data(slice.utf8)) as? [String: Any] { objects.append(object) }
                }
            default: break
            }
        }
        return objects
    }
}
