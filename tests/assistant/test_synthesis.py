import numpy as np

from assistant.keyphrases import cluster_keyphrases
from assistant.synthesis import _title, leader_clusters


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


def test_a_cluster_sharing_one_lone_word_is_named_by_its_typical_quote():
    assert _title(["loop"], None, "It just looped.", 2) == "It just looped"
    assert _title(["promo code"], None, "The promo code was the annoying bit.", 3) == "Promo code"
    assert _title(["tracking"], "delivery", "No tracking link.", 5) == "Delivery: tracking"
