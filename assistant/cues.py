"""Cue phrases (English and Chinese) for what a sentence says: written for journeymap.

Each cue family is one regular expression; `negated` tells whether a positive cue is negated.
"""

import re
from collections import Counter
from collections.abc import Sequence

from assistant.sentiment import BODY, SYMPTOM_PAIN, TRUST_LESS, ZH_AT_FIRST, ZH_NOT_THE_HOUR
from journey.schema import TouchpointType
from journey.text import HAN_CHAR

_I = re.IGNORECASE

CONFUSION = re.compile(
    r"\b(confus\w*|unclear|not (?:\w+ )?clear|not (?:\w+ )?sure|unsure|don'?t (?:really )?know|"
    r"do not know|didn'?t know|no idea|not obvious|wasn'?t obvious|doesn'?t make sense|"
    r"what (?:does|do|is) (?:\w+ ){0,4}mean|what'?s (?:this|that)|"
    r"(?:i'?m|i am) lost|misleading|ambiguous|no clue|wondering what|where (?:do|can) i|"
    r"how do i|which one|not self.?explanatory|i thought it would|"
    # nobody ever explained it (a gym trial's "Nobody's ever explained how it works" was praise)
    r"(?:nobody|no one|no-one|never)(?:'s| has| had| ever)* (?:ever )?(?:explained|showed|shown))\b"
    # not "who knows how many times" (不知道是第几次来了: a regular's praise)
    r"|不清楚|不明白|看不懂|不懂|困惑|搞不清|不知道(?!是?第?(?:几|多少)次|(?:来|去|吃|买|用|点|住)(?:了|过)?(?:几|多少)(?:次|回|趟))|什么意思|在哪",
    _I,
)
DROPS = (
    r"keeps? (?:on )?(?:cutting out|dropping(?: out)?|disconnecting|going (?:off|down|offline|"
    r"dead)|timing out|dying)|"
    r"(?:connection|internet|wi-?fi|signal|line|network|broadband|service|call|stream|video|"
    r"feed|sync|app|site|website|tv) (?:\w+ ){0,2}?(?:drops|dropped|cuts out|cut out|goes off|"
    r"went off|goes down|went down|goes dead|went dead|dies|died|disconnects|disconnected)|"
    r"(?:drops|dropped|dropping|cuts|cutting) out(?! of)|(?:goes|went|going) offline"
)
"""A connection or service that drops, said as what it does (a broadband trial's widest pain,
"It keeps cutting out.", "The connection drops out at random.", read as nothing and, as no
kind of problem, titled by a speed complaint beside it): a difficulty and a failure."""
ZH_DROPS = r"断网|掉线|断线|时有时无|连不上"
PRICE_RISE = (
    r"(?:price|fee|rate|cost|bill|membership|subscription|premium|tariff|payment|charge)s? "
    r"(?:\w+ ){0,3}(?:went|has gone|have gone|had gone|goes|going|gone|crept|creeping|creeps|"
    r"shot|keeps? going|kept going) up|price (?:rise|jump|hike|increase|adjustment)s?|"
    r"rais(?:e|ed|es|ing) (?:my |the |our |their |its )?"
    r"(?:price|fee|rate|membership|subscription|premium|bill)s?|"
    # the sum it rose to or by: "it jumped to forty-four", "went up by nine pounds" (money, not
    # a score: "my credit score rose to 700")
    r"(?:jumped|jumps|shot up|crept up|doubled|tripled) (?:to|by) (?:about |nearly |almost |over "
    r"|another |around )?(?:[£$€¥]|\d|a (?:fiver|tenner|third|quarter)|half|(?:five|six|seven|"
    r"eight|nine|ten|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b)|"
    r"(?:went up|gone up|goes up|rose|increased) (?:to|by) (?:about |nearly |almost |over "
    r"|another |around )?(?:[£$€¥]|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"fifteen|twenty|thirty|forty|fifty)(?:[-.\w]*)? ?(?:pounds?|quid|dollars?|bucks|euros?|"
    r"%|percent|per cent|a month|a year)|a (?:fiver|tenner|third|quarter)|half)"
)
"""A price raised, said without a word of blame ("The cost has crept up.", "My bill went up by
nine pounds in April.", "an annual price adjustment"): a broadband trial's second-widest pain
read as nothing."""
ZH_PRICE_RISE = (
    r"涨价|提价|(?:费|价|钱|租|续约|续租)[^，。！？,!?]{0,6}涨|越来越贵|变贵|贵了(?:很多|不少|好多|一倍|一半)|"
    r"涨了(?:[一二两三四五六七八九十百千万几\d]+|好多|不少|一大截)"
)
"""涨价了, 会员费从一百八涨到了两百五, 越来越贵, 续约直接涨了四百."""
IF_TROUBLE = re.compile(
    r"\b(?:(?:when|whenever|if|in case|each time|every time|any ?time)(?: there'?s| there is|"
    r" there are| there was| i have| i had| you have| i'?ve got| i get| we have)?"
    r"(?: a| an| any| some)? (?:\w+ )?(?:issues?|problems?|faults?|outages?|glitch(?:es)?|"
    r"hiccups?|quer(?:y|ies))\b(?: (?:in|with) (?:my|the|your|our) \w+)?|"
    r"(?:if|when|whenever) (?:something|anything|things?) (?:goes|go|went) wrong|"
    r"(?:any )?(?:faults?|outages?|issues?|problems?) in (?:my|your|our|the)"
    r" (?:area|street|postcode|region|town))\b"
    r"|(?:有|遇到|出了?)(?:什么|点)?(?:问题|故障)(?:的时候|时|了就)|(?:万一|一旦|如果|要是)(?:有|出|遇到)?了?"
    r"(?:什么|点)?(?:问题|故障)",
    _I,
)
"""Trouble supposed, not had: "I like that the app pings me when there's an issue in my area",
"If anything goes wrong, you just message them", 有问题的时候客服回得很快 (a broadband trial's
fault alerts, its third delight, read as pain points of severity 4). What follows says how the
trouble is met; only that is read."""
_NOT_SYMPTOM = "".join(f"(?<!{part} )" for part in BODY.split("|"))
"""Not pain as a symptom ("my back pain", "chest pain"): a lookbehind per body word."""
_FREEZE = r"freez(?:e|es|ing)(?! (?:a|my|the|your|our|their) (?:\w+ )?(?:card|account)s?)"
"""A screen that freezes, not a card frozen on purpose ("freeze a card instantly" is praise)."""
ZH_STILL_NOT = (
    r"(?:[一二两三四五六七八九十几]+来?|十来|好几|半)个?(?:天|周|星期|礼拜|月)(?:了|多)?[^。！？!?]{0,8}?"
    r"(?:还没|都没|没人|还不|还是没|才)"
)
"""Days or weeks gone by and still nothing (作业交了十来天都没人批, 申请三周了钱还没到账): a
course trial's longest waits read as severity 1."""
DIFFICULTY = re.compile(
    # not "can't really comment" (a review yet to claim on its insurance)
    r"\b(hard|difficult\w*|struggl\w*|(?:can'?t|cannot)(?! (?:really )?comment\b| wait\b)|"
    r"couldn'?t|could not|unable|"
    # trust lost, and being ignored said as an image ("It made me trust them less", "like
    # shouting into a void": a gym trial's delights)
    rf"trust {TRUST_LESS}|(?:lost|losing|lose) (?:my |all |any |our )?"
    r"(?:trust|faith)|(?:shouting|talking|screaming) (?:in)?to (?:a|the) (?:void|brick wall|wall)|"
    r"stuck(?! (?:with|around|to|at it))|"  # "the reason I've stuck with this" is loyalty
    r"took (?:me )?(?:a while|ages|forever|long|some time)|"
    r"took (?:me |us |them )?(?:over |nearly |almost )?(?:a|an|a whole|a full|two|three|four|"
    r"five|six|several|\d+) (?:weeks?|days?|months?|hours?)|too (?:many|much|long|small|slow|"
    r"complicated|complex|busy|fast|quick(?:ly)?|steep|soon|early|late|loud|quiet|short|big|"
    r"advanced|intense|aggressive|expensive|pricey)|complicated|complex|cumbersome|tedious|"
    r"overwhelm\w*|"
    # it worked once and broke: "Worked fine before the OS update."
    r"worked (?:fine|well|great|perfectly|ok|okay) (?:before|until|till)|used to work|"
    r"annoy\w*|frustrat\w*|irritat\w*|fiddly|clunky|awkward|buried|hidden|hid|"
    r"gave up|give up|had to (?:go back|scroll|search|call|ask)|(?:have|had) to (?:zoom|squint)|"
    # work put back on people: "I have to fix the spreadsheet by hand every month", "I had
    # to pay for a whole new visit"
    r"(?:have|has|had) to (?:\w+ ){1,5}?(?:by hand|manually|myself|ourselves|every (?:single )?"
    r"(?:time|month|week|day)|twice|all over again)|(?:have|has|had) to pay (?:for|again|twice|"
    r"extra)|(?:it|that|this|feed|sync|app|link) (?:breaks|stops working)|breaks (?:again|down)|"
    r"stop(?:s|ped)? (?:working|syncing)|"
    r"(?:really|very|so|way|far|quite|rather) (?:small|tiny)(?! (?:thing|things|detail|details|"
    r"bit|price|fee|amount|change|changes|issue|issues))|(?:is|are|was|were) tiny|"
    r"kept (?:asking|crashing|"
    r"failing)|doesn'?t work|didn'?t work|not working|broke\w*|error\w*|bug\w*|crash\w*|"
    # not the hour: "a locksmith within the hour, late at night" was a complaint
    rf"froze|{_FREEZE}|slow\w*|late(?! (?:at night|in the (?:evening|day|afternoon)|night\b))|"
    r"delay\w*|missing|wrong|problem\w*|issue\w*|fail\w*|"
    r"waste\w*|never (?:came|arrived|got|answered)|no (?:tracking|way|option|answer|reply)|"
    r"without (?:any )?(?:warning|notice|notification|explanation|telling (?:me|us|anyone))|"
    r"no (?:warning|notification|notice|explanation|reminder)s?|"
    r"not (?:helpful|useful|working|great|good|easy|intuitive)|useless|pointless|"
    r"disappoint\w*|worst|terrible|awful|horrible|hate\w*|furious|angry|upset|annoyed|"
    r"ridiculous|unacceptable|nightmare|mess|hassle|"
    rf"(?!{SYMPTOM_PAIN}){_NOT_SYMPTOM}(?<!my )(?<!her )(?<!his )(?<!their )(?<!your )(?<!in )"
    r"pain(?! ?(?:killers?|relief|management|clinic|medication))|"
    # worn out or cheated: "Pretty fed up.", "Like they were trying it on.", "knocked my trust"
    r"fed up|sick (?:and tired )?of|had enough|trying it on|ripped off|rip-?off|"
    r"(?:knocked|shook|shaken|lost|damaged|broke|destroyed) (?:my |our |all |any |their )?"
    r"(?:trust|faith|confidence)|"
    r"rude|ignored|charged|overcharg\w*|"
    r"misunderstand\w*|misread|hidden fee|surprise fee|extra fee|"
    r"cancel\w* (?:was|is) (?:hard|impossible)|loop\w*|"
    r"(?:was|were|got|been|is|are|being) cancel+ed|cancel+ed (?:flight|order|delivery)\w*|"
    r"unhelpful|unusable|unreliable|laggy|glitch\w*|overbooked|cramped|"
    # a problem left standing: "They never solved my problem.", "still not fixed"
    r"(?:never|didn'?t|did not|couldn'?t|could not|hasn'?t been|haven'?t been|wasn'?t|"
    r"weren'?t|still not|not yet|still hasn'?t been) (?:been )?(?:solved|fixed|resolved|sorted)|"
    # what is owed and still not come: "Five weeks later it still hasn't been released."
    r"still (?:hasn'?t|has not|haven'?t|have not|hadn'?t|isn'?t|wasn'?t|not) (?:been )?"
    r"(?:released|returned|refunded|arrived|come(?: through| back)?|back|paid|credited|"
    r"delivered|here)\b|"
    # a regression told by when it started: "Been like this since the last update."
    r"since (?:the |this |that )?(?:last |latest |new |recent |\d[\d.]* )?(?:update|upgrade|"
    r"version|release|redesign)|"
    r"stranded|rebook\w*|on hold|hung up|lost (?:my|our|the)|damaged|broken|dirty|smell\w*|"
    # a service that fails people without a word of blame: "The app keeps logging me out.",
    # "The waitlist never moves.", "The classes are full within two minutes.", "The sales guy
    # was pushy.", "You have to give thirty days notice in writing, by post."
    r"keeps? (?:logging|kicking|signing|throwing) (?:me |us |you )?out|"
    # work lost to a timeout (a benefits trial's biggest theme read as neutral): "it had logged
    # me out", "it'd throw me out", "your session has expired", "it's wiped the lot",
    # "Everything gone."
    r"(?:logged|logging|logs|kicked|kicking|kicks|threw|throw|throws|throwing|thrown|timed|"
    r"signed) (?:me|her|him|us|them|you|people|everyone) out|"
    r"session (?:has |had |'s )?(?:expired|timed out)|timed out|"
    r"(?<!nothing )(?<!never )wiped|(?:everything|it all|all (?:of )?(?:my|her|his|the) \w+|"
    r"(?:my|her|his|the) (?:answers|work|progress|data|form|application)) (?:was |were |had |is |"
    r"are |'s )?(?:all )?(?:gone|lost|deleted|wiped|disappeared)|"
    r"(?:lost|lose|losing) (?:all|everything|my (?:work|answers|progress|data|form))|"
    r"never (?:moves?|works?|loads?|updates?|changes?|opens?)|full within|booked up|sold out|"
    r"pushy|rushed|in writing, by post|"
    # manner: "Service was curt.", "The receptionist was dismissive."
    r"curt|dismissive|condescending|patroni[sz]ing|brusque|snappy|"
    # a wait told as its length: "waited an hour", "waiting three weeks for a decision"
    r"(?:waited|waiting|wait(?:ed)? for) (?:for )?(?:over |nearly |almost |about |around "
    r"|well over |a good )?(?:an?|one|two|three|four|five|six|ten|twenty|thirty|forty|fifty|"
    r"several|\d+)(?:[- ]\w+)? (?:hours?|days?|weeks?|months?|minutes|mins)|"
    # scorn: "The phone line is a joke.", "what a joke of a service"
    r"(?:is|was|are|were|what|such|'s) (?:a |an |such a )?(?:absolute |total |complete |bad "
    r"|sick )?joke|"
    # excess, said without a word of blame: "So much plastic.", "The packaging is a lot."
    r"(?<=^)(?:(?:and|oh|but|just|also)\W+)*so (?:much|many)"
    r"(?= (?!fun|better|more|nicer|easier|good|nice|time)\w+[.!]*$)|"
    r"(?:is|was|'s) (?:a lot|excessive|overkill)(?=[.!]*$)|"
    # a connection or service that drops, said as what it does
    rf"{DROPS}|"
    # late by the clock: "We weren't seen until eleven.", "It didn't arrive till gone 9pm."
    r"(?:not|\w+n'?t|never) (?:\w+ ){0,3}(?:seen|served|arrive|arrived|come|came|turn up|"
    r"turned up|show up|showed up|delivered|answered|called|ready|back|here|there|get|got) "
    r"(?:\w+ ){0,2}(?:until|till) (?:gone |after |nearly |almost |past )?"
    r"(?:\d{1,2}(?:[:.]\d\d)?(?: ?[ap]m)?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|midnight|noon|lunchtime)|"
    rf"{PRICE_RISE})\b"
    # ... and 十一点才看上, 等到快十二点才进去, 等到十点半还没轮到我 (an online-clinic trial's
    # two-hour waits past the booked time read as severity 1)
    r"|[一二两三四五六七八九十\d]+点(?:多|半|钟|[一二三四五]刻)?(?:才|还没|都没|也没)"
    rf"|{ZH_DROPS}"
    rf"|{ZH_PRICE_RISE}|麻烦|难(?!得|忘|题)|找不到|太慢|延迟|迟到|"
    # late, not the hour: 菜上得很晚, 送得太晚, but not 时间很晚了 "it was late (at night)"
    rf"{ZH_NOT_THE_HOUR}晚了|"
    r"(?:上|来|到|送|出)得?(?:很|太|特别|有点|比较|非常)晚|生气|气不气人|气人|气死|失望|烦|糟糕|很差|错误|"
    # not "any (more) questions?" (哎，要登机了，还有问题吗？ closing a banking trial's interview)
    r"(?<!还有)(?<!有没有)(?<!有什么)(?<!别的)(?<!其他)问题(?![吗么])|崩溃|闪退|复杂|"
    r"不方便|取消不了|故意|白等|少了|缺|漏|投诉|不满|后悔|坑|没人理|没人管|没人回|不回复|没回复|没人接|"
    r"(?:就是|简直(?:就是)?|真是|纯属)个?笑话|用别家|换了别家|爱答不理|爱理不理|"
    # a long wait said as its length: 排了快两个月, 等了一个多小时
    r"(?:等|排|弄|搞|折腾|花)(?:了|就是|就要|要|队|队就要|队要)?(?:快|将近|足足|整整|差不多|大概)?"
    r"[一二两三四五六七八九十几半\d]+多?个?(?:多)?"
    r"(?:小时|钟头|天|周|星期|礼拜|月)|"
    # minutes, from ten: 等了快四十分钟, 又排了二十多分钟 (not 等了五分钟就到了)
    r"(?:等|排)(?:了|队)?(?:快|将近|足足|整整|差不多|大概)?(?:[二三四五六七八九几]?十|\d{2,})多?分钟|"
    # tries counted: 识别失败了七八次, 试了好几遍
    r"(?:试|刷|弄|扫|输|点|打|识别|失败)了?(?:好|十|七八|五六|四五|三四|[三四五六七八九十几]+)(?:几)?(?:次|遍|回)|"
    r"失败|识别不了|识别不出|检测不到|没检测到|"
    rf"{ZH_STILL_NOT}",
    _I,
)
POSITIVE = re.compile(
    r"\b(love\w*|great|easy|easily|simple|clear|useful|helpful|nice|good|excellent|perfect|"
    r"intuitive|straightforward|convenient|quick(?:ly|er|est)?|fast|enjoy\w*|happy|pleased|impressed|"
    r"cool|brilliant|handy|fine|fantastic|amazing|awesome|wonderful|relie\w*|"
    r"saves? (?:me )?(?:time|money)|makes sense|self.?explanatory|like (?:it|that|this|the|how)|"
    r"liked|works? (?:well|fine|great)|friendly|lovely|delicious|tasty|fresh|smooth\w*|"
    r"sensible|fair enough|well done|neat|listened to (?:me|us)|informative|valuable|"
    r"exactly what|seamless\w*|affordable|good value|great value|value for money|bargain|"
    # a price that is cheap, not a thing that feels or looks cheap
    r"(?<!feels )(?<!felt )(?<!looks )(?<!looked )(?<!so )cheap(?:er|est)?"
    r"(?! (?:quality|materials?|plastic|looking|feel|made|rubbish|junk))|"
    # Success in a task is a good experience too (usability sessions code it so).
    r"(?:was|were|am|is) able to|managed to|it was possible|possible for me|got it(?=\s*[.!]|\s*$)|"
    r"(?:i'?ve|i have|i) (?:found|downloaded|done|got) (?:it|this|that|the)|"
    r"(?:i'?m|i am) in(?=\s*[.!]|\s*$)|"
    r"now i (?:understand|see|get)|got used to|that'?s it|makes sense|no problem|not a problem|"
    # not a job: "my husband works in IT" (a broadband trial's delight)
    # nor a sales pitch or a temper: "Like I was being worked on.", "got worked up"
    r"okay cool|(?:worked|works)(?! (?:in|at|as|from|nights|shifts|part|full|there|here|on|up)\b|"
    r" for (?!(?:me|us|you|everyone|both|my|our)\b))|"
    r"understand|"
    # care given: "he spent ages just listening, which no doctor had done", "she took the time
    # to explain", "she could tell I was worried"
    r"(?:spent|spends|spend|took|takes|take) (?:ages|time|so long|a long time|the time|"
    r"extra time) (?:just )?(?:listening|explaining|with (?:me|us)|to (?:listen|explain))|"
    r"which no (?:doctor|one|other \w+) (?:had|has|ever) (?:done|did|bothered)|"
    r"(?:could|can) tell (?:that )?(?:i was|i'?m|we were)|"
    # a gym trial's joining and staff praise the lexicons miss: "I had a membership card in my
    # wallet within minutes", "which for me is a plus", "didn't try to sell me personal
    # training", "he knows everyone's name"
    r"(?:did|done|sorted|set up|signed up|joined|finished)\b[^.?!]{0,60}?"
    r"\b(?:within|in)\s+(?:like\s+|about\s+|maybe\s+|just\s+|only\s+|under\s+|less than\s+)?"
    r"(?:a (?:few|couple of)|one|two|three|four|five|[1-5]) (?:minutes|mins)|within minutes|"
    # help that came fast, and calls returned as promised (an insurance-claims trial's widest
    # delight, "they sent a locksmith within the hour", was a pain theme)
    r"(?:sent|had|got|arrived|came|came out|turned up|there|at the door|on the doorstep|"
    r"sorted|fixed)\b[^.?!]{0,40}?\bwithin (?:the|an|half an|a couple of|ninety|sixty|forty|"
    r"thirty|twenty|\d+|one|two|three) (?:hours?|minutes|mins)|"
    r"(?:rang|called|phoned|got back to) (?:me|us) (?:back )?(?:every time|whenever|when (?:she|"
    r"he|they) said|as (?:promised|agreed)|the same day|straight away)|"
    r"(?:is|was|'s|be) (?:a )?(?:big |real |huge |nice )?(?:plus|bonus)(?=\s*[.!,;]|\s*$)|"
    r"(?:didn'?t|did not|never|doesn'?t|does not|won'?t) (?:try to |ever )?(?:sell|upsell|push|"
    r"pressure)\w* (?:me|us|you|anything)|(?:never|not|wasn'?t|isn'?t) pushy|"
    r"knows? (?:everyone'?s|every\w* by|your|my|our) names?)\b"
    r"|喜欢|很好|不错|好吃|方便|简单|满意|开心|高兴|惊喜|省时间|省事|好用|清楚|准时|热情|友好|"
    r"贴心|划算|实惠|推荐|靠谱|放心|棒|完美|新鲜|松了一口气|"
    # a hospital trial: 这个我是真的要夸一下, 挺快的, 说话也很耐心, 不用在那儿干等
    r"夸|表扬|(?:很|挺|特别|非常|蛮|超|真)快|(?<!没)耐心|不用(?:再)?(?:在那儿?|排队)?(?:干)?等|"
    r"(?<!不)顺利|(?:很|挺|蛮|还算|特别)顺",
    _I,
)
TURNED = re.compile(
    r"\b(?:(?:was|were|been|is) (?:great|good|fine|perfect|brilliant|amazing|excellent|awesome|"
    r"lovely|ok|okay) (?:until|till)\b|"
    r"who (?:on earth |ever )?(?:thought|decided) (?:that|this|it) (?:was|would be) a (?:good|"
    r"great|smart|brilliant) idea|(?<=\w )my foot(?=[.!]*$)|"
    r"(?:i'?d|i would|we'?d|we would|would) have been (?:\w+ )?(?:happy|fine|glad|ok|okay|"
    r"satisfied|pleased|grateful)\b|"
    # good times spoilt: "It soured two years of mostly good memories."
    r"(?:soured|ruined|spoilt|tainted) (?:\w+ ){0,5}(?:good|great|happy|nice|lovely|fond)\b|"
    # what they would have done, or expected, and was not offered: "I'd have happily paid a
    # fee just to talk to a person", "I'd have thought they could just pass it along"
    r"(?:i'?d|i would|we'?d|we would) have (?:happily|gladly|willingly) \w+|"
    r"(?:i'?d|i would|we'?d|we would) have thought\b|"
    # a warning, and an ease that is the fault (a laptop-review trial's delights "Money on
    # this", "It gets scratches easily", "You can see the fingerprints easily" and "The battery
    # life is probably an hour at best")
    r"(?:don'?t|do not|never) waste (?:your|my|our|their|any) (?:\w+ )?(?:time|money|cash)|"
    r"(?:scratch|break|crack|dent|smudge|stain|chip|bend|tear|rip|overheat|drain|die|"
    r"fall|falls|fell|wear|wears)\w*(?: apart| off| out| down| through)? "
    r"(?:very |so |really |too |quite )?easily|"
    r"(?:shows?|showing|see|attracts?|picks? up) (?:the |all the |every |a lot of )?fingerprints?|"
    r"\bat (?:the )?best(?=\s*[.!?,;]|\s*$)|"
    # advice to buy elsewhere: "Save your money and go for a better device.", "If you shop
    # around you can find a much better deal", "I would recommend any other laptop over this",
    # "If you are looking for a good laptop, this is not it!"; a speed that is the fault: "It
    # discharges too quickly."
    r"save (?:your|yourself (?:the|some)) (?:money|cash|time)|"
    r"(?:go|look|shop)(?: around)? (?:for|elsewhere)(?: for)? (?:a |an )?(?:much |way |far )?"
    r"better|recommend any other \w+ over|"
    r"looking for a good \w+,? (?:this|it) (?:is not|isn'?t) it|"
    r"too (?:quickly|fast|easily|soon)(?=\s*[.!?,;]|\s*$))"
    # "the network is fine, yet yours lags" (网络明明很好，就你们卡): the praise is conceded
    r"|明明.{0,12}?(?:很好|挺好|好好的|正常|没问题|可以).{0,12}?(?:就|却|还是|偏偏|但|可)"
    # and what was liked is gone (最喜欢的老师突然不教了)
    r"|最喜欢的.{0,8}?(?:突然|忽然|居然|竟然)?(?:不|没|换|走|停)",
    _I,
)
"""Praise words turned into a complaint: a good thing that stopped ("Was great until the
update."), sarcasm ("Who thought that was a good idea?", "Free trial my foot."), what would
have done and did not come ("I'd have been happy with a no on the same day.")."""
UNDERCUT = re.compile(
    r"\b(?:in theory|on paper|at first|initially|supposedly|at the start|for a while|"
    r"(?:for )?the first (?:few )?(?:days?|weeks?|months?|times?))(?=[\s.!…]*$)",
    _I,
)
"""Praise taken back by how it ends ("Marcus approves from his phone, in theory.", "It worked
at first."): what follows is how it stopped, so it is no delight (a SaaS trial's delight
titles)."""
NEED = re.compile(
    r"\b(would be (?:nice|good|great|helpful|useful|better|easier|interesting)|"
    # what was missing, wished for: "a heads-up would've been nice" (a gym study's delight; as
    # a complaint it regrouped the SERDIF sessions' wishes, 0.423 -> 0.341)
    r"would(?:'ve| have) been (?:nice|good|helpful|useful|better|easier)|"
    r"i(?:'d| would) (?:like|love|add|prefer|suggest|change|put|want|expect|recommend)|"
    r"(?:should|could|might) (?:be|have|add|show|include|put|make)|it'?d be|wish|"
    r"(?:i|we) need|(?<!no )(?<!never )needs? to|want(?:ed)? (?:to|a|an|more)|"
    r"maybe (?:add|have|put|include)|"
    # not "dietary preferences" (a form's field), nor what the product asks one to add ("And now
    # it wants me to add a dessert.": a think-aloud reading the app's upsell)
    r"suggest\w*|prefer(?!ences?\b)\w*|if there (?:was|were|is)|would help|it would|"
    r"(?<!wants me to )(?<!asks me to )(?<!asked me to )(?<!wanted me to )(?<!tells me to )"
    r"add (?:a|an|more)|"
    r"option to|ability to)\b"
    # a wish said as what there should be less of: "Oh, and maybe less plastic."
    r"|^\W*(?:(?:and|oh|maybe|just|but|so|also)\W+)*(?:less|fewer) \w+"
    # an imperative about the product: "Just make it easier to reach a person!"
    r"|^\W*(?:(?:just|please|so|and|but|then)\W+)*make (?:it|them|that|this|the [\w ]{1,20}?) "
    r"(?:\w+er|more|less|obvious|clear|visible)\b"
    # not 最好的 / 最好用 ("the best"): 学习群是我觉得最好的部分 is praise
    r"|希望|建议|最好(?![的吃用看玩听])|要是|如果.{0,8}?(?:能|可以)|应该|想要|需要"
    # a plea: 你们年轻人多为我们老年人想想就行 (an online clinic trial's closing words, a pain)
    r"|多(?:为|替|给)?[^，。！？,.!?]{0,8}?(?:想想|考虑考虑|考虑一下)"
    # a wish said as "if only it could": 视频能流畅一点就好 (a course trial's delight)
    r"|(?:能|可以|再)[^，,。！!？?]{1,12}?(?:一点|一些|点)?就(?:好|行)了?(?=[，,。！!…~]|$)",
    _I,
)
ASKS_FOR_CHANGE = re.compile(
    r"\b(?:suggest\w*|improve\w*|improvement\w*|magic wand|do (?:it )?differently|"
    r"(?:would|could|should|will) (?:you |they |we )?(?:change|fix|add)|"
    r"change (?:one|a|any) thing|make it better|"
    r"what (?:would|could|should) (?:help|make (?:it|this|that|things|the \w+) "
    r"(?:better|easier|nicer))|"
    r"if you (?:could|were|ran|had)\b[^?]{0,60}?\b(?:change|fix|add))\b"
    r"|建议|提意见|想改|改进|改善|改哪|改什么|怎么改|如何改|最想.{0,4}(?:改|加|要)|"
    r"希望.{0,8}(?:怎么|如何|什么|哪)|如果.{0,12}(?:改|提|加)",
    _I,
)
"""An interviewer's question asking what to change ("If you could change one thing, what would
it be?", "Any suggestions?", 如果让您提一个建议？, 提醒方面你希望怎么做？): what the answer asks
for is a need, however it is worded (a banking trial's answers, 把还款日放大放首页 and 客服能不能
多招点人, were read as pain points and praise, and its map had no needs at all)."""
DIRECTIVE = re.compile(
    r"^\W*(?:(?:just|please|so|and|then|also|maybe|first(?:ly)?|second(?:ly)?|oh|um|uh|well|"
    r"honestly)\W+)*(?:show|put|cut|make|let|add|give|stop|fix|tell|send|bring|move|drop|remove|"
    r"allow|offer|hire|get rid of|have|keep|include|simplify|explain|label|warn|"
    r"be (?:clear|honest|upfront))\b"
    r"|\b(?:they|you|it|there) (?:should|need to|needs to|have to|has to|must|ought to)\b"
    r"|要|别|不要|一定要|应该|能不能|可不可以|能否|让(?:我|用户|大家)?(?:能|可以)|把|多招|多加|加个|"
    r"加一个|增加|提前|放到|放在|改成|最好",
    _I,
)
"""What a suggestion tells the team to do ("Show the real price up front", "they should…",
别偷偷扣, 把还款日放大): in an answer to a question asking what to change (ASKS_FOR_CHANGE),
a sentence that says it is a need, even when it names the problem it would solve."""
ZH_NO_MORE = r"不想再(?:用|点|买|来)"
"""Not wanting to use, order, buy or come any more (为什么有人不想再用了？, 再也不想点了…)."""
LEAVING_QUESTION = re.compile(
    # not "left" ("Why are people left waiting?")
    r"\b(?:leave|leaving|quit|quitting|give up|gave up|cancel\w*|churn\w*|switch\w*|"
    r"unsubscrib\w*|uninstall\w*|delete (?:the|their) (?:app|account)|(?:stop|stopped) "
    r"(?:using|ordering|buying|coming|paying)|not (?:come|coming|go|going) back|move to a rival|"
    # a tenancy or a contract ended (a rental-flat trial's 用户为什么退租？ listed a delight)
    r"move out|moving out|moved out|not renew\w*|didn'?t renew)\b"
    r"|退租|搬走|不续(?:租|约)|不想用|不用了|不再用|卸载|卸了|删了|销户|注销|离开|放弃|取消|退订|流失|换(?:了|成)?别|不来了|不再来|"
    # a food-delivery trial: 为什么有人不想再用了？, 为什么有人不点了？ had abstained
    rf"{ZH_NO_MORE}|不(?:再)?(?:点|买)了",
    _I,
)
"""A question about why people leave ("Why do people cancel?", "What makes people stop using
the app?", 为什么有人不想用了？): answered by what those who left, or nearly left, said."""
LEAVING = re.compile(
    r"(?<!not )(?<!n't )(?<!never )(?<!won't )"
    # cancelled by them, not a charge or a flight cancelled for them ("had the charge
    # cancelled within a day" answered a car-hire trial's "Why do people leave?")
    r"\b(?:(?<![\s\S])cancel(?:l)?ed|(?:i|we|i'?ve|we'?ve|have|has|just|finally|already|so|"
    r"and|actually|eventually) cancel(?:l)?ed|"
    r"cancel(?:l)?ed (?:my|our) (?:\w+ )?(?:subscription|membership|account|plan|contract|"
    r"booking|order|box)|cancelling|canceling|uninstall\w*|unsubscrib\w*|"
    # a warning to others and a last time: "Avoid, damage scam", "won't hire from them again"
    r"(?:(?<![\s\S])|(?<=[.!?] ))avoid\b|(?:won'?t|will not|wouldn'?t|would never|never) "
    r"(?:be )?(?:use|using|rent|renting|hire|hiring|book|booking|order|ordering|buy|buying|"
    r"fly|flying|stay|staying|come|go|going) (?:\w+ ){0,3}?again|"
    r"(?:thought about|think about|thinking about|about to|going to|gonna|will|'ll|might|"
    r"(?:want|wanted|tempted|ready) to|nearly|almost) (?:cancel|quit|leave|switch|unsubscribe|"
    r"uninstall|delete|close)\w*|delete(?:d)? the app|"
    # not to the laptop's mic or the desktop site
    r"(?:switch(?:ed|ing)?|moved) to(?! (?:my|the|a) (?:\w+ )?(?:mic|microphone|headset|phone|"
    r"laptop|camera|speaker|browser|tab|screen|window|desktop|site|website|page|app)\b)|"
    r"closed? (?:my|our) account|stop(?:ped)? using|never (?:again|coming back|ordering again)|"
    r"left for|leaving for|won'?t be back|moved out|moving out|(?:didn'?t|won'?t|not) renew\w*|"
    r"(?:go|went|going) elsewhere)"
    # not a service cancelled for them (柜员…帮我取消了) nor giving up on a call or a dispute
    # (最后就放弃了): that is no leaving
    r"|退租|搬走|搬出去|不续(?:租|约)了?|没(?:有)?续(?:租|约)|卸了|卸载|删了|销户|注销|(?:就|都|已经|早就|干脆|再也)不(?:再)?用了|不想用|不再用|换了别|"
    r"用别的|用别家|(?<!帮我)(?<!给我)(?<!帮忙)(?<!商家)(?<!缺货)(?<!系统)(?<!骑手)(?<!平台)(?<!对方)(?<!他们)取消了|取消(?:了)?(?:订阅|会员|自动续费)|不来了|"
    # not 再也不用请假跑医院了 "no longer need to take leave" (an online-clinic trial's answer
    # to 为什么有人不想再用了？ was that praise)
    r"再也不想(?:用|来|买|点)|再也不(?:用|来|买|点)(?=了|[，。！？,.!?]|$)|退订|"
    # no more orders, and the alternative taken instead (我现在中午宁愿下楼吃)
    rf"{ZH_NO_MORE}|(?:就|都|已经|早就|干脆|现在)不(?:再)?(?:点|买)了|"
    r"宁愿(?:自己|下楼|出去|去|回家|打车|走路)",
    _I,
)
"""Someone saying they left, or nearly did ("I actually cancelled last month", "I thought
about cancelling when the fee kicked in", 我都想把这个App卸了, 之后跨行我就用别的App转了)."""
ACTION = re.compile(
    r"^(?:so |and |then |now |okay,? |ok,? )*(?:i(?:'ll| will| am going to|'m going to| just)?|"
    r"let me|let'?s|we) (?:click\w*|open\w*|go|went|sign\w*|paid|pay|order\w*|search\w*|type\w*|"
    r"select\w*|choos\w*|chose|download\w*|call\w*|email\w*|look\w*|tr(?:y|ied)|use|used|"
    r"log\w*|scroll\w*|read|check\w*|press\w*|enter\w*|fill\w*|subscribe\w*|cancel\w*|book\w*|"
    r"put|pick\w*|add\w*|export\w*|submit\w*|move\w*|see|find|found|start\w*|arrived|"
    r"stayed|travell?ed|flew|drove|checked in)\b"
    r"|^(?:我)?(?:点|打开|选择|下单|注册|付款|搜索|输入|下载|打电话|登录)",
    _I,
)
STRONG = re.compile(
    r"\b(furious|hate\w*|terrible|awful|horrible|worst|impossible|never|gave up|give up|"
    r"unacceptable|ridiculous|nightmare|absolutely|extremely|so (?:annoying|frustrating|bad)|"
    r"really (?:annoying|frustrating|bad|angry)|cancel\w*|refund\w*|angry|livid|disgust\w*)\b"
    r"|生气|愤怒|垃圾|后悔|取消|太|真的|"
    r"(?:七八|五六|四五|好几|十几|[五六七八九十])(?:次|遍|回)|(?:[二三四五]十|几十)多?分钟|多个?小时|"
    rf"{ZH_STILL_NOT}",
    _I,
)
BLOCKER = re.compile(
    r"\b(can'?t|cannot|couldn'?t|could not|unable|stuck|gave up|give up|doesn'?t work|"
    r"didn'?t work|not working|crash\w*|error\w*|froze|never (?:came|arrived)|lost)\b"
    r"|找不到|取消不了|崩溃|闪退|没收到",
    _I,
)
HEDGE = re.compile(
    r"\b(a (?:bit|little)|slightly|kind of|kinda|sort of|maybe|perhaps|minor|small thing|"
    r"not a (?:big )?(?:deal|problem)|a tad)\b|有点|稍微|一点",
    _I,
)
# Hesitation in verbatim transcripts (ellipses, fillers, apologies) marks a snag in a task.
HESITATION = re.compile(
    r"\.\.\.|…|\b(hmm+|umm*|uh+|erm|wait|sorry|oops|let me see|i guess|i'?m guessing|"
    r"i suppose|not sure|whatever)\b|嗯|呃|那个",
    _I,
)
_HAVE_NO_COMPLAINT = (
    r"(?:(?:don'?t|do not|didn'?t|did not|never) (?:really |even |actually )?(?:have|had|get|got)"
    r"|(?:has|have|had)(?:n'?t| not| never)(?: once)? (?:had|given|caused|been)(?: me| us)?"
    r"|never (?:gives?|gave|caused?|causes)(?: me| us)?) "
    r"(?:a |any |one |a single )?(?:complaints?|issues?|problems?|trouble)"
    # a failure denied: "the computer has never froze on me", "It has never crashed once"
    r"|(?:never|has(?:n'?t| not)|have(?:n'?t| not)|not once) (?:\w+ )?(?:froze|frozen|freezes|"
    r"crashed|crashes|died|failed|overheated|locked up|slowed down|let (?:me|us) down)"
)
""""I don't really have a complaint", "it has not given me any problems", "never froze on me"
(a laptop-review trial's pain-point titles)."""
ZH_NO_PROBLEM = r"没(?:什么|啥|有|遇到什么|出过)?(?:大)?(?:问题|毛病)|不是问题|挑不出毛病"
"""A problem denied in Chinese (视频播放没什么问题): praise, though its 没 and 问题 say problem."""
NO_PROBLEM = re.compile(
    r"\b(?:no|zero|not (?:a|any|one)|never (?:had )?(?:any|a)|without (?:any |a )?)"
    r"(?: real| big| major| single)? ?(?:problems?|issues?|complaints?|trouble|hassle|hiccups?)\b|"
    r"\bnothing wrong\b|\b(?:can'?t|cannot) complain\b|"
    rf"\b{_HAVE_NO_COMPLAINT}\b|{ZH_NO_PROBLEM}",
    _I,
)
"""A problem denied ("No problems at all", 视频播放没什么问题): praise, but faint (a course
trial's 付款本身没问题 was its second delight and a moment of truth), and never a pain point's
title though its negation makes a title's problem words match (the widest pain, buffering
videos, was titled 视频播放没什么问题 by the one participant who had none)."""
PRAISE_IDIOM = re.compile(
    r"\b(?:(?:can'?t|cannot|could(?:n'?t| not)) (?:really )?(?:fault|complain|"
    r"ask for (?:more|better)|have asked for (?:more|better|anything more)|"
    r"wish for (?:more|better)|be (?:happier|better|easier|simpler|more helpful)|"
    r"recommend (?:\w+ )?(?:enough|highly enough)|thank (?:\w+ )?enough|"
    r"praise (?:\w+ )?(?:enough|highly enough))|"
    r"(?:would|'d) (?:definitely |happily |highly )?(?:recommend|use (?:them|it) again)"
    r"(?: (?:it|them|this|you|to (?:anyone|everyone|friends)))?(?=\s*(?:[.!,;]|$)))\b"
    # no complaint said as one: "That part I have zero complaints about.", "went to the
    # pharmacy without any issue", "I felt heard."
    r"|\bnothing (?:was|is|'s|seemed|seems) too much (?:trouble|bother|effort|hassle)"
    r"|\b(?:(?:no|zero|never (?:had )?(?:any|a)|not (?:a single|one|any)) (?:complaints?|issues?|"
    r"problems?|trouble|hassle|fuss|hiccups?)|without (?:any |a )?(?:issues?|problems?|trouble|"
    r"hassle|fuss|hiccups?)|felt (?:heard|listened to|respected|cared for)|took (?:me|us) "
    r"seriously|"
    # a hotel trial: "Staff couldn't have been nicer.", "You can't beat the location",
    # "Couldn't ask for a better location", "We didn't hear any noise at all"
    r"(?:could(?:n'?t| not)|can'?t|cannot) have been (?:any )?(?:nicer|better|friendlier|kinder|"
    r"more \w+)|(?:can'?t|cannot|could(?:n'?t| not)) (?:be )?beat(?:en)?|"
    r"(?:can'?t|cannot|could(?:n'?t| not)) (?:have )?ask(?:ed)? for (?:a |an )?(?:better|nicer|"
    r"more)|(?:didn'?t|did not|never) (?:hear|notice|see|have) (?:any|a single|a) (?:noise|"
    r"sound|problems?|issues?|trouble|complaints?))\b"
    r"|\bdoes (?:exactly )?what it says on the tin\b"
    # nothing asked of people: "No equipment needed.", "No phoning anyone, no app faff."
    r"|\bno (?:\w+ ){0,2}(?:needed|required)(?=[.!,]|\s*$)|\bno (?:\w+ )?(?:faff|fuss)\b"
    # "I don't really have a complaint", "Can't imagine my life without it anymore." (a
    # laptop-review trial's pain-point titles)
    rf"|\b(?:{_HAVE_NO_COMPLAINT}|"
    r"nothing to complain about|(?:can'?t|cannot|could(?:n'?t| not)) imagine (?:my life |life |"
    r"living |being |going |doing |cooking |working )?without|"
    # "It can't get any better.", "I can't say enough good about it", "I don't know how I
    # could ever live without it" (a laptop-review set's praise read as complaints)
    r"(?:can'?t|cannot|could(?:n'?t| not)) (?:get|be) (?:any|much) better|"
    r"(?:can'?t|cannot|could(?:n'?t| not)) say enough (?:good|great|nice|about)|"
    r"(?:how|if) (?:i|we) (?:could|would|will|can) (?:ever )?live without)\b"
    rf"|没得挑|无可挑剔|没什么可挑|好得没话说|{ZH_NO_PROBLEM}",
    _I,
)
"""Praise said with a negation ("Can't fault the speed of the payout", "Couldn't have asked for
better"): the "can't" is no difficulty."""
RELIEF = re.compile(
    r"\b(?:(?:stress|stressing|worry|worries|worrying|hassle|mental load|load|burden|headache|"
    r"guesswork|faff|chore|dread|panic|arguing|arguments?)\b[^.!?;]{0,24}?\b(?:is|'s|are|'re|"
    r"has been|have been)?\s*(?:gone|over|lifted|disappeared|vanished)|"
    r"no more (?:\w+ing|stress|worry|worries|hassle|guesswork|arguments?)|"
    # a chore spared: "Didn't have to ring round anyone myself." (an insurance-claims trial)
    r"(?:didn'?t|did not|never) (?:even )?(?:have|need) to\b|"
    r"no longer (?:have|need) to|(?:don'?t|do not|never|not having|no need) (?:have |need )?to "
    r"(?:\w+ )*?(?:worry|stress|think|plan|argue|shop)\w*|"
    r"used to (?:spend|waste|stress|worry|argue|dread|panic)\w*\b[^.!?;]*\bnow|"
    # a problem put right, which its own words read as the complaint (a redesign trial's
    # wave 2: "They've fixed the address thing, it remembers it now", "no drama this time")
    r"(?<!n't )(?<!not )(?:they'?ve|they have|it'?s been|it has been|that'?s been|has been|"
    r"have been|now|finally) (?:now |finally |all |properly )?(?:fixed|sorted(?: out)?|"
    r"resolved|solved)|(?:but |and )?not any ?more(?=[\s.!]*$)|"
    r"no longer (?:happens|a problem|an issue|resets|crashes|freezes|loses)|"
    # a problem someone sorts for people ("Sorts problems before you've finished explaining
    # them": praise of a community manager read as a complaint)
    r"(?<!never )(?<!n't )(?<!not )(?:sorts|sorted|fixes|solves|solved|resolves|resolved) "
    r"(?:out )?(?:my |our |your |people's |any |all |the )?(?:problems?|issues?|everything)|"
    r"no (?:drama|problems?|issues?|hassle|fuss|faff)(?: at all| whatsoever)?"
    r"(?: this time| now| any ?more| since)|stayed put|"
    # a burden that never came, said alone (a car-hire trial's "No queue at all." and "No
    # calling anyone." were pain points): as the whole sentence, not "no queue system"
    r"(?<![\s\S])(?:and |just |so |literally |honestly,? )?no (?:queues?|queuing|queueing|"
    r"waiting|wait|paperwork|forms|(?:calling|phoning|ringing|chasing|emailing) (?:anyone|"
    r"anybody|round|around|them|up))(?: at all| whatsoever)?(?=\s*[.!]?\s*$)|"
    r"remembers? (?:it|them|my \w+) now)\b"
    r"|不用再|不再(?:担心|发愁|纠结|烦|闪退|卡)|再也不用|省去了|省心|修好了|已经修复|修复了|现在好了|"
    # a wait that got shorter (5.2以后排队明显短了): the improvement, not the queue
    r"(?:排队|等待|等候|等的时间)(?:时间)?(?:明显|终于|总算|比以前|比之前)?(?:短|少|快)(?:多|了很多)?了|"
    r"终于好了",
    _I,
)
"""A burden lifted: relief said through the burden's own words ("That mental load, it's gone",
"No more arguing about dinner", "I used to spend Sunday night stressing..., now I just pick"),
which a sentiment lexicon reads as complaint ("stress", "load", "arguing")."""
CONTRAST = re.compile(r"\b(?:but(?! also| again)|however)\b|但是|可是|不过|但", _I)
"""A turn in a sentence: what follows it carries the speaker's verdict."""
NEGATION = re.compile(
    r"\b(not|no|never|n't|hardly|wasn'?t|isn'?t|aren'?t|don'?t|didn'?t|nobody|no one|nothing)\b"
    r"|不|没",
    _I,
)
EMOTIONS = (
    (
        "angry",
        re.compile(
            r"\b(furious|angry|livid|outraged|mad at|(?:was|were|am|felt|quite|so|very|really|"
            r"bit) cross)\b|生气|愤怒",
            _I,
        ),
    ),
    (
        "anxious",
        re.compile(
            r"\b(worr\w*|nervous|scared|anxious|afraid|stress\w*|panic\w*)\b"
            r"|担心|焦虑|害怕",
            _I,
        ),
    ),
    (
        "disappointed",
        re.compile(r"\b(disappoint\w*|let down|expected more|shame|sad)\b|失望|后悔", _I),
    ),
    ("relieved", re.compile(r"\b(relie\w*|finally|phew)\b|松了一口气|终于", _I)),
    ("surprised", re.compile(r"\b(surpris\w*|unexpected\w*|didn'?t expect|wow)\b|惊喜|没想到", _I)),
)


# --- What is not a finding on its own --------------------------------------------------

# Conversation that keeps an interview going but says nothing about the journey: assent,
# thanks, apologies, sign-offs, audio checks, offers of a drink. A sentence made only of
# these (and fillers) is small talk.
SMALL_TALK = re.compile(
    # phrases before the words they start with: an alternation takes the first that fits
    # ("no" would leave "problem" of "No problem" over, "thank" the "you" of "Thank you")
    r"\b(?:all good|sounds good|of course|no worries|no problem|not at all|take care(?: now)?|"
    r"bye bye|"
    # the weather at the close: "Oh, except, the weather's finally turned, hasn't it? Proper
    # spring." (an insurance-claims trial's pain point)
    r"the weather'?s? (?:has |is )?(?:finally |really )?(?:turned|changed|lovely|awful|nice|"
    r"grim|glorious)(?:, (?:hasn'?t|isn'?t) it)?|proper (?:spring|summer|autumn|winter)|"
    # settling in: "Let me grab some water and I'm ready." (a broadband trial's delight)
    r"(?:let me|i'?ll|i'?m (?:just )?going to|i need to|just) (?:just )?(?:grab|get|make|fetch|"
    r"pour) (?:myself )?(?:a |some |my )?(?:glass of |cup of |bottle of )?(?:water|coffee|tea|"
    r"drink|cuppa)|(?:and )?i'?m ready|"
    r"sorry (?:again )?(?:about|for) (?:the|my|that) (?:\w+ )?(?:headset|mic|microphone|audio|"
    r"sound|noise|interruption|dog|cat|kids?|baby|delay)|"
    # the interview itself as the subject at its close: "I've moaned enough, haha.", "it was
    # nice to have a rant", "that's me", "perfect timing" (a gym trial's 5-person delight
    # "Perfect timing" held these)
    r"(?:i'?ve|i have) (?:moaned|ranted|rambled|waffled|complained|gone on|talked) enough|"
    # "Sorry, that was a bit of a rant." and a turn to the good side: "Well, here's the
    # positive." (a car-hire trial's pain point and delight)
    r"(?:that|this) was (?:a bit of |quite |such )?a (?:rant|moan|ramble|tangent|long answer)|"
    r"here'?s the (?:positive|good (?:bit|part|news|side)|thing)|"
    r"(?:it was )?(?:nice|good|great|fun) to have a (?:rant|moan|vent|chat|natter)|"
    r"that'?s me|perfect timing|"
    r"(?:have a )?(?:good|nice|lovely|great) (?:day|one|evening|weekend)|you too|see you|"
    r"thanks? (?:you )?(?:so much |very much )?(?:for (?:having|inviting) (?:me|us)|"
    r"for (?:your|the) time|for asking(?: me)?)|thank you(?: so much| very much)?|"
    r"(?:good )?luck with (?:the|your) (?:research|project|study|work)|"
    r"(?:good )?luck with (?:it|that|everything|it all)|mate|"
    # a vocative at the end: "Thank you, love."
    r"(?<=, )(?:love|dear|darling|hun|pet)(?=\W*$)|"
    r"yep|yeah|yes|yup|no|nope|nah|sure|okay|ok|alright|right|cool|great|perfect|fine|"
    r"sorry|thanks?|cheers|bye|goodbye|hi|hello|hey|you'?re welcome|loud and clear|"
    r"(?:i )?can (?:hear|see) you(?: (?:fine|well|okay|ok|clearly))?|"
    r"(?:can|could|do) you (?:hear|see) me(?: (?:ok|okay|alright|now|fine|well|clearly))?|"
    r"are you (?:there|still there)|you (?:cut|dropped) out|you'?re (?:breaking up|frozen)|"
    r"(?:you'?re|i'?m|i was|you were) on mute|go on|carry on|go ahead|hang on|hold on|"
    r"bear with me|(?:just )?(?:one|a) (?:sec|second|moment|minute)|"
    # an interruption, and the interviewer or another placeholder named in a sign-off
    r"(?:there'?s )?(?:someone|somebody|a (?:\w+ )?delivery|the postman) at the door|"
    r"there'?s (?:a |an |the )?(?:\w+ ){0,2}(?:outside|at the door)|"
    # someone of the household coming in or asking, and what they want (a car-hire trial:
    # "the kids have just got in from school, so if you hear screaming it's happy screaming",
    # "my youngest has just come in with a biscuit", "my son's asking if he can have the iPad")
    r"(?:my|the|our) (?:kids?|children|son|daughter|youngest|eldest|little ones?|toddler|boys|"
    r"girls|husband|wife|partner|other half)(?:(?:'s| is| are| has| have) just (?:got in|"
    r"got home|got back|come in|came in|come home|walked in|arrived)|(?:'s| is| are) asking "
    r"(?:if|whether|me if|me whether))\b[^.!?]*|"
    r"(?:my|the) (?:dog|cat|baby|kid|son|daughter|toddler)(?:'s| is| has)? (?:just )?(?:barking|"
    r"crying|going mad|woken up|woke up|(?:walk(?:ed|ing)|sitting|sat|lying|standing|"
    r"jump(?:ed|ing)) (?:on|across|onto|over) (?:the|my) (?:keyboard|laptop|desk|computer))|"
    # the call's own kit and the phone ringing (an invoicing trial's support theme held "Oh,
    # sorry, that's my phone, it's a client." and "Bear with me, my headset's just died, I'm
    # switching to the laptop mic."): not the product's, so no wifi, app or battery here
    r"(?:that'?s|it'?s) (?:just )?my (?:phone|doorbell|alarm|other line)|"
    r"it'?s (?:just )?(?:a client|a customer|work|my (?:boss|mum|mom|dad|wife|husband|partner))"
    r"(?: calling| ringing)?|"
    r"my (?:headset|mic|microphone|headphones|earphones|airpods|camera|webcam)(?:'s| has| is)? "
    r"(?:just )?(?:died|dead|gone|cut out|dying|playing up|frozen)|(?:i'?m|i am|i'?ll) (?:just )?"
    r"(?:switch(?:ing)?|mov(?:e|ing)) (?:over )?to (?:my|the) (?:\w+ )?(?:mic|microphone|headset|"
    r"headphones|phone|laptop|camera|speaker)|"
    r"interviewer|participant \d+|\[name\]|"
    r"(?:i think )?that'?s (?:it|all|everything|about it|fine)|i think so|that'?s|it'?s|"
    # the close: "No, dear, I think I've said it all." (a vet-clinic trial's delight; not its
    # "Now, how do I turn this off?", which a think-aloud may ask of the product)
    r"(?:i think )?i'?ve said (?:it all|everything|all i (?:wanted|want|had) to(?: say)?)|"
    r"(?<=, )dear(?=,)|"
    r"(?:i think )?that covers it|nothing else|nothing more|not really|"
    r"(?:this|that|it) was (?:\w+ ){0,2}(?:fun|therapeutic|interesting|nice|useful|helpful|"
    r"a pleasure)|happy to help|hope (?:this|it|that) helps|"
    # arriving late, and the weather (a broadband trial's pain points: "Sorry I'm a couple of
    # minutes late, the train was delayed.", "Do you know if it'll rain tomorrow?")
    r"(?:sorry,? )?(?:i'?m|i am|we'?re) (?:a (?:couple of |few )?(?:minutes?|mins?) |a bit |"
    r"so |running )?late|the (?:train|bus|tube|traffic) was (?:delayed|late|awful|terrible|"
    r"a nightmare)|do you know if|(?:it'?ll|it will|it'?s going to|is it going to) rain"
    r"(?: tomorrow| today| later| again)?|"
    # what the research is for, asked at the close (a gym study's "Is this going to be used to
    # change things?" was a pain point)
    r"(?:is|will) (?:this|it|that|all this) (?:going to )?be used (?:to|for) (?:\w+ ){0,4}\w+|"
    r"(?:would|do) you (?:like|want) (?:a |some )?(?:cup of )?(?:tea|coffee|water|drink)"
    r"(?: before you go)?|"
    # leaving the call: "Anyway, sorry, I've got to grab [NAME] from school in ten minutes."
    r"(?:i'?ve|i have|i) (?:got|have) to (?:go|run|dash|head off|get going|"
    r"(?:grab|pick up|collect|fetch) (?:\S+ ){1,3}from (?:school|nursery|the station|work)"
    r"(?: in (?:\w+ ){1,2}minutes)?)|(?:i'?d|i had) (?:better|best) (?:go|run|dash|get going|"
    r"be off)(?: to (?:this|my|the) (?:\w+ )?(?:job|meeting|class|shift|appointment))?"
    # and what for: "Now I'd better go and take some Lemsip." (a car-hire trial's delight),
    # "Right, I'd better take him out before he eats another sock." (a vet-clinic trial's)
    r"(?: and(?: \w+){1,8})?|(?:i'?d|i had) (?:better|best) (?:take|let|feed|walk|check on|"
    r"see to|put) (?:him|her|them|the (?:dog|cat|puppy|kitten|kids?|baby|children))"
    r"(?: \w+){0,8}|anyway|"
    r"haha+|hehe+|"
    r"to be honest|honestly|um+|uh+|erm|hmm+|oh|ah|well|so|now|and|but|except|i mean|"
    r"(?:\w+ )?things?|two|one)\b"
    # a platform's default text (系统默认好评): no one said it
    r"|(?:该|此)?用户未(?:及时)?(?:主动)?(?:填写)?(?:评价)?(?:内容)?|系统默认好评|默认好评|"
    r"该用户觉得商品(?:非常)?(?:好|不错|较好)|"
    r"(?:暂时|目前|应该)?没有了|就这些吧?|谢谢|不客气|希望对你们?有(?:帮助|用)|好的|没问题|再见|拜拜|保重|"
    # a food-delivery trial's goodbyes and its audio check with a noisy child (a need and two
    # pain points): 没事，以后有需要再找我。 没有了，基本都说了。 我这边孩子有点吵，不好意思啊
    r"(?:以后)?有(?:需要|事)再(?:找|联系)(?:我|您)|(?:该说的|想说的|要说的)?(?:基本|差不多|大概)?"
    r"都说(?:了|完了)|没了|"
    r"就是|(?:我这边|这边|家里)?(?:孩子|小孩|狗|邻居|外面)?有点吵|"
    r"(?:孩子|小孩)在(?:看|玩)(?:动画片|电视|游戏|手机)|好(?=[，,])|啊|呀|呢|"
    r"(?:能|可以)?听(?:得)?(?:到|见|清楚?)|(?:现在|声音)?(?:挺|很|蛮|还)?清楚(?:的)?|"
    r"可不是嘛?|没事没事|没事儿?|希望(?:你们)?能改进吧?|就这样吧|差不多就这些|"
    # a phone call in the middle (我先接个电话……喂？, 我在外面，晚点回你), and back from it
    r"(?:不好意思|抱歉)?啊?(?:我)?先接个电话|喂|(?:我)?(?:在外面|在忙)|(?:晚点|等会儿?|一会儿?)(?:再)?回(?:你|您)|"
    r"(?:好了|不好意思)|(?:我)?(?:儿子|女儿|老公|老婆|孩子)(?:学校)?(?:的)?(?:老师)?打来的|扯远了|"
    # a story's opener (说一下上周的经历吧。 was a late-delivery theme's quote)
    r"(?:先|我)?(?:说|讲)(?:一下|下|说)(?:上周|昨天|前天|今天|上次|那次|最近|我)?的?(?:经历|事情?)吧?|"
    # and a topic's (先说缴费吧。 was quoted under the payment problems)
    r"(?:那|那就|那我)?(?:先|再)(?:说|讲|聊)(?:一下|说|讲|聊)?[\u4e00-\u9fff]{1,8}?吧|"
    # leaving the call and offering the last word (a banking trial's 哎，要登机了，还有问题吗？
    # was a pain point in a theme titled 另一个问题)
    # (an online-clinic trial's 没了，我得睡觉去了。 was a pain point)
    r"(?:我)?(?:要|得|该|快)(?:去)?(?:登机|上飞机|上车|下车|开会|上课|走|出门|挂|睡觉|睡了|做饭|"
    r"接孩子|上班)(?:去)?了|"
    r"(?:您|你)?还有(?:别的|其他|什么)?(?:问题|要问的)吗|哎呀|哎|"
    r"是的|对|嗯",
    _I,
)
# Questions that check the call, not the journey: the answer to one is not a finding.
SESSION_QUESTION = re.compile(
    r"\b(?:before we (?:start|begin)|hear me|hear us|see my screen|see me|you hear|recording|"
    r"record this|audio|"
    r"microphone|mic|sound(?:s)? (?:ok|okay|alright|good)|connection|ready to (?:start|begin|go)|"
    # warm-up before the interview proper: the weather, a drink, the trip in, a pet or noise
    r"weather|sunny|(?:a |your |grab a |get a )(?:coffee|tea|drink)|how are you|how'?s it going|"
    # "How's your week going?" (a broadband trial: "The kids are off school this week so it's a
    # bit chaotic." was a pain point)
    r"how'?s (?:your|the) (?:week|day|morning|afternoon|weekend) (?:going|been)|"
    r"how (?:was|is|has been) your (?:week|day|morning|weekend)|"
    r"find (?:us|the (?:place|office|room))|get here|in the background|your (?:dog|cat)|"
    # a warm-up about the family (an EV-charging trial: 孩子多大了？ answered by a crying
    # four-year-old, a pain point)
    r"how old (?:is|are) (?:your|the) (?:kids?|children|son|daughter|little ones?|boys?|girls?))\b"
    r"|孩子多大|孩子几岁|身体怎么样|身体还好|听得清|听清|听得到|听得见|听到我|看到我的屏幕|录音|声音|天气|喝点|喝杯|最近怎么样|路上|方便(?:说话|聊|接电话)?吗|"
    r"现在方便",
    _I,
)
INTRODUCTION = re.compile(
    r"\b(?:(?:tell|talk) (?:me|us) (?:a (?:bit|little) )?about (?:yourself|your (?:role|job|work|"
    r"household|background))|introduce yourself|what do you do(?: for (?:a living|work))?\b|"
    r"what(?:'s| is) your (?:role|job)\b|"
    # how long they have been a customer (a gym study: "just to start, how long have you been a
    # member?" was answered by joining before a wedding, a delight)
    r"how long have you (?:been (?:a |an )?(?:member|customer|client|user|subscriber|patient|"
    # "How long have you been on Ledgerly?" (an invoicing trial), not "on hold"
    r"(?:with|on) (?!hold\b)(?:us|them|the \w+|\w+))|been using|used)\b)|"
    r"介绍一下(?:您|你)?自己|您是做什么|你是做什么|"
    r"(?:用|办)[^，。？?]{0,8}?(?:多久|多长时间)了",
    _I,
)
"""An interviewer's question that asks who the participant is: its answer is background (a
role, a household, "a month of business trips"), not a finding about the product."""
INTERVIEW_OPENS = re.compile(
    r"\b(?:let'?s (?:get (?:into it|started|going)|start|begin|dive in|kick off|jump in|talk about|"
    r"turn to|move on to)|(?:on|onto|on to) the (?:interview|questions)|"
    r"(?:just )?to (?:start|begin|kick (?:us |things )?off)|(?:first|opening) question|"
    r"(?:okay|ok|right|so),? (?:so )?(?:tell|talk) (?:me|us))\b|进入正题|我们开始|那我们开始",
    _I,
)
"""The interviewer turning from the warm-up to the interview ("Okay, let's get into it."):
what the participant said before it was small talk (a parking garage, a dog, a weekend)."""
PAST_STATE = re.compile(
    r"^\W*(?:before|previously|back then|in the old days|until (?:recently|we switched))\b|"
    r"\bused to\b|\b(?:the|our|their|my) (?:old|previous|last) (?:system|tool|app|process|way|"
    r"provider|bank|setup|company|employer|job|vendor|software|platform|service|card)\b|"
    r"^\W*(?:at first|initially|in the beginning)\b|"
    rf"^\W*(?:以前|之前|原来|过去|以往|{ZH_AT_FIRST})",
    _I,
)
"""How things were before (or at first): with `NOW_STATE` after it, a change for the better."""
NOW_STATE = re.compile(
    r"^\W*(?:(?:and|but|so) )?(?:now|these days|nowadays)\b|^\W*(?:现在|如今)", _I
)
"""A sentence that opens on how things are now ("Now I submit on Monday…", 现在…)."""
NOW_CLAUSE = re.compile(
    r"[,;\u2014\-]\s*(?:(?:but|and|so) )?(?:now|these days|nowadays)\b"
    r"(?! (?:it|that)'?s? (?:still|worse)| it \w+ (?:even )?(?:more|worse))"
    r"|[，；,]\s*(?:但是?|可是|而)?(?:现在|如今|后来)(?!还是|也还|仍然|依然|更)",
    _I,
)
"""How things are now, as a later clause of a sentence about how they were ("Before, it took a
month, now it takes two days", 以前…，现在…)."""
NOW_WORD = re.compile(r"\b(?:now|these days|nowadays|still)\b|现在|如今|还是", _I)
OPENING_TURNS = 12
INCIDENT_QUESTION = re.compile(
    r"(?:^|[.!?]\s+|\b(?:so|okay|ok|right|now),?\s+)(?:(?:can|could) you )?(?:(?:tell|talk) me|"
    r"walk me through)?\s*(?:about )?what happened(?: (?:with|to) (?:the|your) (?:claim|"
    r"accident|incident|house|home|car|flat|flight|trip|property))?\s*\?\s*$"
    r"|^(?:.*[。？！]\s*)?(?:能)?(?:说说|讲讲|介绍一下)?(?:当时)?(?:发生了什么|是怎么回事)(?:事)?？\s*$",
    _I,
)
"""An interview's opener asking for the incident: "So, let's talk about your claim. What
happened?", "Can you tell me what happened with the claim?" (not "What happened in the end?",
"And then what happened when the promo ended?")."""
INCIDENT_QUESTIONS = 3
"""The opener counts among this many first questions of the interview proper."""
"""The warm-up ends within this many turns of an interview, if the interviewer marks its end."""
INTERVIEW_CLOSES = re.compile(
    r"\b(?:that'?s (?:all|it|everything) (?:(?:for|from) (?:me|my side|today)|(?:i|we) (?:had|have|"
    r"wanted)|(?:of )?my questions)|(?:those are|that was) (?:all )?(?:my|the) (?:last )?questions|"
    r"thank(?:s| you)(?: (?:so|very) much)?,? (?:\w+ )?for (?:your time|(?:the |your )?(?:time|"
    r"chat|talk)|talking|taking part|taking the time|joining|chatting|participating|doing this|"
    r"speaking)|(?:we'?re|we are) (?:out of|at|coming up on) time|(?:let'?s|we can|i'?ll) wrap "
    r"(?:up|it up|things up)|wrap(?:ping)? (?:up|things up)|(?:the|your) voucher)\b"
    r"|今天就到这里|访谈就到这里|就先聊到这|我的问题(?:就)?(?:这些|问完了|都问完了)|感谢您?抽出|"
    r"谢谢您?(?:今天)?(?:抽空|的时间|接受)|占用您",
    _I,
)
"""The interviewer closing the interview ("That's all my questions. Thank you so much for your
time."): what the participant says after it is a sign-off, not a finding."""
CLOSING_TURNS = 8
"""The interview's close is looked for in its last this many turns."""
# Words that name a feeling, with the words that carry one ("I was quite ..."): a sentence that
# is only these says how it felt, not about what.
FEELING = re.compile(
    r"\b(?:(?:i|we|it|that|this|he|she|they)(?:'m|'s| am| was| were| is| felt| feel| got)?|"
    r"(?:to be honest|honestly|frankly|really|quite|so|very|pretty|a (?:bit|little)|kind of|"
    r"sort of|just|totally|completely|super|bit|little|somewhat|rather|properly)|"
    r"(?:annoy|frustrat|irritat|anger|angry|cross|upset|furious|livid|mad|anxious|anxiety|"
    r"nervous|worr|stress|scared|afraid|panick|sad|disappoint|gutted|cheated|embarrass|"
    r"confus|lost|overwhelm|happy|glad|pleased|relie|delight|excit|thrill|proud|"
    r"grateful|thankful|calm|content|surpris|shock|amaz)\w*|"
    r"(?:made|make|makes) me(?: feel)?|felt|feel|feeling|(?:about|with|by) (?:it|that|this)"
    r")\b"
    r"|我|我们|真的|很|非常|有点|挺|太|特别|觉得|感觉|当时|那一刻|心里|"
    r"生气|愤怒|崩溃|焦虑|担心|紧张|害怕|失望|难过|伤心|郁闷|烦|不舒服|开心|高兴|满意|惊喜|激动|"
    # embarrassed, wronged, fed up (挺丢人的。 was a banking trial's chat answer to why people
    # stop using the app, cited without the late transfer it was about)
    r"丢人|丢脸|尴尬|难堪|委屈|无语|无奈|着急|憋屈|心累|气人|恼火|火大|"
    r"放心|舒服|的|了|啊|呢",
    _I,
)
# A verdict with nothing to hang it on ("That part's actually great.", "I like it.",
# "Honestly, surprisingly good.", "挺好的。"): what was good is in the sentence before.
VERDICT_WORD = re.compile(
    r"\b(?:(?:do |really )?(?:like|love|hate|liked|loved|hated|enjoy|enjoyed) "
    r"(?:it|that|this|them)|"
    r"good|great|fine|okay|ok|alright|nice|lovely|brilliant|excellent|perfect|amazing|awesome|"
    r"fantastic|wonderful|fun|cool|neat|best|worst|better|worse|bad|terrible|awful|horrible|"
    r"rubbish|useless|pointless|clear|easy|simple|helpful|useful|quick|handy|smooth|"
    r"straightforward|hard|difficult|slow|tasty|delicious|worth (?:it|something)|"
    r"(?:a|the) (?:surprise|relief|shame|pity|pain|nightmare|joke|mess))\b"
    r"|好|不错|还行|棒|喜欢|差|糟糕",
    _I,
)
_OWNER_S = re.compile(r"['’]s\b")
_VERDICT_FRAME = re.compile(
    r"\b(?:the|a|an|that|this|it|its|part|bit|one|thing|stuff|all|is|was|were|been|be|"
    r"actually|surprisingly|definitely|absolutely|generally|mostly|overall|fairly|genuinely|"
    r"ooh|wow)\b|这个|那个|部分|是|也|可以|一般",
    _I,
)
_RESIDUE = re.compile(r"[\W\d_]+")


def _residue(pattern: re.Pattern[str], text: str) -> str:
    return _RESIDUE.sub(" ", pattern.sub(" ", text)).strip()


_QUOTATION = re.compile(r'["\u201c\u300c][^"\u201c\u201d\u300c\u300d]*["\u201d\u300d]')
_OPENS_QUOTATION = re.compile(r'^\s*["\u201c\u300c].*$', re.DOTALL)
_CLOSES_QUOTATION = re.compile(r'^.*["\u201d\u300d][\s.,!?]*$', re.DOTALL)


def unquoted(text: str) -> str:
    """The text with quotations left out: a button's label or a bot's option ('none of the
    options were "missing item"') is someone else's words, not what the speaker says of it."""
    return _QUOTATION.sub(" ", text)


def only_quoted(text: str) -> bool:
    """Whether a sentence is all someone else's words (what the bot asked, a button's label): a
    quotation, or the part of one a sentence break cut off ('"Is your issue about delivery?',
    'Is your issue about an order?"'). The participant's own words around a quotation count."""
    if not any(q in text for q in '"\u201c\u201d\u300c\u300d'):
        return False
    rest = _QUOTATION.sub(" ", text)
    rest = _CLOSES_QUOTATION.sub(" ", _OPENS_QUOTATION.sub(" ", rest))
    return not re.search(r"\w", rest)


_CALL_ME_ZH = r"打我电话|(?:给|跟)我打(?:个)?电话|打给我|联系我|找我"
"""Asking to be called or reached, in Chinese (有事你给我打电话)."""
_CONTACT = re.compile(
    r"(?:\b(?:my|her|his|our|their|the)[ \t](?:[\w-]+[ \t]){0,2}(?:number|cell|mobile|phone|line|"
    r"e-?mail|address|handle|postcode|zip|details|reference)[ \t]?(?:is|was|:|,)?[ \t]?"
    r"\[[A-Z]+\]|"
    r"\[(?:EMAIL|PHONE)\][ \t](?:is|works)[ \t](?:fine|best|good|ok|okay)|"
    r"\[[A-Z]+\][ \t](?:is|was)[ \t](?:my|her|his|our)[ \t](?:[\w-]+[ \t])?"
    r"(?:number|e-?mail|address|handle)|\b(?:reach|contact|email|text|call) me(?: on| at)?|"
    r"\b(?:ring|phone|message|whatsapp) me(?: on| at)?|"
    rf"\bif you need(?: to)?|{_CALL_ME_ZH}|我的?(?:电话|手机号?|微信号?|邮箱)(?:是|：|:)?)",
    _I,
)
"""Giving contact details ("If you need to reach me, my cell is [PHONE].", "I gave them her
NHS number, [PHONE]"): a home-care map's hold-times theme was half phone-number sentences."""


SOLICITATION = re.compile(
    r"兼职|刷单|日赚|日结|招募|代理加盟|免费领取?|点击链接|私信我|加[Vv]|加群|"
    r"加我?微信(?:号)?(?:领|送|返|有|咨询|了解|详聊|私聊)|"
    r"[Qq]{2}群|\[HANDLE\]|"
    r"\b(?:dm me|whats ?app me|message me on|text me on|click (?:the|this|my) link|"
    r"earn \$?\d+|work from home|(?:use|enter) (?:my|the) (?:code|referral)|promo code \w+ for)\b",
    _I,
)
"""Spam and touting in reviews (兼职刷单，日赚300，加微信[HANDLE]; "DM me for a discount"):
no customer's experience. A banking trial's spam review headed a theme with advice."""


def solicits(text: str) -> bool:
    """Whether a sentence touts or solicits (see SOLICITATION)."""
    return SOLICITATION.search(text) is not None


NOT_TRIED = re.compile(
    r"\b(?:(?:didn'?t|did not|never) (?:try|use|have|order|need|get to try)\b[^.!?]{0,40}?"
    r"(?:so|therefore)?,? ?(?:can'?t|cannot|couldn'?t) (?:comment|say|judge)|"
    r"(?:can'?t|cannot) comment (?:on|about)|no comment)\b"
    r"|没(?:有)?(?:用过|试过|吃过)[^。！？]{0,12}(?:不好说|没法说|不清楚)",
    _I,
)
"""What the reviewer did not try ("Didn't try room service so can't comment."): no finding
(a hotel trial's noise and room-service themes took them in)."""


_SESSION_STEP = re.compile(
    r"\b(?:move|go|skip|proceed|continue|get|carry) (?:on )?(?:to|with) (?:the )?"
    r"(?:next |(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|other) )?"
    r"(?:task|question|scenario|exercise)s?\b"
    r"|\bwhat (?:was|is) the (?:other |next |last |first |second )?(?:task|question)\b"
    r"|\b(?:answer|read|say|do) (?:\w+ )?(?:\w+ )?(?:aloud|out loud)\b"
    r"|\b(?:repeat|reread|re-read) the (?:task|question)\b"
    r"|下一(?:个|道)?(?:任务|问题|题)|第[一二三四五六七八九十\d]+(?:个|道)?(?:任务|题)|读出来",
    re.IGNORECASE,
)
"""A participant steering the session, not the product: "Can I move to task 5?", "So can I
move to the seventh task?", "should I answer these questions aloud?", "下一个任务"."""


def session_step(text: str) -> bool:
    """Whether a sentence is about the session's own steps (which task, which question, reading
    aloud) and says nothing of the product beside: procedure, not a finding."""
    return bool(_SESSION_STEP.search(text)) and not (
        DIFFICULTY.search(text) or POSITIVE.search(text) or RELIEF.search(text)
    )


_CUT_OFF = re.compile(r"\s*(?:\u2014|\u2013|--|\.\.\.|\u2026)")
"""A sentence that starts where an interruption cut in."""
_CONTACT_PLACEHOLDER = re.compile(r"\[(?:PHONE|EMAIL|ADDRESS)\]")
_CONTACT_OFFER = re.compile(
    r"\bif you need\b|\b(?:ring|phone|call|reach|contact|email|text|message|whatsapp) me\b"
    rf"|{_CALL_ME_ZH}",
    _I,
)


_IDENTIFIER = re.compile(r"\[(?:ID|PHONE|DOB|EMAIL|ADDRESS|CARD|BANK|PLATE|HANDLE|URL)\]")
_ID_LABEL = re.compile(
    r"\b(?:(?:my|her|his|our|their|the|your|it|it's|that's|that|was|is|and|then|also|so|"
    r"yeah|right|number|no|case|reference|ref|claim|policy|account|customer|NI|national|"
    r"insurance|NHS|date|of|birth|DOB|postcode|zip|code|address|phone|mobile|email|card|"
    r"ending|in|on|at|details|name|passport|licence|license|ID)\b[\s,.:;'’-]*)+"
    r"|(?:我的?|她的?|他的?|身份证号?码?|护照号?码?|手机号?码?|联系电话|电话|号码|邮箱|地址|"
    r"出生日期|生日|订单号?|卡号|尾号|是|为|这个|那个|就是)+",
    _I,
)
"""The words around identifiers read out: their labels and the little words between them."""


def small_talk(text: str, question: str | None = None) -> bool:
    """Whether a sentence is conversation, not a finding: only assent, thanks, sign-offs and
    fillers ("Yep, all good.", "No, I think that's it.", "没有了", "Sorry, you cut out."), a
    short answer to a question that checks the call ("Can you hear me alright?"), or contact
    details given with little else."""
    if not _residue(SMALL_TALK, text):
        return True
    if session_step(text):
        return True
    # a scrap of crosstalk, cut off at its start ("—and the once, sorry, go on.", "—yes, four
    # hundred and eighty—"): a telehealth trial's quotes, saying nothing on their own
    if (
        _CUT_OFF.match(text)
        and len(text.split()) <= 8
        and not (DIFFICULTY.search(text) or POSITIVE.search(text) or RELIEF.search(text))
    ):
        return True
    # identifiers read out ("It was [ID], date of birth [DOB], postcode [ADDRESS].",
    # 我身份证号[ID]，这个号码可以用): a benefits trial's "Her date of birth" delight and a
    # travel trial's junk theme were such lines
    if (
        "[" in text
        and _IDENTIFIER.search(text)
        and not (DIFFICULTY.search(text) or POSITIVE.search(text) or RELIEF.search(text))
    ):
        rest = _residue(SMALL_TALK, _ID_LABEL.sub(" ", _IDENTIFIER.sub(" ", text)))
        if len(rest.split()) + len(HAN_CHAR.findall(rest)) // 2 <= 2:
            return True
    if "[" in text and _CONTACT.search(text):
        rest = _residue(SMALL_TALK, _CONTACT.sub(" ", text))
        if len(rest.split()) + len(HAN_CHAR.findall(rest)) // 2 <= 6:
            return True
        # contact details offered for later, however it goes on ("If you need me again, ring
        # me on [PHONE], I'm usually in the garden."), unless it complains; not a number given
        # in a story ("she asked for a callback number, so I gave her my mobile, [PHONE]")
        if (
            _CONTACT_OFFER.search(text)
            and _CONTACT_PLACEHOLDER.search(text)
            and not DIFFICULTY.search(text)
        ):
            return True
    return bool(question and SESSION_QUESTION.search(question)) and len(text.split()) <= 12


def bare_feeling(text: str) -> bool:
    """Whether a sentence only says how it felt or what the verdict was, with no object
    ("Anxious, to be honest.", "Cross. I was quite cross.", "那一刻真的很崩溃。",
    "That part's actually great.", "I like it.")."""
    if not (FEELING.search(text) or VERDICT_WORD.search(text)):
        return False
    rest = _residue(SMALL_TALK, _OWNER_S.sub("", text))
    return not _residue(FEELING, _VERDICT_FRAME.sub(" ", VERDICT_WORD.sub(" ", rest)))


def negated(text: str, start: int) -> bool:
    """True if a negation word stands within the three words before position `start`."""
    window = text[max(0, start - 20) : start]
    return bool(NEGATION.search(window))


# Touchpoint lexicon: pattern -> (name, channel, type). Order matters: first match wins.
TOUCHPOINTS: tuple[tuple[re.Pattern[str], str, str, TouchpointType], ...] = tuple(
    (re.compile(pattern, _I), name, channel, kind)
    for pattern, name, channel, kind in (
        (
            r"\b(instagram|facebook|tiktok|twitter|social media|influencer)\b"
            r"|小红书|微博|抖音|朋友圈",
            "social media",
            "social",
            TouchpointType.social,
        ),
        (
            r"\b(ads?|advert\w*|commercial|banner)\b|广告",
            "advertising",
            "ads",
            TouchpointType.digital,
        ),
        (
            r"\b(friends?|colleagues?|word of mouth|referr\w*|recommended (?:by|it|to me)|"
            r"(?:told|mentioned|raved) (?:me )?about)\b|朋友|同事|推荐码",
            "word of mouth",
            "social",
            TouchpointType.social,
        ),
        (
            r"\b(pricing|price\w*|cost\w*|fees?|(?:price|pricing|subscription|paid|monthly) plans?|"
            r"subscription price)\b|价格|价钱|费|套餐",
            "pricing",
            "web",
            TouchpointType.digital,
        ),
        (
            r"\b(promo\w*|coupon\w*|discount\w*|voucher\w*|(?:gift|offer) codes?)\b"
            r"|优惠|折扣|优惠券",
            "promo code",
            "web",
            TouchpointType.digital,
        ),
        (
            r"\b(checkout|payment\w*|pay|paid|card details|billing|bank|charged|invoice\w*|"
            r"receipt)\b|付款|支付|扣款|账单|发票",
            "payment",
            "web",
            TouchpointType.digital,
        ),
        (
            r"\b(sign.?up|register\w*|registration|create an account|account|log.?in|login|"
            r"password|credentials)\b|注册|登录|账号|账户",
            "sign-up / account",
            "web",
            TouchpointType.digital,
        ),
        (
            r"\b(courier|driver|delivery man|delivery guy|doorstep)\b|快递员|配送员|骑手",
            "delivery courier",
            "delivery",
            TouchpointType.human,
        ),
        (
            # tracking of a parcel, not of a workout or of spending ("Best tracking of any
            # fitness app" is no delivery)
            r"\b(deliver\w*|shipping|shipment|(?<!progress )(?<!fitness )(?<!budget )(?<!workout )"
            r"(?<!activity )(?<!sleep )(?<!spend )tracking(?! (?:of|in) any| of (?:my|your) "
            r"(?:workouts?|runs?|steps|sleep|spending|habits?))|dispatch\w*|"
            r"(?:box|order|package|parcel|"
            r"groceries) (?:arriv\w*|came|turned up))\b|配送|送到|"
            r"送货|物流|快递",
            "delivery",
            "delivery",
            TouchpointType.physical,
        ),
        (
            # not a box alone: the box is the order ("the second box was missing the cream"),
            # a form's field ("the notes box") or an architect's model (a SaaS trial's
            # "packaging" touchpoint in three stages nobody said a word of packaging in)
            r"\b(packag\w*|plastic|ice ?packs?|insulation|wrapping|bubble wrap)\b|包装|塑料|冰袋",
            "packaging",
            "product",
            TouchpointType.physical,
        ),
        (
            r"\b(chat ?bot|bot|live chat|chat)\b|机器人|在线客服",
            "support chat",
            "chat",
            TouchpointType.digital,
        ),
        (
            # calling, not the phone in one's hand ("on a phone screen", "my phone volume")
            r"\b(hotline|phone(?! screen| volume| app\b| battery| storage)|call\w*|"
            r"call cent(?:er|re))\b|电话|热线",
            "phone support",
            "phone",
            TouchpointType.human,
        ),
        (
            r"\b(support|customer (?:service|care)|help ?desk|agent|representative|refund\w*|"
            r"complain\w*)\b|客服|退款|投诉",
            "customer support",
            "support",
            TouchpointType.human,
        ),
        (r"\b(e-?mails?|newsletter|inbox)\b|邮件", "email", "email", TouchpointType.digital),
        (
            r"\b(notification\w*|push|sms|text message|reminder\w*)\b|通知|短信|提醒",
            "notifications",
            "app",
            TouchpointType.digital,
        ),
        (
            r"\b(queue\w*|long lines?|in line|waiting line|lines? (?:at|was|were))\b|排队",
            "queue",
            "service",
            TouchpointType.physical,
        ),
        (
            # Cancelling is the customer's act; a cancelled flight or order is an event.
            r"\b(?<!was )(?<!were )(?<!been )(?<!got )(?<!be )(?<!is )(?<!are )"
            r"(cancel\w*(?! (?:(?:my|our|the|your|his|her|their|a|an) )?(?:flight|order|"
            r"delivery|trip|train|booking|reservation|appointment))|unsubscrib\w*|skip\w*|"
            r"pause\w*|renew\w*)\b|退订|暂停|续订|跳过|(?<!航班)(?<!被)取消(?!航班)",
            "cancellation / changes",
            "app",
            TouchpointType.digital,
        ),
        (
            # "App" in Chinese text has no word boundary, but "apply" and "appetizer" are not apps.
            r"\b(apps?|mobile|phone app|ios|android)\b|手机|(?<![A-Za-z])App(?![A-Za-z])",
            "mobile app",
            "app",
            TouchpointType.digital,
        ),
        (
            r"\b(websites?|site|web ?page|homepage|home page|browser|online)\b|网站|官网|网页",
            "website",
            "web",
            TouchpointType.digital,
        ),
        (
            r"\b(store|shop|branch|counter|cashier)\b|门店|商店|柜台",
            "store",
            "store",
            TouchpointType.physical,
        ),
    )
)
# UI elements named in usability sessions ("the export button", "query tab").
UI_ELEMENT = re.compile(
    r"\b((?:[a-z]+ ){0,2}(?:tab|button|page|menu|screen|form|field|box|link|icon|tooltip|"
    r"dropdown|drop-down|filter|chart|table|dashboard|panel|slider|map|plot|heatmap|"
    r"search bar|toggle|checkbox|pop.?up|modal|sidebar|header|footer))s?\b",
    _I,
)

_UI_STOP_TEXT = """
    the a an this that these those my your their its on in at to of for and or with there here
    some any one each every is was be it i you we they but so then also just really very other
    same whole no not if when where what which click clicked see use used
    """
_UI_STOP = frozenset(_UI_STOP_TEXT.split())


def ui_element(text: str) -> tuple[str, str, TouchpointType] | None:
    """A UI element the sentence names ("the export button"), as a digital touchpoint."""
    element = UI_ELEMENT.search(text)
    if element:
        words = [w for w in element.group(1).lower().split() if w not in _UI_STOP]
        if words:
            return " ".join(words), "ui", TouchpointType.digital
    return None


# Channel families of touchpoints the lexicon does not know, by their words; else by type.
_CHANNEL_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (channel, re.compile(pattern, _I))
    for channel, pattern in (
        ("app", r"\b(?:app|apps|ios|android|mobile)\b|应用|手机|(?<![A-Za-z])App(?![A-Za-z])"),
        (
            "web",
            r"\b(?:website|site|online|web|page|portal|browser|login|password)\b|网站|网页|官网",
        ),
        ("email", r"\b(?:e-?mail|emails|inbox|newsletter)\b|邮件"),
        (
            "phone",
            r"\b(?:phone(?! screen| app| volume)|call|calls|hotline|voicemail|line)\b|电话|热线",
        ),
        ("chat", r"\b(?:chat|chatbot|bot|messenger|dm)\b|在线客服|机器人"),
        ("social", r"\b(?:twitter|facebook|instagram|tiktok|social|tweet|post)\b|微博|小红书|抖音"),
        ("delivery", r"\b(?:delivery|shipping|courier|parcel|package)\b|快递|物流|配送"),
        ("mail", r"\b(?:letter|letters|mail|statement|statements|bill|bills|invoice)\b|信函|账单"),
    )
)
_CHANNEL_BY_TYPE = {
    TouchpointType.human: "in person",
    TouchpointType.physical: "physical",
    TouchpointType.digital: "digital",
    TouchpointType.social: "social",
}


def channel_of(name: str, kind: TouchpointType | str | None = None) -> str:
    """The channel family of a touchpoint: the lexicon's for a name it knows, else the one
    its words say (app, web, email, phone, chat, social, delivery, mail), else by its type."""
    for _, known, channel, _ in TOUCHPOINTS:
        if known == name:
            return channel
    for channel, pattern in _CHANNEL_WORDS:
        if pattern.search(name):
            return channel
    try:
        return _CHANNEL_BY_TYPE[TouchpointType(kind)] if kind else "ui"
    except ValueError:
        return "ui"


# The kind of problem a pain-point theme is about, for recommendations: (kind, English cues,
# Chinese cues). A theme's kind is the one whose cues its title and quotes hit most.
PROBLEM_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<![A-Za-z])(?:{en})(?![A-Za-z])|{zh}", _I))
    for kind, en, zh in (
        (
            "failure",
            rf"crash\w*|error\w*|bug\w*|broken|broke|froze|{_FREEZE}|glitch\w*|invalid|"
            r"(?:doesn|didn|won)'?t (?:work|save|load|apply|change)|not working|loop\w*|"
            r"reset|defaulted|gone|lost|kept (?:asking|crashing|failing)|fail\w*|"
            r"reads? (?:the |a )?wrong|misread\w*|incorrect\w*|inaccura\w*|duplicat\w*|"
            r"(?:gets?|got|getting) (?:the |my |our )?(?:\w+ )?(?:total|amount|figure|number|date|"
            r"sum|balance)s? wrong|"
            r"out of sync|disconnect\w*|logs? (?:me |you |us )?out|logged (?:me )?out|"
            r"logging (?:me |you |us )?out|"
            # a thing that broke (a laptop-review trial: "the screen quit working", "a bad
            # connector with the power supply" were told "Put it where people look for it")
            r"(?:stopped|quit|quits|stops) working|died|dies|dead|defect\w*|faulty|malfunction\w*|"
            r"cracked|snapped|fell apart|falls apart|bad connector|"
            # kit that broke and stays broken (a gym trial: "always something knackered",
            # "out of order signs for weeks", "keep breaking")
            r"knackered|out of order|out of action|(?:keeps?|kept) breaking|never (?:get |got )?"
            r"(?:fixed|repaired)|(?:get|got|be|been) repaired|" + DROPS,
            r"闪退|崩溃|报错|出错|失灵|卡住|卡死|卡顿|黑屏|花屏|打不开|没保存|失败|用不了|"
            rf"不能用|无效|收不到|没收到|识别不了|登不上|上不去|坏了|坏掉|故障|{ZH_DROPS}",
        ),
        (
            # the product itself is slow, drains or runs hot: no wait to shorten (a laptop-review
            # trial's "Computer was too slow" and "Battery doesn't last long" were told "Cut the
            # wait and say how long it will be"); before waiting, which wins a tie it would lose
            "performance",
            r"sluggish|laggy|lag|lags|lagging|slow to (?:load|boot|start|open|respond|run)|"
            r"(?:slows?|slowed|slowing) (?:it |me |everything )?down|"
            r"(?:boots?|loads?|runs?|starts?) (?:up )?(?:very |so |really |too )?slow\w*|"
            r"(?:computer|laptop|app|site|website|page|machine|pc|phone|system|software|"
            r"program|it) (?:is|was|runs?|ran|got|gets|became|feels?) (?:\w+ )?slow\w*|"
            r"battery|batteries|drains?|draining|overheat\w*|runs? hot|heats? up|gets? hot|"
            r"hot to the touch|(?:fan|fans) (?:is |are |was |were )?(?:loud|noisy)|performance",
            r"耗电|续航|电池|发热|发烫|烫手|反应慢|加载慢|运行慢|启动慢|开机慢|很卡(?![住死])|太卡|好卡|"
            r"占内存|内存不够",
        ),
        (
            # a price raised is its own problem, told before it comes, not a charge hidden at
            # checkout or billed in error (a broadband trial's price rises and wrong bills, two
            # planted themes, were one "hidden cost" theme of 10)
            "price rise",
            PRICE_RISE
            + r"|(?:introductory|starter|first[- ]year) (?:deal|offer|rate|price|discount)",
            ZH_PRICE_RISE,
        ),
        (
            # money taken in error and slow to come back: charged twice, for what was returned
            # or never ordered (a broadband trial's wrong bills sat with its price rises;
            # "debited twice" named no kind at all); not a refund asked for after a cancelled
            # flight (with "refund" an airline reason fewer led a top-15 theme, 5 -> 4 of 9)
            "billing error",
            r"(?:charged|billed|debited|took) (?:me |us |them )?(?:twice|double|two times)|"
            r"double[- ]?(?:charg|bill|debit)\w*|"
            r"(?:charged|billed|debited|hit with (?:a |an )?(?:\S+ )?charge) (?:me |us )?for "
            r"(?:\w+ ){0,6}?(?:never|didn'?t|did not|already|returned|sent back|not returning)|"
            r"overcharg\w*|wrong(?:ly)? (?:charged|billed)|charged (?:me |us )?wrong(?:ly)?|"
            r"money back|charge-?back|"
            # a refund that does not come (not one asked for)
            r"(?:waiting|waited|wait) (?:\w+ ){0,3}?(?:for )?(?:my |a |the |our )?refund|"
            r"refunds? (?:hasn'?t|has not|haven'?t|never|still|didn'?t|did not|took|is taking|"
            r"was taking)|no refund|never (?:got|received|saw) (?:my |a |the |any )?refund|"
            r"chas\w+ (?:\w+ ){0,2}?(?:for )?(?:my |a |the )?refund|"
            # a deposit kept (a car-hire trial's widest theme, held weeks after the car came
            # back, was told "Show the full cost before people commit")
            r"(?:deposit|hold|bond)s? (?:\S+ ){0,6}?(?:still|not|n'?t|never) (?:\S+ ){0,2}?"
            r"(?:been )?(?:released|returned|refunded|come back|back)|"
            r"(?:still|never) (?:\w+ ){0,2}?(?:got|had|received) (?:my |our |the )?"
            r"(?:deposit|bond)|"
            # money held that takes weeks to come back, and a bill for damage someone did not
            # do ("it took two and a half weeks to come back", "an invoice for £275 for a dent
            # in the boot I never caused"), within one sentence
            r"(?:deposit|hold|blocked|money|pounds|dollars|£\d+|\$\d+)[^.!?]{0,80}?(?:took|takes|"
            r"taking|didn'?t|did not|never|still hasn'?t|hasn'?t) (?:\S+ ){0,5}?(?:to )?(?:come "
            r"back|be released|released|drop off|be refunded|clear)|"
            r"(?:charged|billed|invoiced|a bill|an invoice|took £?\d+|(?:\w+ing )?(?:fee|charge))"
            r"[^.!?]{0,80}?(?:despite|even though|although (?:i|we)|though (?:i|we)|never caused|"
            r"didn'?t cause|did not cause|didn'?t do|did not do|wasn'?t me|already there|there "
            r"before|before i (?:ever |even )?(?:picked|got|drove|had|took))",
            r"多扣|扣了两次|重复扣|重复收费|乱扣|扣错|多收|退款(?:一直)?(?:没到|还没到|迟迟)|钱还没到账|"
            # 押金还没到账, 押金退不回来, 扣了一大半押金 (a rental-flat trial)
            r"押金[^，。！？,!?]{0,8}(?:没到|没退|不退|退不|还没|迟迟|拖|慢)|扣(?:了)?[^，。！？,!?]{0,4}押金|押金被扣",
        ),
        (
            "hidden cost",
            # not "bank feed", "in charge", "charging", "a total nightmare", "extra help"
            r"fees?|(?<!in )charg(?:e|es|ed)|price[sd]?|pricing|costs?|costing|expensive|"
            # not a total read wrong ("Auto-read on receipts gets the total wrong", an invoicing
            # trial's scanning theme)
            r"full price|(?:the|weekly|monthly) total(?! (?:is |was )?wrong)|"
            r"total (?:cost|price|amount|bill)|"
            r"extra (?:\w+ )?(?:fee|charge|cost|money)|hidden|surprise|"
            r"bill(?:s|ed|ing)?",
            # not paying as such (缴费, 交费): how it is paid is no cost hidden
            r"(?<![免浪退缴交])费|价格|价钱|贵|扣款|收费|涨了",
        ),
        (
            # a visit or appointment that never happened: the engineer, installer or courier
            # who did not come (a broadband trial's no-show engineers sat in its hold-queue
            # theme and were told "Cut the wait"); before waiting, which wins a tie it would lose
            "no-show",
            r"never (?:turned|showed|came) up|didn'?t (?:turn|show) up|did not (?:turn|show) up|"
            r"(?:nobody|no one|no-one|no engineer|no technician) (?:came|turned up|showed up)|"
            r"missed (?:the |my |our |their )?(?:appointment|visit|install\w*|slot)|"
            r"stood (?:me|us) up|(?:appointment|visit|install\w*) (?:was )?cancell?ed",
            r"没上门|没人来|爽约|放鸽子|(?:师傅|工程师|安装)(?:也)?没来",
        ),
        (
            # too many people for the space: a place packed at peak, queues for its kit (a gym
            # trial's crowding, told "Cut the wait" or nothing); before waiting, which wins a
            # tie it would lose ("Queues for every rack and bench.")
            "crowding",
            r"crowd(?:ed|s)?|overcrowd\w*|rammed|heaving|(?:is|was|'s|gets?|got|were|are|always|"
            r"absolutely|completely|totally|so|too) packed(?! with| in| into| up)|"
            r"too many people|so many people|no (?:space|room) (?:to|in|on|for)|"
            r"shoulder to shoulder|wall to wall|over capacity|"
            # a place that is busy, not people who are ("they're too busy and hang up": a
            # broadband trial's phone line, told "Spread the peak")
            r"(?<!they're )(?<!they are )(?<!we're )(?<!line is )(?<!lines are )(?<!line was )"
            r"(?:gets?|got|so|too|really|very|always|properly|far too|way too) busy|"
            r"queues? (?:for|at)|hogg\w*",
            r"人(?:太|很|特别|超|好|非常)多|挤|拥挤|爆满|人满为患|没(?:有)?位置|抢不到",
        ),
        (
            "waiting",
            r"late|wait\w*|slow\w*|ages(?! to find)|forever|delay\w*|hours?|"
            r"took (?:a while|ages|long)|never (?:came|arrived)|tracking|midnight",
            # not 晚上 "evening", 一晚 "a night", 慢慢 "slowly"
            r"(?<!一)晚(?![上饭餐])|迟|等了|等待|(?<!慢)慢(?!慢)|延误|延迟|追踪|物流|排队|拖了|等到|半天才|"
            # still not back, days on (上一章的反馈还没回来, 十来天都没人批: a course trial's
            # feedback wait was told "a quick route to a person" through its 没人)
            rf"还没(?:回来|到|来|批|收到|退|处理|解决|好)|{ZH_STILL_NOT}",
        ),
        (
            # how staff treat people: rude, dismissive, lying (a restaurant-review trial's
            # 服务员 theme, 对服务非常非常的不满 and 服务员骗我, was told "Show the full cost"
            # from one 贵 in it); before no human, which a rude agent would otherwise be
            "staff attitude",
            r"rude\w*|impolite|unfriendly|unprofessional|disrespect\w*|condescend\w*|arrogant|"
            r"dismissive|(?:bad|poor|terrible|awful|horrible|nasty|stinking) attitude|"
            r"snapped at|yell(?:ed|ing) at|shout(?:ed|ing) at|ignored (?:me|us)|"
            r"treated (?:me|us) like|hostile|sarcas\w*|lied|lying|liars?",
            # 服务态度 in a complaint, unless praised there (服务态度很好)
            r"态度(?!(?:很|非常|特别|超|挺|还|都|也|真的?)*(?:好|不错|热情|周到|满意|可以))|"
            r"服务(?:很|太|极|非常|特别|真的|实在)*(?:差|不好|糟糕|一般)|不够热情|不热情|拉(?:下|长)?脸|"
            r"不理人|爱理不理|不耐烦|甩脸|给脸色|骗|不礼貌|没礼貌|冷漠|凶巴巴",
        ),
        (
            "no human",
            r"bot|chatbot|human|person|agent|nobody (?:answered|replied)|no (?:answer|reply)|"
            r"hotline|on hold|call centre|call center|phone number|(?:speak|talk) to (?:a|someone)",
            # not 没人管 "nobody enforces it" (an EV-charging trial's 油车占位没人管 was told
            # "Give a quick route to a person")
            r"人工|机器人|客服|没人(?!管)|不回复|打不通",
        ),
        (
            "hard to find",
            r"(?:can'?t|couldn'?t|cannot|could not|hard to|didn'?t) find|hid|hidden|hide|buried|"
            r"where (?:is|was|do|can)|took (?:me )?ages to find|tiny link|scroll\w*|anywhere|"
            r"finding (?:the |a |an )?\w+ (?:was|is) (?:hard|difficult)|"
            r"no (?:\w+ )?(?:button|link|menu|setting|tab)s?",
            r"找不到|在哪|藏|没有.{0,4}按钮",
        ),
        (
            # too much effort for what it is: steps, clicks, forms, hoops (a meal-kit study's
            # "Cancelling is a nightmare", 取消太麻烦 and 我点了四五次才取消成功 were told "Find
            # and fix what fails" from one crash quote in the theme). A bare "nightmare" is only
            # how bad it was: "Delivery was a nightmare" names no steps.
            "too many steps",
            r"hassle\w*|faff\w*|hoops|tedious|cumbersome|convoluted|long-winded|"
            r"(?:too|so) many (?:\w+ )?(?:steps|clicks|screens|pages|forms|fields|hoops|taps)|"
            r"(?:took|takes|take|needed|needs) (?:\w+ )?"
            r"(?:clicks|steps|screens|tries|attempts|taps)|"
            # not "over and over" or "every single time": a crash or a late box repeats too
            r"re-?enter\w*|re-?typ\w*|"
            r"\w+ing (?:\w+ )?(?:is|was) (?:a |an )?(?:total |absolute |complete |real )?nightmare|"
            r"nightmare to \w+",
            r"(?:太|很|真|好|挺|特别|非常|超|也很|有点)麻烦|麻烦死|繁琐|步骤(?:太|好|很)?多|好几个页面|好几步|"
            r"点了.{1,3}次|[点按填]了?好几[个次下遍]|来回折腾|折腾|费劲|重复(?:填|输入)|手续.{0,2}(?:多|复杂|麻烦)",
        ),
        (
            # left without news of where a case stands (an insurance-claims trial's widest
            # theme, "Nobody told me what was happening with my claim", was told "Say it
            # clearly where people look"; a delivery trial's 查不到进度)
            "no updates",
            r"(?:no|zero|never any|never an?|without any|without an?) (?:updates?|news|word|"
            r"progress|status updates?|follow-?up|tracking)\b|"
            r"(?:nobody|no one|no-one|never|they never|didn'?t|did not) (?:\w+ )?(?:told|tell|"
            r"tells|updated|update|kept|keep|let|rang|called|emailed) (?:me|us) (?:\w+ ){0,2}?"
            r"(?:what was happening|what'?s happening|what was going on|where (?:it|things|my \w+) "
            r"(?:was|were|stood)|posted|informed|updated|in the loop|know)|"
            r"(?:kept|left) in the dark|had to (?:keep )?chas\w*|(?:chasing|chased) (?:them|it|"
            r"up|for)|heard nothing|(?:not|never) heard (?:anything|back)|radio silence|"
            # told too late: "at short notice", "only told us two days before"
            r"(?:at |such |very |with )?short notice|(?:only|just) (?:told|notified|warned|"
            r"informed|emailed) (?:me|us) (?:\w+ ){0,3}(?:before|beforehand|in advance)",
            # 提前二十天才通知 (a rental-flat trial's renewal notice, told "Cut the wait")
            r"才(?:通知|告诉|说明)|没人通知|没有通知|也不通知|不告诉我(?:进度|结果|情况)|没有任何消息|一直没消息|没消息|"
            r"查不到进度|看不到进度|不知道进度|石沉大海|没有回音|没回音|没人跟进|催了好几次|一直催",
        ),
        (
            "unclear",
            r"confus\w*|unclear|didn'?t know|don'?t know|nobody told|never told|no idea|"
            r"not clear|mislead\w*|can'?t tell|couldn'?t tell|explain\w*|understand\w*|"
            r"wording|head or tail|what (?:does|is) \w+ mean",
            # not a bare 不知道: 不知道是第多少次在这儿吃饭了 ("who knows how many times")
            r"不清楚|不知道(?:怎么|如何|该|要|在哪|去哪|是什么|什么意思|多少钱)|看不懂|没说|没告诉|"
            r"说明|误导|什么意思|搞不懂|看不明白",
        ),
        (
            "missing capability",
            r"no (?:way|option)|can'?t (?:change|skip|pause|cancel|choose|pick|edit|leave)|"
            r"won'?t let|let me|wish|would like|should (?:be able|let)|option|feature|"
            r"only (?:way|option)|have to call|customi[sz]\w*|configur\w*|rigid|inflexible|"
            r"missing (?:\w+ )?(?:fields?|features?|options?|columns?|data|settings?|functions?)|"
            r"doesn'?t support|not supported|no support for|"
            # only on paper or in person (a gym's cancelling by posted letter)
            r"by post|(?:signed|formal|written) letter|letter to cancel|in person|print (?:a|the|"
            r"out a) form|can'?t do it online|not online",
            # not supported, or only at the window (an online-clinic trial's 线上缴费不支持医保 was
            # told "show the full cost")
            r"不能(?!忍)|无法(?!忍)|没有.{0,4}功能|希望|能不能|[开办退改换]不了|不支持|"
            r"只能(?:去|到|跑)?(?:窗口|柜台|现场|线下|营业厅|网点)",
        ),
        (
            # being sold to or interrupted: upsell pop-ups, ads, sales calls (a banking trial's
            # 理财推销太多 was told "Let people do it themselves")
            "intrusive",
            r"upsell\w*|pop-?ups?|ads|adverts?|advertising|spam\w*|sales calls?|marketing "
            r"(?:calls?|emails?|messages?|texts?)|cold calls?|pushy|nag\w*|(?:too many|so many|"
            r"constant) (?:emails?|notifications?|messages?|texts?|calls?|offers?)",
            r"推销|弹窗|广告|骚扰|轰炸|推送太多|营销|打电话推荐|推荐位",
        ),
        (
            "fulfilment",
            r"missing(?! (?:\w+ )?(?:fields?|features?|options?|columns?|data|settings?|"
            r"functions?))|"
            r"damaged|squashed|crushed|dented|torn|ripped|melted|warm|wrong item|"
            r"spoil\w*|rotten|leak\w*|ingredients?|dirty|filthy|stain\w*|smell\w*|nois\w*|"
            r"thin walls|not as (?:described|pictured|advertised)|"
            # what is served is not right: a restaurant's, a meal kit's, a shop's food
            r"bland|tasteless|flavou?rless|overcooked|undercooked|stale|soggy|greasy|inedible|"
            r"too (?:salty|sweet|oily|dry)|not fresh|tast(?:ed|es) (?:bad|off|awful|horrible)|"
            # not what was booked (a car-hire trial's "given a manual" theme was told "Cut the
            # wait")
            r"not (?:what|the (?:\w+ )?(?:car|room|model|size|class|item|one)) (?:i|we) (?:had )?"
            r"(?:booked|ordered|paid for|reserved|asked for)|instead of the (?:\w+ ){0,2}?(?:i|we) "
            r"(?:had )?(?:booked|ordered|paid for|reserved)|(?:gave|given|got|handed|offered) "
            r"(?:\S+ ){0,4}?(?:when|though|but|yet) (?:i|we)(?:'d| had)? (?:booked|ordered|"
            r"paid for|reserved)|or similar|downgrad\w*",
            r"少了|缺|坏了|破损|破了|压坏|压扁|化了|漏|脏|卫生|异味|霉|吵|噪音|隔音|与描述不符|不一样|"
            r"不好吃|难吃|味道(?:很|太|比较|非常)?(?:一般|差|不好|不行|怪)|没(?:什么)?味道|"
            r"太(?:咸|淡|油|腻|甜|辣|硬)|油腻|不新鲜",
        ),
        (
            # more than is needed: packaging, plastic, ice packs (a meal-kit study's "Way too
            # much plastic" was told "Get it right where it is prepared"); after fulfilment,
            # which wins a tie ("the ice packs had melted", "the packaging was torn" are a
            # delivery gone wrong)
            "waste",
            r"packag\w*|plastic|wasteful|food waste|landfill|recycl\w*|"
            r"ice ?packs?|sachets?|styrofoam|polystyrene|bubble wrap|cardboard|"
            r"(?:too|so) many (?:\w+ )?(?:bags|boxes|wrappers)",
            r"包装|塑料|环保|浪费(?!时间|钱|了?我)|一次性|冰袋",
        ),
    )
)
"""Kinds of problem, most specific first (a tie goes to the earlier kind)."""


KIND_QUOTES = 50
"""A theme's kinds of problem are read from its most typical quotes, at most these."""


def kinds_named(quotes: Sequence[str]) -> Counter[str]:
    """How many of a theme's quotes (most typical first, at most KIND_QUOTES) name each kind of
    problem: what its title and its recommendation are chosen by."""
    return Counter(k for quote in quotes[:KIND_QUOTES] for k in problem_kinds(quote))


_SUBSUMES = {
    "price rise": ("hidden cost", "no updates"),
    "billing error": ("hidden cost",),
    "no updates": ("unclear", "no human", "waiting"),
}
"""A kind whose words are another's: a price raised names a bill or a price, and is no hidden
charge for that ("Bills keep going up" shared a kind with "They charged me for a router I'd sent
back", so a broadband trial's price rises and wrong bills stayed one theme)."""


def problem_kinds(text: str) -> list[str]:
    """The kinds of problem a text names (PROBLEM_KINDS order), quotations left out: a menu
    that lacked "missing item" is no missing item."""
    said = unquoted(text)
    kinds = [kind for kind, pattern in PROBLEM_KINDS if pattern.search(said)]
    return [k for k in kinds if not any(k in _SUBSUMES.get(other, ()) for other in kinds)]
