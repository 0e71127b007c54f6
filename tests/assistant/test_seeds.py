from collections import Counter

from assistant.seeds import LABELS, SeedClassifier, load_seeds


def test_the_seed_set_covers_every_label_in_english_and_chinese():
    rows = load_seeds()
    counts = Counter(label for label, _ in rows)
    assert set(counts) == set(LABELS) and min(counts.values()) >= 50
    assert any("\u4e00" <= ch <= "\u9fff" for _, text in rows for ch in text)
    assert len({text for _, text in rows}) == len(rows)


def test_the_seed_classifier_leans_the_way_a_researcher_would(embedder):
    texts = [
        "The page kept timing out and I had to start the whole form again.",
        "That was really smooth, it downloaded straight away.",
        "客服一直不回复，等了一个小时。",
    ]
    votes = SeedClassifier(embedder).votes(embedder.embed(texts))
    pain, positive = LABELS.index("pain"), LABELS.index("positive")
    assert votes[0, pain] > votes[0, positive]
    assert votes[1, positive] > votes[1, pain]
    assert votes[2, pain] > votes[2, positive]
    assert abs(float(votes.sum()) - len(texts)) < 1e-4
