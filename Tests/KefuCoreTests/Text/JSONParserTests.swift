import Foundation
import XCTest
@testable import KefuCore

final class JSONParserTests: XCTestCase {
    func testItReadsEveryKindOfValue() throws {
        // setup
        let text = #" {"a": [1, -2.5, 3e2, 0, -0.0, 1E-2], "b": {"c": null, "d": true, "e": false}, "f": "x\"y\\z\/\n\t", "g": []} "#

        // act
        let value = try JSONParser.parse(text)

        // check
        XCTAssertEqual(value, .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0), .number(0.01)]),
            "b": .object(["c": .null, "d": .bool(true), "e": .bool(false)]),
            "f": .string("x\"y\\z/\n\t"),
            "g": .array([]),
        ]))
    }

    func testUnicodeEscapesAndRawUTF8GiveTheSameText() throws {
        // setup: 你好 raw, as \u escapes, and an emoji as a surrogate pair
        let raw = #"{"t":"你好 😀"}"#
        let escaped = #"{"t":"\u4f60\u597D \ud83d\ude00"}"#

        // act
        let a = try JSONParser.parse(raw)
        let b = try JSONParser.parse(escaped)

        // check
        XCTAssertEqual(a, b)
        XCTAssertEqual(a["t"]?.string, "你好 😀")
    }

    func testItAgreesWithFoundationOnFramesLikeTheClientsSend() throws {
        // setup: frames of every type the chat protocol knows, with odd spacing
        let frames = [
            #"{"type":"message.send","clientMessageId":"8C4F4C55-0F5C-4F7E-9C1B-7B0B7B9E1C11","text":"请问有 M 码吗？","conversationId":"0B9E8C40-2D34-4E1F-8C7A-3F1E2D3C4B5A"}"#,
            #"{ "type" : "resume", "conversationId" : "0B9E8C40-2D34-4E1F-8C7A-3F1E2D3C4B5A", "afterSeq" : 12 }"#,
            #"{"type":"typing","conversationId":"0B9E8C40-2D34-4E1F-8C7A-3F1E2D3C4B5A","typing":false}"#,
            #"{"type":"message.send","clientMessageId":"8C4F4C55-0F5C-4F7E-9C1B-7B0B7B9E1C11","text":"","attachments":["a1","b2"],"private":true}"#,
        ]
        for frame in frames {
            // act
            let ours = try JSONParser.parse(frame)
            let theirs = try JSONSerialization.jsonObject(with: Data(frame.utf8)) as! [String: Any]

            // check
            guard case .object(let object) = ours else { return XCTFail("not an object: \(frame)") }
            XCTAssertEqual(Set(object.keys), Set(theirs.keys), frame)
            for (key, value) in theirs {
                switch value {
                case let s as String: XCTAssertEqual(object[key]?.string, s, key)
                case let a as [String]: XCTAssertEqual(object[key]?.array?.compactMap(\.string), a, key)
                default: break
                }
            }
        }
    }

    func testMalformedTextIsRefusedWithWhereItWentWrong() {
        // setup
        let bad = ["", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "1e", "+1", "tru", "nul",
                   "\"abc", "\"a\u{01}b\"", #""\x""#, #""\u12G4""#, #""\ud800""#, #""\udc00x""#, "{} {}", "{'a':1}", "NaN", "1e999"]
        for text in bad {
            // act / check
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertFalse((error as? JSONParser.Failure)?.reason.isEmpty ?? true)
            }
        }
    }

    func testDeepNestingIsRefusedNotACrash() {
        // setup: far deeper than the limit
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let fine = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)

        // act / check
        XCTAssertThrowsError(try JSONParser.parse(deep))
        XCTAssertNoThrow(try JSONParser.parse(fine))
    }
}
