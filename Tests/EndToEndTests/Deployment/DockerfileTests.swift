import Foundation
import KubeTestSupport
import Testing

/// The Dockerfile cannot be built here (no container engine), so these tests check what it
/// relies on: the product it builds exists, the files it copies exist and reach the builder
/// through .dockerignore, the flags it passes to kcache are accepted by the real binary, and
/// the runtime stage has what the entrypoint, the volume and the healthcheck need.
@Suite struct DockerfileTests {
    /// One instruction, continuation lines joined, comments dropped.
    struct Instruction {
        var keyword: String
        var arguments: String
        /// The build stage it belongs to (0 for instructions before the first FROM).
        var stage: Int
    }

    static func instructions() throws -> [Instruction] {
        var result: [Instruction] = []
        var pending = ""
        var stage = 0
        for line in try Repository.text("Dockerfile").split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") || (trimmed.isEmpty && pending.isEmpty) { continue }
            if trimmed.hasSuffix("\\") {
                pending += trimmed.dropLast() + " "
                continue
            }
            let whole = (pending + trimmed).trimmingCharacters(in: .whitespaces)
            pending = ""
            guard !whole.isEmpty else { continue }
            let keyword = String(whole.prefix { !$0.isWhitespace }).uppercased()
            if keyword == "FROM" { stage += 1 }
            result.append(Instruction(keyword: keyword, arguments: String(whole.dropFirst(keyword.count)).trimmingCharacters(in: .whitespaces), stage: stage))
        }
        return result
    }

    /// The `kcache` invocation shown in the Dockerfile's header (`docker run … kcache <flags>`):
    /// the flags after the image name.
    static func exampleFlags() throws -> [String] {
        let comments = try Repository.text("Dockerfile").split(separator: "\n")
            .filter { $0.hasPrefix("#") }.map { $0.dropFirst().trimmingCharacters(in: .whitespaces) }
        var command = ""
        for line in comments.drop(while: { !$0.hasPrefix("docker run") }) {
            command += line.hasSuffix("\\") ? line.dropLast() + " " : line
            if !line.hasSuffix("\\") { break }
        }
        let words = command.split(separator: " ").map(String.init)
        // The image is the first word that is neither an option nor an option's value.
        var index = 2
        while index < words.count, words[index].hasPrefix("-") { index += words[index].contains("=") || words[index] == "--rm" ? 1 : 2 }
        return Array(words.dropFirst(index + 1))
    }

    /// Whether `path` (relative to the repository) is sent to the builder: .dockerignore's
    /// patterns in order, the last match deciding, `!` re-including.
    static func isSentToBuilder(_ path: String) throws -> Bool {
        var included = true
        for line in try Repository.text(".dockerignore").split(separator: "\n") {
            var pattern = line.trimmingCharacters(in: .whitespaces)
            guard !pattern.isEmpty, !pattern.hasPrefix("#") else { continue }
            let negated = pattern.hasPrefix("!")
            if negated { pattern.removeFirst() }
            while pattern.hasSuffix("/") { pattern.removeLast() }
            if matches(pattern, path) || path.hasPrefix(pattern + "/") { included = negated }
        }
        return included
    }

    /// Shell-style `*` within one path segment (`**/` for any directories).
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var expression = "^"
        var rest = Substring(pattern)
        while let character = rest.first {
            if rest.hasPrefix("**/") {
                expression += "(.*/)?"
                rest = rest.dropFirst(3)
                continue
            }
            expression += character == "*" ? "[^/]*" : NSRegularExpression.escapedPattern(for: String(character))
            rest = rest.dropFirst()
        }
        return path.range(of: expression + "$", options: .regularExpression) != nil
    }

    @Test func buildsAnExecutableProductStaticallyInRelease() throws {
        let instructions = try Self.instructions()
        let froms = instructions.filter { $0.keyword == "FROM" }
        #expect(froms.count >= 2, "multi-stage")
        let build = try #require(instructions.first { $0.keyword == "RUN" && $0.arguments.contains("swift build") })
        for flag in ["-c release", "--static-swift-stdlib", "--product"] {
            #expect(build.arguments.contains(flag), "swift build lacks \(flag)")
        }
        let product = try #require(build.arguments.firstMatch(of: /--product ([A-Za-z0-9_-]+)/)?.output.1)
        let manifest = try Repository.text("Package.swift")
        #expect(manifest.contains(".executable(name: \"\(product)\""), "Package.swift has no executable product \(product)")
        // The build image is an official Swift image; the runtime a slim Debian.
        let image = try #require(instructions.first { $0.keyword == "ARG" && $0.arguments.hasPrefix("SWIFT_IMAGE=") })
        #expect(image.arguments.hasPrefix("SWIFT_IMAGE=swift:"), "\(image.arguments)")
        #expect(froms.first?.arguments.hasPrefix("${SWIFT_IMAGE}") == true)
        #expect(froms.last?.arguments == "debian:bookworm-slim")
        // The built binary is what the runtime stage copies.
        let copied = try #require(instructions.first { $0.keyword == "COPY" && $0.arguments.hasPrefix("--from=build") })
        let source = try #require(copied.arguments.split(separator: " ").dropFirst().first.map(String.init))
        #expect(build.arguments.contains(source), "the build stage does not produce \(source)")
    }

    @Test func copiedPathsExistAndReachTheBuilder() throws {
        let copies = try Self.instructions().filter { ($0.keyword == "COPY" || $0.keyword == "ADD") && !$0.arguments.hasPrefix("--from") }
        #expect(copies.count >= 3)
        let topLevel = try FileManager.default.contentsOfDirectory(atPath: Repository.root.path)
        for copy in copies {
            let sources = copy.arguments.split(separator: " ").dropLast().map(String.init)
            #expect(!sources.isEmpty, "COPY \(copy.arguments)")
            for source in sources {
                let found = source.contains("*") ? topLevel.filter { Self.matches(source, $0) } : [source]
                #expect(!found.isEmpty, "COPY \(source) matches nothing")
                for path in found {
                    #expect(FileManager.default.fileExists(atPath: Repository.path(path)), "COPY \(path): not in the repository")
                    #expect(try Self.isSentToBuilder(path), "COPY \(path): excluded by .dockerignore")
                }
            }
        }
        #expect(try !Self.isSentToBuilder(".build"), ".dockerignore lets .build through")
        #expect(try !Self.isSentToBuilder(".git"), ".dockerignore lets .git through")
        // Package.swift names these targets' directories; SwiftPM refuses to load it without them.
        let copiedSources = copies.flatMap { $0.arguments.split(separator: " ").dropLast().map(String.init) }
        #expect(copiedSources.contains("Sources") && copiedSources.contains("Tests"))
    }

    @Test func entrypointAndFlagsAreKcaches() async throws {
        let instructions = try Self.instructions()
        let entrypoint = try #require(instructions.last { $0.keyword == "ENTRYPOINT" })
        let words = try JSONSerialization.jsonObject(with: Data(entrypoint.arguments.utf8)) as? [String]
        #expect(words == ["kcache", "serve"], "ENTRYPOINT \(entrypoint.arguments)")
        let cmd = try instructions.last { $0.keyword == "CMD" }.map {
            try JSONSerialization.jsonObject(with: Data($0.arguments.utf8)) as? [String] ?? []
        } ?? []
        let example = try Self.exampleFlags()
        #expect(example.contains { $0.hasPrefix("--") }, "the header's docker run example passes no flags: \(example)")
        let known = Set(try await ConfigurationFileTests.defaults().keys + ["config"])
        for flags in [cmd, example] {
            for flag in flags where flag.hasPrefix("--") {
                let name = String(flag.dropFirst(2).prefix { $0 != "=" })
                #expect(known.contains(name) || known.contains(String(name.dropFirst(3))), "--\(name) is not a kcache serve flag")
            }
            // And the real binary accepts them, values included.
            let run = try await KcacheBinary.run(["serve"] + flags + ["--print-config"])
            #expect(run.status == 0, "kcache serve \(flags.joined(separator: " ")): \(run.standardError)")
        }
    }

    @Test func runtimeStageHasWhatKcacheNeeds() async throws {
        let instructions = try Self.instructions()
        let last = instructions.map(\.stage).max() ?? 0
        let runtime = instructions.filter { $0.stage == last }
        let installs = runtime.filter { $0.keyword == "RUN" && $0.arguments.contains("apt-get") }.map(\.arguments).joined(separator: " ")
        for package in ["libcurl4", "libsqlite3-0", "ca-certificates", "curl"] {
            #expect(installs.split(separator: " ").contains(Substring(package)), "the runtime stage does not install \(package)")
        }
        let user = try #require(runtime.last { $0.keyword == "USER" }?.arguments)
        #expect(!["root", "0", "0:0"].contains(user), "USER \(user)")
        #expect(user.first?.isNumber == true, "a numeric USER lets runAsNonRoot verify it: \(user)")
        let volume = try #require(runtime.first { $0.keyword == "VOLUME" }?.arguments)
        #expect(volume.contains("/var/lib/kcache"))
        #expect(runtime.contains { $0.keyword == "RUN" && $0.arguments.contains("/var/lib/kcache") && $0.arguments.contains("kcache") },
                "the volume's directory is created for the kcache user")
        // The healthcheck probes a documented endpoint on the port kcache listens on by default.
        let healthcheck = try #require(runtime.first { $0.keyword == "HEALTHCHECK" }?.arguments)
        #expect(healthcheck.contains("CMD curl"))
        #expect(healthcheck.contains("/livez"))
        #expect(try Repository.text("openapi.yaml").contains("\n  /livez:\n"), "/livez is not in openapi.yaml")
        let defaults = try await ConfigurationFileTests.defaults()
        guard case .text(let listen) = defaults["listen"] else { throw DefaultsError() }
        let port = String(listen.split(separator: ":").last ?? "")
        #expect(runtime.contains { $0.keyword == "EXPOSE" && $0.arguments == port }, "EXPOSE \(port)")
        #expect(runtime.contains { $0.keyword == "ENV" && $0.arguments == "KCACHE_HEALTH_PORT=\(port)" })
        #expect(runtime.contains { $0.keyword == "COPY" && $0.arguments.contains("config/kcache.yaml") }, "the example config is in the image")
    }

    /// `--print-config` printed no `listen` value.
    struct DefaultsError: Error {}
}
