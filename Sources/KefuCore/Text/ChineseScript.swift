import Foundation

/// Traditional → simplified Chinese folding, one character at a time.
///
/// The map is built once (about 70 ms) from ICU's "Traditional-Simplified" transform, which
/// Foundation ships on Linux and macOS; when that transform is unavailable it falls back to
/// ChineseScript/fallbackPairs, a built-in table of about 500 characters common in shop
/// and customer-service text. Folding is applied to articles and queries alike, so a
/// traditional query finds a simplified article and the other way round.
/// Folding is per character, so ICU's few context rules for whole phrases are not used;
/// that is harmless for search because both sides are folded the same way.
public enum ChineseScript {
    /// Traditional scalar value → simplified scalar value.
    public static let traditionalToSimplified: [UInt32: UInt32] = buildTable()

    /// True when the table came from ICU (false: built-in fallback only).
    public static var usesICU: Bool { icuTable() != nil }

    /// Folds one scalar (identity for anything without a simplified form).
    @inline(__always)
    public static func simplify(_ value: UInt32) -> UInt32 {
        traditionalToSimplified[value] ?? value
    }

    /// Folds a whole string (traditional → simplified), leaving everything else untouched.
    public static func simplify(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(Unicode.Scalar(simplify(scalar.value)) ?? scalar)
        }
        return String(out)
    }

    static func buildTable() -> [UInt32: UInt32] {
        var table = fallbackTable()
        if let icu = icuTable() {
            for (key, value) in icu { table[key] = value }
        }
        return table
    }

    /// The built-in table as a dictionary.
    static func fallbackTable() -> [UInt32: UInt32] {
        var table: [UInt32: UInt32] = [:]
        for line in fallbackPairs {
            for pair in line.split(separator: " ") {
                let scalars = Array(pair.unicodeScalars)
                guard scalars.count == 2 else { continue }
                table[scalars[0].value] = scalars[1].value
            }
        }
        return table
    }

    /// The per-character map from ICU, or nil when the transform is not available.
    static func icuTable() -> [UInt32: UInt32]? {
        var source: [Unicode.Scalar] = []
        source.reserveCapacity(27_600)
        for value in 0x3400...0x4DBF { if let s = Unicode.Scalar(value) { source.append(s) } }
        for value in 0x4E00...0x9FFF { if let s = Unicode.Scalar(value) { source.append(s) } }
        var joined = String.UnicodeScalarView()
        for scalar in source {
            joined.append(scalar)
            joined.append("\n")
        }
        guard let converted = String(joined).applyingTransform(StringTransform("Traditional-Simplified"), reverse: false)
        else { return nil }
        let lines = converted.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= source.count else { return nil }
        var table: [UInt32: UInt32] = [:]
        for (index, line) in lines.prefix(source.count).enumerated() {
            guard line.count == 1, let out = line.first, out != source[index] else { continue }
            table[source[index].value] = out.value
        }
        // A transform that changed nothing is as good as none.
        return table.count > 1_000 ? table : nil
    }

    /// Traditional→simplified pairs for characters frequent in shop and service text
    /// (orders, shipping, returns, invoices, clothing and household goods). Generated from
    /// ICU's transform and checked against it by the tests.
    public static let fallbackPairs: [String] = [
        "請请 問问 貨货 運运 費费 誰谁 發发 開开 會会 員员 價价 優优 預预 換换 碼码 號号 訂订 單单 時时 間间 質质 題题 郵邮 賬账 帳帐 戶户 頁页 銷销 後后 補补 償偿",
        "處处 態态 聯联 繫系 電电 話话 線线 額额 積积 點点 數数 據据 廣广 東东 國国 際际 幣币 達达 確确 認认 簽签 證证 書书 顏颜 種种 類类 樣样 條条 紋纹 長长 寬宽",
        "鬆松 緊紧 襯衬 褲裤 襪袜 帶带 衛卫 裝装 內内 針针 織织 絨绒 綿绵 絲丝 綢绸 滌涤 綸纶 纖纤 維维 縮缩 燙烫 乾干 淨净 濕湿 潤润 溫温 熱热 涼凉 櫃柜 櫥橱 籃篮",
        "盤盘 壺壶 鍋锅 廚厨 廁厕 臥卧 廳厅 燈灯 鐘钟 錶表 鏡镜 簾帘 墊垫 氈毡 頭头 雙双 組组 個个 兩两 幾几 門门 關关 閉闭 啟启 應应 該该 還还 沒没 這这 麼么 為为",
        "們们 來来 說说 讓让 給给 對对 從从 當当 裡里 裏里 邊边 與与 並并 將将 過过 進进 選选 擇择 參参 規规 則则 細细 節节 籤签 標标 記记 錄录 擊击 網网 絡络 載载",
        "圖图 視视 頻频 聽听 見见 覺觉 謝谢 歡欢 親亲 愛爱 體体 驗验 務务 實实 專专 業业 導导 購购 諮谘 詢询 決决 辦办 幫帮 別别 貴贵 減减 滿满 贈赠 團团 紅红 綠绿",
        "藍蓝 黃黄 銀银 鋁铝 鐵铁 鋼钢 膠胶 環环 無无 險险 賠赔 級级 產产 廠厂 倉仓 區区 遠远 嶼屿 灣湾 臺台 歐欧 韓韩 華华 僑侨 稅税 報报 遞递 順顺 豐丰 韻韵 圓圆",
        "動动 蹤踪 異异 丟丢 損损 壞坏 錯错 誤误 況况 綁绑 機机 註注 設设 隱隐 權权 協协 議议 餘余 錢钱 寶宝 儲储 禮礼 飾饰 慶庆 週周 營营 準准 遲迟 暫暂 續续 緩缓",
        "衝冲 傳传 統统 計计 劃划 氣气 層层 濾滤 絕绝 緣缘 幹干 軟软 舊旧 鮮鲜 輕轻 夠够 夥伙 夾夹 屆届 屬属 嚴严 廢废 庫库 悅悦 惡恶 慮虑 慣惯 憑凭 懷怀 戲戏 擁拥",
        "擔担 擴扩 擾扰 攝摄 敗败 敵敌 斷断 於于 晝昼 暢畅 極极 樂乐 樓楼 橋桥 檢检 檯台 歷历 歲岁 歸归 殘残 殺杀 毀毁 淺浅 測测 濟济 滅灭 滬沪 漢汉 潔洁 潛潜 災灾",
        "烏乌 煉炼 煙烟 爛烂 爭争 牽牵 犧牺 狀状 猶犹 獎奖 獨独 現现 璽玺 畫画 畢毕 瘋疯 療疗 癢痒 盡尽 監监 睜睁 瞞瞒 礎础 稱称 穩稳 窮穷 窩窝 競竞 筆笔 範范 築筑",
        "簡简 糧粮 糾纠 紀纪 約约 紙纸 紛纷 終终 結结 經经 綜综 緒绪 編编 練练 縣县 縱纵 總总 績绩 繩绳 繪绘 繼继 纏缠 罰罚 羅罗 義义 習习 聖圣 聞闻 聲声 肅肃 脅胁",
        "脈脉 腦脑 腫肿 膚肤 臉脸 興兴 艙舱 艦舰 藝艺 葉叶 藥药 虛虚 蟲虫 蠶蚕 術术 製制 襲袭 覽览 觀观 觸触 訊讯 討讨 訓训 許许 訪访 証证 評评 詞词 試试 詩诗 詳详",
        "誌志 誕诞 語语 誠诚 諾诺 讀读 課课 調调 談谈 識识 豎竖 貓猫 貝贝 負负 財财 責责 販贩 貪贪 貫贯 貼贴 買买 賀贺 資资 賓宾 賣卖 賺赚 贏赢 趕赶 趙赵 跡迹 踐践",
        "車车 軍军 輔辅 輛辆 輝辉 輸输 轉转 農农 連连 違违 適适 遷迁 鄉乡 醫医 釋释 鈔钞 鉛铅 銅铜 鋪铺 鍵键 鎖锁 鎮镇 閃闪 閑闲 閱阅 闆板 陰阴 陳陈 陸陆 陽阳 隊队",
        "階阶 隨随 隻只 雜杂 雞鸡 離离 難难 雲云 靈灵 靜静 響响 頂顶 項项 須须 頓顿 頒颁 領领 願愿 顧顾 顯显 風风 飛飞 飯饭 飲饮 飽饱 館馆 馬马 駐驻 駕驾 驚惊 髮发",
        "魚鱼 鳥鸟 鹽盐 麥麦 齊齐 齡龄 龍龙",
    ]
}
