import Foundation
import KubeSim
import KubeTestSupport
import Testing

/// The official Python client (`kubernetes`) against KubeSim and through kcache: a LIST, then
/// `watch.Watch().stream` from the list's RV, which must deliver a change made afterwards.
/// Skipped with a printed reason when `import kubernetes` fails.
@Suite struct PythonClientEndToEndTests {
    /// Lists configmaps of a namespace, prints them as one JSON line, then watches from the
    /// list's RV and prints one JSON line per event until it sees the object named by argv[3].
    static let script = #"""
        import json, sys
        from kubernetes import client, watch

        configuration = client.Configuration()
        configuration.host = sys.argv[1]
        api = client.CoreV1Api(client.ApiClient(configuration))
        namespace, wanted = sys.argv[2], sys.argv[3]

        listed = api.list_namespaced_config_map(namespace)
        print(json.dumps({"list": [item.metadata.name for item in listed.items],
                          "resourceVersions": [item.metadata.resource_version for item in listed.items],
                          "resourceVersion": listed.metadata.resource_version}), flush=True)

        stream = watch.Watch().stream(api.list_namespaced_config_map, namespace,
                                      resource_version=listed.metadata.resource_version, timeout_seconds=30)
        for event in stream:
            item = event["object"]
            print(json.dumps({"type": event["type"], "name": item.metadata.name,
                              "resourceVersion": item.metadata.resource_version,
                              "data": item.data}), flush=True)
            if item.metadata.name == wanted:
                break
        """#

    @Test(arguments: ConformanceTarget.allCases)
    func listThenWatch(_ target: ConformanceTarget) async throws {
        if let problem = await ClientTools.pythonClientProblem() {
            print("PythonClientEndToEndTests: skipping, \(problem)")
            return
        }
        try await ConformanceFixture.with(target, seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 3, podsPerNamespace: 0)) { fixture in
            let home = try ClientTools.Home()
            defer { home.remove() }
            let scriptPath = home.path + "/list_and_watch.py"
            try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            let reference = try await fixture.getFromSim("/api/v1/namespaces/ns-1/configmaps")
            let countersBefore = fixture.sim.counters.snapshot
            let process = try BackgroundProcess(
                ClientTools.python!, [scriptPath, fixture.baseURL, "ns-1", "from-python-test"], environment: home.environment)
            do {
                try await process.waitForOutput(timeout: .seconds(30), "the Python client to print its LIST") { $0.contains("\"list\"") }
                let listLine = try #require(Self.lines(process.standardOutput).first)
                #expect(listLine["list"] as? [String] == ["cm-0", "cm-1", "cm-2"])
                #expect(listLine["resourceVersion"] as? String == reference.resourceVersion)
                #expect(listLine["resourceVersions"] as? [String] == reference.items.map { ($0["metadata"] as? [String: Any])?["resourceVersion"] as? String ?? "" })

                // The watch opens after the LIST is printed; a change made now is after the
                // list's RV, so the watch delivers it however the two race.
                let written = try await fixture.createConfigMap("ns-1", "from-python-test", data: ["hello": "python"])
                try await process.waitForOutput(timeout: .seconds(15), "the Python watch to print the new configmap") {
                    $0.contains("\"from-python-test\"")
                }
                #expect(await process.waitForExit() == 0, "\(process.standardError)")
                let events = Self.lines(process.standardOutput).dropFirst()
                #expect(events.count == 1, "only the change after the list's RV: \(events)")
                let event = try #require(events.last)
                #expect(event["type"] as? String == "ADDED")
                #expect(event["name"] as? String == "from-python-test")
                #expect(event["resourceVersion"] as? String == written)
                #expect(event["data"] as? [String: String] == ["hello": "python"])
                if target == .kcache {
                    let after = fixture.sim.counters.snapshot
                    for verb in ["list", "watch", "get"] {
                        let key = RequestCounters.Key(verb: verb, resource: "configmaps")
                        #expect(after[key, default: 0] == countersBefore[key, default: 0], "the client's \(verb) was answered by the cache: \(countersBefore) -> \(after)")
                    }
                }
            } catch {
                await process.stop()
                throw error
            }
            await process.stop()
        }
    }

    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}
