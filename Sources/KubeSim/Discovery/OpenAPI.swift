import KubeAPI

/// `/openapi/v2` and `/openapi/v3`: KubeSim serves no schemas and answers 404, as an API
/// server with OpenAPI disabled does; kubectl then skips client-side validation and computes
/// strategic merge patches from its compiled-in types (custom resources get JSON merge
/// patches). See KubectlTests for what this was verified with.
struct OpenAPI {
    let store: ObjectStore

    func answer(path: String) -> SimResponse {
        .status(Status.pathNotFound())
    }
}
