import Foundation
import Logging

/// Supplies the credential of each upstream request from a `CredentialSource`, and refreshes it.
///
/// - Token file: read at first use, re-read when `rereadInterval` has passed (client-go re-reads
///   every minute, so rotated service account tokens are picked up) and after a 401. If a
///   re-read fails, the last good token is kept and the failure logged.
/// - Exec plugin: run at first use and cached until `status.expirationTimestamp` (forever
///   without one); re-run once expired or after a 401. Concurrent callers share one run.
/// - Static token, basic auth, none: fixed.
/// An actor: refreshes are serialised; `now` is injected so tests control expiry and re-reads.
/// Logs name the source (file path, plugin command), never a credential.
actor CredentialProvider {
    private let source: CredentialSource
    private let rereadInterval: Duration
    private let now: @Sendable () -> Date
    private let runner: ExecPluginRunner
    private let logger: Logger

    private var cached: Credential?
    /// When the token file was last read (token files only).
    private var readAt: Date?
    /// When the exec credential expires (exec only; nil: never).
    private var expiry: Date?
    private var generation = 0
    /// The exec run in progress, shared by concurrent callers.
    private var running: Task<ExecCredential.Status, any Error>?

    init(source: CredentialSource, rereadInterval: Duration, now: @escaping @Sendable () -> Date,
         runner: ExecPluginRunner, logger: Logger) {
        self.source = source
        self.rereadInterval = rereadInterval
        self.now = now
        self.runner = runner
        self.logger = logger
    }

    /// The credential to use now.
    func current() async throws -> Credential {
        switch source {
        case .none:
            return .none
        case .token(let token):
            return Credential(authorization: SecretString("Bearer \(token.value)"), generation: 0)
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password.value)".utf8).base64EncodedString()
            return Credential(authorization: SecretString("Basic \(encoded)"), generation: 0)
        case .tokenFile(let path):
            if let cached, let readAt, now().timeIntervalSince(readAt) < rereadInterval.seconds {
                return cached
            }
            return try readTokenFile(path)
        case .exec(let config):
            if let cached, expiry.map({ now() < $0 }) ?? true { return cached }
            return try await runPlugin(config)
        }
    }

    /// After `rejected` got a 401: refreshes the credential and tells whether a retry may
    /// succeed (a newer credential exists now). Fixed credentials answer false.
    func refresh(after rejected: Credential) async -> Bool {
        if generation > rejected.generation { return true }  // someone refreshed meanwhile
        switch source {
        case .none, .token, .basic:
            return false
        case .tokenFile(let path):
            do {
                return try readTokenFile(path).generation > rejected.generation
            } catch {
                return false
            }
        case .exec(let config):
            logger.info("upstream answered 401; running the exec plugin again", metadata: ["command": "\(config.command)"])
            do {
                return try await runPlugin(config).generation > rejected.generation
            } catch {
                logger.warning("exec plugin failed after a 401", metadata: ["error": "\(error)"])
                return false
            }
        }
    }

    private func readTokenFile(_ path: String) throws -> Credential {
        let token: String
        do {
            token = try FileAccess.readTrimmedText(path)
            guard !token.isEmpty else { throw FileAccess.Failure(reason: "the file is empty") }
        } catch {
            let reason = FileAccess.reason(error)
            if let cached {
                readAt = now()  // keep the old token until the next period
                logger.warning("cannot re-read the bearer token file; keeping the previous token",
                               metadata: ["file": "\(path)", "reason": "\(reason)"])
                return cached
            }
            throw UpstreamError(.credentials, "cannot read the bearer token file \(path) (\(reason))")
        }
        readAt = now()
        let authorization = SecretString("Bearer \(token)")
        if let cached, cached.authorization == authorization { return cached }
        if cached != nil {
            logger.info("bearer token file changed; using the new token", metadata: ["file": "\(path)"])
        }
        generation += 1
        let credential = Credential(authorization: authorization, generation: generation)
        cached = credential
        return credential
    }

    private func runPlugin(_ config: ExecConfig) async throws -> Credential {
        let task: Task<ExecCredential.Status, any Error>
        if let running {
            task = running
        } else {
            logger.debug("running exec credential plugin", metadata: ["command": "\(config.command)"])
            let runner = runner
            task = Task { try await runner.run(config) }
            running = task
        }
        let startGeneration = generation
        let status: ExecCredential.Status
        do {
            status = try await task.value
        } catch {
            if running == task { running = nil }
            throw error
        }
        if running == task { running = nil }
        if generation != startGeneration, let cached { return cached }  // another caller stored this run
        generation += 1
        expiry = status.expiration
        let credential = Credential(
            authorization: status.token.map { SecretString("Bearer \($0.value)") },
            clientCertificate: status.clientCertificate, clientKey: status.clientKey, generation: generation)
        cached = credential
        return credential
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
