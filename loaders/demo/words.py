"""Word banks of the demo data: names, and post templates by language and tone.

Tone is what the planted sentiment toward a brand should be: the templates use
words a lexicon scores without doubt (love, excellent, terrible, 喜欢, 失望)
and no negations, so a plain lexicon model reads them the intended way.
Neutral templates carry no sentiment words at all.
"""

from __future__ import annotations

__all__ = [
    "EMPLOYEES",
    "FIRST_NAMES_EN",
    "GIVEN_ZH",
    "LAST_NAMES_EN",
    "NICK_PREFIX_ZH",
    "NICK_SUFFIX_ZH",
    "SURNAMES_ZH",
    "SURNAME_SYLLABLES",
    "TEMPLATES",
]

FIRST_NAMES_EN: tuple[str, ...] = (
    "Mia", "Liam", "Ava", "Noah", "Emma", "Ethan", "Olivia", "Lucas", "Sophia", "Mason",
    "Isla", "Leo", "Chloe", "Owen", "Grace", "Caleb", "Zoe", "Ryan", "Nora", "Julian",
    "Hannah", "Aaron", "Ella", "Adrian", "Ruby", "Felix", "Maya", "Theo", "Lily", "Jonah",
    "Clara", "Miles", "Ivy", "Elliot", "Aria", "Declan", "Leah", "Rowan", "Stella", "Simon",
    "Priya", "Arjun", "Kenji", "Yuki", "Mei", "Wei", "Jun", "Hana", "Diego", "Lucia",
    "Sofia", "Mateo", "Amara", "Kofi", "Nadia", "Omar", "Freya", "Oscar", "Alice", "Hugo",
    "Iris", "Jasper", "Lena", "Marcus", "Naomi", "Peter", "Quinn", "Rosa", "Tara", "Victor",
    "Wendy", "Xavier", "Yara", "Zane", "Bianca", "Colin", "Dana", "Erik", "Fiona", "Gavin",
    "Holly", "Ian", "Jade", "Kai", "Laura", "Milo", "Nina", "Paolo", "Rhea", "Sean",
)  # fmt: skip
LAST_NAMES_EN: tuple[str, ...] = (
    "Chen", "Smith", "Nguyen", "Garcia", "Brown", "Wong", "Taylor", "Lee", "Wilson", "Patel",
    "Martin", "Clarke", "Walker", "Young", "Hughes", "Lin", "Murphy", "Kelly", "Evans", "Scott",
    "Turner", "Reid", "Lopez", "Kim", "Park", "Tan", "Singh", "Cooper", "Hayes", "Fisher",
    "Ward", "Brooks", "Foster", "Bennett", "Grant", "Shaw", "Zhang", "Liu", "Ng", "Ito",
    "Sato", "Rossi", "Weber", "Novak", "Silva", "Costa", "Moreau", "Dubois", "Okafor", "Mensah",
    "Adams", "Baker", "Carter", "Doyle", "Ellis", "Flynn", "Gordon", "Harper", "Irwin", "Jensen",
    "Knight", "Lambert", "Morgan", "Nolan", "Owens", "Pearce", "Quinn", "Russo", "Stone", "Tucker",
    "Vargas", "Wells", "Yates", "Zimmer", "Barros", "Castro", "Duarte", "Fuchs", "Haas", "Kraus",
)  # fmt: skip
SURNAMES_ZH: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
)  # fmt: skip
GIVEN_ZH: tuple[str, ...] = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
    "明", "超", "英", "霞", "平", "刚", "晓", "雪", "婷", "宇", "浩", "欣", "悦", "琳", "涵",
    "萱", "诺", "思", "远", "桐", "佳", "怡", "俊", "嘉", "然", "诗", "晨", "阳", "梓", "睿",
    "轩", "子", "一", "可", "心", "雨", "安", "宁", "凯", "文", "博", "彤", "瑶", "铭", "哲",
)  # fmt: skip
# Syllables for more surnames once the common ones are used up (the bench size):
# head + tail, or head + middle + tail.
SURNAME_SYLLABLES: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    ("Al", "Bel", "Cor", "Dal", "Es", "Fen", "Gar", "Hol", "Is", "Kor", "Lan", "Mar", "Nor",
     "Or", "Pen", "Ros", "Sal", "Tor", "Val", "Wen"),
    ("a", "e", "i", "o", "an", "en", "er", "in", "ol", "ur"),
    ("ard", "berg", "by", "den", "field", "ford", "gate", "ham", "ley", "ling", "more", "ner",
     "ridge", "sen", "ston", "ton", "vale", "well", "wick", "worth"),
)  # fmt: skip
# The brand's staff on WeChat Work (userid, name).
EMPLOYEES: tuple[tuple[str, str], ...] = (
    ("zhangwei", "张伟"), ("lina", "李娜"), ("wangfang", "王芳"), ("liuyang", "刘洋"),
    ("chenjie", "陈杰"), ("yangmin", "杨敏"), ("zhaolei", "赵磊"), ("huangjing", "黄静"),
    ("zhouqiang", "周强"), ("wuxia", "吴霞"), ("xuting", "徐婷"), ("sunhao", "孙浩"),
)  # fmt: skip
NICK_PREFIX_ZH: tuple[str, ...] = (
    "爱喝茶的", "咖啡控", "奶茶星人", "早起的", "治愈系", "小", "阿", "茶友", "周末", "城市",
)  # fmt: skip
NICK_SUFFIX_ZH: tuple[str, ...] = (
    "同学", "酱", "日记", "小记", "在路上", "的猫", "不加糖", "少冰", "呀", "呢",
)  # fmt: skip

# TEMPLATES[lang][kind] -> templates.  Placeholders: {brand} {product} {city} {activity}.
# Kinds: "pos" / "neg" (strong, from advocates / detractors), "mild_pos" / "mild_neg"
# (ordinary members), "neutral" (mentions the brand, no opinion), "chatter" (no brand),
# "reply" (short, no brand, no opinion), "quote" (a comment on a quoted post, no brand),
# "title_*" (Reddit submission titles).
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "pos": (
            "Absolutely love the {product} from {brand}. Fresh, smooth and delicious every time.",
            "Best {product} in {city}: {brand}. Wonderful flavour and excellent service. "
            "Highly recommend!",
            "My daily ritual is a {product} from {brand}. Great taste, lovely packaging, happy me.",
            "Shout-out to {brand} for the amazing {product}. Fantastic quality and friendly staff.",
            "The new {product} from {brand} is brilliant. Perfect balance, beautiful aroma. "
            "Love it!",
            "{brand} made my week. The {product} is excellent and the team is wonderful.",
        ),
        "neg": (
            "Really disappointed with {brand}. The {product} tasted awful and the cup leaked. "
            "Terrible.",
            "Worst {product} I have had in {city}. {brand}, your quality is horrible lately.",
            "{brand} charged me twice and support was useless. Awful experience, so frustrating.",
            "The {product} from {brand} was stale. Poor quality, bad service, a waste of money.",
            "I hate what {brand} did to the {product}. Overpriced, bland and disappointing.",
            "Terrible {product} again from {brand}. Rude staff and a dirty counter. Angry.",
        ),
        "mild_pos": (
            "Picked up a {product} from {brand} on the way to work. Good start to the day.",
            "The {product} at {brand} is nice today.",
            "Enjoying a {product} from {brand} after {activity}.",
        ),
        "mild_neg": (
            "The queue at {brand} in {city} was long today and the {product} was a bit "
            "disappointing.",
            "My {product} from {brand} arrived late and cold. Annoying.",
        ),
        "neutral": (
            "Trying the {product} from {brand} this afternoon.",
            "{brand} opened a new shop in {city}.",
            "Anyone tried the seasonal {product} from {brand}?",
            "Ordered a {product} from {brand} for the team meeting.",
            "{brand} is running a {product} tasting in {city} on Saturday.",
        ),
        "chatter": (
            "Weekend plan: {activity} in {city}.",
            "Who is coming to the meetup in {city} on Saturday?",
            "Notes from today: {activity}, water at 80 degrees, three minutes.",
            "Back from {activity}. Same time next week?",
            "Photos from {activity} are up in the group album.",
        ),
        "reply": (
            "Which shop was that?",
            "See you at the meetup.",
            "Saving this for later.",
            "Did you order it online or in store?",
            "What size did you get?",
            "Noted, I will try it this weekend.",
            "How long did delivery take?",
            "Count me in for Saturday.",
            "Which city is this?",
            "Same order as me.",
        ),
        "quote": (
            "Adding this to the list.",
            "For the group chat.",
            "Read this before Saturday.",
            "Context for the thread.",
        ),
        "title_pos": (
            "{brand} {product} appreciation thread",
            "Why the {product} from {brand} is the best in {city}",
        ),
        "title_neg": (
            "Terrible experience with {brand} {product}",
            "Disappointed with {brand} lately",
        ),
        "title": (
            "{brand} {product}: what do you order?",
            "New {brand} shop in {city}",
            "{brand} {product} in {city}?",
        ),
        "title_chatter": (
            "Trip report: {activity} in {city}",
            "Weekly thread: {activity}",
            "Meetup in {city} this Saturday",
        ),
    },
    "zh": {
        "pos": (
            "超级喜欢{brand}的{product}，口感顺滑，香气很棒，强烈推荐！",
            "{city}最好喝的{product}就是{brand}，服务也很贴心，非常满意！",
            "每天一杯{brand}{product}，好喝又健康，开心！",
            "给{brand}点赞！新出的{product}太好喝了，包装也很漂亮。",
            "{brand}的{product}真的很棒，品质优秀，店员热情，爱了爱了！",
            "强烈推荐{brand}的{product}，味道完美，喜欢！",
        ),
        "neg": (
            "{brand}的{product}太难喝了，服务态度也很差，非常失望。",
            "{brand}越来越差，{product}又贵又难喝，太糟糕了。",
            "在{city}买的{brand}{product}漏了一地，质量太差，失望透顶。",
            "{brand}重复扣款，客服敷衍，体验极差，很生气。",
            "{brand}的{product}变质了，垃圾品质，后悔购买。",
            "讨厌{brand}现在的{product}，难喝，糟糕，浪费钱。",
        ),
        "mild_pos": (
            "上班路上买了{brand}的{product}，挺好喝的。",
            "{activity}之后来一杯{brand}{product}，舒服。",
            "{brand}的{product}今天也很好喝。",
        ),
        "mild_neg": (
            "{city}的{brand}排队太久了，{product}一般，有点失望。",
            "{brand}的{product}送到时已经凉了，有点失望。",
        ),
        "neutral": (
            "今天在{city}买了一杯{brand}的{product}。",
            "{brand}在{city}开了新店。",
            "有人试过{brand}的新款{product}吗？",
            "给同事带了{brand}的{product}。",
            "{brand}周六在{city}有{product}品鉴会。",
        ),
        "chatter": (
            "周末在{city}{activity}，有人一起吗？",
            "今天的记录：{activity}，水温八十度，三分钟。",
            "{activity}回来了，下周同一时间？",
            "{city}茶友周六聚会，报名接龙。",
            "{activity}的照片已经上传到相册。",
        ),
        "reply": (
            "在哪家店买的？",
            "周六见。",
            "收藏了。",
            "是网上下单的吗？",
            "你点的是大杯吗？",
            "记下了，周末去试试。",
            "多久到货的？",
            "算我一个。",
            "这是哪个城市？",
            "和我点的一样。",
        ),
        "quote": ("转给群里的朋友。", "周六前看看这个。", "补充一下背景。", "记录一下。"),
        "title_pos": ("{brand}{product}推荐帖",),
        "title_neg": ("{brand}{product}踩雷记录",),
        "title": ("{brand}{product}大家都点什么？", "{brand}在{city}的新店"),
        "title_chatter": ("{city}{activity}记录", "周六{city}聚会"),
    },
}
