import Fluent
import Foundation
import KefuCore
import Vapor

/// Demo forms: a repair / quality-problem form (在线报修) offered in the widget, and a feedback form.
enum FormsDemo {
    static var steps: [DemoSeed] { [seed] }

    static let repairName = "在线报修"

    static let seed = DemoSeed(title: "forms: a repair form (在线报修) in the widget and a feedback form, on their public pages") { app, accountID in
        let accountID = accountID!
        guard try await ShopForm.query(on: app.db).filter(\.$accountID == accountID).count() == 0 else { return accountID }
        let owner = try await User.query(on: app.db).filter(\.$accountID == accountID).filter(\.$email == DemoData.ownerEmail).first()
        let principal = Principal(kind: .user, accountID: accountID, role: .owner, userID: owner?.id, tokenID: nil, sessionID: nil,
                                  label: DemoData.ownerEmail)
        let afterSale = try await Inbox.query(on: app.db).filter(\.$accountID == accountID).filter(\.$name == "售后").first()
        _ = try await app.forms.create(CreateFormRequest(
            name: repairName, kind: "repair", ticketType: "after_sale", inboxId: afterSale?.id,
            intro: "商品出现质量问题（开线、掉色、破损等）请在这里报修，上传照片可以更快处理。我们会在 24 小时内联系您。",
            active: true, inWidget: true, fields: [
                FormField(key: "name", label: "您的称呼", kind: .name),
                FormField(key: "phone", label: "手机号", kind: .phone, required: true, help: "用于联系您和查询进度"),
                FormField(key: "order", label: "订单号", kind: .orderNumber, help: "在“我的订单”中可以找到"),
                FormField(key: "problem", label: "问题类型", kind: .choice, required: true, options: ["开线 / 破损", "掉色 / 染色", "起球", "尺码不符", "其他"]),
                FormField(key: "details", label: "问题描述", kind: .longText, required: true),
                FormField(key: "photos", label: "照片", kind: .pictures, help: "最多 3 张，每张不超过 5 MB", maxPictures: 3),
            ]), by: principal, ip: nil)
        _ = try await app.forms.create(CreateFormRequest(
            name: "意见反馈", kind: "feedback", ticketType: "inquiry", inboxId: nil,
            intro: "您的每一条建议我们都会认真阅读。", active: true, inWidget: false, fields: [
                FormField(key: "email", label: "邮箱", kind: .email, required: true),
                FormField(key: "topic", label: "关于", kind: .choice, required: true, options: ["商品", "物流", "客服", "网站", "其他"]),
                FormField(key: "message", label: "您的建议", kind: .longText, required: true),
            ]), by: principal, ip: nil)
        return accountID
    }
}
