import KubeProxy
import Testing

/// `WatchLimiter`: exactly `limit` permits at once, a place freed by each released permit,
/// every refusal counted.
struct WatchLimiterTests {
    @Test(arguments: [0, 1, 4])
    func admitsExactlyTheLimit(limit: Int) {
        let limiter = WatchLimiter(limit: limit)
        var permits: [WatchLimiter.Permit] = []
        for _ in 0..<limit {
            guard let permit = limiter.acquire() else {
                Issue.record("refused with \(permits.count) of \(limit) open")
                return
            }
            permits.append(permit)
        }
        #expect(limiter.openWatches == limit)
        #expect(limiter.acquire() == nil, "one more than the limit")
        #expect(limiter.acquire() == nil, "and again")
        #expect(limiter.openWatches == limit, "a refusal holds no place")
        #expect(limiter.refused == 2)

        // A released permit frees exactly one place.
        if !permits.isEmpty {
            permits.removeLast()
            #expect(limiter.openWatches == limit - 1)
            let again = limiter.acquire()
            #expect(again != nil)
            #expect(limiter.acquire() == nil)
            #expect(limiter.refused == 3)
            withExtendedLifetime(again) {}
        }
        withExtendedLifetime(permits) {}
    }
}
