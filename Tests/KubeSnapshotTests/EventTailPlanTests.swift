import KubeAPI
import KubeCache
import Testing
@testable import KubeSnapshot

@Suite("EventTailPlan")
struct EventTailPlanTests {
    static func signature(_ rv: UInt64) -> EventSignature {
        EventSignature(type: .modified, object: Fixtures.object(Fixtures.configMaps, name: "a", rv: rv))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Saved: first sequence, RVs of the saved events.
        var firstSequence: Int64
        var saved: [UInt64]
        var tail: [UInt64]
        var deletesAll: Bool
        var deleteBefore: Int64?
        var insertFrom: Int
        var firstInsertSequence: Int64
        var resultFirstSequence: Int64

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing saved, nothing to save", firstSequence: 1, saved: [], tail: [],
             deletesAll: true, deleteBefore: nil, insertFrom: 0, firstInsertSequence: 1, resultFirstSequence: 1),
        Case(name: "first save", firstSequence: 1, saved: [], tail: [1, 2, 3],
             deletesAll: true, deleteBefore: nil, insertFrom: 0, firstInsertSequence: 1, resultFirstSequence: 1),
        Case(name: "unchanged", firstSequence: 5, saved: [1, 2, 3], tail: [1, 2, 3],
             deletesAll: false, deleteBefore: nil, insertFrom: 3, firstInsertSequence: 8, resultFirstSequence: 5),
        Case(name: "appended", firstSequence: 5, saved: [1, 2, 3], tail: [1, 2, 3, 4, 5],
             deletesAll: false, deleteBefore: nil, insertFrom: 3, firstInsertSequence: 8, resultFirstSequence: 5),
        Case(name: "slid: oldest dropped, newer appended", firstSequence: 5, saved: [1, 2, 3], tail: [3, 4, 5],
             deletesAll: false, deleteBefore: 7, insertFrom: 1, firstInsertSequence: 8, resultFirstSequence: 7),
        Case(name: "moved past everything saved", firstSequence: 5, saved: [1, 2, 3], tail: [4, 5],
             deletesAll: true, deleteBefore: nil, insertFrom: 0, firstInsertSequence: 8, resultFirstSequence: 8),
        Case(name: "history emptied", firstSequence: 5, saved: [1, 2, 3], tail: [],
             deletesAll: true, deleteBefore: nil, insertFrom: 0, firstInsertSequence: 8, resultFirstSequence: 8),
        Case(name: "newest saved found with more before it than the file holds", firstSequence: 5, saved: [2, 3],
             tail: [1, 2, 3, 4], deletesAll: true, deleteBefore: nil, insertFrom: 0, firstInsertSequence: 7,
             resultFirstSequence: 7),
    ]

    @Test(arguments: cases)
    func plan(_ testCase: Case) {
        let saved = SavedEventTail(
            firstSequence: testCase.firstSequence, count: testCase.saved.count,
            newest: testCase.saved.last.map(Self.signature))
        let plan = EventTailPlan(saved: saved, tail: testCase.tail.map(Self.signature))
        #expect(plan.deletesAll == testCase.deletesAll)
        #expect(plan.deleteBefore == testCase.deleteBefore)
        #expect(plan.insertFrom == testCase.insertFrom)
        #expect(plan.firstInsertSequence == testCase.firstInsertSequence)
        #expect(plan.result.firstSequence == testCase.resultFirstSequence)
        #expect(plan.result.count == testCase.tail.count)
        #expect(plan.result.newest == testCase.tail.last.map(Self.signature))
        // The rows kept plus the rows inserted are exactly the tail, numbered consecutively.
        #expect(plan.result.nextSequence == plan.firstInsertSequence + Int64(plan.insertCount(tailCount: testCase.tail.count)))
    }
}
