import Foundation
import KefuCore
import XCTest

final class ReminderTextTests: XCTestCase {
    func testTheDefaultTemplate() throws {
        // setup
        let values = ["customer_name": "王女士", "order_no": "20261122001", "amount": "¥279.00", "pay_link": "https://pay.example.com/E1"]

        // act
        let text = ReminderText.render(template: ReminderRule.defaultTemplate, values: values)

        // check
        XCTAssertEqual(text, "亲，您的订单20261122001还未付款，共¥279.00，点此完成支付：https://pay.example.com/E1")
    }

    func testMissingReminderVariablesBecomeEmpty() throws {
        // setup
        let template = "{customer_name}您好，订单{order_no}待付款{pay_link}"

        // act
        let text = ReminderText.render(template: template, values: ["order_no": "E1", "customer_name": "  "])

        // check
        XCTAssertEqual(text, "您好，订单E1待付款")
    }

    func testOtherPlaceholdersBracesAndValuesAreLeftAlone() throws {
        // setup
        let template = "{{order_no}} {shop_name} {order_no}"

        // act
        let text = ReminderText.render(template: template, values: ["order_no": "{amount}", "shop_name": "Tea"])

        // check
        XCTAssertEqual(text, "{order_no} {shop_name} {amount}")
    }

    func testTheAmountIsFormattedForTheLocale() throws {
        // setup
        let amount = try Money(minor: 27900, currency: "CNY")

        // act
        let text = ReminderText.render(template: "{customer_name}:{order_no}:{amount}:{pay_link}", customerName: nil, orderNo: "N1",
                                       amount: amount, payLink: "https://p.example/1", locale: Locale(identifier: "zh_CN"))

        // check
        XCTAssertEqual(text, ":N1:\(amount.formatted(locale: Locale(identifier: "zh_CN"))):https://p.example/1")
        XCTAssertTrue(text.contains("279.00"), text)
    }

    func testMatchesTheRuleMessage() throws {
        // setup
        let rule = ReminderRule(timeZone: "Asia/Shanghai", template: "{customer_name}，{order_no} 共 {amount}：{pay_link}")
        let amount = try Money(minor: 1990, currency: "CNY")
        let locale = Locale(identifier: "zh_CN")

        // act
        let text = ReminderText.render(template: rule.template, customerName: "李", orderNo: "N1", amount: amount,
                                       payLink: "https://p.example/1", locale: locale)

        // check
        XCTAssertEqual(text, rule.message(customerName: "李", orderNo: "N1", amount: amount, payLink: "https://p.example/1", locale: locale))
    }
}
