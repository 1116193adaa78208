import Foundation
import KubeTestSupport
import Testing

/// config/ builds with `kubectl kustomize` (offline) into what running kcache needs: RBAC that
/// covers what it caches and authorizes, a Deployment whose flags the real binary accepts,
/// probes on documented endpoints, a hardened pod; a loopback sidecar the controller is
/// pointed at; a ServiceMonitor that finds the Service. Skipped with a printed reason when
/// kubectl or PyYAML is absent.
@Suite struct KustomizeTests {
    /// One object of a kustomize build.
    struct Object {
        var json: [String: Any]
        var kind: String { json.string("kind") ?? "" }
        var name: String { json.string("metadata", "name") ?? "" }
        var namespace: String? { json.string("metadata", "namespace") }
    }

    static func prerequisites(_ test: String = #function) async -> Bool {
        guard ClientTools.available(ClientTools.kubectl, "kubectl", test: test) else { return false }
        if let problem = await PythonYAML.problem() {
            print("\(test): skipping, \(problem)")
            return false
        }
        return true
    }

    /// `kubectl kustomize directory`, which must succeed.
    static func build(_ directory: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Object] {
        let home = try ClientTools.Home()
        defer { home.remove() }
        let result = try await ProcessRunner.run(
            try #require(ClientTools.kubectl), ["kustomize", Repository.path(directory)], environment: home.environment)
        try #require(result.status == 0, "kubectl kustomize \(directory): \(result.standardError)", sourceLocation: sourceLocation)
        return try await PythonYAML.documents(result.standardOutput, sourceLocation: sourceLocation).map(Object.init)
    }

    static func one(_ objects: [Object], kind: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Object {
        let matching = objects.filter { $0.kind == kind }
        try #require(matching.count == 1, "expected one \(kind), found \(matching.map(\.name))", sourceLocation: sourceLocation)
        return matching[0]
    }

    /// The named container of a pod spec, among `containers` and `initContainers`.
    static func container(_ pod: [String: Any], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let all = pod.list("containers") + pod.list("initContainers")
        return try #require(all.first { $0.string("name") == name }, "no container \(name)", sourceLocation: sourceLocation)
    }

    /// `--name=value` (or `--name value`) of `arguments`.
    static func flag(_ name: String, in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix("--\(name)=") { return String(argument.dropFirst(name.count + 3)) }
            if argument == "--\(name)", index + 1 < arguments.count { return arguments[index + 1] }
        }
        return nil
    }

    /// Whether `path` lies in a volume mount of `container`; the mount, if so.
    static func mount(of path: String, in container: [String: Any]) -> [String: Any]? {
        container.list("volumeMounts").first { mount in
            guard let mountPath = mount.string("mountPath") else { return false }
            return path == mountPath || path.hasPrefix(mountPath.hasSuffix("/") ? mountPath : mountPath + "/")
        }
    }

    @Test func defaultLayout() async throws {
        guard await Self.prerequisites() else { return }
        let objects = try await Self.build("config/default")
        for kind in ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service"] {
            #expect(objects.contains { $0.kind == kind }, "config/default has no \(kind)")
        }
        let namespace = try Self.one(objects, kind: "Namespace").name
        for object in objects where !["Namespace", "ClusterRole", "ClusterRoleBinding"].contains(object.kind) {
            #expect(object.namespace == namespace, "\(object.kind) \(object.name) is in \(object.namespace ?? "no namespace")")
        }
        let serviceAccount = try Self.one(objects, kind: "ServiceAccount")
        let role = try Self.one(objects, kind: "ClusterRole")
        let binding = try Self.one(objects, kind: "ClusterRoleBinding")
        #expect(binding.json.string("roleRef", "kind") == "ClusterRole" && binding.json.string("roleRef", "name") == role.name)
        #expect(binding.json.list("subjects").contains {
            $0.string("kind") == "ServiceAccount" && $0.string("name") == serviceAccount.name && $0.string("namespace") == namespace
        }, "the binding's subject is not kcache's service account in \(namespace)")

        // The Deployment: in-cluster (no upstream flags), passthrough over TLS from a Secret.
        let deployment = try Self.one(objects, kind: "Deployment")
        let pod = deployment.json.mapping("spec", "template", "spec")
        #expect(pod.string("serviceAccountName") == serviceAccount.name)
        let kcache = try Self.container(pod, "kcache")
        let arguments = kcache.strings("args")
        #expect(kcache.value("command") == nil, "the image's ENTRYPOINT (kcache serve) is used")
        #expect(Self.flag("auth", in: arguments) == "passthrough")
        for upstreamFlag in ["upstream", "kubeconfig", "context", "token-file", "insecure-skip-tls-verify"] {
            #expect(Self.flag(upstreamFlag, in: arguments) == nil, "--\(upstreamFlag): the Deployment should use its service account")
        }
        let listen = try #require(Self.flag("listen", in: arguments))
        let port = try #require(Int(listen.split(separator: ":").last ?? ""))
        let containerPort = try #require(kcache.list("ports").first { $0.value("containerPort") as? Int == port }, "no container port \(port)")
        let volumes = pod.list("volumes")
        for tlsFlag in ["tls-cert-file", "tls-private-key-file"] {
            let file = try #require(Self.flag(tlsFlag, in: arguments), "--\(tlsFlag)")
            let mount = try #require(Self.mount(of: file, in: kcache), "\(file) is not in a mounted volume")
            let volume = volumes.first { $0.string("name") == mount.string("name") }
            #expect(volume?.string("secret", "secretName") != nil, "--\(tlsFlag) is not from a Secret")
        }
        // The snapshot lives on a writable volume (the root filesystem is read-only).
        let snapshot = try #require(Self.flag("snapshot", in: arguments))
        let snapshotMount = try #require(Self.mount(of: snapshot, in: kcache), "the snapshot is not on a volume")
        #expect(snapshotMount.value("readOnly") as? Bool != true)
        // Probes on the documented health endpoints, on the serving port, over HTTPS.
        let openapi = try Repository.text("openapi.yaml")
        for (probe, path) in [("livenessProbe", "/livez"), ("readinessProbe", "/readyz")] {
            let get = kcache.mapping(probe, "httpGet")
            #expect(get.string("path") == path, "\(probe)")
            #expect(get.string("scheme") == "HTTPS", "\(probe): kcache serves TLS")
            let probePort = get.value("port")
            #expect(probePort as? String == containerPort.string("name") || probePort as? Int == port, "\(probe) port")
            #expect(openapi.contains("\n  \(path):\n"), "\(path) is not in openapi.yaml")
        }
        // Resources and a hardened security context.
        #expect(kcache.mapping("resources", "requests")["memory"] != nil && kcache.mapping("resources", "limits")["memory"] != nil)
        #expect(kcache.value("securityContext", "readOnlyRootFilesystem") as? Bool == true)
        #expect(kcache.value("securityContext", "allowPrivilegeEscalation") as? Bool == false)
        #expect(kcache.strings("securityContext", "capabilities", "drop") == ["ALL"])
        #expect(pod.value("securityContext", "runAsNonRoot") as? Bool == true)

        // The settings file comes from the ConfigMap; the ClusterRole lets kcache list and watch
        // every kind it caches up front, and create the reviews passthrough needs.
        let configFile = try #require(Self.flag("config", in: arguments))
        let configMount = try #require(Self.mount(of: configFile, in: kcache))
        let configVolume = try #require(volumes.first { $0.string("name") == configMount.string("name") })
        let configMap = try #require(objects.first { $0.kind == "ConfigMap" && $0.name == configVolume.string("configMap", "name") },
                                     "the config volume names no ConfigMap of the build")
        let configText = try #require(configMap.json.string("data", configMount.string("subPath") ?? "kcache.yaml"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let localConfig = try directory.write("kcache.yaml", configText)
        let printed = try await KcacheBinary.printConfig(arguments.map { $0 == "--config=\(configFile)" ? "--config=\(localConfig)" : $0 })
        #expect(printed["auth"] == .text("passthrough"))
        #expect(printed["listen"] == .text(listen))
        guard case .list(let cached)? = printed["resources"] else { throw MissingResources() }
        #expect(!cached.isEmpty)
        let rules = role.json.list("rules")
        func allowed(_ group: String, _ resource: String, _ verb: String) -> Bool {
            rules.contains { rule in
                rule.strings("apiGroups").contains(group) && rule.strings("resources").contains(resource) && rule.strings("verbs").contains(verb)
            }
        }
        for name in cached {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            let group = parts.count > 1 ? parts[1] : ""
            for verb in ["get", "list", "watch"] {
                #expect(allowed(group, parts[0], verb), "the ClusterRole does not allow \(verb) on \(name)")
            }
        }
        #expect(allowed("authentication.k8s.io", "tokenreviews", "create"))
        #expect(allowed("authorization.k8s.io", "subjectaccessreviews", "create"))
        #expect(!rules.contains { $0.strings("resources").contains("secrets") || $0.strings("resources").contains("*") },
                "kcache's role reaches Secrets")

        // The Service sends its port to the container's.
        let service = try Self.one(objects, kind: "Service")
        let labels = deployment.json.mapping("spec", "template", "metadata", "labels")
        for (key, value) in service.json.mapping("spec", "selector") {
            #expect(labels[key] as? String == value as? String, "the Service selects \(key)=\(value), pods have \(labels)")
        }
        let servicePort = try #require(service.json.list("spec", "ports").first)
        #expect(servicePort.value("targetPort") as? String == containerPort.string("name") || servicePort.value("targetPort") as? Int == port)
    }

    /// `--print-config` printed no `resources` list.
    struct MissingResources: Error {}

    @Test func sidecarLayout() async throws {
        guard await Self.prerequisites() else { return }
        let objects = try await Self.build("config/sidecar")
        let deployment = try Self.one(objects, kind: "Deployment")
        let pod = deployment.json.mapping("spec", "template", "spec")
        let kcache = try Self.container(pod, "kcache")
        let arguments = kcache.strings("args")
        #expect(Self.flag("auth", in: arguments) == "none")
        let listen = try #require(Self.flag("listen", in: arguments))
        #expect(listen.hasPrefix("127.0.0.1:"), "the sidecar listens on loopback only: \(listen)")
        #expect(Self.flag("allow-unauthenticated-remote", in: arguments) == nil && !arguments.contains("--allow-unauthenticated-remote"))
        let printed = try await KcacheBinary.printConfig(arguments)
        #expect(printed["auth"] == .text("none"))
        #expect(printed["listen"] == .text(listen))
        if let snapshot = Self.flag("snapshot", in: arguments) {
            #expect(Self.mount(of: snapshot, in: kcache) != nil, "the snapshot is not on a volume")
        }
        #expect(kcache.value("securityContext", "readOnlyRootFilesystem") as? Bool == true)
        #expect(kcache.value("securityContext", "runAsNonRoot") as? Bool == true)
        // A native sidecar: an init container that keeps running.
        if pod.list("initContainers").contains(where: { $0.string("name") == "kcache" }) {
            #expect(kcache.string("restartPolicy") == "Always")
        }
        // Probes run inside the container (the kubelet cannot reach a loopback listener).
        let url = "http://\(listen)"
        for (probe, path) in [("startupProbe", "/readyz"), ("livenessProbe", "/livez")] {
            let command = kcache.strings(probe, "exec", "command")
            #expect(command.first == "curl" && command.contains(url + path), "\(probe): \(command)")
        }
        // The controller reaches kcache through a kubeconfig naming it.
        let controller = try #require((pod.list("containers")).first { $0.string("name") != "kcache" }, "no controller container")
        let kubeconfigPath = try #require(controller.list("env").first { $0.string("name") == "KUBECONFIG" }?.string("value"))
        let mount = try #require(Self.mount(of: kubeconfigPath, in: controller), "KUBECONFIG is not on a volume")
        let volume = try #require(pod.list("volumes").first { $0.string("name") == mount.string("name") })
        let configMap = try #require(objects.first { $0.kind == "ConfigMap" && $0.name == volume.string("configMap", "name") })
        let file = String(kubeconfigPath.dropFirst((mount.string("mountPath") ?? "").count + 1))
        let kubeconfigText = try #require(configMap.json.string("data", file), "the ConfigMap has no \(file)")
        let kubeconfig = try #require(try await PythonYAML.documents(kubeconfigText).first)
        #expect(kubeconfig.list("clusters").first?.string("cluster", "server") == url)
        #expect(kcache.list("env").first { $0.string("name") == "KUBECONFIG" } == nil, "kcache itself must use the service account")
    }

    @Test func prometheusLayout() async throws {
        guard await Self.prerequisites() else { return }
        let monitor = try Self.one(try await Self.build("config/prometheus"), kind: "ServiceMonitor")
        let defaults = try await Self.build("config/default")
        let service = try Self.one(defaults, kind: "Service")
        #expect(monitor.namespace == service.namespace)
        for (key, value) in monitor.json.mapping("spec", "selector", "matchLabels") {
            #expect(service.json.mapping("metadata", "labels")[key] as? String == value as? String, "the monitor selects \(key)=\(value)")
        }
        let endpoint = try #require(monitor.json.list("spec", "endpoints").first)
        #expect(endpoint.string("path") == "/metrics")
        #expect(try Repository.text("openapi.yaml").contains("\n  /metrics:\n"))
        #expect(service.json.list("spec", "ports").contains { $0.string("name") == endpoint.string("port") },
                "the monitor scrapes port \(endpoint.string("port") ?? "?"), which the Service lacks")
        #expect(endpoint.string("scheme") == "https", "config/default serves TLS")
    }
}
