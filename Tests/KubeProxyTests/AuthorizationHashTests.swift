import Foundation
import KubeTestSupport
import Testing
@testable import KubeProxy

/// SHA-256 and HMAC-SHA256 against published vectors, and against Python's `hashlib` at every
/// length around the padding boundaries.
@Suite struct AuthorizationHashTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// FIPS 180-2 appendix B and the NIST examples.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func sha256Vectors(message: String, digest: String) {
        #expect(Self.hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func sha256OfAMillionAs() {
        var hasher = SHA256()
        // Fed in uneven pieces, to exercise the partial-block path.
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var fed = 0
        while fed + piece.count <= 1_000_000 {
            hasher.update(piece)
            fed += piece.count
        }
        hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000 - fed))
        #expect(Self.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2, 6 and 7 (keys shorter than, and longer than, a block).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmacVectors(key: [UInt8], message: [UInt8], code: String) {
        #expect(Self.hex(TokenHasher(key: key).authenticationCode(message)) == code)
    }

    /// Every length from 0 to 200 bytes (all padding cases: 55, 56, 63, 64, 119, 120, …),
    /// checked against Python's hashlib when Python is installed.
    @Test func sha256MatchesHashlibAtEveryLength() async throws {
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("AuthorizationHashTests: skipping the hashlib cross-check, python3 is not installed")
            return
        }
        let script = "import hashlib\nfor n in range(201):\n    print(hashlib.sha256(bytes((i * 7 + 3) % 256 for i in range(n))).hexdigest())\n"
        let result = try await ProcessRunner.run(python, ["-c", script])
        #expect(result.status == 0, "\(result.standardError)")
        let expected = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(expected.count == 201)
        for (length, digest) in expected.enumerated() {
            let message = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
            #expect(Self.hex(SHA256.hash(message)) == digest, "length \(length)")
        }
    }

    @Test func tokenHashesAreKeyedAndPrintNothing() {
        let one = TokenHasher(key: Array("k1".utf8))
        let two = TokenHasher(key: Array("k2".utf8))
        #expect(one.hash("token") == one.hash("token"))
        #expect(one.hash("token") != one.hash("token2"))
        #expect(one.hash("token") != two.hash("token"))
        #expect(TokenHasher().hash("token") != TokenHasher().hash("token"), "each hasher draws its own key")
        #expect("\(one.hash("secret-token"))" == "<token hash>")
    }
}
