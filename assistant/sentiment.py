"""Sentence sentiment, offline: VADER for Latin-script text, a small lexicon of our own for Chinese.

The only module that imports vaderSentiment.
"""

import itertools
import re
from functools import lru_cache
from typing import Any

from assistant.extractor import without_handles
from journey.text import HAN, HAN_CHAR
from journey.zh import word_bounds

# Our own Chinese sentiment lexicon (written for journeymap): word -> weight in -3..+3.
_ZH_LEXICON = {
    "喜欢": 2,
    "喜爱": 2,
    "很好": 2,
    "不错": 1.5,
    "好吃": 2,
    "方便": 1.5,
    "简单": 1,
    "满意": 2,
    "开心": 2,
    "高兴": 2,
    "惊喜": 2.5,
    "省时间": 1.5,
    "省事": 1.5,
    "好用": 2,
    "清楚": 1,
    "快": 1,
    "准时": 1.5,
    "热情": 1.5,
    # a food-delivery trial's riders: 很有礼貌, 太暖心了 read as nothing (not 好好的: "a
    # perfectly good meal, ruined" is how it is mostly said)
    "礼貌": 1.5,
    "暖心": 2,
    "友好": 1.5,
    "贴心": 2,
    "划算": 1.5,
    "实惠": 1.5,
    "推荐": 1.5,
    "靠谱": 1.5,
    "放心": 1.5,
    # embarrassed, fed up, angered (挺丢人的 after a late transfer: a banking trial)
    "丢人": -1.5,
    "丢脸": -1.5,
    "尴尬": -1,
    "难堪": -1.5,
    "憋屈": -1.5,
    "心累": -1.5,
    "气人": -2,
    "恼火": -2,
    "火大": -2,
    # reassured, feeling safe (虽然多一步但是很安心: a banking trial's praise of a fraud check)
    "安心": 1.5,
    "踏实": 1.5,
    "安全感": 1,
    "棒": 2,
    "完美": 2.5,
    "感谢": 1.5,
    "值得": 1.5,
    "新鲜": 1.5,
    "松了一口气": 1.5,
    # a Play Store and a travel trial: 界面很漂亮, 图表很直观, 价格公道, 挺实在的 read as nothing
    "漂亮": 2,
    "好看": 2,
    "直观": 1.5,
    "公道": 1.5,
    "挺实在": 1.5,
    "很实在": 1.5,
    # an online-pharmacy trial: 夜间问诊太救命了 (a lifesaver), 排队太久很劝退 (puts people off),
    # 回复都是模板 (canned replies)
    "救命": 2,
    "劝退": -2,
    "模板化": -1.5,
    "套话": -1.5,
    "生气": -2.5,
    # 你说气不气人 (a bike-share trial's relocation-fee complaint was a delight)
    "气不气人": -2.5,
    "气死": -3,
    "愤怒": -3,
    "失望": -2,
    "麻烦": -1.5,
    "难": -1,
    "困惑": -1.5,
    "不清楚": -1.5,
    "看不懂": -1.5,
    "找不到": -2,
    "太慢": -2,
    "慢": -1,
    "延迟": -1.5,
    "迟到": -1.5,
    "晚了": -1,
    "贵": -1,
    "太贵": -2,
    "不透明": -1.5,
    "隐藏": -1.5,
    "坑": -2,
    "被骗": -2.5,
    "套路": -2,
    "烦": -2,
    "烦人": -2,
    "糟糕": -2.5,
    "差": -2,
    "很差": -2.5,
    "垃圾": -3,
    "浪费": -2,
    "担心": -1.5,
    "焦虑": -2,
    "崩溃": -2.5,
    "闪退": -2,
    "卡": -1,
    "错误": -1.5,
    "问题": -1,
    "投诉": -2,
    "不满": -2,
    "无语": -2,
    "后悔": -2,
    "坏了": -2,
    "缺": -1.5,
    "少了": -1.5,
    "漏": -1.5,
    "塑料": -0.5,
    "复杂": -1.5,
    "不方便": -1.5,
    "不好": -1.5,
    "不喜欢": -2,
    "不满意": -2,
    # common in any domain, missing before (a trial's driving-school study: 骂我笨, 心里很不舒服,
    # 根本约不上, 等太久 read as nothing)
    "挺好": 1.5,
    "真好": 2,
    "太好": 2,
    "非常好": 2,
    "比较好": 1,
    "顺利": 1.5,
    "舒服": 1.5,
    "耐心": 1.5,
    "细心": 1.5,
    "专业": 1,
    "周到": 1.5,
    "干净": 1.5,
    "整洁": 1.5,
    "好评": 2,
    "赞": 1.5,
    "骂": -2,
    "受气": -2,
    "头疼": -2,
    "难受": -2,
    "委屈": -2,
    "郁闷": -2,
    "无奈": -1.5,
    "遗憾": -1.5,
    "可惜": -1,
    "不耐烦": -2,
    "态度差": -2.5,
    "差评": -2.5,
    "难吃": -2.5,
    "脏": -2,
    "吵": -1.5,
    "约不上": -2,
    "约不到": -2,
    "抢不到": -2,
    "排不上": -2,
    "太久": -2,
    # common words of praise and blame in reviews of any business (a hotel trial: 超值, 加分项,
    # 人特别好, 性价比很高 read as nothing; 很难得 as 难 "hard")
    "超时": -2,
    "洒了": -2,
    "撒了": -2,
    "离谱": -2,
    "踢皮球": -2,
    "不负责": -2,
    "很负责": 2,
    "太暖": 2,
    "超值": 2,
    "满分": 2,
    "点赞": 1.5,
    "加分": 1.5,
    "难得": 1.5,
    "难忘": 1.5,
    "特别好": 2,
    "超好": 2,
    "性价比高": 2,
    "性价比很高": 2,
    "性价比低": -1.5,
    "还会再来": 2,
    "会再来": 1.5,
    "还会再住": 2,
    "回头客": 1.5,
    "给力": 1.5,
    "优秀": 1.5,
    "舒适": 1.5,
    "温馨": 1.5,
    "宽敞": 1.5,
    "亲切": 1.5,
    "安静": 1,
    "及时": 1,
    "异味": -1.5,
    "霉味": -2,
    "嘈杂": -1.5,
    "冷漠": -2,
    "敷衍": -2,
    "推诿": -2,
    "扯皮": -2,
    "😍": 2,
    "👍": 1.5,
    "❤️": 1.5,
    "😊": 1.5,
    "😡": -2.5,
    "😤": -2,
    "👎": -2,
    "拖": -1,
    "退不了": -2,
    "欺骗": -2.5,
    "乱收费": -2.5,
    "不行": -1.5,
    "机器人": -0.5,
    "等了": -1,
    "白等": -2,
    "故意": -1.5,
    "取消不了": -2.5,
    "退款": -0.5,
    # an online-tutoring and a shopping trial: praise of a price, of care and of sturdiness read
    # as nothing; fake reviews (刷好评) as praise; a lag, a dropped class, a missing reminder and
    # a lukewarm 一般 as nothing; a lag said to be rare (很少卡, 不算严重) as a complaint
    "便宜": 1.5,
    "用心": 1.5,
    "结实": 1.5,
    "完好无损": 2,
    "完好": 1.5,
    "流畅": 1.5,
    "稳定": 1,
    "愿意": 1,
    "刷好评": -2,
    "刷单": -2,
    "好评返现": -2,
    "刷出来": -2,
    "不能信": -2,
    "不可信": -2,
    "没提醒": -1.5,
    "没有提醒": -1.5,
    "没通知": -1.5,
    "没有通知": -1.5,
    "卡顿": -2,
    "掉线": -2,
    "黑屏": -2,
    "频繁": -1,
    "骚扰": -2,
    "轰炸": -2,
    "不符": -2,
    "一般": -0.5,
    "很少卡": 0.5,
    "基本不卡": 1,
    "不卡": 1,
    "不算严重": 0.5,
    "还算稳定": 1,
    # a banking trial: praise said as a comparison (比那些银行App强多了) or a glance (一目了然)
    # read as nothing; being sold to (推销太多了, 满屏都是理财广告) as praise of 推荐
    "一目了然": 1.5,
    "强多了": 2,
    "好多了": 1.5,
    "方便多了": 2,
    "快多了": 1.5,
    "推销": -1.5,
    "太多了": -1,
    "满屏": -1.5,
    "弹窗": -1,
    "广告": -0.5,
    "没人理": -2,
    "不理人": -2,
    "没人管": -2,
    "没人回": -2,
    "不回复": -1.5,
    "没回复": -1.5,
    "没人接": -2,
    # a hospital trial: a patient doctor (不着急, 不催, 慢慢讲) read as frustration, running
    # between floors to pay (来回跑, 跑了四五趟, 腿都跑软了) as nothing
    "着急": -1,
    "催": -1,
    "真的好": 2,
    "来回跑": -1.5,
    "跑好几趟": -1.5,
    "跑了好几趟": -1.5,
    "跑软了": -1.5,
    "很累": -1.5,
    "好累": -1.5,
    # a trial's 1-star "这个准时宝就是个笑话"; "现在已经开始用别家了": gone to a competitor
    "笑话": -2,
    "别家": -1.5,
    # a bank-app trial: face scans that failed seven or eight times read as nothing
    "失败": -2,
    "没检测到": -1.5,
    "检测不到": -1.5,
    "识别不了": -2,
    "识别不出": -2,
    "收不到": -2,
    # an online-course trial: a problem denied (视频播放没什么问题) read as a complaint, through
    # 问题; praise of teaching (老师是真的厉害, 讲课很有条理, 听完就能上手, 最值的地方) and of a
    # group that kept people going (互相督促, 坚持下来了) as nothing; a video that loads forever,
    # buffers and blurs (加载半天, 缓冲, 很糊, 看不清, 没法学) as nothing
    "没问题": 1,
    "没有问题": 1,
    "没什么问题": 1,
    "没啥问题": 1,
    "没遇到什么问题": 1,
    "没出过问题": 1,
    "没毛病": 1,
    "不是问题": 0.5,
    "厉害": 1.5,
    "有条理": 1.5,
    "上手": 1,
    "实用": 1.5,
    "最值": 1.5,
    "很值": 1.5,
    "挺值": 1.5,
    "督促": 1,
    "坚持下来": 1.5,
    "活跃": 1,
    "半天": -1,
    "缓冲": -1.5,
    "转圈": -1.5,
    "很糊": -1.5,
    "模糊": -1,
    "看不清": -1.5,
    "没法": -1.5,
    "最好的": 2,  # the best (学习群是我觉得最好的部分), not 最好 "had better"
    "最好用": 2,
    "最好吃": 2,
    "打不开": -2,
    "开不了": -2,
    "难题": 0,  # a problem talked over (分享自己遇到的管理难题), not a hard time: not 难
    # a food-delivery trial: 十一点半点的饭，一点多才送到，饭菜都凉了 read as praise (吃饭准时)
    "才送到": -1.5,
    "才送来": -1.5,
    "都凉了": -2,
    "已经凉了": -2,
    "凉透": -2,
    "吃饭准时": 0,
    # ... and its fees: 配送费打包费越来越高 read as nothing
    "越来越贵": -1.5,
    "费越来越高": -1.5,
    "费越来越多": -1.5,
    "价格越来越高": -1.5,
}
_ZH_NEGATIONS = (
    "不",
    "没",
    "没有",
    "别",
    "未",
    "无",
    # not very, not so (地点不是很难找 "not hard to find", 不是那么方便 "not that handy")
    "不是",
    "不是特别",
    "不是非常",
    "不是那么",
    "不怎么",
    "不那么",
    # with its object between (这里也没让我失望 "did not disappoint me")
    "没让我",
    "没有让我",
    "没让人",
    "不让人",
    "不会让人",
)
_ZH_NEGATION_REACH = 1 + max(map(len, _ZH_NEGATIONS))
"""How far before a word a negation is looked for: its own length and one character more."""
_ZH_HOUR_PARTS = (("时间", "天"), ("", "已经"), ("", "很", "太", "比较", "有点"))
"""The hour said to be late (时间很晚了 "it was late at night", 天已经晚了): no lateness."""
ZH_THE_HOUR = "".join(
    f"(?:{'|'.join(filter(None, part))}){'?' if '' in part else ''}" for part in _ZH_HOUR_PARTS
)
ZH_NOT_THE_HOUR = "".join(f"(?<!{''.join(p)})" for p in itertools.product(*_ZH_HOUR_PARTS))
"""Before 晚: not the hour (`ZH_THE_HOUR`), as fixed-width look-behinds for the cues."""
_ZH_NEUTRAL = re.compile(
    # words that hold a negation's character without negating (特别好用 is praise: 别 is no
    # "don't" in it, but 不是特别满意 is "not satisfied": 不是特别 is kept whole; 不过 "but",
    # 不仅 "not only", 无比 "incomparably") or 差 without "bad"
    # (还差几个学时 "a few hours to go", 差不多 "about", 差点 "nearly", 出差 "a business trip")
    r"(?<!不是)特别(?!好)|分别|区别|差别|个别|别人|别的|级别|类别|告别|无比|无论|不过|不仅|不但|不少|不管|不论|"
    r"不得不|不停|还差|只差|相差|差不多|差点|出差|差几|差一|"
    # the hour, not lateness: 时间很晚了 "it was late (at night)", 天已经晚了
    rf"{ZH_THE_HOUR}晚了|"
    # 快 "nearly" before a count (排了快两个月: nearly two months), and the courier (快递)
    r"快(?=[一二两三四五六七八九十几半百\d])|快递|慢慢(?!等)|"
    # being recommended to (推荐我买, 推荐位) is no recommendation
    r"推荐(?=我|位|给我)|给我推荐|"
    # rubbish carried, not rubbish service: 还帮我把垃圾带下去了
    r"(?:把|扔|倒|带|收|捡)了?垃圾|垃圾(?=袋|桶|分类|带)|"
    # an apology made (跟我说不好意思久等了), not "not good"; no apology at all (连个不好意思都没有)
    # stays a complaint
    r"说了?声?不好意思|"
    # the speaker's own "excuse me" (不好意思啊我先接个电话), not "not good"
    r"(?<![个连])不好意思(?=[啊呀哈，,。！!、…\s]|$)|"
    # a card, not a lag (卡 is 卡顿 "it lags"): 信用卡, 银行卡, 工资卡, 卡号 in a banking study
    r"(?:信用|银行|储蓄|工资|会员|借记|贷记|社保|医保|身份|电话|手机|公交|校园|饭|购物|礼品|积分|"
    r"[Ss][Ii][Mm]|双|打|刷|贺|磁|房)卡|卡(?=号|片|包|券|套|友|内|里的钱|上的钱)|"
    # a card applied for (本科入学的时候办的卡), not a lag
    r"办(?:了|的|过|张|一张|了一张)?卡|"
    # "any (more) questions?", asked, not a problem (哎，要登机了，还有问题吗)
    r"(?:还有|有没有|有什么)(?:别的|其他|什么)?问题(?=吗|么|没有|[？?])"
)
MAX_SENTIMENT_CHARS = 2000


# VADER was built from social-media posts. In speech and in customer conversations some of its
# positive words are not praise: discourse markers ("honestly", "to be honest", "well,", an
# opening "Yeah,", "like" as a filler or a comparison: "it came at, like, nine", "it felt like
# going in circles"), intensifiers ("definitely"), size ("the ice packs were huge"), a yes that
# confirms an answer ("Chicken katsu, yes."), requests ("please"), exclamations ("oh my god")
# and the names of things ("customer support", "a friend from my yoga class", the "Help"
# button), "giving" ("it kept giving me links to the FAQ") and "a good twenty minutes" (a
# full twenty). They are read as neutral. "like" the verb ("I like it") and an opening "Yes,"
# (in a think-aloud session often a task that worked) keep their weight.
_NUMBER = r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty)"
BODY = (
    "back|chest|neck|knee|joint|stomach|tooth|ear|leg|arm|shoulder|hip|period|nerve|muscle|"
    "chronic|pelvic|abdominal|lower back|foot|wrist|head"
)
"""Where pain is a symptom ("my back pain"), not a complaint."""
SYMPTOM_PAIN = (
    r"(?:my|her|his|their|your) pains?\b|in (?:so much |a lot of |constant |less |more )?pain\b|"
    r"pain ?(?:scores?|levels?|lines?|scales?|diary|chart|graph|ratings?|flares?)\b|"
    r"(?<=the )pain(?= (?:went|got|was|is|has|had|came|comes|goes|eased|dropped|stopped)\b)"
)
"""Pain a patient feels, told as such ("my pain score", "in a lot of pain", "the pain went
down"): a symptom, not a verdict on the service ("it's a pain to cancel" still is one)."""
_FOR_ONE = "|".join(rf"(?<=\bfor {who} )" for who in ("him", "her", "them", "that", "this", "it"))
"""Before "alone" meaning "solely" ("Five stars for him alone."): a look-behind per word."""
TRUST_LESS = r"(?:them|it|him|her|you|the \w+) less\b"
"""What follows "trust" when trust is lessened ("It made me trust them less"): no praise here,
a difficulty in `cues.DIFFICULTY`."""
_SPOKEN = re.compile(
    r"\b(?:honestly|to be honest|definitely|certainly|huge|yep|yup|please|(?:oh )?my god|god|"
    r"support|friends?|customer care|credit card|giving|help|well(?=,)|(?<![\w,] )yeah(?=,)|"
    # a think-aloud's "Okay, payment page.": where one is, not a verdict on it
    r"^\W*(?:okay|ok|alright|all right)(?=,|\s+(?:so|now|then|let's|let me)\b)|"
    r"(?<=, )like|like(?=,)|(?<=felt )like|(?<=feel )like|(?<=feels )like|"
    # "left it like that", "Like they were trying it on": a comparison, not liking
    r"(?<=\bit )like(?= (?:that|this)\b)|(?<=\bthem )like(?= (?:that|this)\b)|"
    # "Been like this since the last update": how it is, not liking
    r"(?<=\bbeen )like(?= (?:that|this)\b)|(?<=\bwas )like(?= (?:that|this)\b)|"
    # laughter in a conversation ("I've moaned enough, haha.") and a coincidence ("the pancakes
    # are ready, perfect timing"): no verdict on anything
    r"haha+|hehe+|perfect timing|"
    # a belief held, not praise: "They bill customers for wear that was already there, I'm
    # convinced of it." (a car-hire trial's delight)
    r"(?:i'?m|i am|i was|we'?re|we are|we were) (?:\w+ )?convinced|"
    # what was wished for and not had: "I'd have liked an estimate before they started, nobody
    # gave me one." (a vet-clinic trial's delight)
    r"(?:would|'d|should|could) (?:have|'ve) (?:liked|loved|appreciated|preferred)|"
    r"would'?ve (?:liked|loved|appreciated|preferred)|"
    # trust lessened is no trust ("It made me trust them less": a gym trial's delight)
    rf"trust(?= {TRUST_LESS})|"
    # "dead easy", "dead simple": very, not death (a gym trial's "it was dead easy" read 0)
    r"dead(?= (?:easy|simple|quick|good|handy|friendly|nice|comfy|comfortable)\b)|"
    # a feature that wins people over: "the killer feature", "a killer app"
    r"killer(?= (?:feature|app|combo|deal))|"
    r"^\W*like(?= (?:they|he|she|we|you|i|someone|somebody)\b)|"
    # after a copula it compares or quotes, never likes: "it's like everyone on the street is
    # sharing a straw", "he was like, no" (a broadband trial's delights); and "Like being
    # bounced around a pinball machine."
    r"(?<='s )like|(?<=\bis )like|(?<=\bwas )like|(?<=\bwere )like|(?<=\bare )like|"
    r"^\W*like(?= (?:being|having|getting|talking|trying|waiting|pulling|banging|shouting)\b)|"
    # a comparison ("it's more like dial-up") and a promise, not an experience ("so that
    # sounded ideal", "it looked great on paper")
    r"(?<=more )like|(?:so |which )?(?:that |it )?(?:sounded|seemed) "
    r"(?:so |really |pretty |just )?(?:ideal|great|good|perfect|amazing|brilliant|"
    r"like a (?:good|great) deal)|"
    r"(?:looked|looks|seemed|sounded) (?:so |really |pretty )?(?:great|good|perfect|ideal) "
    r"on paper|"
    # an intensifier, not a looks word: "Pretty fed up, to be honest."
    r"pretty(?= \w)|"
    # a kind of thing, not a gift or a verdict: "some free weights", "in my free time",
    # "gluten-free"; a body part that hurts is what someone has, not what they think of the
    # service ("he remembers if you've had a bad knee": praise of a trainer)
    rf"free(?= (?:weights?|time|period)\b)|(?<=[a-z]-)free|bad(?= (?:{BODY})s?\b)|"
    # trust taken away is no praise of trust: "It really knocked my trust."
    r"(?:knocked|shook|shaken|lost|damaged|broke|destroyed) (?:my |our |all |any |their )?"
    r"(?:trust|faith|confidence)|"
    rf"like(?= (?:{_NUMBER}|half|a few|a couple|about|around))|"
    rf"(?<=\ba )good(?= (?:{_NUMBER}|few|couple|half|hour|while))|"
    r"(?:yes|yeah)(?=[.!]?\s*$)|"
    # "solely", not lonely: "Five stars for him alone."
    rf"(?:{_FOR_ONE})alone|"
    # an acceptance and a noun: "So I thought, fine, four people, three meals", "a welcome
    # email with the delivery day" (a think-aloud's "Yes, ..." is often a task done: kept)
    r"(?<=, )fine(?=, )|"
    r"welcome(?= (?:email|e-mail|thing|pack|message|screen|letter|offer|gift|call|kit|page|bonus|"
    r"discount|deal|rate|price|period|"
    r"video|tour|note|mail|pop-up|popup)s?\b)|"
    # no complaint: "Nothing wrong with it."
    r"(?<=a )joke|joke(?= of)|"
    r"(?:nobody|no one|no-one|none of us) (?:was|were|got) (?:\w+ )?(?:hurt|injured|harmed)|"
    # loyalty: "Coach Jordan is the reason I've stuck with this."
    r"stuck (?=with|around|at it)|stick (?=with)|"
    r"nothing (?:wrong|bad)|(?:no|zero|not (?:a single|one|any)|without (?:any |a )?)"
    r" ?(?:complaints?|issues?|problems?|trouble|hassle|hiccups?)|"
    # pain as a symptom is what a patient came about, not a verdict on the service
    rf"(?:{BODY}) pains?|pain ?(?:killers?|relief|management|clinic|medication)|"
    # a patient's pain is what they came about: "my pain score", "the pain line going down"
    rf"{SYMPTOM_PAIN})\b"
    # A short quotation names a label or repeats what someone said (I'd look for "Help";
    # it said "applied"): it is not the speaker's own verdict.
    r'|["\u201c\u300c](?:[^"\u201c\u201d\u300c\u300d\s]+\s?){1,4}["\u201d\u300d]',
    re.I,
)


def spoken_neutral(text: str) -> str:
    """`text` with VADER's spoken false friends blanked (same length: cue positions hold)."""
    return _SPOKEN.sub(lambda m: " " * len(m.group()), text)


# Our own lexicon of common evaluative words in Spanish, Portuguese, French, German and Italian
# (written for journeymap), on VADER's scale: a Play Store trial's Spanish and Portuguese
# five-star reviews read 0 ("Ótimo aplicativo, recomendo.") and gave no finding at all, so
# those users seemed only to complain. Words that are also English words with another sense
# (toll, gut, facile, content, caro, lent) are left out.
_LATIN_LEXICON = {
    # Spanish
    "excelente": 3.0, "genial": 2.5, "bueno": 1.9, "buena": 1.9, "buenísimo": 2.8,
    "buenísima": 2.8, "perfecto": 2.7, "perfecta": 2.7, "encanta": 2.8, "encantó": 2.8,
    "encantado": 2.5, "encantada": 2.5, "fácil": 1.5, "rápido": 1.3, "rápida": 1.3,
    "útil": 1.8, "recomiendo": 2.0, "recomendable": 2.0, "maravilloso": 2.8,
    "maravillosa": 2.8, "increíble": 2.5, "precioso": 2.3, "preciosa": 2.3, "preciosos": 2.3,
    "bonito": 2.0, "bonita": 2.0, "contento": 2.0, "contenta": 2.0, "amable": 2.0,
    "gracias": 1.5, "funciona": 1.0, "funcionaba": 1.0, "malo": -2.0, "mala": -2.0,
    "pésimo": -3.0, "pésima": -3.0, "horrible": -2.8, "terrible": -2.8, "lento": -1.5,
    "lenta": -1.5, "difícil": -1.5, "fallo": -1.8, "falla": -1.8, "fallos": -1.8,
    "problema": -1.5, "problemas": -1.5, "odio": -2.8, "decepción": -2.3,
    "decepcionado": -2.3, "decepcionada": -2.3, "molesto": -2.0, "frustrante": -2.3,
    "inútil": -2.3, "basura": -2.8, "estafa": -3.0, "carísimo": -2.0, "cobran": -1.0,
    # Portuguese
    "ótimo": 2.8, "ótima": 2.8, "bom": 1.9, "boa": 1.9, "adoro": 2.8, "adorei": 2.8,
    "amei": 2.8, "recomendo": 2.0, "perfeito": 2.7, "perfeita": 2.7, "lindo": 2.3,
    "linda": 2.3, "maravilhoso": 2.8, "maravilhosa": 2.8, "incrível": 2.5, "fácil de": 1.5,
    "péssimo": -3.0, "péssima": -3.0, "ruim": -2.0, "horrível": -2.8, "difícil de": -1.5,
    "erro": -1.5, "erros": -1.5, "falha": -1.8, "falhas": -1.8, "decepcionante": -2.3,
    "travando": -1.8, "trava": -1.5, "lixo": -2.8, "caríssimo": -2.0,
    # French
    "génial": 2.5, "géniale": 2.5, "parfaite": 2.7, "rapide": 1.3, "utile": 1.8,
    "magnifique": 2.8, "merveilleux": 2.8, "contente": 2.0, "recommande": 2.0, "bien": 1.5,
    "formidable": 2.5, "pratique": 1.5, "nul": -2.5, "nulle": -2.5, "mauvais": -2.0,
    "mauvaise": -2.0, "lente": -1.5, "erreur": -1.5, "erreurs": -1.5, "panne": -1.8,
    "déçu": -2.3, "déçue": -2.3, "décevant": -2.3, "arnaque": -3.0, "inutile": -2.3,
    "énervant": -2.0, "catastrophique": -2.8,
    # German
    "ausgezeichnet": 3.0, "gute": 1.9, "guter": 1.9, "perfekt": 2.7, "schnell": 1.3,
    "nützlich": 1.8, "empfehlen": 2.0, "empfehlenswert": 2.5, "wunderbar": 2.8, "schön": 2.0,
    "zufrieden": 2.0, "freundlich": 2.0, "hilfreich": 1.8, "einfach zu": 1.5,
    "schlecht": -2.0, "schlechte": -2.0, "schlimm": -2.3, "schrecklich": -2.8,
    "furchtbar": -2.8, "langsam": -1.5, "teuer": -1.3, "schwierig": -1.5, "fehler": -1.5,
    "absturz": -2.0, "stürzt": -2.0, "enttäuscht": -2.3, "enttäuschend": -2.3,
    "nervig": -2.0, "ärgerlich": -2.0, "nutzlos": -2.3, "katastrophe": -2.8,
    # Italian
    "ottimo": 2.8, "ottima": 2.8, "eccellente": 3.0, "bellissimo": 2.8, "bellissima": 2.8,
    "perfetto": 2.7, "perfetta": 2.7, "veloce": 1.3, "consigliato": 2.0, "fantastico": 2.8,
    "pessimo": -3.0, "pessima": -3.0, "brutto": -2.0, "brutta": -2.0, "errore": -1.5,
    "deluso": -2.3, "delusa": -2.3, "lentissimo": -2.0,
}  # fmt: skip
_ENGLISH_LEXICON = {
    # informal British and spoken words VADER does not know (a gym trial: "Absolutely rammed.",
    # "always something knackered", "It was an ordeal.", "Spotless." all read 0)
    "rammed": -1.8, "heaving": -1.5, "knackered": -1.5, "ordeal": -2.2, "shambles": -2.5,
    "shambolic": -2.5, "spotless": 2.2, "immaculate": 2.2, "faultless": 2.5, "decent": 1.2,
    "soured": -1.8, "dial-up": -1.5,
    # words VADER scores that say nothing of how it went ("either post it or hand it in",
    # "you join the waitlist and you're number three" were delights of a gym study)
    "hand": 0.0, "join": 0.0, "number": 0.0,
}  # fmt: skip
_LATIN_BOOSTERS = ("muy", "muito", "très", "sehr", "molto", "tão")
"""Their intensifiers. Their negations are not added: VADER negates the three words before a
sentiment word, and German puts "nicht" after it ("funktioniert nicht"), so "Nicht gut,
stürzt ständig ab" read as praise."""
_GERMAN = re.compile(r"\b(?:der|das|und|ist|nicht|sehr|mit|ich|auch|aber|wir|sie)\b", re.I)
"""German function words: two of them, and "die" is an article, not VADER's -2.9 verb."""


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment import vaderSentiment as vader

    analyzer = vader.SentimentIntensityAnalyzer()
    analyzer.lexicon.update({w: v for w, v in _LATIN_LEXICON.items() if " " not in w})
    analyzer.lexicon.update(_ENGLISH_LEXICON)
    for word in _LATIN_BOOSTERS:
        vader.BOOSTER_DICT.setdefault(word, vader.B_INCR)
    return analyzer


_ZH_CONTRAST = re.compile(r"但是|可是|不过|只是|然而|但(?!凡)")
"""A turn in a Chinese sentence (老师是不错，但是换得太频繁了): what follows it weighs more."""


_ZH_LONGEST_FIRST = sorted(_ZH_LEXICON, key=len, reverse=True)
"""The lexicon's words, longest first (so 很好吃 is read before 好吃), sorted once."""


_ZH_CONTENT = re.compile(rf"[{HAN}]{{3}}")
"""Words enough after a turn to be a point of their own (分量少; not 但很香's lone adjective)."""


ZH_AT_FIRST = "一开始|刚开始|开始的时候|起初|最初|起先|刚用的时候"
"""How things were at first, in Chinese (一开始觉得烦，后来…): a before that a later clause or
sentence turns from (here, and `cues.PAST_STATE`)."""
_ZH_THEN_NOW = re.compile(rf"(?:以前|之前|原来|本来|曾经|{ZH_AT_FIRST}).+?(现在|如今|后来)")
"""Then and now: 以前真的很喜欢这个app，现在已经开始用别家了 is about now, and so is 一开始觉得烦，
后来觉得这个挺好 (first annoyed, then won over)."""


def _chinese(text: str) -> float:
    turns = list(_ZH_CONTRAST.finditer(text))
    if not turns and (then := _ZH_THEN_NOW.search(text)):
        now = _chinese_score(text[then.start(1) :])
        if now:
            return max(-1.0, min(1.0, now / 4))
    if turns:
        before, after = (
            _chinese_score(text[: turns[-1].start()]),
            _chinese_score(text[turns[-1].end() :]),
        )
        if before * after < 0:  # conceded, then taken back (or the reverse): as VADER weighs "but"
            return max(-1.0, min(1.0, (0.5 * before + 1.5 * after) / 4))
        if before > 0 and not after and _ZH_CONTENT.search(text[turns[-1].end() :]):
            # praise conceded before a turn to words the lexicon cannot read (价格便宜，但是分量
            # 少; 看起来很便宜，但一周到底要花多少钱，要自己算): the point is what follows the
            # turn, so the praise is no reading of the sentence
            return 0.0
    return max(-1.0, min(1.0, _chinese_score(text) / 4))


_ZH_NO_NEED = re.compile(
    r"不用(?:我|再|我再|专门|特意|每次|每个月|自己)?(?:跑|排队|等|担心|操心|惦记|折腾|去|打印|带)"
)
"""No need to run, queue, wait or worry (不用排队打印, 不用我再跑一趟): a burden lifted."""
_ZH_TRIPS = re.compile(r"跑了?(?:大概|将近|差不多|足足)?[一二两三四五六七八九十几]+趟")
"""Trips counted (楼上楼下跑了大概四五趟): running around is the complaint."""


def _chinese_score(text: str) -> float:
    score = 0.0
    text = _ZH_NEUTRAL.sub(lambda m: "　" * len(m.group()), text)
    for pattern, weight in ((_ZH_NO_NEED, 1.5), (_ZH_TRIPS, -1.5)):
        score += weight * len(pattern.findall(text))
        text = pattern.sub(lambda m: "　" * len(m.group()), text)
    bounds: frozenset[int] | None = None
    for word in _ZH_LONGEST_FIRST:
        start = 0
        while (at := text.find(word, start)) >= 0:
            if bounds is None:
                bounds = word_bounds(text)
            end = at + len(word)
            if at not in bounds and end not in bounds and any(at < b < end for b in bounds):
                # it straddles two words: 一周到底 is 一周 / 到底, not 周到 "thoughtful"
                start = at + 1
                continue
            weight = _ZH_LEXICON[word]
            # a negation just before the word or one character before it: 不清楚, 没写清楚,
            # 不太方便, 不是很难找 (not 没想到很好吃: "didn't expect it to be good")
            before = text[max(0, at - _ZH_NEGATION_REACH) : at]
            if any(n in before[-1 - len(n) :] for n in _ZH_NEGATIONS):
                # not good is bad; not rushed (不着急), not slow (不慢), not dear (不贵) is
                # mildly good
                weight = -weight * (0.8 if weight > 0 else 0.5)
            score += weight
            # Blank the match so shorter words inside it do not count again.
            text = text[:at] + "　" * len(word) + text[at + len(word) :]
            start = at + len(word)
    return score


def sentiment(text: str) -> float:
    """Polarity of a sentence from -1 (negative) to +1 (positive).

    @handles and links are left out: they name accounts, not feelings (VADER alone scores
    "@united" +0.42, which made every complaint to that airline read as praise)."""
    # VADER's time grows faster than the text (every word looks back and ahead): a whole long
    # review is read by its start, as the embedder reads it (a sentence is at most 1,000).
    text = without_handles(text[:MAX_SENTIMENT_CHARS])
    if len(HAN_CHAR.findall(text)) > 0.3 * max(1, len(text.replace(" ", ""))):
        return _chinese(text)
    if len({m.group().lower() for m in _GERMAN.finditer(text)}) >= 2:
        text = re.sub(r"\b[Dd]ie\b", "   ", text)
    return float(_vader().polarity_scores(spoken_neutral(text))["compound"])
