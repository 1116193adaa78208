import NIOSSL

/// TLS for serving (`--tls-cert-file`, `--tls-private-key-file`).
public enum TLSServing {
    /// A server TLS context from PEM files: the certificate chain and its private key.
    public static func context(certificateFile: String, privateKeyFile: String) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
