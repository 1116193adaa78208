import Foundation
import KubeAPI
import KubeSim
import KubeTestSupport
import Testing

/// The official Python client (`kubernetes` on PyPI) against KubeSim: typed list, create,
/// watch from a list's resourceVersion, and its 404 handling. Skipped with a printed reason
/// when python3 or the package is missing.
@Suite struct PythonClientTests {
    static let script = #"""
import sys
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
configuration = client.Configuration()
configuration.host = sys.argv[1]
api = client.CoreV1Api(client.ApiClient(configuration))
pods = api.list_pod_for_all_namespaces(limit=2)
print("pods", len(pods.items), bool(pods.metadata._continue))
listed = api.list_namespaced_config_map("ns-0")
print("configmaps", ",".join(item.metadata.name for item in listed.items))
api.create_namespaced_config_map("ns-0", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="from-python"), data={"a": "b"}))
for event in watch.Watch().stream(api.list_namespaced_config_map, "ns-0", resource_version=listed.metadata.resource_version, timeout_seconds=1):
    print("event", event["type"], event["object"].metadata.name)
try:
    api.read_namespaced_config_map("missing", "ns-0")
except ApiException as error:
    print("status", error.status, error.reason)
"""#

    @Test func listCreateWatchAndNotFound() async throws {
        // python3 as found on PATH (pyenv and virtualenvs put the client's interpreter first).
        let env = "/usr/bin/env"
        let probe = try await ProcessRunner.run(env, ["python3", "-c", "import kubernetes"])
        guard probe.status == 0 else {
            print("PythonClientTests: skipping, python3 with the kubernetes package is not on PATH")
            return
        }
        try await SimFixture.with(seed: SeedPlan(namespaces: 1, configMapsPerNamespace: 2, podsPerNamespace: 3)) { fixture in
            let result = try await ProcessRunner.run(env, ["python3", "-c", Self.script, fixture.baseURL])
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines == [
                "pods 2 True",
                "configmaps cm-0,cm-1",
                "event ADDED from-python",
                "status 404 Not Found",
            ], "\(result.standardOutput)\(result.standardError)")
        }
    }
}
