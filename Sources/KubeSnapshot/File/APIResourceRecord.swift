import Foundation
import KubeAPI

/// The JSON form of an `APIResource` kept in `resources.api_resource`, so a resource can be
/// restored before discovery answers.
///
/// Field names follow `metav1.APIResource` where there is one; `group` and `version` are
/// stored beside it because a discovery `APIResource` leaves them to its list. Decoding
/// tolerates missing optional fields, so a later version may add some.
struct APIResourceRecord: Codable, Equatable {
    var group: String
    var version: String
    var name: String
    var kind: String
    var singularName: String
    var namespaced: Bool
    var verbs: [String]
    var shortNames: [String]?
    var selectableFields: [String]?
    var isCustomResource: Bool?

    init(_ resource: APIResource) {
        group = resource.groupVersionResource.group
        version = resource.groupVersionResource.version
        name = resource.groupVersionResource.resource
        kind = resource.kind
        singularName = resource.singularName
        namespaced = resource.namespaced
        verbs = resource.verbs
        shortNames = resource.shortNames
        selectableFields = resource.selectableFields
        isCustomResource = resource.isCustomResource
    }

    var apiResource: APIResource {
        APIResource(
            groupVersionResource: GroupVersionResource(group: group, version: version, resource: name),
            kind: kind, singularName: singularName, namespaced: namespaced, verbs: verbs,
            shortNames: shortNames ?? [], selectableFields: selectableFields,
            isCustomResource: isCustomResource ?? false)
    }

    static func encode(_ resource: APIResource) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, booleans and arrays cannot fail.
        let data = (try? encoder.encode(APIResourceRecord(resource))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ json: String) throws -> APIResource {
        try JSONDecoder().decode(APIResourceRecord.self, from: Data(json.utf8)).apiResource
    }
}
