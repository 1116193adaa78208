/// Parsing label selector text, as the API server does for `?labelSelector=`.
extension LabelSelector {
    /// Parses a label selector with apimachinery's grammar (`labels.Parse`).
    ///
    /// `""` and whitespace-only text give `everything`.
    ///
    /// - Throws: `400 BadRequest` with apimachinery's message, such as
    ///   `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt` or
    ///   `found ',', expected: !, identifier, or 'end of string'`.
    public init(parsing text: String) throws(Status) {
        do {
            self.init(requirements: try LabelSelectorParser.parse(text))
        } catch {
            throw Status.badRequest(error.message)
        }
    }
}
