"""Word lists for the default sentiment model: Chinese sentiment words, negators, degree
adverbs and contrast words, and emoji / bracketed emoticon valences.

Source and licence: compiled by hand for scrm-graph from everyday Chinese
vocabulary of product reviews and social posts (Simplified and Traditional
forms where they differ), released under the project's licence (Apache-2.0).
No third-party lexicon was copied: widely used research lexicons (HowNet,
NTUSD, the Dalian University of Technology ontology) carry non-commercial or
unclear terms.  Valences are on VADER's scale (about -4 to +4) so Chinese,
English and emoji scores add up.  Fixed negated phrases (不错, 不好, 不满) are
listed as words of their own, since they do not mean "not" + the rest.
"""

from __future__ import annotations

__all__ = ["CONTRAST", "DEGREE", "EMOJI", "NEGATORS", "ZH_WORDS"]


def _words(valence: float, text: str) -> dict[str, float]:
    return {word: valence for word in text.split()}


ZH_WORDS: dict[str, float] = {
    # --- positive -------------------------------------------------------------------
    **_words(
        3.0,
        "完美 超赞 太棒 惊艳 绝了 无敌 一流 顶级 极好 超值 爱死 最爱 五星 神器 好评如潮 "
        "无可挑剔 物超所值 爱不释手 赞不绝口 强烈推荐 非常满意 超级好",
    ),
    **_words(
        2.5,
        "喜欢 喜爱 热爱 满意 推荐 优秀 出色 精彩 棒 赞 好评 开心 高兴 快乐 幸福 感动 "
        "惊喜 漂亮 美丽 好看 好用 好吃 好喝 好玩 舒服 舒适 实惠 划算 值得 靠谱 给力 "
        "牛 厉害 优质 贴心 暖心 专业 完善 放心 安心 愉快 享受 满分 点赞 支持 感谢 谢谢 "
        "多谢 感恩 回购 必买 种草 良心 耐用 好闻 清爽 细腻 高级 大气 时尚 可爱",
    ),
    **_words(
        2.0,
        "好 不错 挺好 很好 可以 方便 快速 迅速 神速 及时 准时 稳定 流畅 清晰 干净 新鲜 正品 便宜 "
        "合适 合身 友好 热情 耐心 周到 礼貌 认真 负责 高效 顺利 成功 期待 加油 "
        "精致 美味 好评 酷 帅 美 香 甜 爽 赞同 认可 信赖 信任 喜闻乐见 物美价廉 性价比高",
    ),
    **_words(1.5, "快 很快 挺快"),
    **_words(1.0, "还行 还可以 过得去 尚可 及格 希望"),
    **_words(-0.5, "一般般 凑合 马马虎虎"),
    # --- negative -------------------------------------------------------------------
    **_words(
        -3.0,
        "垃圾 恶心 骗子 诈骗 欺诈 坑爹 差评 最差 极差 太差 烂透 气死 愤怒 恼火 "
        "假货 山寨 投诉 举报 黑心 无良 坑人 骗人 退货退款 再也不买 后悔死 千万别买 "
        "避雷 踩雷 拉黑 智商税 难吃 难用 难看 难闻",
    ),
    **_words(
        -2.5,
        "差 糟糕 失望 不满 不满意 讨厌 厌恶 生气 后悔 上当 坑 烂 破 劣质 次品 "
        "残次 瑕疵 故障 损坏 坏了 破损 漏液 掉色 起球 褪色 过期 变质 发霉 异味 "
        "难受 痛苦 伤心 难过 郁闷 崩溃 无语 离谱 敷衍 傲慢 冷漠 粗鲁 态度差 不靠谱 "
        "不推荐 不值 不值得 不好 不行 不爽 不舒服 不方便 不合适 不怎么样 差劲 "
        "慢死 太慢 太贵 贵死",
    ),
    **_words(
        -2.0,
        "缺陷 麻烦 慢 贵 延迟 拖延 卡顿 闪退 死机 掉线 错误 出错 丢失 少发 漏发 "
        "错发 退货 退款 维权 担心 担忧 害怕 焦虑 烦 烦人 累 无聊 尴尬 可惜 遗憾 "
        "抱怨 吐槽 质疑 怀疑 小气 廉价 粗糙 松垮 偏小 偏大",
    ),
    **_words(-1.5, "问题 问题多 一般"),
    # Words that contain a sentiment character but carry none: matched first (longest
    # match wins), so 牛肉 is beef, not 牛 ("awesome") + 肉.
    **_words(
        0.0,
        "牛肉 牛奶 牛排 牛仔 牛油 美国 美元 美团 美的 美妆 美容 美术 香港 香水 香味 "
        "好像 好多 好几 好久 不同 不断 不仅 不但 不管 不少 不停 无论 坏账 差价 差不多 "
        "一般来说",
    ),
    # Traditional forms of the commonest words.
    **_words(2.5, "喜歡 滿意 推薦 優秀 開心 高興 漂亮 舒適 實惠 劃算 值得 靠譜 給力 讚 感謝 謝謝"),
    **_words(-2.5, "糟糕 失望 不滿 討厭 後悔 劣質 損壞 難過 崩潰 態度差 不推薦 不值得"),
    **_words(-3.0, "垃圾 噁心 騙子 詐騙 假貨 投訴 差評 難吃 難用"),
}

NEGATORS: frozenset[str] = frozenset(
    _words(
        0,
        "不 没 沒 没有 沒有 无 無 非 未 别 別 莫 勿 不是 并不 並不 毫不 绝不 絕不 从不 從不 "
        "从没 從沒 不太 不怎么 不怎麼 不够 不夠 一点也不 一點也不 根本不 并没有 並沒有",
    )
)

DEGREE: dict[str, float] = {
    **_words(2.0, "最 极其 極其 极度 極度 无比 無比 超级 超級 特级 绝对 絕對"),
    **_words(1.8, "非常 特别 特別 十分 极 極 超 太 贼 巨 老 相当 相當 格外 分外 实在 實在"),
    **_words(1.5, "很 真 真的 好 挺 蛮 蠻 颇 頗 更 更加 越来越 越來越 那么 那麼 这么 這麼"),
    **_words(0.9, "比较 比較 较 較 还 還 稍 还算 還算"),
    **_words(0.6, "有点 有點 有些 稍微 略 略微 一点 一點 些许 些許"),
}

CONTRAST: frozenset[str] = frozenset(
    _words(0, "但 但是 可是 不过 不過 然而 却 卻 只是 就是 可惜的是")
)

# Emoji (variation selectors and skin tones stripped before lookup) and the bracketed
# emoticons of Weibo/WeChat ("[赞]", "[怒]") as typed in exported text.
EMOJI: dict[str, float] = {
    **_words(3.0, "😍 🥰 🤩 ❤ 💖 💗 💓 💞 💕 😻 💯"),
    **_words(2.5, "😘 😊 🥳 🎉 👍 👏 🙌 💪 ✨ 🌟 ⭐ 🔥 💝 💘 ♥"),
    **_words(2.0, "😀 😃 😄 😁 😆 😎 👌 🤗 ☺ 😋 💐 🎁 🏆 ✅"),
    **_words(1.0, "🙂 😂 🤣 😉 😇 🙏 😅"),
    **_words(-1.0, "😐 😑 😶 🤔 😕 😬"),
    **_words(-1.5, "🙄 😒 😔 😟 🙁 ☹ 😥 😓 🤨"),
    **_words(-2.0, "😢 😞 😩 😫 😖 😣 😿 😰 😨 👎 ❌ 🤦"),
    **_words(-2.5, "😭 💔 😤 😱 🤢 💩 🤡 😾"),
    **_words(-3.0, "😡 😠 🤬 🤮 👿"),
    **_words(2.5, "[赞] [讚] [good] [威武] [爱你] [心] [鼓掌] [哈哈] [笑cry] [给力] [耶] [太开心]"),
    **_words(1.5, "[嘻嘻] [可爱] [偷笑] [憧憬] [微笑] [呲牙] [强] [玫瑰] [爱心]"),
    **_words(-2.0, "[泪] [伤心] [失望] [衰] [抓狂] [委屈] [哼] [晕] [囧] [流泪] [弱]"),
    **_words(-3.0, "[怒] [鄙视] [吐] [怒骂] [生病] [发怒] [心碎] [哭] [大哭]"),
}
