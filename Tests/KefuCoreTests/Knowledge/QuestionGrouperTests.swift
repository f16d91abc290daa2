import Foundation
import KefuCore
import XCTest

final class QuestionGrouperTests: XCTestCase {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Questions asked one minute apart, ids "q0", "q1", …
    func questions(_ texts: [String]) -> [UnansweredQuestion] {
        texts.enumerated().map { UnansweredQuestion(id: "q\($0.offset)", text: $0.element, askedAt: start.addingTimeInterval(Double($0.offset) * 60)) }
    }

    func groups(_ texts: [String]) -> [[String]] {
        QuestionGrouper.group(questions(texts)).map { $0.ids.compactMap { id in Int(id.dropFirst()).map { texts[$0] } } }
    }

    func testChineseVariantsGroupTogetherAndOtherTopicsStayApart() {
        // setup
        let texts = ["发票怎么开", "怎么开发票", "發票怎麼開", "可以开发票吗", "怎么退货", "发票怎么开？", "我想退货"]

        // act
        let result = QuestionGrouper.group(questions(texts))

        // check
        XCTAssertEqual(result.count, 2)
        XCTAssertEqual(result[0].count, 5)
        XCTAssertEqual(result[0].representative, "发票怎么开")
        XCTAssertEqual(result[0].key, "q0", "the earliest question with the representative text")
        XCTAssertEqual(Set(result[0].ids), ["q0", "q1", "q2", "q3", "q5"])
        XCTAssertEqual(result[0].examples, ["发票怎么开", "怎么开发票", "發票怎麼開", "可以开发票吗", "发票怎么开？"])
        XCTAssertEqual(result[0].lastAskedAt, start.addingTimeInterval(5 * 60))
        XCTAssertEqual(result[1].ids, ["q4", "q6"])
        XCTAssertEqual(result[1].representative, "怎么退货")
    }

    func testIdenticalNormalisedTextIsAlwaysOneQuestion() {
        // setup: punctuation, width and script differ; a threshold of 1 allows nothing else
        let texts = ["ＸＬ码有货吗？", "xl码有货吗", "XL碼有貨嗎!!", "xl码什么时候到货"]

        // act
        let result = QuestionGrouper.group(questions(texts), threshold: 1)

        // check
        XCTAssertEqual(result.map(\.count), [3, 1])
    }

    func testRepresentativeIsTheMostFrequentTextWithTiesToTheEarliest() {
        // setup
        let texts = ["怎么开发票", "发票怎么开", "发票怎么开", "怎么开发票", "发票怎么开"]

        // act
        let result = QuestionGrouper.group(questions(texts))

        // check
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result[0].representative, "发票怎么开")
        XCTAssertEqual(result[0].key, "q1")
        XCTAssertEqual(result[0].examples, ["发票怎么开", "怎么开发票"])
        XCTAssertEqual(result[0].ids, ["q0", "q1", "q2", "q3", "q4"], "oldest first")

        let tie = QuestionGrouper.group(questions(["怎么开发票", "发票怎么开"]))
        XCTAssertEqual(tie.first?.representative, "怎么开发票", "a tie goes to the text asked first")
    }

    func testExamplesAreAtMostFiveDistinctTexts() {
        // setup
        let texts = ["发票怎么开", "发票怎么开", "怎么开发票", "發票怎麼開", "可以开发票吗", "开发票怎么弄", "发票怎么开呢", "怎样开发票"]

        // act
        let result = QuestionGrouper.group(questions(texts))

        // check
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result[0].examples.count, 5)
        XCTAssertEqual(result[0].examples.first, "发票怎么开")
        XCTAssertEqual(Set(result[0].examples).count, 5)
    }

    func testKoreanQuestions() {
        // setup
        let texts = ["환불은 언제 되나요", "환불 언제 되나요?", "배송 언제 와요", "환불은 언제 되나요"]

        // act, check
        XCTAssertEqual(groups(texts), [["환불은 언제 되나요", "환불 언제 되나요?", "환불은 언제 되나요"], ["배송 언제 와요"]])
    }

    func testEnglishQuestions() {
        // setup
        let texts = ["How do I get an invoice?", "invoice please", "Can I return this item?", "INVOICE??", "return item"]

        // act, check
        XCTAssertEqual(groups(texts), [["How do I get an invoice?", "invoice please", "INVOICE??"], ["Can I return this item?", "return item"]])
    }

    func testEmptyAndEmojiOnlyQuestionsAreSkippedAndStopWordsOnlyGroupByText() {
        // setup
        let texts = ["", "   ", "👍👍", "？？？", "😡", "在吗", "在吗？", "发票怎么开"]

        // act
        let result = QuestionGrouper.group(questions(texts))

        // check
        XCTAssertEqual(result.map(\.representative), ["在吗", "发票怎么开"])
        XCTAssertEqual(result.map(\.count), [2, 1])
        XCTAssertEqual(QuestionGrouper.group([]), [])
    }

    func testGroupsAreSortedByCountThenLatest() {
        // setup
        let texts = ["怎么退货", "发票怎么开", "运费谁出", "发票怎么开", "怎么退货"]

        // act
        let result = QuestionGrouper.group(questions(texts))

        // check: 退货 and 发票 both 2, 退货 asked last
        XCTAssertEqual(result.map(\.representative), ["怎么退货", "发票怎么开", "运费谁出"])
    }

    func testThresholdControlsHowLooseGroupsAre() {
        // setup
        let texts = ["发票怎么开", "你好，我上周买的衣服可以开发票吗"]

        // act, check
        XCTAssertEqual(QuestionGrouper.group(questions(texts)).count, 2, "Jaccard keeps a long question with more in it apart")
        XCTAssertEqual(QuestionGrouper.group(questions(texts), threshold: 0.25).count, 1)
    }

    func testFiveThousandQuestionsAreGroupedWithoutMixingTopics() {
        // setup: 60 topics × phrasings × noise, shuffled deterministically
        let topics = ["发票", "退货", "退款", "运费", "尺码", "发货", "快递", "优惠券", "会员", "积分", "换货", "保修", "地址", "支付",
                      "红包", "预售", "定金", "赠品", "包装", "材质", "洗涤", "色差", "缺货", "补发", "催单", "签收", "破损", "少件",
                      "开箱", "安装", "保价", "价格", "直播", "拼团", "秒杀", "满减", "包邮", "海外", "关税", "身份证", "实名", "发错",
                      "漏发", "延迟", "取消", "修改", "合并", "拆单", "自提", "门店", "客服", "投诉", "评价", "返现", "晒单", "试用",
                      "样品", "批发", "定制", "刻字"]
        let phrasings = ["%@怎么办", "%@怎么弄", "请问%@的问题", "%@可以吗", "%@能不能快点", "想问一下%@", "%@多久", "%@是什么规则", "%@怎么处理呀", "%@，谢谢"]
        var generator = SplitMix(seed: 42)
        var texts: [String] = []
        for i in 0..<5_000 {
            let topic = topics[Int(generator.next() % UInt64(topics.count))]
            let phrase = phrasings[Int(generator.next() % UInt64(phrasings.count))].replacingOccurrences(of: "%@", with: topic)
            texts.append(i % 7 == 0 ? phrase + "，订单号\(generator.next() % 100_000)" : phrase)
        }
        let input = questions(texts)

        // act
        let result = QuestionGrouper.group(input)

        // check (speed is for bench/, not for a unit test)
        XCTAssertEqual(result.reduce(0) { $0 + $1.count }, 5_000, "every question is in one group")
        XCTAssertEqual(Set(result.flatMap(\.ids)).count, 5_000)
        XCTAssertLessThan(result.count, 2_500, "variants are grouped")
        for group in result.prefix(60) {
            let topic = topics.filter { group.representative.contains($0) }.max { $0.count < $1.count }
            XCTAssertNotNil(topic)
            for example in group.examples { XCTAssertTrue(example.contains(topic ?? "?"), "\(group.representative) ~ \(example)") }
        }
    }

    func testGroupingIsDeterministic() {
        // setup
        let input = questions(["发票怎么开", "怎么开发票", "怎么退货", "退货运费谁出", "运费谁出", "發票怎麼開"])

        // act
        let runs = (0..<5).map { _ in QuestionGrouper.group(input) }

        // check
        for run in runs { XCTAssertEqual(run, runs[0]) }
    }
}
