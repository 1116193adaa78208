import KubeSim

/// KubeSim is the server most tests start; `withServer(sim) { … }` runs one for a test.
extension KubeSim: FixtureServer {}
