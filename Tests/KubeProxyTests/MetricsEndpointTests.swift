import KubeAPI
import KubeProxy
import KubeSim
import KubeTestSupport
import Testing

/// `/metrics` after real traffic through a proxy in front of KubeSim: every family is exported
/// with the right type and labels, the exposition parses, and the figures move with the
/// traffic — counters rise, the watcher gauge follows an open watch up and down, the cache
/// gauges equal what KubeSim holds and the cache's RV.
@Suite("Metrics endpoint")
struct MetricsEndpointTests {
    static let expectedFamilies: [String: String] = [
        "kcache_http_requests_total": "counter",
        "kcache_http_request_duration_seconds": "histogram",
        "kcache_cache_objects": "gauge",
        "kcache_cache_bytes": "gauge",
        "kcache_cache_resource_version": "gauge",
        "kcache_cache_kinds_refused_total": "counter",
        "kcache_upstream_events_total": "counter",
        "kcache_upstream_relists_total": "counter",
        "kcache_upstream_watch_restarts_total": "counter",
        "kcache_upstream_list_watch_errors_total": "counter",
        "kcache_upstream_requests_total": "counter",
        "kcache_watchers": "gauge",
        "kcache_watch_events_sent_total": "counter",
        "kcache_watchers_ended_slow_total": "counter",
        "kcache_consistency_waits_total": "counter",
        "kcache_consistency_wait_duration_seconds": "histogram",
        "kcache_consistency_fallbacks_total": "counter",
        "kcache_authorization_decisions_total": "counter",
        "kcache_authorization_cache_hits_total": "counter",
        "kcache_authorization_cache_misses_total": "counter",
        "kcache_snapshot_saves_total": "counter",
        "kcache_snapshot_save_failures_total": "counter",
        "kcache_snapshot_save_duration_seconds": "histogram",
        "kcache_snapshot_bytes": "gauge",
        "kcache_snapshot_last_success_timestamp_seconds": "gauge",
        "process_resident_memory_bytes": "gauge",
        "process_virtual_memory_bytes": "gauge",
        "process_open_fds": "gauge",
    ]

    /// Families labelled by cached resource.
    static let perResourceFamilies = [
        "kcache_cache_objects", "kcache_cache_bytes", "kcache_cache_resource_version", "kcache_upstream_events_total",
        "kcache_upstream_relists_total", "kcache_upstream_watch_restarts_total", "kcache_upstream_list_watch_errors_total",
        "kcache_watchers", "kcache_watch_events_sent_total", "kcache_watchers_ended_slow_total",
    ]

    static let configMaps = ["group": "", "resource": "configmaps"]

    @Test("families are present and move with traffic")
    func familiesMove() async throws {
        try await MetricsFixture.with { fixture in
            let before = try await fixture.scrape()
            #expect(before.value("kcache_cache_objects", Self.configMaps) == Double(fixture.sim.count(MetricsFixture.configMaps)))

            // Reads answered from the cache.
            #expect(try await fixture.get("/api/v1/configmaps").header("X-Kcache-Source") == "cache")
            #expect(try await fixture.get("/api/v1/namespaces/ns-0/configmaps/cm-0").status == 200)

            // A watch: the gauge goes up while it is open.
            let watch = try await fixture.client.watch(fixture.baseURL + "/api/v1/namespaces/ns-0/configmaps?watch=1")
            let initial = try await watch.next(4)
            #expect(initial.count == 4 && initial.allSatisfy { $0.type == "ADDED" })
            let watching = try await eventually("kcache_watchers to count the open watch") {
                let scrape = try await fixture.scrape()
                return scrape.value("kcache_watchers", Self.configMaps) == 1 ? scrape : nil
            }
            #expect(watching.value("kcache_watch_events_sent_total", Self.configMaps) >= 4)

            // A write through the proxy while the upstream's events lag: the read after it
            // waits for the cache (read-your-writes), gives up and goes upstream.
            fixture.sim.faults.watchEventDelay = .milliseconds(800)
            let created = try await fixture.post(
                "/api/v1/namespaces/ns-0/configmaps", json: #"{"metadata":{"name":"metrics-new"},"data":{"k":"v"}}"#)
            #expect(created.status == 201)
            let readBack = try await fixture.get("/api/v1/namespaces/ns-0/configmaps/metrics-new")
            #expect(readBack.status == 200)
            #expect(readBack.header("X-Kcache-Source") == "upstream")
            fixture.sim.faults.watchEventDelay = .zero
            let added = try await watch.first { $0.type == "ADDED" && $0.name == "metrics-new" }
            #expect(added != nil)

            // A watch the server ends (its timeout) is counted as a request, but not timed.
            let timed = try await fixture.client.watch(fixture.baseURL + "/api/v1/pods?watch=1&timeoutSeconds=1")
            #expect(try await timed.waitForEnd() == .completed)

            // Closed: the gauge comes back down.
            watch.close()
            let closed = try await eventually("kcache_watchers to drop after the watch closed") {
                let scrape = try await fixture.scrape()
                return scrape.value("kcache_watchers", Self.configMaps) == 0 ? scrape : nil
            }

            // The cache gauges agree with KubeSim and with the cache itself.
            let cache = try #require(fixture.proxy.registry.cache(for: MetricsFixture.configMaps))
            let after = try await eventually("the cache gauges to match KubeSim and the cache") {
                let scrape = try await fixture.scrape()
                let objects = scrape.value("kcache_cache_objects", Self.configMaps)
                let resourceVersion = scrape.value("kcache_cache_resource_version", Self.configMaps)
                return objects == Double(fixture.sim.count(MetricsFixture.configMaps))
                    && resourceVersion == Double(cache.resourceVersion.value) ? scrape : nil
            }
            #expect(after.value("kcache_cache_objects", Self.configMaps) == before.value("kcache_cache_objects", Self.configMaps) + 1)
            #expect(after.value("kcache_cache_bytes", Self.configMaps) > 0)
            #expect(after.value("kcache_cache_objects", ["resource": "pods"]) == Double(fixture.sim.count(
                GroupVersionResource(group: "", version: "v1", resource: "pods"))))

            Self.expectWellFormed(after)

            // Counters moved between the first scrape and the last.
            let list = ["verb": "list", "group": "", "resource": "configmaps", "code": "200", "source": "cache"]
            #expect(after.value("kcache_http_requests_total", list) > before.value("kcache_http_requests_total", list))
            #expect(after.value("kcache_http_requests_total", ["verb": "get", "resource": "configmaps", "source": "cache"]) >= 1)
            #expect(after.value("kcache_http_requests_total", ["verb": "create", "resource": "configmaps", "code": "201", "source": "upstream"]) == 1)
            #expect(after.value("kcache_http_requests_total", ["verb": "watch", "resource": "pods", "code": "200", "source": "cache"]) == 1)
            #expect(closed.value("kcache_http_requests_total", ["verb": "get", "resource": "", "source": "local"])
                > watching.value("kcache_http_requests_total", ["verb": "get", "resource": "", "source": "local"]))
            #expect(after.value("kcache_http_request_duration_seconds_count", ["verb": "list", "resource": "configmaps", "source": "cache"]) >= 1)
            #expect(after.samples("kcache_http_request_duration_seconds_count", ["verb": "watch"]).isEmpty)
            #expect(after.value("kcache_upstream_events_total", Self.configMaps.merging(["type": "ADDED"]) { $1 }) >= 1)
            #expect(after.value("kcache_watch_events_sent_total", Self.configMaps) >= 5)
            #expect(after.value("kcache_upstream_requests_total") > 0)

            let waits = after.value("kcache_consistency_waits_total", Self.configMaps)
            #expect(waits >= 1)
            #expect(after.value("kcache_consistency_fallbacks_total", Self.configMaps) >= 1)
            #expect(after.value("kcache_consistency_wait_duration_seconds_count", Self.configMaps) == waits)
            #expect(after.value("kcache_consistency_wait_duration_seconds_sum", Self.configMaps) >= 0.2 * waits)

            // A scrape without traffic in between adds nothing to the pulled counters.
            let again = try await fixture.scrape()
            for family in ["kcache_upstream_events_total", "kcache_watch_events_sent_total", "kcache_upstream_relists_total"] {
                #expect(again.value(family, Self.configMaps) == after.value(family, Self.configMaps), "\(family)")
            }

            #if os(Linux)
            #expect(after.value("process_resident_memory_bytes") > 1_048_576)
            #expect(after.value("process_open_fds") > 3)
            #endif
        }
    }

    /// Every expected family with its type, every kcache family named by the conventions, and
    /// the per-resource families labelled `group`/`resource`.
    static func expectWellFormed(_ scrape: Exposition) {
        for (family, type) in expectedFamilies {
            #expect(scrape.types[family] == type, "family \(family)")
        }
        for (family, type) in scrape.types where family.hasPrefix("kcache_") {
            #expect(MetricsNaming.problems(family: family, type: type).isEmpty, "\(family): \(MetricsNaming.problems(family: family, type: type))")
        }
        for family in perResourceFamilies {
            let samples = scrape.samples(family)
            #expect(!samples.isEmpty, "family \(family) has samples")
            #expect(samples.allSatisfy { $0.labels["group"] != nil && $0.labels["resource"] != nil }, "family \(family) labels")
        }
        for sample in scrape.samples("kcache_http_requests_total") {
            #expect(Set(sample.labels.keys) == ["verb", "group", "resource", "code", "source"])
        }
    }
}

/// kcache's naming conventions (STYLE.md): `kcache_<subsystem>_<name>_<unit|total>` in
/// lowercase snake case; counters end in `_total`, histograms in a base unit, gauges not in
/// `_total`.
enum MetricsNaming {
    static func problems(family: String, type: String) -> [String] {
        var problems: [String] = []
        let words = family.split(separator: "_", omittingEmptySubsequences: false)
        if words.first != "kcache" || words.count < 2 { problems.append("not kcache_<subsystem>_…") }
        if words.contains(where: { $0.isEmpty || !$0.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } }) {
            problems.append("not lowercase snake case")
        }
        switch type {
        case "counter" where !family.hasSuffix("_total"): problems.append("a counter must end in _total")
        case "histogram" where !(family.hasSuffix("_seconds") || family.hasSuffix("_bytes")): problems.append("a histogram must end in its unit")
        case "gauge" where family.hasSuffix("_total"): problems.append("a gauge must not end in _total")
        default: break
        }
        return problems
    }
}
