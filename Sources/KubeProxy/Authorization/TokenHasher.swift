/// Turns bearer tokens into the keys of the decision cache: HMAC-SHA256 (RFC 2104) under a
/// random key drawn once per process, as the API server's cached token authenticator keys its
/// cache.
///
/// Why keyed: the cache then holds no token and nothing a memory dump could check guessed
/// tokens against offline; the key never leaves the process. 256-bit outputs make collisions
/// (two tokens sharing a decision) practically impossible. Tokens are never logged; neither
/// are their hashes. Value type; `hash` is pure and safe from any thread.
struct TokenHasher: Sendable {
    /// SHA-256 states that have already absorbed the key's block XOR ipad and XOR opad
    /// (RFC 2104's precomputation): each code then costs the message's blocks plus two.
    private let inner: SHA256
    private let outer: SHA256

    /// A hasher with a fresh random key (`SystemRandomNumberGenerator`, the OS's CSPRNG).
    init() {
        var generator = SystemRandomNumberGenerator()
        self.init(key: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// A hasher with a given key (tests use RFC 4231's vectors).
    init(key: [UInt8]) {
        var block = key.count > SHA256.blockBytes ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: SHA256.blockBytes - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of `message`.
    func authenticationCode(_ message: [UInt8]) -> [UInt8] {
        var inner = self.inner
        inner.update(message)
        var outer = self.outer
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The cache key of `token`.
    func hash(_ token: String) -> TokenHash {
        TokenHash(authenticationCode(Array(token.utf8)))
    }
}

/// A token's keyed hash: 256 bits, compared and hashed as four words. Prints nothing of
/// itself, so it cannot end up in a log by accident.
struct TokenHash: Hashable, Sendable, CustomStringConvertible {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    init(_ digest: [UInt8]) {
        precondition(digest.count == SHA256.digestBytes)
        func word(_ index: Int) -> UInt64 {
            digest[index * 8..<index * 8 + 8].reduce(0) { $0 << 8 | UInt64($1) }
        }
        words = (word(0), word(1), word(2), word(3))
    }

    static func == (lhs: TokenHash, rhs: TokenHash) -> Bool {
        lhs.words == rhs.words
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    var description: String { "<token hash>" }
}
