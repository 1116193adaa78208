import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// The real kubectl (1.32) against KubeSim: discovery, get, watch, create, apply, delete.
/// Skipped with a printed reason when kubectl is not installed.
@Suite(.serialized) struct KubectlTests {
    static let kubectlPath: String? = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs kubectl against `server` with a throwaway kubeconfig directory; returns exit code,
    /// stdout and stderr.
    static func kubectl(_ server: String, _ arguments: [String], stdin: String? = nil) async throws -> (status: Int32, out: String, err: String) {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment["KUBECONFIG"] = home.appendingPathComponent("config").path
        let result = try await ProcessRunner.run(
            kubectlPath!, ["--server=\(server)", "--cache-dir=\(home.path)/cache", "--request-timeout=60s"] + arguments,
            environment: environment, input: stdin)
        return (result.status, result.standardOutput, result.standardError)
    }

    static func available() -> Bool {
        if kubectlPath == nil {
            print("KubectlTests: skipping, kubectl is not installed")
            return false
        }
        return true
    }

    @Test func getPodsAcrossNamespacesMatchesTheList() async throws {
        guard Self.available() else { return }
        try await SimFixture.with(seed: SeedPlan(namespaces: 2, configMapsPerNamespace: 1, podsPerNamespace: 3)) { fixture in
            let result = try await Self.kubectl(fixture.baseURL, ["get", "pods", "-A", "-o", "json"])
            #expect(result.status == 0, "\(result.err)")
            let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any] ?? [:]
            let items = object["items"] as? [[String: Any]] ?? []
            let names = items.compactMap { item -> String? in
                guard let metadata = item["metadata"] as? [String: Any] else { return nil }
                return "\(metadata["namespace"] as? String ?? "")/\(metadata["name"] as? String ?? "")"
            }
            let direct = try await fixture.get("/api/v1/pods")
            #expect(names == direct.itemKeys)
            #expect(names.count == 6)
            // kubectl puts kind/apiVersion back on items.
            #expect(items.allSatisfy { $0["kind"] as? String == "Pod" })
        }
    }

    @Test func humanReadableGetWorks() async throws {
        guard Self.available() else { return }
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 0)) { fixture in
            let result = try await Self.kubectl(fixture.baseURL, ["get", "configmaps", "-n", "ns-0"])
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out.contains("cm-0"))
            #expect(result.out.contains("cm-1"))
            let shortName = try await Self.kubectl(fixture.baseURL, ["get", "cm", "-n", "ns-0", "-o", "name"])
            #expect(shortName.out.split(separator: "\n") == ["configmap/cm-0", "configmap/cm-1"], "\(shortName.err)")
        }
    }

    @Test func watchSeesAChange() async throws {
        guard Self.available() else { return }
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0)) { fixture in
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-watch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: home) }
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = home.path
            environment["KUBECONFIG"] = home.appendingPathComponent("config").path
            let kubectl = try BackgroundProcess(
                Self.kubectlPath!,
                ["--server=\(fixture.baseURL)", "--cache-dir=\(home.path)/cache", "get", "configmaps", "-n", "ns-0",
                 "-w", "--output-watch-events", "-o", "name"],
                environment: environment)
            defer { kubectl.stopNow() }
            try await waitUntil(timeout: .seconds(60), "kubectl to print the initial object") { kubectl.standardOutput.contains("cm-0") }
            try await waitUntil(timeout: .seconds(60), "kubectl's watch to be open") { fixture.sim.openWatchCount > 0 }
            try await fixture.createConfigMap("ns-0", "added-later")
            try await waitUntil(timeout: .seconds(60), "kubectl to print the new object") { kubectl.standardOutput.contains("added-later") }
            #expect(fixture.sim.counters.count(verb: "watch", resource: "configmaps") >= 1)
        }
    }

    @Test func createApplyTwiceAndDelete() async throws {
        guard Self.available() else { return }
        try await SimFixture.with { fixture in
            try await fixture.createNamespace("demo")
            let manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: demo
                data:
                  color: blue
                """
            let created = try await Self.kubectl(fixture.baseURL, ["create", "-f", "-"], stdin: manifest)
            #expect(created.status == 0, "\(created.err)")
            #expect(created.out.contains("configmap/settings created"))
            let duplicate = try await Self.kubectl(fixture.baseURL, ["create", "-f", "-"], stdin: manifest)
            #expect(duplicate.status != 0)
            #expect(duplicate.err.contains("AlreadyExists") || duplicate.err.contains("already exists"))

            let applyManifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: demo
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: main
                        image: nginx:1.25
                        env:
                        - {name: MODE, value: one}
                """
            let first = try await Self.kubectl(fixture.baseURL, ["apply", "-f", "-"], stdin: applyManifest)
            #expect(first.status == 0, "\(first.err)")
            #expect(first.out.contains("deployment.apps/web created"))
            let changed = applyManifest.replacingOccurrences(of: "replicas: 2", with: "replicas: 3")
                .replacingOccurrences(of: "value: one", with: "value: two")
            let second = try await Self.kubectl(fixture.baseURL, ["apply", "-f", "-"], stdin: changed)
            #expect(second.status == 0, "\(second.err)")
            #expect(second.out.contains("deployment.apps/web configured"))
            let stored = try await fixture.get("/apis/apps/v1/namespaces/demo/deployments/web")
            let spec = stored.object["spec"] as? [String: Any] ?? [:]
            #expect(spec["replicas"] as? Int == 3)
            #expect(stored.metadata["generation"] as? Int == 2)
            let containers = ((spec["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]] ?? []
            #expect((containers.first?["env"] as? [[String: Any]])?.first?["value"] as? String == "two")
            let unchanged = try await Self.kubectl(fixture.baseURL, ["apply", "-f", "-"], stdin: changed)
            #expect(unchanged.out.contains("deployment.apps/web unchanged"), "\(unchanged.out) \(unchanged.err)")

            let deleted = try await Self.kubectl(fixture.baseURL, ["delete", "configmap", "settings", "-n", "demo"])
            #expect(deleted.status == 0, "\(deleted.err)")
            #expect(deleted.out.contains("configmap \"settings\" deleted"))
            let gone = try await fixture.get("/api/v1/namespaces/demo/configmaps/settings")
            #expect(gone.status == 404)
        }
    }
}

extension KubectlTests {
    @Test func labelScaleAndCustomResources() async throws {
        guard Self.available() else { return }
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 1, podsPerNamespace: 0, deploymentsPerNamespace: 1, widgetsPerNamespace: 2)) { fixture in
            let label = try await Self.kubectl(fixture.baseURL, ["label", "configmap", "cm-0", "-n", "ns-0", "team=blue"])
            #expect(label.status == 0, "\(label.err)")
            let labelled = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0")
            #expect((labelled.metadata["labels"] as? [String: String])?["team"] == "blue")
            let selected = try await Self.kubectl(fixture.baseURL, ["get", "cm", "-A", "-l", "team=blue", "-o", "name"])
            #expect(selected.out.split(separator: "\n") == ["configmap/cm-0"], "\(selected.err)")

            let scale = try await Self.kubectl(fixture.baseURL, ["scale", "deployment", "deploy-0", "-n", "ns-0", "--replicas=5"])
            #expect(scale.status == 0, "\(scale.err)")
            let deployment = try await fixture.get("/apis/apps/v1/namespaces/ns-0/deployments/deploy-0")
            #expect((deployment.object["spec"] as? [String: Any])?["replicas"] as? Int == 5)

            let widgets = try await Self.kubectl(fixture.baseURL, ["get", "widgets", "-n", "ns-0", "-o", "name"])
            #expect(widgets.out.split(separator: "\n") == ["widget.example.com/widget-0", "widget.example.com/widget-1"], "\(widgets.err)")
            let manifest = """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: applied, namespace: ns-0}
                spec: {color: red, size: 1}
                """
            let first = try await Self.kubectl(fixture.baseURL, ["apply", "-f", "-"], stdin: manifest)
            #expect(first.out.contains("widget.example.com/applied created"), "\(first.err)")
            let second = try await Self.kubectl(fixture.baseURL, ["apply", "-f", "-"], stdin: manifest.replacingOccurrences(of: "size: 1", with: "size: 2"))
            #expect(second.out.contains("widget.example.com/applied configured"), "\(second.err)")
            let applied = try await fixture.get("/apis/example.com/v1/namespaces/ns-0/widgets/applied")
            #expect((applied.object["spec"] as? [String: Any])?["size"] as? Int == 2)
            let deleted = try await Self.kubectl(fixture.baseURL, ["delete", "widget", "applied", "-n", "ns-0"])
            #expect(deleted.status == 0, "\(deleted.err)")
        }
    }
}
