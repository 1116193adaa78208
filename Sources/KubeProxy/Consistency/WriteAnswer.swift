import Foundation
import KubeAPI

/// What a successful write's answer tells a later read (KUBERNETES.md, "Writes and their
/// answers"), from JSON or Kubernetes protobuf.
enum WriteAnswer {
    static func outcome(method: String, info: RequestInfo, contentType: String?, body: [UInt8]) -> WriteRecords.Outcome {
        let isDelete = method == "DELETE"
        if isDelete && info.name.isEmpty {
            return .unknown  // DeleteCollection: which objects went is not in the answer
        }
        let key = info.objectKey ?? ObjectKey(namespace: info.namespace, name: info.name)
        if contentType?.hasPrefix("application/vnd.kubernetes.protobuf") == true || body.starts(with: ProtobufEnvelope.magic) {
            return protobufOutcome(isDelete: isDelete, key: key, body: body)
        }
        return jsonOutcome(isDelete: isDelete, key: key, body: body)
    }

    private static func jsonOutcome(isDelete: Bool, key: ObjectKey, body: [UInt8]) -> WriteRecords.Outcome {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return .unknown }
        if object["kind"] as? String == "Status" {
            let details = object["details"] as? [String: Any]
            guard isDelete, let uid = details?["uid"] as? String else { return .unknown }
            return .deleted(key, uid: uid)
        }
        guard let metadata = object["metadata"] as? [String: Any] else { return .unknown }
        let uid = metadata["uid"] as? String ?? ""
        if isDelete {
            // Still there with finalizers (a terminating Namespace's are in its spec) or a
            // grace period: an update. Otherwise gone.
            let finalizers = (metadata["finalizers"] as? [Any])?.isEmpty == false
                || (object["kind"] as? String == "Namespace"
                    && ((object["spec"] as? [String: Any])?["finalizers"] as? [Any])?.isEmpty == false)
            let grace = (metadata["deletionGracePeriodSeconds"] as? Int ?? 0) > 0
            if metadata["deletionTimestamp"] == nil || !(finalizers || grace) { return .deleted(key, uid: uid) }
        }
        guard let text = metadata["resourceVersion"] as? String, let resourceVersion = try? ResourceVersion(parsing: text) else {
            return .unknown
        }
        return .resourceVersion(resourceVersion)
    }

    private static func protobufOutcome(isDelete: Bool, key: ObjectKey, body: [UInt8]) -> WriteRecords.Outcome {
        guard let envelope = try? body.withUnsafeBytes({ try ProtobufEnvelope(parsing: $0) }) else { return .unknown }
        let raw = Array(body[envelope.raw])
        if envelope.kind == "Status" {
            let status = try? raw.withUnsafeBytes { buffer throws(ProtobufError) in try Status(protobufObject: buffer) }
            guard isDelete, let uid = status?.details?.uid, !uid.isEmpty else { return .unknown }
            return .deleted(key, uid: uid)
        }
        guard let meta = try? ProtobufObjectMeta(objectBytes: raw) else { return .unknown }
        if isDelete {
            // As for JSON: marked for deletion but still there (a Pod's grace period,
            // finalizers) is an update; otherwise gone.
            guard let state = ProtobufDeletionState(object: raw[...], isNamespace: envelope.kind == "Namespace") else { return .unknown }
            if !state.isPending { return .deleted(key, uid: meta.uid) }
        }
        return meta.resourceVersion.map { .resourceVersion($0) } ?? .unknown
    }
}
