import KubeAPI
import Testing
@testable import KubeCache

@Suite struct LabelSummaryTests {
    /// The summary may only rule objects out: every object a selector matches has the bits the
    /// selector requires.
    @Test func neverRulesOutAMatchingObject() throws {
        var generator = SeededGenerator(seed: 11)
        let keys = ["app", "tier", "example.com/team", "index", "k"]
        let values = ["", "a", "b", "web", "1", "2", "10"]
        let operators = ["=", "==", "!=", " in ", " notin ", "", "!", ">", "<"]
        var checked = 0
        for _ in 0..<3_000 {
            var labels: [String: String] = [:]
            for key in keys where Bool.random(using: &generator) {
                labels[key] = values.randomElement(using: &generator)!
            }
            let object = Labels(labels)
            var requirements: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let key = keys.randomElement(using: &generator)!
                let value = values.dropFirst().randomElement(using: &generator)!
                switch operators.randomElement(using: &generator)! {
                case " in ": requirements.append("\(key) in (\(value),\(values.randomElement(using: &generator)!))")
                case " notin ": requirements.append("\(key) notin (\(value))")
                case "": requirements.append(key)
                case "!": requirements.append("!\(key)")
                case ">": requirements.append("\(key)>1")
                case "<": requirements.append("\(key)<2")
                case let op: requirements.append("\(key)\(op)\(value)")
                }
            }
            let selector = try LabelSelector(parsing: requirements.joined(separator: ","))
            guard selector.matches(object) else { continue }
            let required = LabelSummary.required(by: selector)
            #expect(LabelSummary.of(object) & required == required, "\(selector) matches \(object)")
            checked += 1
        }
        #expect(checked > 300)
    }

    @Test func ruleOutMostObjectsWithoutTheLabel() throws {
        let selector = try LabelSelector(parsing: "app=none")
        let required = LabelSummary.required(by: selector)
        #expect(required.nonzeroBitCount >= 1)
        let ruledOut = (0..<1_000).filter { index in
            let labels: Labels = ["app": "app-\(index % 5)", "index": "\(index)", "tier": "frontend"]
            return LabelSummary.of(labels) & required != required
        }.count
        #expect(ruledOut > 900)
    }

    @Test func requirementsThatAbsentLabelsSatisfyNeedNoBits() throws {
        #expect(LabelSummary.required(by: try LabelSelector(parsing: "a!=b,c notin (d),!e")) == 0)
        #expect(LabelSummary.required(by: .everything) == 0)
    }
}
