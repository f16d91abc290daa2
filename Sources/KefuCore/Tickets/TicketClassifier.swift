/// Proposes a new ticket's type, urgency and priority from the customer's words (seed 004 §4.1:
/// 问题的类型, 来源, 紧急程度). The agent sees the proposal with the words that led to it and
/// confirms or changes it; nothing is filed on the proposal alone.
///
/// A threat to escalate (12315, 消协, 工商, 举报, 曝光, a lawyer, a court) makes it a complaint: a
/// customer who says it is complaining, whatever the refund or exchange they also ask for.
///
/// Cues are matched on normalised text (simplified Chinese, half-width, lower case), so 投訴,
/// ＲＥＦＵＮＤ and 12315 in any width count. Each type has strong cues (weight 3: a complaint
/// word such as 投诉 / 差评 / 12315 / 假货, a refund or return request) and weak ones (weight 1);
/// the type with the highest score wins, ties go to the more serious type (complaint, after-sale,
/// technical, inquiry). No cue at all is a question (常见问题).
public enum TicketClassifier {
    public struct Suggestion: Equatable, Sendable {
        /// One of ``TicketTypes/builtIn``'s keys.
        public var type: String
        public var urgency: TicketUrgency
        public var priority: TicketPriority
        /// The words that decided it, as they appear in the catalogue of cues (shown to the agent).
        public var cues: [String]
        /// The first line the customer wrote, shortened to ``subjectLength`` characters.
        public var subject: String
    }

    public static let subjectLength = 60

    struct Cue { let word: String; let weight: Int }

    static func cues(_ strong: [String], _ weak: [String]) -> [Cue] {
        strong.map { Cue(word: $0, weight: 3) } + weak.map { Cue(word: $0, weight: 1) }
    }

    static let escalation: Set<String> = ["12315", "消协", "消费者协会", "工商", "举报", "曝光", "律师", "起诉", "法院", "lawyer", "신고", "고소"]

    /// In order of seriousness (ties go to the earlier).
    static let table: [(type: String, cues: [Cue])] = [
        ("complaint", cues(
            ["投诉", "差评", "12315", "消协", "消费者协会", "工商", "举报", "假货", "骗子", "欺诈", "骗人", "维权", "曝光", "律师", "起诉",
             "法院", "退一赔三", "假一赔十", "态度太差", "态度差", "投诉你们", "complaint", "complain", "scam", "fraud", "lawyer",
             "불만", "신고", "사기", "고소"],
            ["太差", "垃圾", "失望", "气死", "恶心", "坑人", "不满意", "欺骗", "无良", "黑店", "不负责", "没人管", "disappointed", "terrible",
             "worst", "최악", "실망"])),
        ("after_sale", cues(
            ["退款", "退货", "换货", "补发", "维修", "保修", "质量问题", "发错", "少件", "漏发", "破损", "坏了", "损坏", "售后",
             "refund", "return", "exchange", "broken", "damaged", "repair", "환불", "반품", "교환", "수리", "파손", "불량"],
            ["瑕疵", "褪色", "开线", "掉色", "不合适", "描述不符", "色差", "不想要", "退", "换", "错了", "少了", "漏了", "wrong item",
             "missing", "defect", "오배송", "누락"])),
        ("technical", cues(
            ["无法登录", "登不上", "打不开", "闪退", "报错", "连不上", "无法连接", "无法使用", "不能用", "死机", "蓝屏", "无法安装",
             "cannot log in", "can't log in", "crash", "error", "로그인", "오류", "작동"],
            ["安装", "设置", "配置", "连接", "蓝牙", "充电", "固件", "升级", "驱动", "怎么用", "使用方法", "说明书", "install", "setup",
             "bluetooth", "firmware", "설치", "연결", "충전"])),
        ("inquiry", cues(
            ["有货吗", "什么时候发货", "多久发货", "多少钱", "有优惠", "优惠券", "尺码", "发货", "到哪了", "物流", "快递",
             "in stock", "shipping", "delivery", "재고", "배송", "가격"],
            ["价格", "颜色", "尺寸", "规格", "库存", "包邮", "几天到", "活动", "材质", "price", "size", "color", "사이즈", "색상"])),
    ]

    /// Words that make it urgent whatever the type: the customer threatens to escalate or needs
    /// it now.
    static let urgentCues = ["12315", "投诉", "曝光", "律师", "起诉", "法院", "消协", "工商", "举报", "媒体", "马上", "立刻", "立即",
                             "赶紧", "急用", "很急", "着急", "加急", "今天必须", "尽快", "urgent", "asap", "immediately", "lawyer",
                             "급해", "긴급", "빨리", "당장", "신고"]

    public static func suggest(_ texts: [String]) -> Suggestion {
        let normalizer = TextNormalizer()
        let folded = texts.map { normalizer.normalize($0) }.joined(separator: " \u{1} ")
        var best: (type: String, score: Int, cues: [String]) = ("question", 0, [])
        for entry in table {
            var score = 0
            var hits: [String] = []
            for cue in entry.cues where folded.contains(normalizer.normalize(cue.word)) {
                score += cue.weight
                hits.append(cue.word)
            }
            if score > best.score { best = (entry.type, score, hits) }
        }
        let threats = escalation.filter { folded.contains(normalizer.normalize($0)) }.sorted()
        if !threats.isEmpty, best.type != "complaint" {
            best = ("complaint", best.score, threats + best.cues.filter { !threats.contains($0) })
        }
        var urgentHits = urgentCues.filter { folded.contains(normalizer.normalize($0)) }
        // Shouting: three or more exclamation marks in one line.
        if texts.contains(where: { $0.filter { $0 == "!" || $0 == "！" }.count >= 3 }) { urgentHits.append("!!!") }
        let urgency: TicketUrgency = urgentHits.isEmpty ? .normal : .urgent
        let priority: TicketPriority = switch (best.type, urgency) {
        case ("complaint", .urgent): .urgent
        case (_, .urgent), ("complaint", _): .high
        default: .normal
        }
        var cues = best.cues
        for word in urgentHits where !cues.contains(word) { cues.append(word) }
        return Suggestion(type: best.type, urgency: urgency, priority: priority, cues: cues, subject: subject(texts))
    }

    /// The first non-empty line of the first text, shortened with "…".
    public static func subject(_ texts: [String]) -> String {
        for text in texts {
            let line = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.first { !$0.isEmpty }
            guard let line else { continue }
            return line.count > subjectLength ? String(line.prefix(subjectLength - 1)) + "…" : line
        }
        return ""
    }
}
