import Foundation
import KefuCore
import XCTest

/// A form's definition and a submission's answers: every bad field named, all at once.
final class FormRulesTests: XCTestCase {
    let repair: [FormField] = [
        FormField(key: "name", label: "称呼", kind: .name),
        FormField(key: "phone", label: "手机号", kind: .phone, required: true),
        FormField(key: "order", label: "订单号", kind: .orderNumber),
        FormField(key: "problem", label: "问题类型", kind: .choice, required: true, options: ["开线", "掉色"]),
        FormField(key: "details", label: "问题描述", kind: .longText, required: true),
        FormField(key: "photos", label: "照片", kind: .pictures, maxPictures: 2),
    ]

    func testADefinitionNeedsARequiredPhoneOrEmailAndNamesEveryBadField() throws {
        XCTAssertEqual(try FormRules.fields(repair).count, 6)
        XCTAssertEqual(try FormRules.fields([FormField(key: "p", label: "相片", kind: .pictures), FormField(key: "e", label: "邮箱", kind: .email, required: true)])[0].maxPictures,
                       FormRules.defaultPictures)
        func field(_ fields: [FormField]) -> String? {
            do { _ = try FormRules.fields(fields); return nil } catch { return error.field }
        }
        XCTAssertEqual(field([FormField(key: "phone", label: "手机号", kind: .phone)]), "fields")
        XCTAssertEqual(field([]), "fields")
        XCTAssertEqual(field(repair + [FormField(key: "phone", label: "备用", kind: .text)]), "fields[6].key")
        XCTAssertEqual(field(repair + [FormField(key: "phone2", label: "备用电话", kind: .phone)]), "fields[6].kind")
        XCTAssertEqual(field(repair + [FormField(key: "Bad-Key", label: "x", kind: .text)]), "fields[6].key")
        XCTAssertEqual(field(repair + [FormField(key: FormRules.honeypot, label: "x", kind: .text)]), "fields[6].key")
        XCTAssertEqual(field(repair + [FormField(key: "c", label: "颜色", kind: .choice, options: ["红"])]), "fields[6].options")
        XCTAssertEqual(field(repair + [FormField(key: "c", label: "颜色", kind: .choice, options: ["红", "红"])]), "fields[6].options")
        XCTAssertEqual(field(repair + [FormField(key: "p", label: "更多", kind: .pictures, maxPictures: 7)]), "fields[6].maxPictures")
        XCTAssertEqual(field(repair + [FormField(key: "t", label: "  ", kind: .text)]), "fields[6].label")
    }

    func testAGoodSubmissionBecomesSubjectDescriptionContactAndOrders() throws {
        let s = try FormAnswers.check(form: "在线报修", fields: repair, values: [
            "name": ["王女士"], "phone": [" +86 138-0013-8000 "], "order": ["E2026"], "problem": ["掉色"], "details": ["洗了一次就掉色\r\n染到别的衣服"],
        ], pictures: [FormPicture(field: "photos", size: 1000, kind: .jpeg)], honeypot: "")
        XCTAssertEqual(s.name, "王女士")
        XCTAssertEqual(s.phone, "+8613800138000")
        XCTAssertEqual(s.orderNumbers, ["E2026"])
        XCTAssertEqual(s.subject, "在线报修：洗了一次就掉色")
        XCTAssertEqual(s.description, "称呼: 王女士\n手机号: +8613800138000\n订单号: E2026\n问题类型: 掉色\n问题描述:\n洗了一次就掉色\n染到别的衣服")
    }

    func testEveryBadFieldIsReportedAtOnceWithACode() {
        do {
            _ = try FormAnswers.check(form: "在线报修", fields: repair, values: [
                "phone": ["call me"], "order": ["E 1/2"], "problem": ["起球"], "extra": ["x"],
            ], pictures: [FormPicture(field: "photos", size: 10, kind: nil), FormPicture(field: "photos", size: 10, kind: .png),
                          FormPicture(field: "photos", size: 10, kind: .png)], honeypot: nil)
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.kind, .invalid)
            XCTAssertEqual(error.problems.map(\.field), ["extra", "phone", "order", "problem", "details", "photos", "photos"])
            XCTAssertEqual(error.problems.map(\.code), ["unknown_field", "invalid_phone", "invalid_order_number", "not_an_option", "required",
                                                        "picture_type", "too_many_pictures"])
            XCTAssertEqual(error.field, "extra")
        }
    }

    func testTheHoneypotAndOversizedPicturesAreRefusedOutright() {
        let values = ["phone": ["13800138000"], "problem": ["开线"], "details": ["坏了"]]
        XCTAssertThrowsError(try FormAnswers.check(form: "f", fields: repair, values: values, pictures: [], honeypot: "http://spam")) {
            XCTAssertEqual(($0 as? DomainError)?.code, "form_rejected")
        }
        XCTAssertThrowsError(try FormAnswers.check(form: "f", fields: repair, values: values,
                                                   pictures: [FormPicture(field: "photos", size: ChatLimits.maxUploadBytes + 1, kind: .png)], honeypot: nil)) {
            XCTAssertEqual(($0 as? DomainError)?.kind, .tooLarge)
            XCTAssertEqual(($0 as? DomainError)?.field, "photos")
        }
        XCTAssertThrowsError(try FormAnswers.check(form: "f", fields: repair, values: values.merging(["details": ["a", "b"]]) { $1 }, pictures: [], honeypot: nil)) {
            XCTAssertEqual(($0 as? DomainError)?.problems.first?.code, "repeated")
        }
    }

    func testPhoneNumbersAndLookupContacts() {
        XCTAssertEqual(FormAnswers.phone("(010) 6552-1234"), "01065521234")
        XCTAssertNil(FormAnswers.phone("1234"))
        XCTAssertNil(FormAnswers.phone("138 0013 8000 ext"))
        XCTAssertNil(FormAnswers.phone("13+8"))
        XCTAssertTrue(FormAnswers.sameContact("13800138000", email: nil, phone: "+8613800138000"))
        XCTAssertTrue(FormAnswers.sameContact("+86 138 0013 8000", email: nil, phone: "13800138000"))
        XCTAssertFalse(FormAnswers.sameContact("38000", email: nil, phone: "13800138000"))
        XCTAssertFalse(FormAnswers.sameContact("13800138001", email: nil, phone: "13800138000"))
        XCTAssertTrue(FormAnswers.sameContact(" Wang@Example.com ", email: "wang@example.com", phone: nil))
        XCTAssertFalse(FormAnswers.sameContact("wang@example.com", email: nil, phone: "13800138000"))
        XCTAssertFalse(FormAnswers.sameContact("", email: nil, phone: nil))
    }
}
