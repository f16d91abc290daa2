import KefuCore
import XCTest

/// The proposal is checked on sentences written for this test (not taken from the cue lists),
/// across scripts and widths; the agent always confirms it.
final class TicketClassifierTests: XCTestCase {
    private func type(_ texts: String...) -> String { TicketClassifier.suggest(texts).type }

    func testTypes() {
        XCTAssertEqual(type("你们卖假货，我要去消协举报"), "complaint")
        XCTAssertEqual(type("客服态度太差了，给差评"), "complaint")
        XCTAssertEqual(type("衣服洗了一次就褪色，申请退货退款"), "after_sale")
        XCTAssertEqual(type("包裹里少件了，只有两双袜子"), "after_sale")
        XCTAssertEqual(type("蓝牙耳机连不上手机"), "technical")
        XCTAssertEqual(type("这款M码还有货吗？什么时候发货"), "inquiry")
        XCTAssertEqual(type("你好"), "question")
        XCTAssertEqual(type("The mug arrived broken, I want a refund"), "after_sale")
        XCTAssertEqual(type("상품이 파손되어 왔어요 환불해 주세요"), "after_sale")
    }

    func testTraditionalAndFullWidthCount() {
        XCTAssertEqual(type("我要投訴你們"), "complaint")
        XCTAssertEqual(type("收到的商品破損了，要求換貨"), "after_sale")
        XCTAssertTrue(TicketClassifier.suggest(["打１２３１５"]).cues.contains("12315"))
    }

    func testAComplaintOutweighsTheRefundItMentions() {
        let s = TicketClassifier.suggest(["退款申请了三天没人管", "再不退款我就投诉到12315"])
        XCTAssertEqual(s.type, "complaint")
        XCTAssertEqual(s.urgency, .urgent)
        XCTAssertEqual(s.priority, .urgent)
    }

    func testAThreatToEscalateMakesItAComplaint() {
        let s = TicketClassifier.suggest(["衣服破损了要换货，不给换就打12315"])
        XCTAssertEqual(s.type, "complaint")
        XCTAssertEqual(s.urgency, .urgent)
    }

    func testUrgencyAndPriority() {
        XCTAssertEqual(TicketClassifier.suggest(["明天要送人，很急，今天能发货吗"]).urgency, .urgent)
        XCTAssertEqual(TicketClassifier.suggest(["到底什么时候发货!!!"]).urgency, .urgent)
        let calm = TicketClassifier.suggest(["请问有优惠券吗"])
        XCTAssertEqual(calm.urgency, .normal)
        XCTAssertEqual(calm.priority, .normal)
        XCTAssertEqual(TicketClassifier.suggest(["质量太差，不满意"]).priority, .high)
    }

    func testSubjectIsTheFirstLineShortened() {
        XCTAssertEqual(TicketClassifier.subject(["", "  第一行\n第二行"]), "第一行")
        let long = String(repeating: "很", count: 80)
        XCTAssertEqual(TicketClassifier.subject([long]).count, TicketClassifier.subjectLength)
        XCTAssertTrue(TicketClassifier.subject([long]).hasSuffix("…"))
    }
}
