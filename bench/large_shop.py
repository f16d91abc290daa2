#!/usr/bin/env python3
"""A large shop's data (issue 11): 1,000,000 conversations, 300,000 customers and 10,000,000
messages in the demo shop, on SQLite or PostgreSQL, then the workbench's read paths measured
over HTTP against the real ``kefu serve``.

1. **Schema**: ``kefu demo`` (the release binary) creates and migrates the database and the demo
   shop, its inboxes, agents and owner; nothing of the schema is re-implemented here.
2. **Bulk load** into that shop, every column as Kefu itself writes it (``Conversation`` /
   ``Contact`` / ``Message`` models, ``MessageInsert`` and ``SQLiteMessageStore``, the routing and
   FAQ-bot timeline entries): contacts with their widget tokens, conversations spread over the demo
   inboxes and a year, mostly resolved, assigned to the demo agents, each with a skewed number of
   messages (the shopper's question, the FAQ bot in 售后, routing's ``conversation.assigned``, the
   greeting, the dialogue, private notes, the status change) and the derived columns consistent
   (``last_seq`` = message count, ``activity_us`` / ``last_message_at`` / ``last_message_preview``
   from the newest visible message, unread counters and read positions, ``awaiting_since``,
   ``first_response_at``, ``auto_state`` …). Chinese texts come from a small e-commerce phrase
   generator. The random source is seeded, so SQLite and PostgreSQL get the same rows (same ids).
   The message search index is not filled here: the server's backfill job indexes what it finds
   unindexed, which is what an upgraded shop's server does too. Fast paths: SQLite one connection, journal off and synchronous off during the load, the
   secondary indexes dropped and rebuilt afterwards with Kefu's own definitions; PostgreSQL COPY
   with constraints and indexes re-created afterwards, then VACUUM ANALYZE (what autovacuum does).
3. **Measures** as the owner, the supervisor 小李 and the agents 小美 (one inbox) and 小云 (two
   inboxes), signed in with cookies + X-CSRF-Token: the conversation list (mine / unassigned / all,
   by inbox and status, first page, page 2 and a deep cursor), a conversation's history (latest and an
   older page), the socket ``resume`` (messages after a seq), the customer's past conversations
   (``GET /api/v1/contacts/{id}``), p50 / p95 / p99 against the targets (p99 ≤ 20 ms).
4. **Message search** over HTTP (``GET /api/v1/messages/search``, p95 ≤ 100 ms) after waiting for the
   server's backfill job to index the generated messages (with progress); ``--search-sql`` and
   ``--search-indexes`` also time the naive ``LIKE '%…%'`` and the candidate indexes directly.
5. **EXPLAIN** for every shape: the SQL is reconstructed from the controllers (Fluent's query
   builder; on PostgreSQL verified against the server's statement log with ``--log-statements``) and
   explained with EXPLAIN QUERY PLAN (SQLite 3.54 through ``apsw``, the version Kefu embeds) or
   EXPLAIN (ANALYZE, BUFFERS).

    python3 bench/large_shop.py --scale 0.01                                  # a quick try (~1 min)
    python3 bench/large_shop.py --keep /var/tmp/kefu-large.sqlite             # full size; kept for re-runs
    python3 bench/large_shop.py --database postgres --keep /var/tmp/kefu-large-pg

Results are printed and written as JSON to bench/results/ (ignored by git). Ctrl-C stops the server
and a temporary PostgreSQL server and removes what is not kept.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import pathlib
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402
import requests  # noqa: E402

from kefu_process import DEMO_OWNER, DEMO_PASSWORD, KefuProcess, free_port, kefu_env  # noqa: E402

try:
    import apsw  # SQLite 3.54 like the one Kefu embeds (pip install apsw); sqlite3 otherwise
except ImportError:  # pragma: no cover
    apsw = None
import sqlite3  # noqa: E402

US = 1_000_000
HOUR = 3600 * US
DAY = 24 * HOUR
TARGET_LIST_P99_MS = 20.0
TARGET_SEARCH_P95_MS = 100.0
CLK_TCK = os.sysconf("SC_CLK_TCK")

# ============================================================================ text generator

PRODUCTS = ["纯棉T恤", "连衣裙", "牛仔裤", "羽绒服", "卫衣", "运动鞋", "衬衫", "风衣", "毛衣", "半身裙",
            "保温杯", "收纳柜", "四件套", "蓝牙耳机", "双肩包", "防晒衣", "珊瑚绒睡衣"]
PRODUCT_WEIGHTS = [1.0] * 16 + [0.0008]          # 珊瑚绒睡衣: the rare word for search
COLORS = ["黑色", "白色", "米白", "藏青", "卡其", "灰色", "粉色", "浅蓝", "酒红"]
SIZES = ["S", "M", "L", "XL", "XXL", "36", "37", "38", "39", "40", "41", "42"]
COURIERS = ["中通", "韵达", "顺丰", "圆通", "申通", "京东物流"]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "乌鲁木齐", "哈尔滨", "拉萨"]
# (first question, follow-ups, agent replies) per topic; {p} product, {c} colour, {s} size,
# {o} order number, {k} courier, {t} tracking number, {y} city.
TOPICS = [
    (["你好，{p}有{s}码吗？", "请问{c}的{p}还有{s}码吗", "这款{p}尺码偏大还是偏小？我平时穿{s}", "{p}的尺码表在哪里看"],
     ["我身高165体重52公斤穿什么码", "那{c}的呢", "好的，那我拍{s}码", "会不会缩水", "面料是纯棉的吗"],
     ["亲，{c}{p}的{s}码目前有货的哦，现在下单48小时内发货", "这款版型偏小，建议您拍大一码哦", "亲，按您的身高体重建议选{s}码",
      "尺码表在商品详情页最下方，可以参考一下哦", "面料是95%棉5%氨纶，不容易缩水的"]),
    (["请问{p}什么时候发货？", "我的订单{o}什么时候发货", "今天下单什么时候能发货", "付款两天了还没发货"],
     ["能发{k}吗", "快递到{y}要几天", "可以加急吗", "好的，麻烦尽快发货", "什么时候发货能确定吗"],
     ["亲，您的订单{o}已经安排发货了，{k}单号{t}", "现货商品付款后48小时内发货，大促期间72小时内发货哦",
      "亲，发到{y}一般2-4天送达", "已经帮您备注加急了，仓库会优先处理", "亲，默认发中通和韵达，指定顺丰需要补运费10元哦"]),
    (["我要退款，订单号{o}", "{p}不想要了怎么退款", "退款什么时候到账", "申请退款了怎么还没处理"],
     ["退款原路返回吗", "运费谁出", "已经寄回了，{k}单号{t}", "好的，谢谢", "那我等着"],
     ["好的亲，已经为您登记退款，款项1-3个工作日原路退回", "亲，仓库收到退货后48小时内处理退款哦",
      "质量问题运费我们承担，非质量问题需要您承担运费哦", "已经帮您催促仓库尽快处理退款了", "亲，退款已经完成了，请注意查收"]),
    (["收到的{p}有质量问题，可以退换吗", "{p}开线了", "收到的{c}{p}有色差", "衣服有污渍怎么处理"],
     ["我拍照给你看", "可以换一件新的吗", "要自己寄回吗", "那我申请换货", "好的"],
     ["非常抱歉给您带来不便，麻烦拍一下照片给我们看看", "亲，可以的，我们为您换一件新的，运费我们承担",
      "已经为您申请换货，请在订单页填写退货单号", "亲，给您补偿一张10元优惠券，您看可以吗", "抱歉给您带来不便，我们马上为您处理"]),
    (["快递好几天没更新了", "物流信息一直不动", "{k}显示已签收但是我没收到", "我的快递到哪了"],
     ["单号是{t}", "能帮我催一下吗", "我在{y}", "好的，谢谢你", "什么时候能到"],
     ["亲，已经帮您联系{k}催查了，24小时内给您回复", "亲，物流显示包裹已经到{y}转运中心了，请耐心等待",
      "亲，麻烦您先问一下门卫或者快递柜，我们同时联系快递核实", "已为您催促快递，请耐心等待", "查到了，预计明天送达哦"]),
    (["优惠券用不了怎么办", "能便宜点吗？", "现在有什么活动吗", "会员价怎么享受"],
     ["满减和优惠券能一起用吗", "那我现在下单", "有包邮吗", "好吧", "谢谢"],
     ["亲，这张券需要满199才能使用哦", "亲，现在店铺满299减30，还可以叠加店铺券", "亲，实付满99元包邮（偏远地区除外）",
      "会员价在结算时自动生效的哦", "不客气，祝您购物愉快～"]),
    (["可以开发票吗？", "发票抬头写错了能重开吗", "怎么开增值税专用发票"],
     ["抬头是公司名", "税号稍后发你", "电子发票发到哪里", "好的", "谢谢"],
     ["亲，可以开电子发票的，请提供抬头和税号", "亲，可以在订单详情页申请发票换开哦", "电子发票会发送到您的邮箱",
      "专票请提供公司名称、税号、地址、电话和开户行", "已经为您开好了，请注意查收"]),
    (["下单后可以修改地址吗", "地址填错了", "能改成{y}的地址吗", "可以改尺码吗，订单{o}"],
     ["新地址是{y}市", "改成{s}码", "还没发货吧", "好的", "麻烦了"],
     ["亲，订单还没发货，已经为您修改好了", "亲，订单已经发货了，无法修改地址，可以联系快递改派", "已经帮您改成{s}码了",
      "修改好了，请您核对一下", "不客气，还有其他可以帮您的吗？"]),
]
CHITCHAT_VISITOR = ["在吗", "你好", "？？", "好的", "谢谢", "嗯嗯", "收到", "多久能回复", "人呢"]
CHITCHAT_AGENT = ["亲，在的", "亲，还有其他可以帮您的吗？", "不客气，祝您生活愉快～", "好的亲", "稍等，我帮您查一下"]
NOTES = ["客户要求发{k}，已备注", "VIP客户，注意语气", "已经找仓库核实，明天回复客户", "客户情绪激动，注意安抚", "转售后跟进"]
SEARCH_QUERIES = [  # (name, term, kind)
    ("common word 发货", "发货", "common"),
    ("common word 退款", "退款", "common"),
    ("rare word 珊瑚绒睡衣", "珊瑚绒睡衣", "rare"),
    ("phrase 什么时候发货", "什么时候发货", "phrase"),
    ("order number", None, "exact"),       # an order number that occurs in one conversation
    ("no hits 区块链", "区块链", "none"),
]

USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 AlipayClient/10.5",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
REFERRERS = [None, None, "https://www.baidu.com/", "https://m.so.com/", "https://weixin.qq.com/", "https://www.xiaohongshu.com/"]

P_GREETING = '{"articles":[],"handover":false,"type":"auto.greeting"}'
P_QUEUED = '{"articles":[],"handover":false,"type":"auto.queued"}'
P_BOT_NONE = '{"articles":[],"handover":true,"type":"bot.none"}'
P_BOT_HANDOVER = '{"articles":[],"handover":false,"type":"bot.handover"}'
BOT_SUGGEST = "您是不是想问以下问题？点一下就能看到答案："     # knowledge.bot.suggest (zh-CN)
BOT_NONE = "抱歉，我暂时没找到这个问题的答案。您可以换个说法再问我，或者点“转人工客服”。"
BOT_HANDOVER = "好的，正在为您转接人工客服，请稍候～"
HANDOVER_EVENT = "顾客请求转人工客服"
GREETING = "您好，我是{n}号客服{name}，很高兴为您服务 :)"
QUEUED = "您好，欢迎光临！当前咨询人数较多，您排在第{pos}位，预计等待约{wait}分钟，请稍候～"


def swift_json(value) -> str:
    """JSONEncoder with .sortedKeys: no spaces, non-ASCII as is, '/' escaped."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("/", "\\/")


class IDs:
    """Version-4 UUIDs, upper case as Kefu writes them, from a seeded source (the same ids on
    SQLite and PostgreSQL for the same seed)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def make(self) -> str:
        h = "%032X" % self.rng.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89AB'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# ============================================================================ progress

class Progress:
    def __init__(self, label: str, total: int, unit: str = "rows"):
        self.label, self.total, self.unit = label, max(1, total), unit
        self.start = self.last = time.monotonic()
        self.done = 0

    def add(self, n: int, force: bool = False) -> None:
        self.done += n
        now = time.monotonic()
        if force or now - self.last >= 2.0:
            self.last = now
            rate = self.done / max(1e-9, now - self.start)
            eta = (self.total - self.done) / rate if rate > 0 else float("inf")
            print(f"  {self.label}: {self.done:,}/{self.total:,} {self.unit} ({self.done * 100 / self.total:.1f}%), "
                  f"{rate:,.0f} {self.unit}/s, ETA {eta:,.0f} s", flush=True)

    def finish(self) -> dict:
        took = time.monotonic() - self.start
        rate = self.done / max(1e-9, took)
        print(f"  {self.label}: {self.done:,} {self.unit} in {took:,.1f} s ({rate:,.0f} {self.unit}/s)", flush=True)
        return {"rows": self.done, "seconds": round(took, 1), "rows_per_s": round(rate)}


# ============================================================================ the shop as demo made it

class Shop:
    def __init__(self, account: str, users: dict, inboxes: list, members: dict, articles: list, help_slug: str):
        self.account = account
        self.users = users          # email → {id, number, name, role}
        self.inboxes = inboxes      # [{id, name, bot_mode}] in the demo's order (售前, 售后, 投诉)
        self.members = members      # inbox id → [user ids]
        self.articles = articles    # [{id, slug, title, body}]
        self.help_slug = help_slug


def read_shop(query) -> Shop:
    """``query(sql)`` → list of tuples; the same SQL on both databases."""
    owner = query(f"SELECT account_id FROM users WHERE email = '{DEMO_OWNER}'")
    account = str(owner[0][0]).upper()
    users = {}
    for uid, email, number, name, role in query("SELECT id, email, agent_number, display_name, role FROM users"):
        users[email] = {"id": str(uid).upper(), "number": int(number), "name": name, "role": role}
    order = {"售前": 0, "售后": 1, "投诉": 2}
    inboxes = [{"id": str(i).upper(), "name": n, "bot_mode": b} for i, n, b in query("SELECT id, name, bot_mode FROM inboxes")]
    inboxes.sort(key=lambda x: order.get(x["name"], 9))
    members: dict[str, list[str]] = {}
    for inbox_id, user_id in query("SELECT inbox_id, user_id FROM inbox_members"):
        members.setdefault(str(inbox_id).upper(), []).append(str(user_id).upper())
    articles = [{"id": str(i).upper(), "slug": s, "title": t, "body": b}
                for i, s, t, b in query("SELECT id, slug, title, body FROM kb_articles WHERE status = 'published'")]
    articles.sort(key=lambda a: a["slug"])
    settings = query("SELECT help_slug FROM kb_settings") if query("SELECT 1 FROM kb_settings LIMIT 1") else [("demo",)]
    return Shop(account, users, inboxes, members, articles, settings[0][0] or "demo")


# ============================================================================ the data

def plain(markdown: str) -> str:
    return re.sub(r"[*_`#>]", "", markdown).replace("\r", "")


class Generator:
    """The conversations of the shop, in creation order, with their messages."""

    def __init__(self, shop: Shop, scale: float, seed: int, now_us: int):
        self.shop, self.scale, self.seed, self.now_us = shop, scale, seed, now_us
        self.n_conv = max(100, round(1_000_000 * scale))
        self.n_contacts = max(30, round(300_000 * scale))
        self.rng = random.Random(seed)
        self.ids = IDs(random.Random(seed + 1))
        self.np = np.random.default_rng(seed)
        by_id = {u["id"]: u for u in shop.users.values()}
        self.user_by_id = by_id
        li = shop.users["li@demo.kefu.local"]["id"]
        self.supervisor = li
        # Who answers in each inbox (the demo's members), supervisors less often.
        self.answerers = []
        for inbox in shop.inboxes:
            ids = shop.members.get(inbox["id"], [])
            weights = [0.3 if by_id[u]["role"] == "supervisor" else 1.0 for u in ids] or [1.0]
            self.answerers.append((ids or [li], weights))
        # Bot message payloads from the demo FAQ (as FAQBot writes them).
        self.refs = []
        for a in shop.articles:
            body = plain(a["body"]).replace("\n", "")
            self.refs.append({"id": a["id"], "slug": a["slug"], "title": a["title"],
                              "snippet": body[:78] + "…" if len(body) > 78 else body,
                              "url": f"/help/{shop.help_slug}/a/{a['slug']}", "_answer": plain(a["body"]).strip()})
        self._skeleton()

    # -- the skeleton: one row per conversation, vectorised ------------------------------------

    def _skeleton(self) -> None:
        g, n = self.np, self.n_conv
        now = self.now_us
        base = (now - 365 * DAY) // DAY * DAY - 8 * HOUR          # a Beijing midnight a year ago
        day = g.integers(0, 366, n)
        hour_w = np.array([2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 9, 10, 10, 9, 9, 9, 10, 11, 11, 9, 5], float)
        hour = g.choice(24, n, p=hour_w / hour_w.sum())
        t0 = base + day * DAY + hour * HOUR + g.integers(0, HOUR, n)
        t0 = np.where(t0 > now - 2 * HOUR, t0 - 2 * DAY, t0)       # nothing in the last two hours: time for the dialogue
        t0.sort()
        self.t0 = t0
        self.inbox = g.choice(len(self.shop.inboxes), n, p=[0.55, 0.38, 0.07][:len(self.shop.inboxes)] if len(self.shop.inboxes) == 3 else None)
        raw = np.minimum((self.n_contacts * g.random(n) ** 1.6).astype(np.int64), self.n_contacts - 1)
        self.contact = g.permutation(self.n_contacts)[raw]          # skewed: regulars with many conversations
        age = (now - t0) / DAY
        u = g.random(n)
        p_open = np.select([age < 1, age < 7, age < 30], [0.35, 0.06, 0.012], 0.004)
        p_pend = np.select([age < 1, age < 7, age < 30], [0.08, 0.05, 0.02], 0.004)
        p_snz = np.select([age < 1, age < 7, age < 30], [0.04, 0.03, 0.01], 0.0)
        status = np.full(n, 3)                                      # 0 open, 1 pending, 2 snoozed, 3 resolved
        status[u < p_open + p_pend + p_snz] = 2
        status[u < p_open + p_pend] = 1
        status[u < p_open] = 0
        self.status = status
        # Dialogue length after the first question: skewed, a few very long ones (history paging).
        dialog = np.rint(g.lognormal(np.log(4.2) - 0.85 ** 2 / 2, 0.85, n)).astype(np.int64)
        long_ = g.random(n) < 0.003
        dialog[long_] = g.integers(100, 400, long_.sum())
        self.dialog = np.clip(dialog, 1, 600)
        self.kind_u = g.random(n)                                  # flow variants, decided per conversation
        # Contacts: first and last time seen.
        first = np.full(self.n_contacts, np.iinfo(np.int64).max, dtype=np.int64)
        last = np.zeros(self.n_contacts, dtype=np.int64)
        np.minimum.at(first, self.contact, t0)
        np.maximum.at(last, self.contact, t0)
        unused = first == np.iinfo(np.int64).max
        lonely = base + g.integers(0, 365 * DAY, self.n_contacts)
        self.contact_first = np.where(unused, lonely, first)
        self.contact_last = np.where(unused, lonely, last)
        self.contact_ids = [self.ids.make() for _ in range(self.n_contacts)]

    def estimated_messages(self) -> int:
        return int(self.dialog.sum() + 4.9 * self.n_conv)

    # -- contacts and widget tokens ---------------------------------------------------------------

    def contacts(self):
        """Contact rows as the widget creates them (``WidgetController.createSession``)."""
        r = self.rng
        acct = self.shop.account
        order = np.argsort(self.contact_first, kind="stable")
        for k in order:
            k = int(k)
            created = int(self.contact_first[k]) - r.randint(2, 60) * US
            identified = r.random() < 0.25
            name = (r.choice(SURNAMES) + r.choice(["女士", "先生", "小姐"])) if identified else None
            product = r.choices(PRODUCTS, PRODUCT_WEIGHTS)[0]
            yield (self.contact_ids[k], acct, name,
                   (f"c{k}@example.com" if identified and r.random() < 0.2 else None),
                   (f"13{r.randint(0, 999999999):09d}" if identified and r.random() < 0.3 else None),
                   f"https://shop.example.com/item/{r.randint(10000, 99999)}", f"{product} - Kefu 演示店铺",
                   r.choice(REFERRERS), r.choice(USER_AGENTS), "zh-CN" if r.random() < 0.95 else r.choice(["zh-TW", "en"]),
                   f"{r.randint(36, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                   created, int(self.contact_last[k]) + r.randint(1, 30) * US,
                   (f"C{2_000_000 + k}" if identified else None),
                   (r.choice(["regular", "regular", "member", "vip"]) if identified else None))

    def visitor_tokens(self):
        """One widget token per customer and inbox (``visitor_tokens``)."""
        r = self.rng
        key = self.contact.astype(np.int64) * 8 + self.inbox
        uniq, first_idx, counts = np.unique(key, return_index=True, return_counts=True)
        last_t = np.zeros(len(uniq), dtype=np.int64)
        np.maximum.at(last_t, np.searchsorted(uniq, key), self.t0)
        for j in np.argsort(self.t0[first_idx], kind="stable"):
            k, inbox = divmod(int(uniq[j]), 8)
            created = int(self.t0[first_idx[j]]) - r.randint(1, 50) * US
            yield (self.ids.make(), self.shop.account, self.shop.inboxes[inbox]["id"], self.contact_ids[k],
                   "%064x" % r.getrandbits(256), created, int(last_t[j]) if counts[j] > 1 else None)

    # -- one conversation ----------------------------------------------------------------------------

    def conversation(self, i: int):
        """(conversation row, [message rows]); times in µs, booleans as bool, None for NULL."""
        r = self.rng
        rand, randint, choice = r.random, r.randint, r.choice
        make = self.ids.make
        shop = self.shop
        acct = shop.account
        inbox_i = int(self.inbox[i])
        inbox = shop.inboxes[inbox_i]
        cid = make()
        contact = self.contact_ids[int(self.contact[i])]
        status = ("open", "pending", "snoozed", "resolved")[int(self.status[i])]
        t = int(self.t0[i])
        created = t - randint(3_000, 9_000)
        bot = inbox["bot_mode"] == "first"
        ku = float(self.kind_u[i])
        topic = TOPICS[randint(0, len(TOPICS) - 1)]
        slots = {"p": r.choices(PRODUCTS, PRODUCT_WEIGHTS)[0], "c": choice(COLORS), "s": choice(SIZES),
                 "o": f"E{randint(10 ** 12, 10 ** 13 - 1)}", "k": choice(COURIERS), "t": f"ZT{randint(10 ** 11, 10 ** 12 - 1)}",
                 "y": choice(CITIES)}
        msgs = []   # (id, account, conversation, seq, sender_type, sender_id, client_message_id, text, private, attachments, event, at, payload)
        m = msgs.append
        bot_active = bot
        assignee = assigned_at = first_resp = awaiting = queued_at = None
        fired = {}

        def visitor(text: str, at: int) -> None:
            nonlocal awaiting
            m((make(), acct, cid, len(msgs) + 1, "visitor", contact, make(), text, False, "[]", None, at, None))
            if not bot_active and awaiting is None:
                awaiting = at

        visitor(choice(topic[0]).format(**slots), t)
        bot_only = False
        if bot:
            t += randint(300_000, 1_500_000)
            kind = rand()
            if kind < 0.5 and len(self.refs) >= 3:
                picks = r.sample(self.refs, 3)
                text = "\n".join([BOT_SUGGEST] + [f"{n}. {a['title']}" for n, a in enumerate(picks, 1)])
                payload = swift_json({"articles": [{k: v for k, v in a.items() if k[0] != "_"} for a in picks],
                                      "handover": True, "type": "bot.suggest"})
            elif kind < 0.8 and self.refs:
                a = choice(self.refs)
                text = a["title"] + "\n" + a["_answer"]
                payload = swift_json({"articles": [{k: v for k, v in a.items() if k[0] != "_"}], "handover": True, "type": "bot.answer"})
            else:
                text, payload = BOT_NONE, P_BOT_NONE
            m((make(), acct, cid, len(msgs) + 1, "bot", None, None, text, False, "[]", None, t, payload))
            bot_only = ku < 0.15
            if bot_only:
                if rand() < 0.5:
                    t += randint(20, 90) * US
                    visitor(choice(["好的谢谢", "谢谢", "知道了"]), t)
                status = "open" if ku < 0.05 else "resolved"
            else:
                t += randint(10, 120) * US
                m((make(), acct, cid, len(msgs) + 1, "bot", None, None, BOT_HANDOVER, False, "[]", None, t, P_BOT_HANDOVER))
                t += randint(1_000, 9_000)
                m((make(), acct, cid, len(msgs) + 1, "system", None, None, HANDOVER_EVENT, True, "[]", "conversation.handover", t, None))
                bot_active = False
        queued_only = not bot_only and status == "open" and ku > 0.88       # waits in the queue, nobody has it yet
        if not bot_only:
            if queued_only or rand() < 0.2:                                # nobody had room: queued first
                t += randint(20_000, 80_000)
                m((make(), acct, cid, len(msgs) + 1, "bot", None, None, QUEUED.format(pos=randint(1, 30), wait=randint(1, 15)),
                   False, "[]", None, t, P_QUEUED))
                queued_at = t
                fired["queued"] = t
                if queued_only:
                    for _ in range(randint(0, 2)):
                        t += randint(20, 300) * US
                        visitor(choice(CHITCHAT_VISITOR), t)
                else:
                    t += randint(30, 900) * US
            if not queued_only:
                people, weights = self.answerers[inbox_i]
                assignee = r.choices(people, weights)[0]
                agent = self.user_by_id[assignee]
                t += randint(30_000, 80_000)
                m((make(), acct, cid, len(msgs) + 1, "system", None, None, f"{agent['number']} {agent['name']}", True, "[]",
                   "conversation.assigned", t, None))
                assigned_at, queued_at = t, None
                if awaiting is not None:
                    awaiting = t                                           # routing restarts the answer clock
                t += randint(5_000, 15_000)
                m((make(), acct, cid, len(msgs) + 1, "bot", assignee, None, GREETING.format(n=agent["number"], name=agent["name"]),
                   False, "[]", None, t, P_GREETING))
                fired["greeting"] = t
                # The dialogue.
                n = int(self.dialog[i])
                recent = self.now_us - t < DAY
                agent_turn = True
                for k in range(n):
                    if agent_turn:
                        t += randint(15, 240) * US
                        pool = topic[2] if rand() < 0.8 else CHITCHAT_AGENT
                        m((make(), acct, cid, len(msgs) + 1, "agent", assignee, make(), choice(pool).format(**slots), False, "[]",
                           None, t, None))
                        if first_resp is None:
                            first_resp = t
                        awaiting = None
                        if rand() < 0.03:
                            t += randint(5, 60) * US
                            m((make(), acct, cid, len(msgs) + 1, "agent", assignee, make(), choice(NOTES).format(**slots), True, "[]",
                               None, t, None))
                        agent_turn = rand() < 0.2
                    else:
                        t += randint(8, 180) * US
                        visitor(choice(topic[1] if rand() < 0.8 else CHITCHAT_VISITOR).format(**slots), t)
                        agent_turn = rand() < 0.75
                if status == "open":
                    last_visitor = msgs[-1][4] == "visitor"
                    if recent and not last_visitor and rand() < 0.5:            # waits for an answer
                        t += randint(8, 180) * US
                        visitor(choice(topic[1]).format(**slots), t)
                    elif (not recent) and last_visitor:                     # an old open one waits for the shopper
                        t += randint(15, 240) * US
                        m((make(), acct, cid, len(msgs) + 1, "agent", assignee, make(), choice(CHITCHAT_AGENT), False, "[]",
                           None, t, None))
                        first_resp = first_resp or t
                        awaiting = None
        snoozed_until = None
        if status != "open":
            closer = assignee or self.supervisor
            t += randint(60, 3600) * US
            m((make(), acct, cid, len(msgs) + 1, "system", closer, None, status, True, "[]", "conversation.status", t, None))
            awaiting = queued_at = None
            if status == "snoozed":
                snoozed_until = self.now_us + randint(1, 30) * DAY + randint(0, DAY)
        # Nothing after now: move the whole conversation back if it ran past it.
        shift = max(0, msgs[-1][11] - (self.now_us - 60 * US))
        if shift:
            msgs = [row[:11] + (row[11] - shift,) + row[12:] for row in msgs]
            created -= shift
            assigned_at = assigned_at - shift if assigned_at else None
            first_resp = first_resp - shift if first_resp else None
            awaiting = awaiting - shift if awaiting else None
            queued_at = queued_at - shift if queued_at else None
            fired = {k: v - shift for k, v in fired.items()}
        last_seq = len(msgs)
        # The newest visible message (not private, not system) sets activity, time and preview.
        visible = [row for row in msgs if not row[8] and row[4] != "system"]
        newest = visible[-1]
        preview = newest[7][:120]
        # Unread counters and read positions (MessageInsert.Shape, Conversations.markRead).
        if status != "open":
            agent_read, agent_unread = last_seq - 1, 0
        elif assignee is None:
            agent_read, agent_unread = 0, sum(1 for row in msgs if row[4] == "visitor")
        else:
            last_agent = max(row[3] for row in msgs if row[4] == "agent")
            agent_read = last_agent
            agent_unread = sum(1 for row in msgs if row[4] == "visitor" and row[3] > last_agent)
        to_visitor = [row[3] for row in msgs if row[4] in ("agent", "bot") and not row[8]]
        own = [row[3] for row in msgs if row[4] == "visitor"]
        if rand() < 0.75 and to_visitor:
            last_public = max(row[3] for row in visible)
            visitor_read, visitor_unread = last_public, 0
        else:
            visitor_read = own[-1]
            visitor_unread = sum(1 for s in to_visitor if s > visitor_read)
        auto_state = None
        if fired:
            auto_state = swift_json({"fired": {k: v / US for k, v in fired.items()}}).replace("\\/", "/")
        pri = rand()
        priority = "none" if pri < 0.92 else ("low" if pri < 0.95 else "medium" if pri < 0.98 else "high" if pri < 0.995 else "urgent")
        tags = ""
        if rand() < 0.15:
            tags = ",".join(r.sample(["退款", "物流", "质量问题", "vip", "催发货", "改地址", "发票"], randint(1, 2)))
        conv = (cid, acct, inbox["id"], contact, status, assignee, priority, tags, snoozed_until, "web", last_seq,
                newest[11], newest[11], preview, agent_unread, visitor_unread, agent_read, visitor_read, None,
                created, msgs[-1][11], bot_active, queued_at, assigned_at, first_resp, awaiting, auto_state)
        return conv, msgs, slots["o"]


CONTACT_COLS = ["id", "account_id", "name", "email", "phone", "current_page", "page_title", "referrer", "user_agent", "locale",
                "ip", "created_at", "last_seen_at", "external_id", "tier"]
TOKEN_COLS = ["id", "account_id", "inbox_id", "contact_id", "token_hash", "created_at", "last_used_at"]
CONV_COLS = ["id", "account_id", "inbox_id", "contact_id", "status", "assignee_id", "priority", "tags", "snoozed_until", "channel",
             "last_seq", "last_message_at", "activity_us", "last_message_preview", "agent_unread", "visitor_unread", "agent_read_seq",
             "visitor_read_seq", "merged_into_id", "created_at", "updated_at", "bot_active", "queued_at", "assigned_at",
             "first_response_at", "awaiting_since", "auto_state"]
MSG_COLS = ["id", "account_id", "conversation_id", "seq", "sender_type", "sender_id", "client_message_id", "text", "private",
            "attachments", "event", "created_at", "payload"]
# Column kinds: t = time (µs), b = bool, r = raw (activity_us stays an integer).
KINDS = {
    "contacts": "...........tt..",
    "visitor_tokens": ".....tt",
    "conversations": "...........t...............",
    "messages": "........b..t.",
}
KINDS["conversations"] = "".join("t" if c in ("snoozed_until", "last_message_at", "created_at", "updated_at", "queued_at",
                                              "assigned_at", "first_response_at", "awaiting_since")
                                 else "b" if c == "bot_active" else "." for c in CONV_COLS)
TABLE_COLS = {"contacts": CONTACT_COLS, "visitor_tokens": TOKEN_COLS, "conversations": CONV_COLS, "messages": MSG_COLS}
LOADED = ["contacts", "visitor_tokens", "conversations", "messages"]


# ============================================================================ sinks

class SQLiteDB:
    """apsw (SQLite 3.54, Kefu's version) when installed, else Python's sqlite3."""

    def __init__(self, path: str, readonly: bool = False):
        self.path = path
        if apsw is not None:
            flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
            self.con = apsw.Connection(path, flags=flags)
            self.con.set_busy_timeout(10_000)
            self.version = apsw.sqlite_lib_version()
        else:
            uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
            self.con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
            self.version = sqlite3.sqlite_version

    def execute(self, sql: str, params=()) -> None:
        self.con.execute(sql, params) if apsw is None else self.con.cursor().execute(sql, params)

    def executemany(self, sql: str, rows) -> None:
        if apsw is not None:
            self.con.cursor().executemany(sql, rows)
        else:
            self.con.executemany(sql, rows)

    def query(self, sql: str, params=()) -> list:
        cur = self.con.cursor() if apsw is not None else self.con
        return list(cur.execute(sql, params))

    def close(self) -> None:
        self.con.close()


class SQLiteSink:
    def __init__(self, path: str):
        self.db = SQLiteDB(path)
        for pragma in ("PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -1500000",
                       "PRAGMA temp_store = MEMORY", "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA foreign_keys = OFF"):
            self.db.query(pragma)
        names = ",".join(f"'{t}'" for t in LOADED)
        self.indexes = self.db.query(f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                     f"AND tbl_name IN ({names})")
        for name, _, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")

    def write(self, table: str, rows: list) -> None:
        kinds = KINDS[table]
        tcols = [i for i, k in enumerate(kinds) if k == "t"]
        out = []
        for row in rows:
            row = list(row)
            for i in tcols:
                if row[i] is not None:
                    row[i] = row[i] / US
            out.append(row)
        if table == "messages":
            out = [tuple(r[:8]) + (1 if r[8] else 0,) + tuple(r[9:]) for r in out]
        elif table == "conversations":
            bi = CONV_COLS.index("bot_active")
            for r in out:
                r[bi] = 1 if r[bi] else 0
        cols = TABLE_COLS[table]
        self.db.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", out)

    def commit(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    def finish(self) -> dict:
        self.db.execute("COMMIT")
        took = {}
        for name, table, sql in self.indexes:
            t = time.monotonic()
            print(f"  index {name} on {table} …", flush=True)
            self.db.execute(sql)
            took[name] = round(time.monotonic() - t, 1)
        self.db.query("PRAGMA locking_mode = NORMAL")
        self.db.query("PRAGMA journal_mode = WAL")     # Kefu's mode (it sets it again at every start)
        self.db.close()
        return took


_DAYS: dict[int, str] = {}


def pg_ts(us: int) -> str:
    """µs since 1970 → timestamptz text (UTC), as fast as Python allows."""
    day, rest = divmod(us, DAY)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
    sec, micro = divmod(rest, US)
    h, sec = divmod(sec, 3600)
    m, sec = divmod(sec, 60)
    return f"{date} {h:02d}:{m:02d}:{sec:02d}.{micro:06d}+00"


_PG_ESCAPE = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


class PostgresSink:
    def __init__(self, url: str):
        import psycopg
        self.con = psycopg.connect(url, autocommit=True, application_name="large_shop")
        self.cur = self.con.cursor()
        self.cur.execute("SET synchronous_commit = off")
        self.cur.execute("SET maintenance_work_mem = '1GB'")
        self.cur.execute("SET max_parallel_maintenance_workers = 1")
        tables = ",".join(f"'{t}'::regclass" for t in LOADED)
        self.cur.execute(f"""SELECT conname, conrelid::regclass::text, contype, pg_get_constraintdef(oid) FROM pg_constraint
                             WHERE contype IN ('p', 'u', 'f') AND (conrelid IN ({tables}) OR confrelid IN ({tables}))""")
        self.constraints = self.cur.fetchall()
        owned = {c[0] for c in self.constraints}
        self.cur.execute(f"SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN "
                         f"({','.join(repr(t) for t in LOADED)})")
        self.indexes = [(n, d) for n, d in self.cur.fetchall() if n not in owned]
        for name, table, kind, _ in sorted(self.constraints, key=lambda c: c[2] != "f"):   # foreign keys first
            self.cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            self.cur.execute(f'DROP INDEX "{name}"')
        self.buffers: dict[str, list] = {}

    def write(self, table: str, rows: list) -> None:
        kinds = KINDS[table]
        lines = []
        esc = _PG_ESCAPE
        for row in rows:
            fields = []
            for v, k in zip(row, kinds):
                if v is None:
                    fields.append("\\N")
                elif k == "t":
                    fields.append(pg_ts(v))
                elif k == "b" or v is True or v is False:
                    fields.append("t" if v else "f")
                elif isinstance(v, str):
                    fields.append(v.translate(esc))
                else:
                    fields.append(str(v))
            lines.append("\t".join(fields))
        cols = ", ".join(TABLE_COLS[table])
        with self.cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")

    def commit(self) -> None:
        pass

    def finish(self) -> dict:
        took = {}
        order = [c for c in self.constraints if c[2] == "p"] + [c for c in self.constraints if c[2] == "u"]
        for name, table, _, definition in order:
            t = time.monotonic()
            print(f"  constraint {name} on {table} …", flush=True)
            self.cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            took[name] = round(time.monotonic() - t, 1)
        for name, definition in self.indexes:
            t = time.monotonic()
            print(f"  index {name} …", flush=True)
            self.cur.execute(definition)
            took[name] = round(time.monotonic() - t, 1)
        for name, table, _, definition in [c for c in self.constraints if c[2] == "f"]:
            t = time.monotonic()
            print(f"  foreign key {name} on {table} …", flush=True)
            self.cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            took[name] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        print("  VACUUM ANALYZE …", flush=True)
        for table in LOADED:
            self.cur.execute(f"VACUUM ANALYZE {table}")
        took["vacuum_analyze"] = round(time.monotonic() - t, 1)
        self.con.close()
        return took


def generate(gen: Generator, sink, chunk: int = 5_000) -> dict:
    """Loads everything; returns rates and counts."""
    report = {}
    print(f"generating {gen.n_conv:,} conversations, {gen.n_contacts:,} contacts, ~{gen.estimated_messages():,} messages", flush=True)
    p = Progress("contacts", gen.n_contacts)
    batch = []
    for row in gen.contacts():
        batch.append(row)
        if len(batch) >= 20_000:
            sink.write("contacts", batch)
            p.add(len(batch))
            batch = []
    if batch:
        sink.write("contacts", batch)
        p.add(len(batch))
    sink.commit()
    report["contacts"] = p.finish()
    p = Progress("visitor tokens", int(gen.n_contacts * 1.7))
    batch = []
    n = 0
    for row in gen.visitor_tokens():
        batch.append(row)
        if len(batch) >= 20_000:
            sink.write("visitor_tokens", batch)
            p.add(len(batch))
            n += len(batch)
            batch = []
    if batch:
        sink.write("visitor_tokens", batch)
        p.add(len(batch))
    sink.commit()
    report["visitor_tokens"] = p.finish()
    pc = Progress("conversations", gen.n_conv)
    pm = Progress("messages", gen.estimated_messages())
    started = time.monotonic()
    last_print = started
    stats = {"status": {}, "messages": 0, "max_messages": 0}
    for lo in range(0, gen.n_conv, chunk):
        convs, msgs = [], []
        for i in range(lo, min(gen.n_conv, lo + chunk)):
            conv, rows, _ = gen.conversation(i)
            convs.append(conv)
            msgs.extend(rows)
            stats["status"][conv[4]] = stats["status"].get(conv[4], 0) + 1
            stats["max_messages"] = max(stats["max_messages"], len(rows))
        msgs.sort(key=lambda row: row[11])                  # stored in time order, interleaved, like a live shop
        sink.write("conversations", convs)
        for k in range(0, len(msgs), 50_000):
            sink.write("messages", msgs[k:k + 50_000])
        sink.commit()
        stats["messages"] += len(msgs)
        pc.done += len(convs)
        pm.done += len(msgs)
        now = time.monotonic()
        if now - last_print >= 5 or pc.done == gen.n_conv:
            last_print = now
            rate_c = pc.done / (now - started)
            eta = (gen.n_conv - pc.done) / rate_c if rate_c else 0
            print(f"  conversations {pc.done:,}/{gen.n_conv:,} ({pc.done * 100 / gen.n_conv:.1f}%), messages {pm.done:,}: "
                  f"{rate_c:,.0f} conversations/s, {pm.done / (now - started):,.0f} messages/s, ETA {eta:,.0f} s", flush=True)
    report["conversations"] = pc.finish()
    report["messages"] = pm.finish()
    report["data"] = stats
    print("  rebuilding the indexes Kefu defines …", flush=True)
    t = time.monotonic()
    report["index_seconds"] = sink.finish()
    report["index_total_seconds"] = round(time.monotonic() - t, 1)
    return report


# ============================================================================ databases

PG_OPTIONS = "-c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on -c synchronous_commit=on -c shared_buffers=256MB"


def pg_bindir() -> pathlib.Path:
    return sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))[-1]


def as_postgres(cmd: str) -> list[str]:
    return ["su", "postgres", "-s", "/bin/bash", "-c", cmd] if os.geteuid() == 0 else ["bash", "-c", cmd]


def start_existing_postgres(folder: pathlib.Path, port: int, extra: str = "") -> str:
    """Starts a kept cluster with the options of chat_load.start_postgres (durable, 256 MB buffers)."""
    subprocess.run(as_postgres(f"'{pg_bindir()}/pg_ctl' -D '{folder}/data' -l '{folder}/server.log' -w -o "
                               f"\"-p {port} -k '{folder}' {PG_OPTIONS} {extra}\" start"), check=True, capture_output=True)
    return f"postgres://kefu@127.0.0.1:{port}/kefu"


def stop_postgres_cluster(folder: pathlib.Path) -> None:
    subprocess.run(as_postgres(f"'{pg_bindir()}/pg_ctl' -D '{folder}/data' -m fast stop"), capture_output=True)


class Database:
    """The database under test: where it lives, how Kefu and this script reach it."""

    def __init__(self, args, work: pathlib.Path):
        self.args = args
        self.kind = args.database
        self.kept = args.keep is not None
        self.pg_folder: pathlib.Path | None = None
        self.pg_started = False
        if self.kind == "sqlite":
            self.path = pathlib.Path(args.keep).resolve() if args.keep else work / "large.sqlite"
            self.meta_path = pathlib.Path(str(self.path) + ".large_shop.json")
            self.url = f"sqlite://{self.path}"
        else:
            self.pg_folder = pathlib.Path(args.keep).resolve() if args.keep else pathlib.Path(tempfile.mkdtemp(prefix="kefu-large-pg-"))
            self.meta_path = self.pg_folder / "large_shop.json"
            self.url = None

    def meta(self) -> dict | None:
        try:
            return json.loads(self.meta_path.read_text())
        except (OSError, ValueError):
            return None

    def exists(self) -> bool:
        return self.path.exists() if self.kind == "sqlite" else (self.pg_folder / "data").exists()

    def remove(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm", ".large_shop.json"):
                pathlib.Path(str(self.path) + suffix).unlink(missing_ok=True)
        else:
            shutil.rmtree(self.pg_folder, ignore_errors=True)

    def start(self, fresh: bool) -> None:
        """PostgreSQL: a fresh cluster (chat_load.start_postgres) or the kept one."""
        if self.kind != "postgres":
            return
        from chat_load import start_postgres
        port = free_port()
        if fresh:
            shutil.rmtree(self.pg_folder, ignore_errors=True)
            self.url = start_postgres(self.pg_folder, port)
        else:
            self.url = start_existing_postgres(self.pg_folder, port)
        self.pg_started = True
        self.log_statements(self.args.log_statements)

    def log_statements(self, on: bool) -> None:
        """log_statement=all, the client's application_name in front (this script's own queries say large_shop)."""
        import psycopg
        with psycopg.connect(self.url, autocommit=True) as con:
            if on:
                con.execute("ALTER SYSTEM SET log_statement = 'all'")
                con.execute("ALTER SYSTEM SET log_line_prefix = '%a|'")
            else:
                con.execute("ALTER SYSTEM RESET log_statement")
                con.execute("ALTER SYSTEM RESET log_line_prefix")
            con.execute("SELECT pg_reload_conf()")

    def stop(self) -> None:
        if self.kind == "postgres" and self.pg_started:
            if self.args.log_statements:
                try:
                    self.log_statements(False)
                except Exception:
                    pass
            stop_postgres_cluster(self.pg_folder)
            self.pg_started = False
            if not self.kept:
                shutil.rmtree(self.pg_folder, ignore_errors=True)

    def query_fn(self):
        """(query(sql, params) → rows, close)."""
        if self.kind == "sqlite":
            db = SQLiteDB(str(self.path), readonly=True)
            return db.query, db.close
        import psycopg
        con = psycopg.connect(self.url, autocommit=True, application_name="large_shop")

        def q(sql, params=()):
            with con.cursor() as cur:
                cur.execute(sql, params or None)
                return cur.fetchall() if cur.description else []
        return q, con.close

    def sink(self):
        return SQLiteSink(str(self.path)) if self.kind == "sqlite" else PostgresSink(self.url)

    def size_bytes(self) -> int | None:
        if self.kind == "sqlite":
            return sum(pathlib.Path(str(self.path) + s).stat().st_size for s in ("", "-wal") if pathlib.Path(str(self.path) + s).exists())
        q, close = self.query_fn()
        try:
            return int(q("SELECT pg_database_size('kefu')")[0][0])
        finally:
            close()


def prepare(args, db: Database, binary: pathlib.Path, work: pathlib.Path) -> dict:
    """Reuses a kept database made with the same scale and seed, else makes it: kefu demo, then the load."""
    meta = db.meta()
    wanted = {"scale": args.scale, "seed": args.seed}
    if db.exists() and meta and all(meta.get(k) == v for k, v in wanted.items()) and meta.get("complete"):
        print(f"reusing {db.path if db.kind == 'sqlite' else db.pg_folder} (generated {meta.get('generated_at')})", flush=True)
        db.start(fresh=False)
        return meta
    if db.exists() and db.kept and not args.regenerate:
        raise SystemExit(f"{args.keep} exists but was not made with scale {args.scale} and seed {args.seed} "
                         f"(or is incomplete); pass --regenerate to replace it")
    db.remove()
    db.start(fresh=True)
    if db.kind == "sqlite":
        db.path.parent.mkdir(parents=True, exist_ok=True)
        db.url = f"sqlite://{db.path}"
    print(f"kefu demo → {db.url}", flush=True)
    KefuProcess(binary, work, db.url, name="demo", extra={"KEFU_BCRYPT_COST": "4"}).run("demo", timeout=600)
    q, close = db.query_fn()
    try:
        shop = read_shop(q)
    finally:
        close()
    now_us = int(time.time() * US)
    gen = Generator(shop, args.scale, args.seed, now_us)
    started = time.monotonic()
    report = generate(gen, db.sink())
    meta = {"scale": args.scale, "seed": args.seed, "database": db.kind, "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "now_us": now_us, "generation_seconds": round(time.monotonic() - started, 1), "load": report, "complete": True}
    db.meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    print(f"generated in {meta['generation_seconds']:,.0f} s: {json.dumps(report['data'], ensure_ascii=False)}", flush=True)
    return meta


# ============================================================================ measuring over HTTP

def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    v = sorted(values)

    def p(q: float) -> float:
        return round(v[min(len(v) - 1, int(q * len(v)))] * 1000, 2)
    return {"count": len(v), "p50_ms": p(0.50), "p95_ms": p(0.95), "p99_ms": p(0.99), "max_ms": round(v[-1] * 1000, 2),
            "mean_ms": round(statistics.fmean(v) * 1000, 2)}


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy(seconds: float = 2.0) -> float:
    def ticks():
        with open("/proc/stat") as f:
            return [int(x) for x in f.readline().split()[1:9]]
    a = ticks()
    time.sleep(seconds)
    b = ticks()
    d = [y - x for x, y in zip(a, b)]
    return round(100 * (1 - (d[3] + d[4]) / max(1, sum(d))), 1)


class Member:
    """A signed-in member: session cookie + X-CSRF-Token (as chat_load.Owner)."""

    def __init__(self, url: str, email: str, password: str = DEMO_PASSWORD):
        self.url = url
        self.email = email
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=60)
        answer.raise_for_status()
        me = answer.json()
        self.user = me["user"]
        self.http.headers["X-CSRF-Token"] = me["csrfToken"]

    def get(self, path: str, params: dict | None = None) -> tuple[int, dict | None, float]:
        t = time.perf_counter()
        answer = self.http.get(self.url + path, params=params, timeout=120)
        took = time.perf_counter() - t
        body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
        return answer.status_code, body, took

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


def cursor_of(activity_us: int, cid: str) -> str:
    return f"{activity_us}_{str(cid).upper()}"


class Samples:
    """Ids to ask for, read from the database (not timed)."""

    def __init__(self, q, db_kind: str, shop: Shop, meta: dict, rng: random.Random, members: dict):
        self.q, self.kind, self.shop, self.rng = q, db_kind, shop, rng
        acct = shop.account if db_kind == "sqlite" else shop.account.lower()
        self.acct = acct
        now = meta["now_us"]
        self.now_us = now
        # Random conversations: the newest one before a random moment of the year.
        self.conversations = []
        seen = set()
        for _ in range(600):
            at = now - rng.randint(0, 365 * DAY)
            rows = q("SELECT id, last_seq, inbox_id, contact_id, activity_us FROM conversations WHERE account_id = %s "
                     "AND activity_us < %s ORDER BY activity_us DESC LIMIT 1" % (self.p(1), self.p(2)), (acct, at))
            if rows and rows[0][0] not in seen:
                seen.add(rows[0][0])
                self.conversations.append(self.row(rows[0]))
        t = time.monotonic()
        self.long = [self.row(r) for r in q("SELECT id, last_seq, inbox_id, contact_id, activity_us FROM conversations "
                                            f"WHERE account_id = {self.p(1)} AND last_seq >= 150", (acct,))]
        rng.shuffle(self.long)
        self.long = self.long[:300]
        heavy = q(f"SELECT contact_id, COUNT(*) FROM conversations WHERE account_id = {self.p(1)} GROUP BY contact_id "
                  "ORDER BY 2 DESC LIMIT 100", (acct,))
        self.heavy_contacts = [(str(c).upper(), int(n)) for c, n in heavy]
        print(f"  samples: {len(self.conversations)} conversations, {len(self.long)} long ones, heaviest customer "
              f"{self.heavy_contacts[0][1] if heavy else 0} conversations ({time.monotonic() - t:.1f} s)", flush=True)
        self.inbox_of = {u: set() for u in members}
        for inbox_id, user_id in q("SELECT inbox_id, user_id FROM inbox_members"):
            for name, m in members.items():
                if str(user_id).upper() == m.user["id"].upper():
                    self.inbox_of[name].add(str(inbox_id).upper())

    def p(self, n: int) -> str:
        return "?" if self.kind == "sqlite" else "%s"

    @staticmethod
    def row(r) -> dict:
        return {"id": str(r[0]).upper(), "last_seq": int(r[1]), "inbox_id": str(r[2]).upper(), "contact_id": str(r[3]).upper(),
                "activity_us": int(r[4])}

    def in_inboxes(self, rows: list[dict], inboxes: set) -> list[dict]:
        return [r for r in rows if r["inbox_id"] in inboxes]

    def deep_cursors(self, where: str, params: tuple, n: int = 40) -> list[str]:
        """Cursors a user scrolling back in time would hold: the row just before a random moment."""
        out = []
        for _ in range(n):
            at = self.now_us - self.rng.randint(2 * DAY, 360 * DAY)
            sql = (f"SELECT activity_us, id FROM conversations WHERE account_id = {self.p(1)} AND merged_into_id IS NULL {where} "
                   f"AND activity_us < {self.p(2)} ORDER BY activity_us DESC, id DESC LIMIT 1")
            rows = self.q(sql, (self.acct, *params, at))
            if rows:
                out.append(cursor_of(rows[0][0], rows[0][1]))
        return out


SHAPE_SECONDS = 60.0      # at most this long per shape (slow shapes stop early, with at least MIN_SAMPLES samples)
MIN_SAMPLES = 30


def run_shape(name: str, who: Member, calls, repeat: int, warmup: int = 5) -> dict:
    """``calls(i)`` → (path, params); repeated, timed one after the other (latency, not throughput)."""
    times, statuses, items = [], {}, []
    deadline = time.monotonic() + SHAPE_SECONDS
    for i in range(warmup + repeat):
        if i >= warmup + MIN_SAMPLES and time.monotonic() > deadline:
            break
        path, params = calls(i)
        status, body, took = who.get(path, params)
        if i >= warmup:
            times.append(took)
            statuses[status] = statuses.get(status, 0) + 1
            if body is not None:
                items.append(len(body.get("items", body.get("conversations", [])) or []))
    result = {"shape": name, "as": who.email.split("@")[0], **percentiles(times), "statuses": statuses,
              "mean_items": round(statistics.fmean(items), 1) if items else None}
    print(f"  {name:<44} as {result['as']:<6} p50 {result['p50_ms']:7.2f}  p95 {result['p95_ms']:7.2f}  p99 {result['p99_ms']:7.2f} ms"
          f"  max {result['max_ms']:8.2f}  items {result['mean_items']}  {statuses}", flush=True)
    return result


async def resume_times(url: str, member: Member, targets: list[tuple[str, int]], warmup: int = 5) -> tuple[list[float], int, dict]:
    """The socket way to catch up: ``resume`` {conversationId, afterSeq} → message frames → ``resumed``."""
    from websockets.asyncio.client import connect
    times, frames, errors = [], 0, {}
    async with connect(url.replace("http://", "ws://") + "/api/v1/agent/ws", additional_headers={"Cookie": member.cookie},
                       max_size=2 ** 24) as ws:
        hello = json.loads(await ws.recv())
        assert hello.get("type") == "hello", hello
        deadline = time.monotonic() + SHAPE_SECONDS
        for i, (cid, after) in enumerate(targets):
            if i >= warmup + MIN_SAMPLES and time.monotonic() > deadline:
                break
            t = time.perf_counter()
            await ws.send(json.dumps({"type": "resume", "conversationId": cid, "afterSeq": after}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                kind = frame.get("type")
                if kind == "message" and str(frame.get("conversationId")).upper() == cid:
                    if i >= warmup:
                        frames += 1
                elif kind == "resumed" and str(frame.get("conversationId")).upper() == cid:
                    break
                elif kind == "error":
                    errors[frame.get("code")] = errors.get(frame.get("code"), 0) + 1
                    break
            if i >= warmup:
                times.append(time.perf_counter() - t)
    return times, frames, errors


def measure_http(server: KefuProcess, db: Database, meta: dict, args) -> tuple[list[dict], dict]:
    rng = random.Random(args.seed + 7)
    members = {"owner": Member(server.url, DEMO_OWNER), "li": Member(server.url, "li@demo.kefu.local"),
               "mei": Member(server.url, "mei@demo.kefu.local"), "yun": Member(server.url, "yun@demo.kefu.local")}
    owner, li, mei, yun = members["owner"], members["li"], members["mei"], members["yun"]
    q, close = db.query_fn()
    try:
        shop = read_shop(q)
        s = Samples(q, db.kind, shop, meta, rng, members)
        p = s.p(0)
        deep = {
            "all": s.deep_cursors("", ()),
            "mine (mei)": s.deep_cursors(f"AND inbox_id = {p} AND assignee_id = {p}",
                                         (fix(db, next(iter(s.inbox_of['mei']))), fix(db, mei.user['id'].upper()))),
            "unassigned": s.deep_cursors("AND assignee_id IS NULL", ()),
            "status=pending": s.deep_cursors(f"AND status = {p}", ("pending",)),
            "inbox=售后": s.deep_cursors(f"AND inbox_id = {p}", (fix(db, shop.inboxes[1]["id"]),)),
        }
    finally:
        close()
    inboxes = [i["id"] for i in shop.inboxes]
    statuses = ["open", "pending", "snoozed", "resolved"]
    R = args.repeat
    L = "/api/v1/conversations"
    results = []

    def cyc(values):
        return lambda i: values[i % len(values)]

    def lst(params_of):
        return lambda i: (L, params_of(i))

    print("per-request floor: auth and JSON only", flush=True)
    results.append(run_shape("floor: GET /api/v1/auth/me", owner, lambda i: ("/api/v1/auth/me", {}), R))
    print("conversation lists (GET /api/v1/conversations)", flush=True)
    plan = [
        ("list all, first page", owner, lst(lambda i: {"filter": "all"})),
        ("list all open limit=100 (workbench)", owner, lst(lambda i: {"filter": "all", "status": "open", "limit": 100})),
        ("list all open limit=100 (workbench)", mei, lst(lambda i: {"filter": "all", "status": "open", "limit": 100})),
        ("list all open limit=100 (workbench)", yun, lst(lambda i: {"filter": "all", "status": "open", "limit": 100})),
        ("list mine, first page", mei, lst(lambda i: {"filter": "mine"})),
        ("list mine, first page", yun, lst(lambda i: {"filter": "mine"})),
        ("list mine, first page", li, lst(lambda i: {"filter": "mine"})),
        ("list mine by status", mei, lst(lambda i: {"filter": "mine", "status": statuses[i % 4]})),
        ("list mine by status", yun, lst(lambda i: {"filter": "mine", "status": statuses[i % 4]})),
        ("list unassigned, first page", owner, lst(lambda i: {"filter": "unassigned"})),
        ("list unassigned, first page", yun, lst(lambda i: {"filter": "unassigned"})),
        ("list unassigned open", owner, lst(lambda i: {"filter": "unassigned", "status": "open"})),
        ("list all by inbox", owner, lst(lambda i: {"filter": "all", "inboxId": inboxes[i % len(inboxes)]})),
        ("list all by status", owner, lst(lambda i: {"filter": "all", "status": statuses[i % 4]})),
        ("list all by status", yun, lst(lambda i: {"filter": "all", "status": statuses[i % 4]})),
        ("list all by inbox and status", owner,
         lst(lambda i: {"filter": "all", "inboxId": inboxes[i % len(inboxes)], "status": statuses[(i // len(inboxes)) % 4]})),
        ("list unassigned by inbox and status", owner,
         lst(lambda i: {"filter": "unassigned", "inboxId": inboxes[i % len(inboxes)], "status": statuses[(i // len(inboxes)) % 4]})),
    ]
    for name, who, calls in plan:
        results.append(run_shape(name, who, calls, R))
    # Page 2: the nextCursor of the first page of each combination.
    combos = [{"filter": f} for f in ("all", "unassigned")] + [{"filter": "all", "status": st} for st in statuses] + \
             [{"filter": "all", "inboxId": ib} for ib in inboxes]
    second = []
    for params in combos:
        status, body, _ = owner.get(L, params)
        if status == 200 and body.get("nextCursor"):
            second.append({**params, "cursor": body["nextCursor"]})
    mine2 = []
    for st in [None] + statuses:
        params = {"filter": "mine", **({"status": st} if st else {})}
        status, body, _ = mei.get(L, params)
        if status == 200 and body.get("nextCursor"):
            mine2.append({**params, "cursor": body["nextCursor"]})
    if second:
        results.append(run_shape("list page 2 (all/unassigned/status/inbox)", owner, lst(cyc(second)), R))
    if mine2:
        results.append(run_shape("list mine page 2", mei, lst(cyc(mine2)), R))
    for label, cursors in deep.items():
        if not cursors:
            continue
        if label == "mine (mei)":
            results.append(run_shape("list deep cursor: mine", mei, lst(lambda i: {"filter": "mine", "cursor": cursors[i % len(cursors)]}), R))
        elif label == "all":
            results.append(run_shape("list deep cursor: all", owner, lst(lambda i: {"filter": "all", "cursor": cursors[i % len(cursors)]}), R))
        elif label == "unassigned":
            results.append(run_shape("list deep cursor: unassigned", owner,
                                     lst(lambda i: {"filter": "unassigned", "cursor": cursors[i % len(cursors)]}), R))
        elif label == "status=pending":
            results.append(run_shape("list deep cursor: status=pending", owner,
                                     lst(lambda i: {"filter": "all", "status": "pending", "cursor": cursors[i % len(cursors)]}), R))
        else:
            results.append(run_shape("list deep cursor: inbox", owner,
                                     lst(lambda i: {"filter": "all", "inboxId": shop.inboxes[1]["id"], "cursor": cursors[i % len(cursors)]}), R))

    print("history (GET /api/v1/conversations/{id}/messages)", flush=True)
    convs = s.conversations
    mixed = [c for c in convs] + s.long[:len(convs) // 4]
    rng.shuffle(mixed)
    mei_convs = s.in_inboxes(mixed, s.inbox_of["mei"])
    results.append(run_shape("history latest page", owner, lambda i: (f"{L}/{mixed[i % len(mixed)]['id']}/messages", {}), R))
    if mei_convs:
        results.append(run_shape("history latest page", mei, lambda i: (f"{L}/{mei_convs[i % len(mei_convs)]['id']}/messages", {}), R))
    if s.long:
        older = [(c["id"], rng.randint(51, max(51, c["last_seq"] - 50))) for c in s.long]
        results.append(run_shape("history older page (beforeSeq)", owner,
                                 lambda i: (f"{L}/{older[i % len(older)][0]}/messages", {"beforeSeq": older[i % len(older)][1]}), R))

    print("resume (agent socket: resume {conversationId, afterSeq})", flush=True)
    resume_plan = [("resume recent (afterSeq = lastSeq - 1..10)", owner,
                    [(c["id"], max(0, c["last_seq"] - rng.randint(1, 10))) for c in convs]),
                   ("resume recent (afterSeq = lastSeq - 1..10)", mei,
                    [(c["id"], max(0, c["last_seq"] - rng.randint(1, 10))) for c in s.in_inboxes(convs, s.inbox_of["mei"])])]
    if s.long:
        resume_plan.append(("resume long gap (100-400 messages)", owner,
                            [(c["id"], max(0, c["last_seq"] - rng.randint(100, 400))) for c in s.long]))
    for name, who, targets in resume_plan:
        if not targets:
            continue
        targets = [targets[i % len(targets)] for i in range(R + 5)]
        times, frames, errors = asyncio.run(resume_times(server.url, who, targets))
        result = {"shape": name, "as": who.email.split("@")[0], **percentiles(times), "frames_per_resume": round(frames / max(1, len(times)), 1),
                  "errors": errors}
        print(f"  {name:<44} as {result['as']:<6} p50 {result['p50_ms']:7.2f}  p95 {result['p95_ms']:7.2f}  p99 {result['p99_ms']:7.2f} ms"
              f"  max {result['max_ms']:8.2f}  frames {result['frames_per_resume']}  {errors or ''}", flush=True)
        results.append(result)

    print("the customer's past conversations (GET /api/v1/contacts/{id})", flush=True)
    contacts = [c["contact_id"] for c in convs]
    heavy = [c for c, _ in s.heavy_contacts]
    mei_contacts = [c["contact_id"] for c in s.in_inboxes(convs, s.inbox_of["mei"])]
    results.append(run_shape("customer's conversations", owner, lambda i: (f"/api/v1/contacts/{contacts[i % len(contacts)]}", {}), R))
    if heavy:
        results.append(run_shape("customer's conversations, heaviest customers", owner,
                                 lambda i: (f"/api/v1/contacts/{heavy[i % len(heavy)]}", {}), R))
    if mei_contacts:
        results.append(run_shape("customer's conversations", mei, lambda i: (f"/api/v1/contacts/{mei_contacts[i % len(mei_contacts)]}", {}), R))
    if not args.skip_search:
        results += measure_search_http(db, s, owner, mei, R)
    context = {"shop": shop, "samples": s, "members": {k: m.user for k, m in members.items()}, "deep": deep}
    return results, context


def wait_search_index(db: Database, timeout: float = 7200) -> dict:
    """Messages stored before Kefu had a search index (here: all of the generated ones) are indexed by
    the server's job ``messages.search_backfill``; wait for it, with progress."""
    q, close = db.query_fn()
    t0 = time.monotonic()
    try:
        if db.kind == "sqlite":
            total = q("SELECT MAX(rowid) FROM messages")[0][0] or 0

            def left() -> int:
                return total - (q("SELECT through_rowid FROM message_search_progress")[0][0] or 0)
        else:
            total = q("SELECT count(*) FROM messages")[0][0]

            def left() -> int:
                return q("SELECT count(*) FROM messages WHERE search_terms IS NULL")[0][0]
        first = remaining = left()
        shown = 0.0
        while remaining > 0:
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"search backfill not done after {timeout} s ({remaining} messages left)")
            time.sleep(2)
            remaining = left()
            if time.monotonic() - shown > 15:
                shown = time.monotonic()
                done = first - remaining
                print(f"  search backfill: {done:,} of {first:,} messages indexed ({done / max(1e-9, time.monotonic() - t0):,.0f}/s)",
                      flush=True)
    finally:
        close()
    took = round(time.monotonic() - t0, 1)
    if first:
        print(f"  search backfill: {first:,} messages in {took} s ({first / max(took, 0.1):,.0f}/s)", flush=True)
    return {"messages": first, "seconds": took}


def sample_order_number(db: Database, s: "Samples", q) -> str | None:
    """An order number that occurs in the sampled conversations' messages (a search with one hit)."""
    p = "?" if db.kind == "sqlite" else "%s"
    for c in s.conversations:
        for (text,) in q(f"SELECT text FROM messages WHERE conversation_id = {p}", (fix(db, c["id"]),)):
            m = re.search(r"E\d{13}", text)
            if m:
                return m.group(0)
    return None


def measure_search_http(db: Database, s: "Samples", owner: Member, mei: Member, repeat: int) -> list[dict]:
    """``GET /api/v1/messages/search`` as the owner (every inbox) and 小美 (one inbox), the workbench's page size."""
    print("message search (GET /api/v1/messages/search; target p95 ≤ 100 ms)", flush=True)
    q, close = db.query_fn()
    try:
        order_no = sample_order_number(db, s, q)
    finally:
        close()
    terms = [(name, term or order_no) for name, term, _ in SEARCH_QUERIES if term or order_no] + \
            [("no hits, two characters 貂皮", "貂皮"), ("one character 退", "退")]
    results = []
    path = "/api/v1/messages/search"
    for who in (owner, mei):
        for name, term in terms:
            results.append(run_shape(f"search: {name}", who, lambda i, t=term: (path, {"q": t}), min(repeat, 100)))
        status, body, _ = who.get(path, {"q": "退款"})
        if status == 200 and body.get("nextCursor"):
            cursor = body["nextCursor"]
            results.append(run_shape("search: 退款 page 2", who, lambda i: (path, {"q": "退款", "cursor": cursor}), min(repeat, 100)))
    return results


def fix(db: Database, uuid: str) -> str:
    """UUID literal as stored: upper-case text on SQLite, uuid on PostgreSQL."""
    return uuid.upper() if db.kind == "sqlite" else uuid.lower()


# ============================================================================ the SQL Kefu runs, explained

class SQL:
    """A statement as Fluent/SQLKit builds it, with its binds; rendered with ``?`` for SQLite and with
    literals for PostgreSQL's EXPLAIN ANALYZE (Kefu's unnamed statements are planned with their values)."""

    def __init__(self, text: str, binds: list, where: str = ""):
        self.text, self.binds, self.where = text, binds, where

    def sqlite(self) -> tuple[str, list]:
        return self.text.replace("{}", "?"), [v if not isinstance(v, bool) else int(v) for v in self.binds]

    def postgres(self) -> str:
        parts = self.text.split("{}")
        out = [parts[0]]
        for v, rest in zip(self.binds, parts[1:]):
            if v is None:
                lit = "NULL"
            elif isinstance(v, bool):
                lit = "true" if v else "false"
            elif isinstance(v, (int, float)):
                lit = repr(v)
            elif re.fullmatch(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", v):
                lit = f"'{v.lower()}'::uuid"
            else:
                lit = "'" + v.replace("'", "''") + "'"
            out.append(lit + rest)
        return "".join(out)


def list_sql(account: str, inboxes: list | None = None, mine: str | None = None, unassigned: bool = False, status: str | None = None,
             inbox: str | None = None, cursor: tuple | None = None, limit: int = 50) -> SQL:
    """ConversationsController.list: Viewer.conversations + the filters + the cursor, newest first."""
    where, binds = ['"conversations"."account_id" = {}'], [account]
    if inboxes is not None:
        where.append('"conversations"."inbox_id" IN (' + ", ".join("{}" for _ in inboxes) + ")")
        binds += inboxes
    where.append('"conversations"."merged_into_id" IS NULL')
    if mine:
        where.append('"conversations"."assignee_id" = {}')
        binds.append(mine)
    if unassigned:
        where.append('"conversations"."assignee_id" IS NULL')
    if status:                                   # Fluent writes @Enum values as literals
        where.append(f'"conversations"."status" = \'{status}\'')
    if inbox:
        where.append('"conversations"."inbox_id" = {}')
        binds.append(inbox)
    if cursor:
        where.append('("conversations"."activity_us" < {} OR ("conversations"."activity_us" = {} AND "conversations"."id" < {}))')
        binds += [cursor[0], cursor[0], cursor[1]]
    return SQL('SELECT "conversations".* FROM "conversations" WHERE ' + " AND ".join(where) +
               ' ORDER BY "conversations"."activity_us" DESC, "conversations"."id" DESC LIMIT {}', binds + [limit + 1])


def history_sql(account: str, conversation: str, before: int | None = None, after: int | None = None) -> SQL:
    """MessageRows.load: newest page (or before a seq), or the resume's oldest 200 after a seq."""
    where, binds = ['"messages"."account_id" = {}', '"messages"."conversation_id" = {}'], [account, conversation]
    if after is not None:
        where.append('"messages"."seq" > {}')
        binds.append(after)
    if before is not None:
        where.append('"messages"."seq" < {}')
        binds.append(before)
    order, limit = ("ASC", 200) if after is not None else ("DESC", 50)
    return SQL('SELECT "messages".* FROM "messages" WHERE ' + " AND ".join(where) + f' ORDER BY "messages"."seq" {order} LIMIT {{}}',
               binds + [limit])


def contact_sql(account: str, contact: str, inboxes: list | None = None) -> SQL:
    """ContactsController.dto: the customer's conversations the viewer may see, newest first (50)."""
    where, binds = ['"conversations"."account_id" = {}'], [account]
    if inboxes is not None:
        where.append('"conversations"."inbox_id" IN (' + ", ".join("{}" for _ in inboxes) + ")")
        binds += inboxes
    where.append('"conversations"."contact_id" = {}')
    binds.append(contact)
    return SQL('SELECT "conversations".* FROM "conversations" WHERE ' + " AND ".join(where) +
               ' ORDER BY "conversations"."created_at" DESC LIMIT {}', binds + [50])


def background_sql(now_s: float, sqlite: bool) -> list[tuple[str, SQL]]:
    """What the server's jobs ask every second (routing.sweep) and every 15 s (conversations.snoozes)."""
    ts = now_s if sqlite else dt.datetime.fromtimestamp(now_s, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00")
    ts90 = now_s - 90 if sqlite else dt.datetime.fromtimestamp(now_s - 90, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00")
    return [
        ("routing.sweep: drainQueues (RoutingService, every 1 s)",
         SQL('SELECT "conversations".* FROM "conversations" WHERE "conversations"."queued_at" IS NOT NULL AND "conversations"."status" = \'open\' '
             'AND "conversations"."assignee_id" IS NULL AND "conversations"."bot_active" = {} ORDER BY "conversations"."queued_at" ASC LIMIT {}',
             [False, 5000])),
        ("routing.sweep: offerTimedOut (RoutingService, every 1 s)",
         SQL("SELECT id, account_id, inbox_id, awaiting_since FROM conversations WHERE status = {} AND assignee_id IS NOT NULL "
             "AND bot_active = {} AND awaiting_since < {} ORDER BY awaiting_since LIMIT 500", ["open", False, ts90])),
        ("conversations.snoozes: wakeSnoozed (every 15 s)",
         SQL('SELECT "conversations".* FROM "conversations" WHERE "conversations"."status" = \'snoozed\' AND "conversations"."snoozed_until" <= {} '
             'LIMIT {}', [ts, 500])),
    ]


def loads_sql(account: str, agents: list[str]) -> SQL:
    """AgentAvailability.loads: open conversations per agent, at every routing decision (drainQueues → slots)."""
    return SQL('SELECT "conversations"."assignee_id" AS "conversations_assignee_id" FROM "conversations" WHERE "conversations"."account_id" = {} '
               'AND "conversations"."status" = \'open\' AND "conversations"."assignee_id" IN (' + ", ".join("{}" for _ in agents) +
               ') AND "conversations"."merged_into_id" IS NULL', [account] + agents)


def sqlite_plan(db: SQLiteDB, sql: SQL) -> str:
    text, binds = sql.sqlite()
    rows = db.query("EXPLAIN QUERY PLAN " + text, binds)
    # (id, parent, notused, detail) → an indented tree like the sqlite3 shell's
    depth = {0: 0}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, 0) + 1
        lines.append("  " * (depth[node] - 1) + detail)
    return "\n".join(lines)


def sqlite_time(db: SQLiteDB, sql: SQL, repeat: int = 5) -> float:
    text, binds = sql.sqlite()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        db.query(text, binds)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 2)


def postgres_plan(q, sql: SQL, analyze: bool = True) -> str:
    rows = q(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + sql.postgres())
    return "\n".join(r[0] for r in rows)


def explain_all(db: Database, context: dict, meta: dict) -> list[dict]:
    """EXPLAIN for every measured shape (one representative set of values each)."""
    shop: Shop = context["shop"]
    s: Samples = context["samples"]
    users = context["members"]
    acct = shop.account
    inbox_ids = [i["id"] for i in shop.inboxes]
    mei_in = sorted(s.inbox_of["mei"])
    yun_in = sorted(s.inbox_of["yun"])
    mei, yun = users["mei"]["id"].upper(), users["yun"]["id"].upper()
    conv = s.conversations[0]
    long_ = s.long[0] if s.long else conv
    deep_all = context["deep"]["all"][0].split("_") if context["deep"]["all"] else None
    deep_pending = context["deep"]["status=pending"][0].split("_") if context["deep"]["status=pending"] else None
    heavy = s.heavy_contacts[0][0] if s.heavy_contacts else conv["contact_id"]
    shapes = [
        ("list all, first page (owner)", list_sql(acct)),
        ("list all open limit=100 (owner)", list_sql(acct, status="open", limit=100)),
        ("list all open limit=100 (yun: 2 inboxes)", list_sql(acct, inboxes=yun_in, status="open", limit=100)),
        ("list mine (mei: 1 inbox)", list_sql(acct, inboxes=mei_in, mine=mei)),
        ("list mine status=snoozed (yun)", list_sql(acct, inboxes=yun_in, mine=yun, status="snoozed")),
        ("list unassigned (owner)", list_sql(acct, unassigned=True)),
        ("list unassigned (yun)", list_sql(acct, inboxes=yun_in, unassigned=True)),
        ("list unassigned open (owner)", list_sql(acct, unassigned=True, status="open")),
        ("list all by inbox 投诉 (owner)", list_sql(acct, inbox=inbox_ids[-1])),
        ("list all status=snoozed (owner)", list_sql(acct, status="snoozed")),
        ("list all status=pending (yun)", list_sql(acct, inboxes=yun_in, status="pending")),
        ("list all inbox 投诉 + status=pending (owner)", list_sql(acct, inbox=inbox_ids[-1], status="pending")),
        ("list deep cursor: all (owner)", list_sql(acct, cursor=(int(deep_all[0]), deep_all[1])) if deep_all else None),
        ("list deep cursor: status=pending (owner)",
         list_sql(acct, status="pending", cursor=(int(deep_pending[0]), deep_pending[1])) if deep_pending else None),
        ("history latest page", history_sql(acct, long_["id"])),
        ("history older page", history_sql(acct, long_["id"], before=max(2, long_["last_seq"] - 100))),
        ("resume after seq", history_sql(acct, long_["id"], after=max(0, long_["last_seq"] - 150))),
        ("customer's conversations (owner, heaviest)", contact_sql(acct, heavy)),
        ("customer's conversations (mei)", contact_sql(acct, conv["contact_id"], inboxes=mei_in)),
    ] + background_sql(time.time(), db.kind == "sqlite") + [
        ("AgentAvailability.loads (售后's agents, per routing attempt)",
         loads_sql(acct, sorted(u["id"].upper() for k, u in users.items() if k in ("li", "yun")) + [users["mei"]["id"].upper()])),
    ]
    out = []
    q, close = db.query_fn()
    sdb = SQLiteDB(str(db.path), readonly=True) if db.kind == "sqlite" else None
    try:
        for name, sql in shapes:
            if sql is None:
                continue
            if db.kind == "sqlite":
                text, binds = sql.sqlite()
                entry = {"shape": name, "sql": text, "binds": binds, "plan": sqlite_plan(sdb, sql), "db_ms": sqlite_time(sdb, sql)}
            else:
                entry = {"shape": name, "sql": sql.postgres(), "plan": postgres_plan(q, sql)}
                m = re.search(r"Execution Time: ([\d.]+) ms", entry["plan"])
                entry["db_ms"] = float(m.group(1)) if m else None
            out.append(entry)
    finally:
        close()
        if sdb:
            sdb.close()
    return out


# ============================================================================ message search (no endpoint yet: SQL timed on the database)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def bigrams(text: str) -> list[str]:
    """Chinese runs as overlapping character pairs (a lone character as itself), Latin and digits as words."""
    out = []
    for run in CJK.findall(text):
        if run[0].isascii():
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def search_sql(variant: str, account: str, term: str, inboxes: list | None = None) -> SQL | None:
    join = ""
    scope = ""
    binds_scope = []
    if inboxes is not None:
        join = ' JOIN "conversations" ON "conversations"."id" = "messages"."conversation_id"'
        scope = ' AND "conversations"."inbox_id" IN (' + ", ".join("{}" for _ in inboxes) + ")"
        binds_scope = list(inboxes)
    if variant == "like":
        return SQL('SELECT "messages".* FROM "messages"' + join + ' WHERE "messages"."account_id" = {}' + scope +
                   ' AND "messages"."text" LIKE {} ORDER BY "messages"."created_at" DESC LIMIT 20', [account] + binds_scope + [f"%{term}%"])
    if variant == "sqlite_trigram":
        if len(term) < 3:
            return None
        return SQL('SELECT "messages".* FROM bench_messages_trigram JOIN "messages" ON "messages".rowid = bench_messages_trigram.rowid' + join +
                   ' WHERE bench_messages_trigram MATCH {} AND "messages"."account_id" = {}' + scope +
                   ' ORDER BY bench_messages_trigram.rowid DESC LIMIT 20', ['"' + term + '"', account] + binds_scope)
    if variant == "sqlite_bigram":
        grams = bigrams(term)
        match = (grams[0] + "*") if len(grams) == 1 and len(grams[0]) == 1 else '"' + " ".join(grams) + '"'
        return SQL('SELECT "messages".* FROM bench_messages_bigram JOIN "messages" ON "messages".rowid = bench_messages_bigram.rowid' + join +
                   ' WHERE bench_messages_bigram MATCH {} AND "messages"."account_id" = {}' + scope +
                   ' ORDER BY bench_messages_bigram.rowid DESC LIMIT 20', [match, account] + binds_scope)
    if variant == "pg_bigram":
        query = " <-> ".join(bigrams(term))
        return SQL('SELECT "messages".* FROM "messages"' + join + ' WHERE "messages"."account_id" = {}' + scope +
                   " AND bench_bigrams(\"messages\".\"text\") @@ to_tsquery('simple', {}) ORDER BY \"messages\".\"created_at\" DESC LIMIT 20",
                   [account] + binds_scope + [query])
    raise ValueError(variant)


def build_search_indexes(db: Database) -> dict:
    """Candidate indexes (named bench_…): SQLite FTS5 trigram (external content) and a bigram FTS5 table;
    PostgreSQL pg_trgm GIN and a GIN over a bigram tsvector expression."""
    took = {}
    if db.kind == "sqlite":
        w = SQLiteDB(str(db.path))
        w.query("PRAGMA cache_size = -1000000")
        if not w.query("SELECT 1 FROM sqlite_master WHERE name = 'bench_messages_trigram'"):
            t = time.monotonic()
            print("  building bench_messages_trigram (FTS5 trigram over messages.text) …", flush=True)
            w.execute("CREATE VIRTUAL TABLE bench_messages_trigram USING fts5(text, content='messages', content_rowid='rowid', tokenize='trigram')")
            w.execute("INSERT INTO bench_messages_trigram(bench_messages_trigram) VALUES ('rebuild')")
            took["sqlite_trigram"] = round(time.monotonic() - t, 1)
        if not w.query("SELECT 1 FROM sqlite_master WHERE name = 'bench_messages_bigram'"):
            t = time.monotonic()
            print("  building bench_messages_bigram (contentless FTS5 of character bigrams) …", flush=True)
            w.execute("CREATE VIRTUAL TABLE bench_messages_bigram USING fts5(terms, content='', tokenize='unicode61')")
            total = w.query("SELECT MAX(rowid) FROM messages")[0][0] or 0
            p = Progress("bigram rows", total)
            step = 200_000
            for lo in range(0, total + 1, step):
                rows = w.query("SELECT rowid, text FROM messages WHERE rowid > ? AND rowid <= ?", (lo, lo + step))
                w.execute("BEGIN")
                w.executemany("INSERT INTO bench_messages_bigram(rowid, terms) VALUES (?, ?)", [(r, " ".join(bigrams(x))) for r, x in rows])
                w.execute("COMMIT")
                p.add(len(rows))
            p.finish()
            took["sqlite_bigram"] = round(time.monotonic() - t, 1)
        w.close()
    else:
        import psycopg
        con = psycopg.connect(db.url, autocommit=True, application_name="large_shop")
        cur = con.cursor()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 1")
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'bench_messages_text_trgm'")
        if not cur.fetchall():
            t = time.monotonic()
            print("  building bench_messages_text_trgm (pg_trgm GIN on messages.text) …", flush=True)
            cur.execute("CREATE INDEX bench_messages_text_trgm ON messages USING gin (text gin_trgm_ops)")
            took["pg_trgm"] = round(time.monotonic() - t, 1)
        cur.execute("""CREATE OR REPLACE FUNCTION bench_bigrams(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT to_tsvector('simple', coalesce(string_agg(g, ' '), '')) FROM (
              SELECT CASE WHEN m[1] ~ '^[0-9A-Za-z]+$' THEN lower(m[1])
                          WHEN length(m[1]) = 1 THEN m[1]
                          ELSE (SELECT string_agg(substr(m[1], i, 2), ' ' ORDER BY i) FROM generate_series(1, length(m[1]) - 1) i) END AS g
              FROM regexp_matches(t, '([\\u3400-\\u9fff\\uf900-\\ufaff]+|[0-9A-Za-z]+)', 'g') AS m) runs $$""")
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'bench_messages_bigram'")
        if not cur.fetchall():
            t = time.monotonic()
            print("  building bench_messages_bigram (GIN on bench_bigrams(text)) …", flush=True)
            cur.execute("CREATE INDEX bench_messages_bigram ON messages USING gin (bench_bigrams(text))")
            took["pg_bigram"] = round(time.monotonic() - t, 1)
        cur.execute("ANALYZE messages")
        con.close()
    return took


def drop_search_indexes(db: Database) -> None:
    if db.kind == "sqlite":
        w = SQLiteDB(str(db.path))
        for name in ("bench_messages_trigram", "bench_messages_bigram"):
            w.execute(f"DROP TABLE IF EXISTS {name}")
        w.close()
    else:
        import psycopg
        with psycopg.connect(db.url, autocommit=True, application_name="large_shop") as con:
            con.execute("DROP INDEX IF EXISTS bench_messages_text_trgm")
            con.execute("DROP INDEX IF EXISTS bench_messages_bigram")
            con.execute("DROP FUNCTION IF EXISTS bench_bigrams(text)")


def measure_search(db: Database, context: dict, args, variants: list[str]) -> list[dict]:
    shop: Shop = context["shop"]
    s: Samples = context["samples"]
    acct = shop.account
    mei_in = sorted(s.inbox_of["mei"])
    q, close = db.query_fn()
    sdb = SQLiteDB(str(db.path), readonly=True) if db.kind == "sqlite" else None
    results = []
    try:
        order_no = sample_order_number(db, s, q)
        terms = [(name, term or order_no) for name, term, _ in SEARCH_QUERIES if term or order_no] + [("no hits, two characters 貂皮", "貂皮")]
        for variant in variants:
            for scope, inboxes in (("owner", None), ("mei", mei_in)):
                for name, term in terms:
                    sql = search_sql(variant, acct, term, inboxes)
                    if sql is None:
                        continue
                    times, hits = [], None
                    deadline = time.monotonic() + args.search_seconds
                    for i in range(args.search_repeat + 1):
                        t = time.perf_counter()
                        if db.kind == "sqlite":
                            text, binds = sql.sqlite()
                            rows = sdb.query(text, binds)
                        else:
                            rows = q(sql.postgres())
                        took = time.perf_counter() - t
                        if i:
                            times.append(took)
                        hits = len(rows)
                        if time.monotonic() > deadline and len(times) >= 3:
                            break
                    r = {"variant": variant, "as": scope, "query": name, "term": term, "hits_returned": hits, **percentiles(times)}
                    if db.kind == "sqlite":
                        r["plan"] = sqlite_plan(sdb, sql)
                        r["sql"] = sql.sqlite()[0]
                    else:
                        r["sql"] = sql.postgres()
                        r["plan"] = postgres_plan(q, sql) if name.startswith(("no hits", "rare", "common word 发货")) else None
                    ok = "ok " if r.get("p95_ms", 1e9) <= TARGET_SEARCH_P95_MS else "SLOW"
                    print(f"  {ok} {variant:<15} as {scope:<5} {name:<28} hits {hits:>2}  p50 {r['p50_ms']:9.2f}  p95 {r['p95_ms']:9.2f} ms "
                          f"(n={r['count']})", flush=True)
                    results.append(r)
    finally:
        close()
        if sdb:
            sdb.close()
    return results


# ============================================================================ main

def run_server(binary: pathlib.Path, work: pathlib.Path, db: Database, log_level: str) -> KefuProcess:
    server = KefuProcess(binary, work, db.url, log_level=log_level, name="large",
                         extra={"KEFU_LOGIN_LIMIT_IP": "100000/60", "KEFU_LOGIN_LIMIT_ACCOUNT": "100000/60"})
    t = time.monotonic()
    server.start(timeout=600)
    print(f"kefu serve ready in {time.monotonic() - t:.1f} s ({server.url}, RSS {server.rss_kib() / 1024:.0f} MiB)", flush=True)
    return server


def others_busy(server_pid: int | None, seconds: float = 5.0) -> float:
    """Cores used by everything but our server over ``seconds``."""
    def ticks():
        with open("/proc/stat") as f:
            return [int(x) for x in f.readline().split()[1:9]]
    a, c = ticks(), cpu_seconds(server_pid) if server_pid else 0.0
    time.sleep(seconds)
    b, d = ticks(), cpu_seconds(server_pid) if server_pid else 0.0
    delta = [y - x for x, y in zip(a, b)]
    busy_cores = (1 - (delta[3] + delta[4]) / max(1, sum(delta))) * (os.cpu_count() or 1)
    return max(0.0, busy_cores - (d - c) / seconds)


def wait_quiet(server_pid: int | None, limit: float) -> float:
    """Waits up to ``limit`` s until the rest of the machine uses under 0.3 core (shared machines)."""
    deadline = time.monotonic() + limit
    while True:
        others = others_busy(server_pid)
        if others < 0.3 or time.monotonic() > deadline:
            return round(others, 2)


def idle_cpu(server: KefuProcess, seconds: float = 10.0) -> float:
    """The server's own CPU while nobody asks anything: its background jobs on this data."""
    a = cpu_seconds(server.pid)
    time.sleep(seconds)
    return round((cpu_seconds(server.pid) - a) / seconds * 100, 1)


def http_round(binary, work, db, meta, args, label: str) -> tuple[list[dict], dict, dict]:
    server = run_server(binary, work, db, args.log_level)
    try:
        # The server's first start on generated data indexes every message for search in the
        # background: wait for it, so that it does not run under the measurements.
        backfill = wait_search_index(db)
        busy = wait_quiet(server.pid, args.wait_quiet) if args.wait_quiet else round(others_busy(server.pid, 3), 2)
        cpu_idle = idle_cpu(server)
        print(f"server CPU while idle (background jobs): {cpu_idle}% of one core; other processes used {busy} cores before the run",
              flush=True)
        cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
        results, context = measure_http(server, db, meta, args)
        cpu = round((cpu_seconds(server.pid) - cpu0) / (time.monotonic() - t0) * 100, 1)
        info = {"label": label, "search_backfill": backfill, "idle_server_cpu_percent": cpu_idle, "server_cpu_percent_during": cpu, "other_processes_cores_before": busy,
                "server_rss_mib": round(server.rss_kib() / 1024)}
        if args.log_statements and db.kind == "postgres":
            info["statement_log_samples"] = statement_samples(db)
        return results, context, info
    finally:
        server.stop()


def statement_samples(db: Database) -> list[str]:
    """The statements Kefu sent (log_statement=all; this script's own connections are named large_shop), one per shape."""
    text = (db.pg_folder / "server.log").read_text(errors="replace")
    entries = []
    for line in text.split("\n"):
        if line.startswith("\t") and entries:
            entries[-1] += "\n" + line.strip()
        else:
            entries.append(line)
    found, seen, last = [], set(), None
    for e in entries:
        app, _, rest = e.partition("|")
        if app == "large_shop" or not rest:
            continue
        m = re.match(r"(?:LOG|DETAIL):  (?:execute [^:]*|statement): (.*)", rest, re.S)
        if m:
            last = m.group(1)
            key = re.sub(r"\$\d+|'[^']*'", "?", last)
            if key in seen or not re.search(r"FROM \"?(conversations|messages|contacts)\"?", last):
                last = None
                continue
            seen.add(key)
            found.append(last)
        elif rest.startswith("DETAIL:  parameters:") and last is not None and found and found[-1] == last:
            found[-1] += "\n    " + rest[len("DETAIL:  "):]
    return found


def print_table(title: str, results: list[dict], before: list[dict] | None = None) -> None:
    print(f"\n{title}")
    print(f"{'shape':<46}{'as':<7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>10}  target")
    index = {(r['shape'], r['as']): r for r in before or []}
    for r in results:
        if "p99_ms" not in r:
            continue
        if r["shape"].startswith("search"):
            ok = "ok" if r["p95_ms"] <= TARGET_SEARCH_P95_MS else "SLOW (p95 > 100 ms)"
        else:
            ok = "ok" if r["p99_ms"] <= TARGET_LIST_P99_MS else "SLOW (p99 > 20 ms)"
        was = index.get((r["shape"], r["as"]))
        prev = f"   (before: p99 {was['p99_ms']} ms)" if was else ""
        print(f"{r['shape']:<46}{r['as']:<7}{r['p50_ms']:>9.2f}{r['p95_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['max_ms']:>10.2f}  {ok}{prev}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 conversations, 10,000,000 messages")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", metavar="PATH", help="keep the generated database here (SQLite file, or PostgreSQL cluster folder) "
                        "and reuse it when scale and seed match")
    parser.add_argument("--regenerate", action="store_true", help="replace a kept database that does not match")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=300, help="requests per query shape")
    parser.add_argument("--search-repeat", type=int, default=20)
    parser.add_argument("--search-seconds", type=float, default=60, help="at most this long per search query and variant")
    parser.add_argument("--search-indexes", action="store_true",
                        help="also build candidate search indexes (bench_*: FTS5 trigram and bigram / pg_trgm and a bigram GIN) and time them")
    parser.add_argument("--keep-search-indexes", action="store_true", help="leave the bench_* search indexes in the kept database")
    parser.add_argument("--try-sql", action="append", default=[], metavar="SQL",
                        help="after the baseline: run this (e.g. CREATE INDEX …) with the server stopped, measure again, report before/after")
    parser.add_argument("--undo-sql", action="append", default=[], metavar="SQL", help="run at the end to undo --try-sql (unless --keep-experiments)")
    parser.add_argument("--keep-experiments", action="store_true")
    parser.add_argument("--skip-http", action="store_true", help="only EXPLAIN and search")
    parser.add_argument("--log-statements", action="store_true", help="PostgreSQL: log every statement and print the shapes Kefu sent")
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="before measuring, wait up to this long until other processes use under 0.3 core")
    parser.add_argument("--label", default="")
    parser.add_argument("--shape-seconds", type=float, default=60, help="at most this long per HTTP shape (slow shapes)")
    parser.add_argument("--min-samples", type=int, default=30, help="but at least this many requests per shape")
    parser.add_argument("--skip-search", action="store_true", help="do not wait for the search backfill nor measure search")
    parser.add_argument("--search-sql", action="store_true", help="also time the naive LIKE search directly on the database")
    args = parser.parse_args()
    global SHAPE_SECONDS, MIN_SAMPLES
    SHAPE_SECONDS, MIN_SAMPLES = args.shape_seconds, args.min_samples
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu (or pass --kefu-bin)")

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-large-"))
    db = Database(args, work)
    report = {"label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "database": args.database, "scale": args.scale,
              "seed": args.seed, "binary": str(binary), "targets": {"lists_history_p99_ms": TARGET_LIST_P99_MS,
                                                                      "search_p95_ms": TARGET_SEARCH_P95_MS}}
    try:
        meta = prepare(args, db, binary, work)
        report["generation"] = {k: meta.get(k) for k in ("generated_at", "generation_seconds", "load")}
        report["database_bytes"] = db.size_bytes()
        if db.kind == "sqlite":
            report["sqlite_version_explain"] = SQLiteDB(str(db.path), readonly=True).version
        if args.generate_only:
            print(json.dumps(report["generation"], ensure_ascii=False, indent=1))
            return 0
        context = None
        if not args.skip_http:
            results, context, info = http_round(binary, work, db, meta, args, "baseline")
            report["http"] = results
            report["server"] = info
            print_table(f"{args.database}, scale {args.scale}: p50 / p95 / p99 in ms (client side, sequential requests)", results)
            if info.get("statement_log_samples"):
                print("\nstatements PostgreSQL received (log_statement=all):")
                for stmt in info["statement_log_samples"]:
                    print("  " + stmt)
        if context is None:      # samples for EXPLAIN and search without the HTTP round
            server = run_server(binary, work, db, args.log_level)
            try:
                members = {k: Member(server.url, e) for k, e in (("owner", DEMO_OWNER), ("li", "li@demo.kefu.local"),
                                                                 ("mei", "mei@demo.kefu.local"), ("yun", "yun@demo.kefu.local"))}
            finally:
                server.stop()
            q, close = db.query_fn()
            try:
                shop = read_shop(q)
                s = Samples(q, db.kind, shop, meta, random.Random(args.seed + 7), members)
                context = {"shop": shop, "samples": s, "members": {k: m.user for k, m in members.items()},
                           "deep": {"all": s.deep_cursors("", (), 3), "status=pending": s.deep_cursors(
                               f"AND status = {s.p(0)}", ("pending",), 3)}}
            finally:
                close()
        print("\nEXPLAIN " + ("QUERY PLAN (SQLite " + SQLiteDB(str(db.path), readonly=True).version + ")" if db.kind == "sqlite"
                              else "(ANALYZE, BUFFERS)"))
        report["explain"] = explain_all(db, context, meta)
        for e in report["explain"]:
            print(f"\n-- {e['shape']}  ({e['db_ms']} ms in the database)\n{e['sql']}\n{e['plan']}")
        variants = ["like"] if args.search_sql else []
        if args.search_indexes:
            report["search_index_build_seconds"] = build_search_indexes(db)
            variants += ["sqlite_trigram", "sqlite_bigram"] if db.kind == "sqlite" else ["pg_bigram"]
        if variants and not args.skip_search:
            print("\ncandidate search SQL timed on the database (the endpoint is measured over HTTP above; target p95 ≤ 100 ms)")
            report["search"] = measure_search(db, context, args, variants)
        if args.try_sql:
            apply_sql(db, args.try_sql)
            results, _, info = http_round(binary, work, db, meta, args, "after --try-sql")
            report["experiment"] = {"sql": args.try_sql, "http": results, "server": info, "explain": explain_all(db, context, meta)}
            print_table("after --try-sql: " + " ; ".join(args.try_sql), results, report.get("http"))
            for e in report["experiment"]["explain"]:
                print(f"\n-- {e['shape']}  ({e['db_ms']} ms)\n{e['plan']}")
            if args.undo_sql and not args.keep_experiments:
                apply_sql(db, args.undo_sql)
        if args.search_indexes and not args.keep_search_indexes:
            drop_search_indexes(db)
        out = REPO / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        name = f"large_shop-{args.database}-{args.scale:g}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        (out / name).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
        print(f"\nwritten to bench/results/{name}")
        if report.get("http"):
            print_table(f"summary — {args.database}, scale {args.scale}", report["http"])
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        db.stop()
        shutil.rmtree(work, ignore_errors=True)
        if not db.kept and db.kind == "sqlite":
            db.remove()


def apply_sql(db: Database, statements: list[str]) -> None:
    if db.kind == "sqlite":
        w = SQLiteDB(str(db.path))
        for stmt in statements:
            t = time.monotonic()
            w.query(stmt)
            print(f"  {stmt}  ({time.monotonic() - t:.1f} s)", flush=True)
        w.close()
    else:
        import psycopg
        with psycopg.connect(db.url, autocommit=True, application_name="large_shop") as con:
            for stmt in statements:
                t = time.monotonic()
                con.execute(stmt)
                print(f"  {stmt}  ({time.monotonic() - t:.1f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
