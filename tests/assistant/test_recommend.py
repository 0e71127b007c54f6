import pytest

from assistant.recommend import problem_kind, recommend
from journey.labels import ZH as ZH_LABELS
from journey.schema import Emotion, Evidence, PainPoint, Stage


def _pain(pain_id: str, title: str, quotes: list[str], people: int, severity: int) -> PainPoint:
    return PainPoint(
        id=pain_id,
        title=title,
        description=f"{people} of 20 participants, all in Purchase",
        severity=severity,
        participants=people,
        share=people / 20,
        emotion="frustrated",
        evidence=[
            Evidence(
                quote=q,
                source_id=f"s{i}",
                source_path=f"s{i}.txt",
                char_start=0,
                char_end=len(q),
                participant_id=f"p{i}",
            )
            for i, q in enumerate(quotes)
        ],
    )


FEE = _pain(
    "pp-purchase-1",
    "Delivery fee isn't on that page",
    ["I didn't know there was a delivery fee.", "Got charged extra for delivery."],
    10,
    3,
)
CRASH = _pain(
    "pp-purchase-2",
    "App crashed while swapping meals",
    ["App crashed while I was swapping meals.", "It froze and my selections were gone."],
    4,
    4,
)
BOT = _pain(
    "pp-purchase-3",
    "Chat bot never hands over to a person",
    ["The chat bot kept looping, I wanted a human.", "Could not reach a person."],
    6,
    4,
)
WORDING = _pain(
    "pp-purchase-4",
    "Nobody told me that at sign-up",
    ["Nobody told me that at sign-up.", "I didn't know what 'flex plan' meant."],
    2,
    3,
)
ZH = _pain("pp-purchase-5", "没有物流追踪", ["配送太晚了，没有物流追踪。", "等了一整天。"], 5, 3)


def _stage(*pains: PainPoint) -> Stage:
    emotion = Emotion(mean_valence=None, n=0, ci_low=None, ci_high=None, labels=[])
    return Stage(name="Purchase", order=1, description="", pain_points=list(pains), emotion=emotion)


def test_the_kind_of_problem_comes_from_the_theme_words():
    assert problem_kind(FEE) == "hidden cost"
    assert problem_kind(CRASH) == "failure"
    assert problem_kind(BOT) == "no human"
    assert problem_kind(WORDING) == "unclear"
    assert problem_kind(ZH) == "waiting"


@pytest.mark.parametrize(
    ("title", "quote", "kind"),
    [
        # a hotel trial: "evening" is no wait, a room is no order to pack, nor light a fee
        ("一晚上都被隔壁的打鼾声吵醒", "隔音太差，一晚上都被隔壁的打鼾声吵醒。", "fulfilment"),
        ("房间卫生一般", "床单上有头发，房间卫生一般。", "fulfilment"),
        ("完全没有采光", "窗户对着墙，完全没有采光。", "other"),
        ("订的是下午两点入住", "订的是下午两点入住，等到四点才进房。", "waiting"),
        ("前台开不了专票", "退房的时候说前台开不了专票。", "missing capability"),
        ("免费早餐很一般", "免费早餐很一般。", "other"),
    ],
)
def test_the_kind_of_a_chinese_theme_reads_words_not_characters(title: str, quote: str, kind: str):
    assert problem_kind(_pain("pp-x-1", title, [quote], 3, 3)) == kind


def test_there_is_one_recommendation_per_theme_built_from_its_title():
    recs = recommend([_stage(FEE, CRASH, BOT, WORDING, ZH)])
    assert sorted(a for r in recs for a in r.addresses) == sorted(
        p.id for p in (FEE, CRASH, BOT, WORDING, ZH)
    )
    by_theme = {r.addresses[0]: r for r in recs}
    assert "delivery fee isn't on that page" in by_theme[FEE.id].title
    assert by_theme[ZH.id].title.endswith("没有物流追踪")
    assert len({r.title for r in recs}) == len(recs)


def test_priority_is_impact_over_effort_and_the_rationale_names_theme_and_counts():
    recs = recommend([_stage(FEE, WORDING)])
    for r in recs:
        assert r.priority == round(r.impact / r.effort, 3) and not r.scoring
    fee = next(r for r in recs if r.addresses == [FEE.id])
    assert fee.impact == round(3 * 0.5, 3) and fee.kind == "hidden cost"
    assert FEE.id in fee.rationale and "10 participants" in fee.rationale
    assert recs[0].priority >= recs[-1].priority


def test_a_single_participant_is_not_pluralised():
    one = _pain("pp-purchase-9", "Skip link didn't save", ["The skip link didn't save."], 1, 4)
    (rec,) = recommend([_stage(one)])
    assert "1 participant " in rec.rationale and "1 participants" not in rec.rationale


def test_a_thing_people_cannot_find_is_answered_by_putting_it_where_they_look():
    skip = _pain(
        "pp-use-1",
        "Can't find how to skip a week",
        ["Can't find how to skip a week", "They hid the skip button."],
        6,
        4,
    )
    assert problem_kind(skip) == "hard to find"
    (rec,) = recommend([_stage(skip)])
    assert rec.effort == 2 and rec.title.endswith("can't find how to skip a week")


@pytest.mark.parametrize(
    ("title", "quotes", "kind"),
    [
        (
            "Promo code confusion",
            ["The promo code said invalid.", "Where is the code box?"],
            "unclear",
        ),
        ("It took me ages to find", ["I gave up looking."], "hard to find"),
        ("Phone number isn't in the app anywhere", ["I wanted to call."], "no human"),
        ("I've got a freezer full of them", ["The ice packs pile up."], "waste"),
        ("Way too much plastic", ["So much plastic.", "The packaging is a lot."], "waste"),
        ("过度包装", ["塑料袋太多了，一点都不环保。"], "waste"),
        (  # melted ice packs are a delivery gone wrong, not packaging to cut
            "The ice packs had melted",
            ["Everything arrived warm, the chicken had to go."],
            "fulfilment",
        ),
        ("What a waste of time", ["I waited an hour for nothing."], "waiting"),
        ("Too much packaging", ["The packaging is a lot."], "waste"),
        ("包装太夸张了", ["一个小东西用了三层包装。"], "waste"),
        ("The packaging was torn", ["Box arrived crushed."], "fulfilment"),
        ("下单的时候优惠券怎么也用不了", ["优惠券用不了，总价没变。"], "failure"),
        (  # the menu's label is the bot's words: this is no missing item
            'None of the options were "missing item"',
            [
                'It\'s a bot, and none of the options were "missing item."',
                "The chat bot kept asking me to pick from a menu, then sent me back to the start.",
            ],
            "no human",
        ),
        (
            "No cancel button in the app",
            ["Cancelling is a nightmare", "App crashes at checkout", "App crashed, order lost"],
            "hard to find",
        ),
    ],
)
def test_the_kind_of_problem_follows_the_title_it_is_read_beside(
    title: str, quotes: list[str], kind: str
):
    pain = _pain("pp-use-1", title, quotes, 4, 3)
    assert problem_kind(pain) == kind


@pytest.mark.parametrize(
    ("title", "quotes", "kind"),
    [
        # a B2B trial: "bank feed" read as a fee, so "Show the full cost before people commit"
        # was the first recommendation for a sync failure
        (
            "Our bank feed sync fails silently",
            ["The bank feed stopped syncing again.", "Feed was out of sync for a week."],
            "failure",
        ),
        (
            "Receipt scanning reads the wrong amounts",
            ["It read $212 as $712.", "The scanner misread the total on every fuel receipt."],
            "failure",
        ),
        (
            "CSV export is missing fields",
            ["The export is missing the cost centre fields.", "No GL code column in the CSV."],
            "missing capability",
        ),
        (
            "Approval chains can't be customised",
            ["Approval workflows are too rigid.", "We can't configure a second approver."],
            "missing capability",
        ),
        ("Missing limes and coriander", ["The limes were missing again."], "fulfilment"),
        (
            "A total nightmare to set up",
            ["It was a total nightmare, I was in charge."],
            "too many steps",
        ),
        ("Delivery was a nightmare", ["It was a total nightmare, I was in charge."], "other"),
    ],
)
def test_a_problems_kind_reads_its_words_not_their_letters(
    title: str, quotes: list[str], kind: str
) -> None:
    assert problem_kind(_pain("pp-x-1", title, quotes, 5, 3)) == kind


@pytest.mark.parametrize(
    ("title", "quotes", "kind"),
    [
        (
            "Too many upsell pop-ups",
            ["Too many upsell pop-ups, add a dessert, add wine."],
            "intrusive",
        ),
        (
            "理财推销太多",
            ["推销太多了，一个月打了三四次电话。", "首页满屏都是理财广告弹窗。"],
            "intrusive",
        ),
        (
            "Cancelling is a nightmare",
            ["Cancelling is a nightmare.", "No cancel button in the app.", "App crashed."],
            "too many steps",
        ),
        ("取消太麻烦", ["我点了四五次才取消成功。", "还要点好几个“确定吗？”"], "too many steps"),
        # a gym trial: crowding, price rises, broken kit and cancelling only by post
        (
            "Every evening the place is rammed",
            ["Queues for every rack and bench.", "It's heaving after work."],
            "crowding",
        ),
        ("晚上人太多", ["晚上人太多了，器械都抢不到。"], "crowding"),
        ("Second price rise this year", ["My monthly fee went up by a fiver."], "price rise"),
        # a broadband trial: a price raised is not a charge made in error
        ("Bills keep going up", ["It jumped to forty-four.", "The cost crept up."], "price rise"),
        ("Charged for a router I sent back", ["They billed me twice."], "billing error"),
        (
            "Debited twice in one month",
            ["It took three calls to get the money back."],
            "billing error",
        ),
        ("Hidden delivery fee", ["Nobody told me about the extra fee."], "hidden cost"),
        ("扣了两次钱", ["退款一直没到账。"], "billing error"),
        ("Still waiting for my refund", ["The refund never came."], "billing error"),
        # an insurance-claims trial: no news of where the claim stood
        (
            "Nobody told me what was happening with my claim",
            ["Weeks went by with no updates.", "I had to keep chasing them."],
            "no updates",
        ),
        ("理赔进度查不到", ["提交了一个月，一直没消息。"], "no updates"),
        # car-hire and rental-flat trials: a deposit kept, a renewal told late and raised
        (
            "Five weeks later it still hasn't been released",
            ["The deposit still hasn't been released.", "My hold was never returned."],
            "billing error",
        ),
        ("退房两个月了押金还没到账", ["退租扣了一大半押金。"], "billing error"),
        (
            "Damage scam",
            [
                "Got an invoice for £275 for a dent in the boot I never caused.",
                "They took a £250 deposit and it took nearly a month to come back.",
            ],
            "billing error",
        ),
        (
            "Refuel charge despite full tank",
            ["Charged a fee even though I returned it full."],
            "billing error",
        ),
        (
            "Can drive a manual",
            ["It's not what I paid for.", "They gave us a Fiat 500 when we'd booked an SUV."],
            "fulfilment",
        ),
        ("提前二十天才通知", ["续租的事提前二十天才通知我。"], "no updates"),
        ("续租涨价", ["续约直接涨了四百，提前二十天才通知。"], "price rise"),
        ("No tracking link", ["No tracking, no text to say it was running late."], "no updates"),
        ("油车占位没人管", ["充电车位老被油车占着，物业也没人管。"], "other"),
        ("会员费涨价了", ["会员费从一百八涨到了两百五。"], "price rise"),
        ("线上缴费不支持医保", ["医保只能去窗口缴费，排了半小时。"], "missing capability"),
        ("Auto-read gets the total wrong", ["It keeps getting the amounts wrong."], "failure"),
        ("Treadmill broken again", ["Out of order signs for weeks, never repaired."], "failure"),
        ("Letter to cancel", ["You have to send a signed letter by post."], "missing capability"),
        # a broadband trial: the engineer who never came; a food-delivery trial's fees
        (
            "The engineer never turned up",
            ["Thursday nobody came at all.", "The installer never showed up."],
            "no-show",
        ),
        ("师傅没上门", ["说好上午来，结果根本没上门。"], "no-show"),
        ("麻烦尽快处理一下", ["麻烦尽快处理一下，谢谢。"], "other"),
        # what is served: a restaurant's food is got right where it is prepared
        (
            "不好吃了就不去",
            ["黑椒蒸肥牛味道不好，不推荐。", "竹筒腊肠饭没什么味道。"],
            "fulfilment",
        ),
        ("Food was bland", ["The pasta was bland and overcooked."], "fulfilment"),
        # how staff treat people
        ("The flight attendant was rude", ["Rude and unprofessional crew."], "staff attitude"),
        ("服务员不够热情", ["服务态度更加无语。"], "staff attitude"),
        # a bare 不知道 is no unclear wording: "who knows how many times we've eaten here"
        ("不知道是第多少次在这儿吃饭了", ["不知道是第多少次在这儿吃饭了。"], "other"),
        # English cues inside Chinese text (no word edge between 种 and bug)
        ("这种bug都能上线", ["这种bug都能上线，测试呢？"], "failure"),
        ("收不到验证码", ["验证码老是收不到。", "短信验证码半天不来。"], "failure"),
    ],
)
def test_being_sold_to_too_many_steps_and_chinese_failures_have_their_kind(
    title: str, quotes: list[str], kind: str
) -> None:
    assert problem_kind(_pain("pp-x-1", title, quotes, 5, 3)) == kind


def test_the_widest_severe_problems_of_a_large_study_are_moments_of_truth() -> None:
    """A banking trial (82 participants, mostly reviews) had no moment of truth beside a
    severity-5 crash theme of 9 people: a quarter of the participants is rarely reached."""
    from assistant.synthesis import _mark_moments_of_truth

    def of_82(pain: PainPoint) -> PainPoint:
        return pain.model_copy(update={"share": pain.participants / 82})

    crash = of_82(_pain("pp-a-1", "App crashes on the transfer page", ["It crashed."], 9, 5))
    calls = of_82(_pain("pp-a-2", "Phone line never answers", ["Nobody answered."], 10, 4))
    small = of_82(_pain("pp-a-3", "Font too small", ["Tiny text."], 3, 4))
    mild = of_82(_pain("pp-a-4", "Menu order is odd", ["Odd menu."], 12, 2))
    stages = [_stage(crash, small, mild), _stage(calls)]
    _mark_moments_of_truth(stages)
    assert stages[0].moments_of_truth == ["pp-a-1"] and stages[1].moments_of_truth == ["pp-a-2"]


@pytest.mark.parametrize(
    ("title", "quotes", "kind"),
    [
        (
            "Computer was too slow",
            ["It takes forever to boot and the computer is slow."],
            "performance",
        ),
        (
            "Battery doesn't last long",
            ["The battery life is probably an hour at best."],
            "performance",
        ),
        ("手机发烫还特别耗电", ["用一会儿就发烫，续航也不行。"], "performance"),
        ("Delivery was slow", ["The delivery was slow, it came a week late."], "waiting"),
        (
            "上一章的反馈还没回来",
            [
                "作业交了十来天都没人批，上一章的反馈还没回来。",
                "批改要等一周多，等批改回来我都忘了自己写的啥了。",
                "问个问题助教两三天才回。",
            ],
            "waiting",
        ),
        (
            "Computer was too slow",
            [
                "I would be up hours, just because the computer was too slow.",
                "Seems to slow down occasionally.",
                "It would take up too much time.",
            ],
            "performance",
        ),
        (
            "The screen quit working",
            ["Three weeks after I bought it, the screen quit working."],
            "failure",
        ),
        (
            "Board has a bad connector with the power supply",
            ["The board has a bad connector with the power supply."],
            "failure",
        ),
    ],
)
def test_a_slow_or_broken_product_is_not_a_wait_nor_hard_to_find(
    title: str, quotes: list[str], kind: str
) -> None:
    """A laptop-review trial: "Computer was too slow" and "Battery doesn't last long" were told
    "Cut the wait and say how long it will be", a bad power connector "Put it where people look
    for it"."""
    assert problem_kind(_pain("pp-x-1", title, quotes, 4, 3)) == kind


def test_a_themes_kind_is_read_from_all_its_quotes_when_the_map_gives_them():
    """A restaurant trial's service theme showed five quotes, one of them 贵 (a price), and was
    told to show the full cost; 服务态度 is in four of its quotes."""
    shown = ["对服务非常非常的不满。", "跟服务生反映了不以为然，那个贵啊！", "服务员也没有说什么。"]
    pain = _pain("pp-service-1", "服务员也不好操作", shown, 15, 4)
    assert problem_kind(pain) == "hidden cost"
    theme = [
        *shown,
        "服务态度更加无语，拉下脸了。",
        "唯一吐槽不满的是服务态度，非常不满！",
        "跟他们前台反应这个服务态度问题。",
        "服务真的太糟糕。",
    ]
    assert problem_kind(pain, theme) == "staff attitude"
    [rec] = recommend([_stage(pain)], ZH_LABELS, quotes_of={pain.id: theme})
    assert rec.kind == "staff attitude"
    assert rec.title.startswith(ZH_LABELS.plays["staff attitude"])
