import numpy as np

from assistant.keyphrases import cluster_keyphrases
from assistant.stages import StageSpec
from assistant.synthesis import _title, build_stages, headline_threshold, ranked, theme_severity
from assistant.themes import group_themes, leader_clusters
from journey.schema import Evidence, Observation, ObservationKind, Stage


def test_clustering_groups_similar_sentences_and_is_stable(embedder):
    texts = [
        "The delivery was three hours late.",
        "My delivery arrived late again.",
        "The delivery came very late.",
        "The recipes are simple and tasty.",
        "I love how easy the recipes are to cook.",
    ]
    vectors = embedder.embed(texts)
    clusters = leader_clusters(vectors)
    assert clusters == leader_clusters(vectors)
    as_sets = [set(c) for c in clusters]
    assert {3, 4} in as_sets
    assert any({0, 1, 2} <= c for c in as_sets)


def test_clustering_handles_no_items():
    assert leader_clusters(np.zeros((0, 512), dtype=np.float32)) == []


def test_keyphrases_name_what_is_distinctive_in_each_cluster():
    names = cluster_keyphrases(
        [
            [
                "The delivery fee was hidden",
                "a delivery fee appeared after the promo",
                "hidden delivery fee again",
            ],
            ["recipes are easy", "easy recipes and tasty meals", "recipes were easy to follow"],
            ["配送总是迟到", "配送迟到了两个小时"],
        ]
    )
    assert "delivery fee" in names[0]
    assert any("recipes" in n for n in names[1])
    assert "配送" in names[2] or "迟到" in names[2]


def test_an_item_moves_to_the_cluster_whose_settled_centre_is_nearer():
    # At 55 degrees the second item joins the first cluster (the only one then); once the
    # 90- and 70-degree items form a cluster centred at 80 degrees, it is nearer to that one.
    angles = np.radians([0, 55, 90, 70])
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    assert leader_clusters(vectors, threshold=0.55) == [[0], [1, 2, 3]]


def test_a_theme_without_a_usable_clause_is_named_by_what_it_is_about_never_a_lone_word():
    assert _title(None, ["loop"], None, chinese=False) == "Comments on loop"
    assert _title(None, [], "delivery", chinese=False) == "Comments on delivery"
    assert _title(None, ["物流"], None, chinese=True) == "关于物流的反馈"
    assert _title("Chat is slow", ["chat"], "support chat", chinese=False) == "Chat is slow"


def test_one_persons_quote_is_titled_by_its_own_clause_when_it_shares_no_words():
    # the sample's single mentions were "Other comments" and "Comments on job that would've"
    lone = "I didn't know what to do with them."
    assert _title(None, [], None, chinese=False, lone=lone) == "Didn't know what to do with them"
    office = "With an office job that would've been a real problem."
    assert _title(None, ["office job"], None, chinese=False, lone=office) == (
        "Comments on office job"
    )
    assert _title(None, [], None, chinese=False, lone="Android 15, Pixel.") == "Other comments"


def _pain(quote: str, who: str) -> Observation:
    return Observation(
        kind=ObservationKind.pain_point,
        stage="Delivery",
        touchpoint=None,
        channel=None,
        emotion="frustrated",
        valence=-1.2,
        severity=3,
        evidence=Evidence(
            quote=quote,
            source_id="s-" + who,
            source_path=who + ".txt",
            char_start=0,
            char_end=len(quote),
            participant_id=who,
        ),
    )


def _stage(observations: list[Observation], vectors: np.ndarray, **kwargs: int) -> Stage:
    (stage,) = build_stages(
        [StageSpec("Delivery", "the box arriving")],
        observations,
        vectors.astype(np.float32),
        total_participants=10,
        **kwargs,
    )
    return stage


def test_a_pain_point_one_person_raised_is_kept_as_mentioned_once_not_headlined():
    late, plastic = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    observations = [
        _pain("The box came four hours late.", "p1"),
        _pain("Late again, the window meant nothing.", "p2"),
        _pain("It arrived long after the window.", "p3"),
        _pain("So much plastic in every box.", "p4"),
        _pain("Every onion in its own plastic bag.", "p4"),
    ]
    stage = _stage(observations, np.stack([late, late, late, plastic, plastic]))

    assert [p.participants for p in stage.pain_points] == [3]
    assert [p.participants for p in stage.pain_points_once] == [1]
    once = stage.pain_points_once[0]
    assert once.id != stage.pain_points[0].id and len(once.evidence) == 2


def test_the_headline_threshold_is_a_setting():
    vectors = np.stack([np.array([1.0, 0.0]), np.array([1.0, 0.0])])
    observations = [_pain("The box came late.", "p1"), _pain("Late, again.", "p2")]

    assert len(_stage(observations, vectors).pain_points) == 1
    strict = _stage(observations, vectors, min_participants=3)
    assert not strict.pain_points and len(strict.pain_points_once) == 1
    assert len(_stage(observations[:1], vectors[:1], min_participants=1).pain_points) == 1


def test_a_pilot_of_two_interviews_still_headlines_what_each_said():
    assert headline_threshold(2, 2) == 1 and headline_threshold(2, 3) == 1
    assert headline_threshold(2, 4) == 2 and headline_threshold(3, 40) == 3
    vectors = np.stack([np.array([1.0, 0.0]), np.array([0.0, 1.0])])
    observations = [_pain("The box came late.", "p1"), _pain("Too much plastic.", "p2")]
    (stage,) = build_stages(
        [StageSpec("Delivery", "")], observations, vectors.astype(np.float32), 2
    )
    assert len(stage.pain_points) == 2 and not stage.pain_points_once


def test_one_complaint_met_in_several_stages_is_one_theme_listed_under_its_home_stage(embedder):
    said = [
        ("Purchase", "The delivery fee was hidden until checkout.", "p1"),
        ("Purchase", "Nobody told me about the hidden delivery fee.", "p2"),
        ("Purchase", "A hidden delivery fee appeared at checkout.", "p3"),
        ("Loyalty", "The hidden delivery fee is why I cancelled.", "p4"),
        ("Use", "The recipes are easy to cook.", "p5"),
        ("Use", "The app crashes when I open the menu.", "p6"),
        ("Use", "The app crashed twice while I was swapping meals.", "p7"),
    ]
    observations = [
        _pain(quote, who).model_copy(update={"stage": stage, "kind": ObservationKind.pain_point})
        for stage, quote, who in said
    ]
    vectors = embedder.embed([quote for _, quote, _ in said])
    specs = [StageSpec(name, name) for name in ("Purchase", "Use", "Loyalty")]
    stages = build_stages(specs, observations, vectors, total_participants=7)
    fee = [p for s in stages for p in s.pain_points if "fee" in p.title.lower()]
    assert len(fee) == 1
    assert fee[0].participants == 4 and fee[0].home_stage == "Purchase"
    assert fee[0].also_in == {"Loyalty": 1}
    assert fee[0] in stages[0].pain_points
    assert ranked(stages, ObservationKind.pain_point)[0] == fee[0].id


def test_a_theme_is_grouped_across_languages(embedder):
    quotes = [
        ("The delivery came three hours late.", "p1"),
        ("My delivery was late again.", "p2"),
        ("配送迟到了两个小时。", "p3"),
        ("The recipes are simple and tasty.", "p4"),
        ("I love how easy the recipes are.", "p5"),
    ]
    vectors = embedder.embed([q for q, _ in quotes])
    groups = group_themes(vectors, [who for _, who in quotes])
    assert {0, 1, 2} in [set(g) for g in groups]
    assert group_themes(vectors, [who for _, who in quotes]) == groups


def test_faint_readings_join_a_theme_they_fit_but_never_start_one(embedder):
    quotes = [
        ("The recipes are simple and tasty.", "p1", False),
        ("I love how easy the recipes are.", "p2", False),
        ("The recipes are easy and tasty.", "p3", True),  # faint, but fits the recipes
        ("Well, I'm seventy-one.", "p4", True),  # faint and about nothing shared
        ("I'm in my third year, doing engineering.", "p5", True),
    ]
    vectors = embedder.embed([q for q, _, _ in quotes])
    people = [who for _, who, _ in quotes]
    groups = group_themes(vectors, people, [weak for _, _, weak in quotes])
    assert any(2 in g and ({0, 1} & set(g)) for g in groups)
    assert all(3 not in g and 4 not in g for g in groups)
    # without the marks, the small talk would be themes of their own
    assert any(3 in g for g in group_themes(vectors, people))


def test_a_themes_first_quote_is_the_one_its_title_comes_from(embedder):
    said = [
        ("I didn't know there was one, to be honest.", "p1"),
        ("The chat bot kept looping back to the same menu.", "p2"),
        ("The support bot just loops, it never gets me to a person.", "p3"),
        ("Their chat bot loops forever.", "p4"),
    ]
    observations = [
        _pain(quote, who).model_copy(update={"stage": "Support"}) for quote, who in said
    ]
    vectors = embedder.embed([quote for quote, _ in said])
    stages = build_stages(
        [StageSpec("Support", "Support")], observations, vectors, 4, groups=[[0, 1, 2, 3]]
    )
    (theme,) = stages[0].pain_points
    quotes = [e.quote for e in theme.evidence]
    lead = quotes[0]
    if theme.title.casefold() not in lead.casefold():
        # the title is the whole of its quote: one that says more leads, the title's follows
        assert quotes[1].casefold().strip(" .") == theme.title.casefold()
    assert lead != said[0][0]  # a vague line does not lead a theme


def test_a_quote_that_says_only_the_title_does_not_lead(embedder):
    """A review's headline as a theme's title, and again as its first quote, told a reader
    nothing the title had not ("Pricing page is confusing" over "Pricing page is confusing")."""
    said = [
        ("Pricing page is confusing", "r1"),
        ("I'll be honest, the pricing page is confusing.", "p1"),
        ("The pricing page doesn't show the weekly total.", "p2"),
        ("Honestly the pricing page is confusing and long.", "p3"),
    ]
    observations = [_pain(quote, who) for quote, who in said]
    vectors = embedder.embed([quote for quote, _ in said])
    stages = build_stages(
        [StageSpec("Delivery", "Delivery")], observations, vectors, 4, groups=[[0, 1, 2, 3]]
    )
    (theme,) = stages[0].pain_points
    assert theme.title == "Pricing page is confusing"
    quotes = [e.quote for e in theme.evidence]
    # one that says more, in the title's words, leads; the title's own quote follows
    assert "pricing page is confusing" in quotes[0] and quotes[0] != said[0][0]
    assert quotes[1] == said[0][0]


def test_the_emotion_curve_counts_participants_not_quotes():
    """One talkative source (a 2 MB one-line file gave its stage n = 2053) counts once."""
    from assistant.synthesis import _emotion

    talkative = [_pain(f"Complaint {i}.", "loud") for i in range(50)]
    happy = [
        _pain("Fine.", who).model_copy(
            update={"kind": ObservationKind.delight, "valence": 1.0, "emotion": "satisfied"}
        )
        for who in ("p1", "p2", "p3", "p4")
    ]
    point = _emotion(talkative + happy)
    assert point.n == 5
    assert point.mean_valence == round((4 * 1.0 - 1.2) / 5, 3)
    assert point.ci_low is not None and point.ci_low < point.mean_valence < point.ci_high
    assert _emotion(talkative).n == 1 and _emotion(talkative).ci_low is None


def test_a_small_theme_with_no_shared_words_to_title_it_is_no_headline():
    """'Comments on phone support' headlined three unrelated lines ('Okay, there's a hotline.',
    'So that was fine in the end.'): grouped by meaning, titled by nothing they share."""
    same = np.array([1.0, 0.0])
    # (a leaflet, not the hotline: a hotline is a kind of problem, no human to reach, and that
    # parts two quotes of the same vector in a study of two)
    observations = [_pain("Okay, there's a leaflet.", "p1"), _pain("So fine in the end.", "p2")]
    stage = _stage(observations, np.stack([same, same]))
    assert not stage.pain_points and not stage.pain_points_once
    titled = [_pain("The box came late.", "p1"), _pain("Late again, the box.", "p2")]
    assert len(_stage(titled, np.stack([same, same])).pain_points) == 1


def test_a_text_posted_twice_is_one_of_a_themes_quotes() -> None:
    """A food-delivery trial's reposted review was its late-delivery theme's first two
    quotes, as if two people had said it word for word."""
    from assistant.synthesis import _finding
    from journey.schema import PainPoint

    said = "中午就一个小时休息，等外卖等了一大半，下午开会饿得头晕。"
    texts = [said, said, "加班到九点点个夜宵，一个半小时才到。", "周五晚上十点下单十一点多才到。"]
    observations = [_pain(text, f"R{n}") for n, text in enumerate(texts)]
    finding = _finding(
        PainPoint, "pp-1", [0, 1, 2, 3], [], None, observations, [0, 1, 2, 3], 4, "Delivery"
    )
    quotes = [e.quote for e in finding.evidence]
    assert quotes.count(said) == 1 and len(quotes) == 3
    assert finding.participants == 4  # the count is the theme's, not the quotes shown


def test_a_themes_severity_is_how_hard_it_hit_each_person_who_raised_it():
    """Two interview trials: the widest themes were 1/5 (many mild asides beside each
    person's strong line) while single mentions were 5/5."""

    def said(who: str, severity: int, at: int) -> Observation:
        return _pain(f"line {at}", who).model_copy(update={"severity": severity})

    group = [said("p1", 5, 0), said("p1", 1, 10), said("p1", 1, 20), said("p2", 4, 0)]
    group += [said("p2", 1, 10), said("p3", 4, 0), said("p3", 1, 10)]
    assert theme_severity(range(len(group)), group) == 4


def test_quotes_that_share_only_identifier_words_are_no_theme() -> None:
    """A benefits trial's 6-person "Her date of birth" delight: people reading out reference
    numbers and dates of birth in different stories share no subject."""
    from assistant.keyphrases import word_cohesion

    read_out = [
        "My case number's [ID], I've read it out so many times I know it by heart.",
        "You get a screen saying thank you, your reference is [ID], and then silence.",
        "She asked for her reference number and her date of birth, and she gave it, [DOB].",
        "We put in my National Insurance number, [ID], and my date of birth, and it went fine.",
    ]
    assert word_cohesion(read_out) < 0.2
    slots = ["The delivery slots were all gone.", "No delivery slots left by 8am again."]
    assert word_cohesion(slots) == 1.0


def test_two_themes_the_same_people_raise_alike_are_one(embedder):
    """A course study's refund trouble came out as two themes of the same 3 participants, each
    with its own recommendation; themes of other people, or that read apart, stay two."""
    from assistant.themes import same_people_merged

    quotes = [
        ("退款要填一堆表，客服电话又打不通。", "P1"),
        ("申请三周了退款还没到账。", "P3"),
        ("我在App里找了半天才找到退款入口。", "P5"),
        ("在线客服让我找课程顾问，来回踢皮球，退款拖了一个月。", "P1"),
        ("拖了差不多两个星期才退回来。", "P3"),
        ("等了好几天没消息，我就去找客服问退款。", "P5"),
    ]
    vectors = embedder.embed([q for q, _ in quotes])
    people = [who for _, who in quotes]
    themes = [[0, 1, 2], [3, 4, 5]]
    assert same_people_merged(themes, vectors, people, bar=0.2) == [[0, 1, 2, 3, 4, 5]]
    # other people
    others = ["P1", "P3", "P5", "P2", "P4", "P6"]
    assert same_people_merged(themes, vectors, others, bar=0.2) == themes
    # the same people, reading apart from each other (a bar their quotes do not clear)
    assert same_people_merged(themes, vectors, people, bar=0.99) == themes


def test_a_theme_of_sentences_left_unfinished_is_no_finding():
    """A usability study's 10-person pain point "Temporal units": a think-aloud's reading of
    the screen ("And temporal units ...", "Case study ...", "Polar plot ..."). Its quotes stay
    coded, in no theme; a theme where only some trail off stays."""
    screen = np.array([1.0, 0.0])
    read_out = [
        _pain("And temporal units ...", "p1"),
        _pain("Temporal units, case study ...", "p2"),
        _pain("Polar plot and temporal units …", "p3"),
        _pain("The temporal units are confusing.", "p4"),
    ]
    assert not _stage(read_out, np.stack([screen] * 4)).pain_points
    finished = [*read_out[2:], _pain("I can't read the temporal units.", "p5")]
    (theme,) = _stage(finished, np.stack([screen] * 3)).pain_points
    assert theme.participants == 3


def test_a_theme_is_about_the_touchpoints_several_of_its_people_name():
    """A think-aloud reading the app's "Deliveries" menu aloud while hunting for the skip
    button made a theme of hidden account controls one about delivery; chat then answered
    "What frustrates people about delivery?" with it."""
    from assistant.synthesis import theme_touchpoints

    def said(who: str, touchpoint: str | None) -> Observation:
        return _pain(f"{who} said it", who).model_copy(update={"touchpoint": touchpoint})

    hidden = [said("p1", "delivery"), said("p2", None), said("p3", "mobile app")]
    hidden += [said("p4", "mobile app"), said("p5", None)]
    assert theme_touchpoints(range(5), hidden) == ["mobile app"]
    # of two people, one is half of them
    assert theme_touchpoints(range(2), [said("p1", "courier"), said("p2", None)]) == ["courier"]
    # one person saying it three times is still one person
    repeated = [said("p1", "pricing"), said("p1", "pricing"), said("p1", "pricing")]
    assert theme_touchpoints(range(5), [*repeated, said("p2", None), said("p3", None)]) == []
