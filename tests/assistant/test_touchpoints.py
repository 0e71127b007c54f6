"""Touchpoints learnt from the study, over a small generic lexicon."""

from assistant.cues import channel_of
from assistant.local_extractor import touchpoint_of
from assistant.touchpoints import Vocabulary, learn_vocabulary, mentions, singular
from ingest.embeddings import UsemEmbedder
from journey.schema import TouchpointType

# A small airline-like study written for these tests: (participant, evaluative sentence).
AIRLINE = [
    ("a", "The gate agent was rude and would not rebook us."),
    ("b", "Our flight was delayed three hours with no explanation."),
    ("c", "My bags never arrived in Denver."),
    ("d", "The flight attendants were lovely on the way back."),
    ("e", "The flight was cancelled and the agent just shrugged."),
    ("f", "They lost my bag and the app shows nothing."),
    ("g", "The app crashed twice while I tried to check in."),
    ("h", "A fair price, but the seat was broken."),
    ("i", "The seat would not recline and the flight was freezing."),
    ("j", "The agent at the desk was so helpful, thank you."),
]


def test_mentions_are_the_things_after_an_article_or_possessive():
    assert {"gate agent", "gate", "agent"} <= mentions("The gate agent was rude to us.")
    assert "bag" in mentions("They lost my bags again.")
    found = mentions("Honestly the worst service I have ever had.")
    assert "service" in found and "worst" not in found
    assert "服务员" in mentions("服务员态度很热情，上菜也快。")
    assert singular("dishes") == "dish" and singular("policies") == "policy"
    assert singular("glass") == "glass" and singular("graphics") == "graphics"
    # a name keeps its form, a compound its describing word (the laptop reviews' "window"
    # and "drive", typed as a person)
    assert "windows" in mentions("My Windows keeps crashing.")
    assert "hard drive" in mentions("Then the hard drive failed.")
    assert "公司" not in mentions("这家公司的客服态度很差。")


LAPTOPS = [
    ("a", "The hard drive failed after a month."),
    ("b", "Then the hard drive died and I lost everything."),
    ("c", "My hard drive makes a clicking noise."),
    ("d", "The service was slow and the slow service annoyed me."),
    ("e", "The service at the store was fine."),
    ("f", "The service was rude."),
    ("g", "Slow service, never again, the slow service is a joke."),
]


def test_a_compound_is_a_touchpoint_only_when_it_is_most_of_its_head(embedder: UsemEmbedder):
    learnt = learn_vocabulary(LAPTOPS, embedder, participants=len(LAPTOPS)).learnt
    assert "hard drive" in learnt and learnt["hard drive"][2] is TouchpointType.physical
    assert "slow service" not in learnt


def test_a_study_teaches_its_own_touchpoints_with_type_and_channel(embedder: UsemEmbedder):
    vocabulary = learn_vocabulary(AIRLINE, embedder, participants=len(AIRLINE))
    learnt = vocabulary.learnt
    assert learnt["flight"][2] is TouchpointType.physical
    assert learnt["bag"][2] is TouchpointType.physical
    assert learnt["agent"][2] is TouchpointType.human
    # A phrase the generic lexicon knows takes the lexicon's name.
    assert learnt["app"] == ("mobile app", "app", TouchpointType.digital)
    promo = [("a", "The code did not work."), ("b", "Your code was rejected twice.")]
    assert learn_vocabulary(promo, embedder, 2).learnt["code"][0] == "promo code"
    # Words that praise or describe are no touchpoints, nor is anything one person said.
    assert "fair" not in learnt and "price" not in learnt
    assert "desk" not in learnt
    assert vocabulary.find("Why is my flight delayed again?") == (
        "flight",
        "physical",
        TouchpointType.physical,
    )


def test_one_thing_evaluated_in_two_languages_is_one_touchpoint(embedder: UsemEmbedder):
    """A trial's GP study had "doctor" and "医生" as two touchpoints."""
    said = [
        ("a", "The doctor was brilliant."),
        ("b", "The doctor came on forty minutes late."),
        ("c", "My doctor listened to everything."),
        ("d", "医生非常耐心，体验很好。"),
        ("e", "医生迟到了半个小时。"),
        ("f", "The nurse was rude to me."),
        ("g", "The nurse never called back."),
    ]
    vocabulary = learn_vocabulary(said, embedder, participants=len(said))
    assert vocabulary.find("医生很专业。") == vocabulary.find("The doctor was kind.")
    assert vocabulary.find("医生很专业。")[0] == "doctor"  # type: ignore[index]
    assert vocabulary.find("The nurse was kind.")[0] == "nurse"  # type: ignore[index]


def test_the_touchpoint_named_first_is_the_one_a_sentence_is_about():
    vocabulary = Vocabulary({"bag": ("bag", "physical", TouchpointType.physical)})
    assert vocabulary.find("My bag is lost and the app says nothing.")[0] == "bag"  # type: ignore[index]
    assert vocabulary.find("The app says nothing about my bag.")[0] == "mobile app"  # type: ignore[index]
    assert vocabulary.find("I clicked the export button twice.")[0] == "export button"  # type: ignore[index]
    assert vocabulary.find("We talked about the weather.") is None


def test_no_domain_defaults_reach_other_domains():
    # Meal-kit and airline words are learnt where a study uses them, not built in.
    assert touchpoint_of("The food on the plane was cold.") is None
    assert touchpoint_of("这家的菜品很一般。") is None
    # A cancelled flight is an event, not the cancellation touchpoint of a subscription.
    assert touchpoint_of("Cancelled Flightled again, third time this month.") is None
    assert touchpoint_of("My flight was cancelled last night.") is None
    assert touchpoint_of("You cancelled my flight without a word.") is None
    assert touchpoint_of("I tried to cancel my subscription for a week.")[0] == (  # type: ignore[index]
        "cancellation / changes"
    )
    # "App" in Chinese text needs no spaces around it, but applying and appetizers are no app.
    assert touchpoint_of("我在App上下单")[0] == "mobile app"  # type: ignore[index]
    assert touchpoint_of("I applied twice and was approved.") is None
    assert touchpoint_of("The appetizers were cold.") is None
    # a box alone is no packaging: a form's field, an architect's model, the order itself
    assert touchpoint_of("We type it into the notes box at the bottom.")[0] == "notes box"  # type: ignore[index]
    assert touchpoint_of("Back to the cardboard models!") is None
    # a transcriber's note is not the participant's words (a think-aloud's [pause])
    assert touchpoint_of("[pause] Where do I go from here?") is None
    assert touchpoint_of("[long pause, about 15 seconds] Okay.") is None
    assert touchpoint_of("So much plastic, it's all packaging.")[0] == "packaging"  # type: ignore[index]


def test_channels_come_from_the_lexicon_the_words_or_the_type():
    assert channel_of("mobile app") == "app"
    assert channel_of("booking website", TouchpointType.digital) == "web"
    assert channel_of("front desk", TouchpointType.human) == "in person"
    assert channel_of("room", TouchpointType.physical) == "physical"
    assert channel_of("anything") == "ui"


def test_chinese_and_money_touchpoints_take_their_own_type(embedder: UsemEmbedder):
    """An EV-charging trial's 油车 and 服务费 were people (the nearest Chinese examples were all
    staff), its 骑手 a thing; an invoicing trial's transactions were physical."""
    from assistant.touchpoints import _types

    terms = ["骑手", "油车", "服务费", "transaction", "bank feed", "courier"]
    assert _types(terms, embedder) == [
        TouchpointType.human,
        TouchpointType.physical,
        None,
        TouchpointType.digital,
        TouchpointType.digital,
        TouchpointType.human,
    ]
