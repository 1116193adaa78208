import KubeAPI
import Testing
@testable import KubeCache

@Suite struct ResourceCacheListTests {
    /// A cache synced with `count` configmaps in namespaces a and b, labelled by parity.
    func populated(_ count: Int = 10) -> ResourceCache {
        let cache = ResourceCache(resource: Fixtures.configMaps)
        var objects: [CachedObject] = []
        for index in 0..<count {
            let even = index % 2 == 0
            objects.append(Fixtures.object(
                namespace: even ? "a" : "b", name: "cm-\(index)", rv: UInt64(index + 1),
                labels: ["parity": even ? "even" : "odd"]))
        }
        cache.replace(with: objects, resourceVersion: ResourceVersion(UInt64(count)))
        return cache
    }

    func page(_ answer: ListAnswer) -> ListResult {
        guard case .list(let result) = answer else {
            Issue.record("expected a list, got \(answer)")
            return ListResult(resourceVersion: .zero, items: [])
        }
        return result
    }

    @Test func listsAllInKeyOrderWithTheStoreRV() throws {
        let cache = populated()
        let result = page(try cache.list(ListRequest(filter: Fixtures.filter())))
        let expected: [String] = (0..<10).map { index in (index % 2 == 0 ? "a/" : "b/") + "cm-\(index)" }.sorted()
        #expect(result.items.map(\.key.storageKey) == expected)
        #expect(result.resourceVersion == ResourceVersion(10))
        #expect(result.continueToken == nil)
        #expect(result.remainingItemCount == nil)
    }

    @Test func paginatesFromOneStateWhileEventsArrive() throws {
        let cache = populated()
        let first = page(try cache.list(ListRequest(filter: Fixtures.filter(), limit: 4)))
        #expect(first.items.count == 4)
        #expect(first.remainingItemCount == 6)
        let token = try #require(first.continueToken)
        // Changes after the first page must not show in later pages.
        cache.apply(.added, Fixtures.object(namespace: "a", name: "cm-99", rv: 11))
        cache.apply(.deleted, Fixtures.object(namespace: "b", name: "cm-9", rv: 12))
        var items = first.items
        var next: String? = token
        while let continueToken = next {
            let result = page(try cache.list(ListRequest(filter: Fixtures.filter(), limit: 4, continueToken: continueToken)))
            #expect(result.resourceVersion == ResourceVersion(10))
            items += result.items
            next = result.continueToken
        }
        #expect(items.map(\.key.name).sorted() == (0..<10).map { "cm-\($0)" }.sorted())
        #expect(items.map(\.key) == items.map(\.key).sorted())
    }

    @Test func continueTokenInTheAPIServerFormat() throws {
        let cache = populated()
        let result = page(try cache.list(ListRequest(filter: Fixtures.filter(namespace: "a"), limit: 2)))
        let token = try ContinueToken(decoding: try #require(result.continueToken))
        #expect(token.resourceVersion == ResourceVersion(10))
        // Relative to the namespace's prefix: the last name, then NUL.
        #expect(token.startKey == "cm-2\u{0}")
        let all = page(try cache.list(ListRequest(filter: Fixtures.filter(), limit: 1)))
        #expect(try ContinueToken(decoding: try #require(all.continueToken)).startKey == "a/cm-0\u{0}")
    }

    @Test func selectorsOmitRemainingItemCount() throws {
        let cache = populated()
        let result = page(try cache.list(ListRequest(filter: Fixtures.filter(labels: "parity=even"), limit: 2)))
        #expect(result.items.map(\.key.name) == ["cm-0", "cm-2"])
        #expect(result.continueToken != nil)
        #expect(result.remainingItemCount == nil)
    }

    @Test func resourceVersionZeroIgnoresLimit() throws {
        let cache = populated()
        let result = page(try cache.list(ListRequest(filter: Fixtures.filter(), limit: 3, resourceVersion: .zero)))
        #expect(result.items.count == 10)
        #expect(result.continueToken == nil)
    }

    @Test func exactReadsNeedTheStateAtThatRV() throws {
        let cache = populated()
        let exact = page(try cache.list(ListRequest(filter: Fixtures.filter(), resourceVersion: ResourceVersion(10), resourceVersionMatch: .exact)))
        #expect(exact.items.count == 10)
        cache.apply(.added, Fixtures.object(namespace: "a", name: "new", rv: 11))
        guard case .upstream = try cache.list(ListRequest(filter: Fixtures.filter(), resourceVersion: ResourceVersion(10), resourceVersionMatch: .exact)) else {
            Issue.record("an RV the cache has moved past must go upstream")
            return
        }
    }

    @Test func expiredTokenGoesUpstreamAndGarbageIsBadRequest() throws {
        let cache = populated()
        let stale = ContinueToken(resourceVersion: ResourceVersion(3), startKey: "a/cm-0\u{0}").encoded
        guard case .upstream = try cache.list(ListRequest(filter: Fixtures.filter(), limit: 2, continueToken: stale)) else {
            Issue.record("a token for a state the cache lacks must go upstream")
            return
        }
        #expect(throws: Status.self) { try cache.list(ListRequest(filter: Fixtures.filter(), continueToken: "%%%")) }
    }

    @Test func fieldSelectorsByNameAndNode() throws {
        let cache = ResourceCache(resource: Fixtures.pods)
        cache.replace(with: [
            Fixtures.object(Fixtures.pods, namespace: "a", name: "p1", rv: 1, nodeName: "n1"),
            Fixtures.object(Fixtures.pods, namespace: "b", name: "p1", rv: 2, nodeName: "n2"),
            Fixtures.object(Fixtures.pods, namespace: "b", name: "p2", rv: 3),
        ], resourceVersion: ResourceVersion(3))
        let byName = page(try cache.list(ListRequest(filter: Fixtures.filter(Fixtures.pods, fields: "metadata.name=p1"))))
        #expect(byName.items.map(\.key.storageKey) == ["a/p1", "b/p1"])
        let byNode = page(try cache.list(ListRequest(filter: Fixtures.filter(Fixtures.pods, fields: "spec.nodeName=n2"))))
        #expect(byNode.items.map(\.key.storageKey) == ["b/p1"])
        let unscheduled = page(try cache.list(ListRequest(filter: Fixtures.filter(Fixtures.pods, fields: "spec.nodeName="))))
        #expect(unscheduled.items.map(\.key.storageKey) == ["b/p2"])
        #expect(ObjectFilter(resource: Fixtures.configMaps, namespace: "", fieldSelector: try FieldSelector(parsing: "spec.nodeName=x")) == nil)
    }
}
