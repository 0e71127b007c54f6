from assistant.chat.question import as_written, chinese_subject, topic
from assistant.chat.retrieval import BM25, fuse, tokens


def test_tokens_drop_stopwords_fold_plurals_and_split_chinese_into_bigrams():
    assert tokens("The deliveries were late") == ["deliverie", "late"]
    assert "配送" in tokens("配送太慢")


def test_bm25_ranks_documents_that_share_rare_words_first():
    index = BM25.build(["the courier was late again", "recipes are tasty", "late late late"])
    ranked = [i for _, i in index.scores("late courier")]
    assert ranked[0] == 0 and set(ranked) == {0, 2}
    assert index.scores("nothing matches here") == []


def test_rank_fusion_rewards_documents_both_rankings_like():
    assert fuse([1, 2, 3], [3, 1, 4])[0] == 1
    assert set(fuse([1], [2])) == {1, 2}


def test_feedback_terms_are_the_top_documents_words_not_the_questions():
    index = BM25.build(
        [
            "the app was slow, the spinner kept spinning",
            "slow loading, spinner forever, gave up",
            "recipes are tasty and the portions generous",
            "delivery came on time",
            "the box was recyclable",
            "customer service answered quickly",
        ]
    )
    words = index.feedback_terms([0, 1], "why is the app slow", n=3)
    assert "spinner" in words and "slow" not in words and "app" not in words
    assert "tasty" not in words
    # the words find a turn that never uses the question's own words
    more = BM25.build(["spinner froze", "tasty recipes"]).score_terms(words)
    assert [i for _, i in more] == [0]


def test_topic_keeps_the_subject_of_a_question_not_its_frame():
    assert topic("What do users think about the mortgage calculator?") == [
        "mortgage",
        "calculator",
    ]
    assert topic("what went wrong?") == []


def test_a_word_is_attested_by_itself_or_a_word_sharing_its_stem():
    index = BM25.build(["I could not calculate the weekly total", "the courier was late"])
    assert index.attested("courier") and index.attested("calculator")
    assert not index.attested("mortgage")


def test_a_chinese_questions_subject_is_its_naming_words_not_its_asking_ones():
    assert chinese_subject("大家对健身房会员卡有什么看法？") == ["健身房", "会员卡"]
    assert chinese_subject("价格贵不贵？") == ["价格"]  # A-not-A asks
    # a word jieba lacks is the run of its single characters (约 + 车); who the customers are
    # (学员, 患者, 乘客) and "encountered" frame the question (a Chinese trial abstained on it)
    assert chinese_subject("学员在约车方面遇到了什么问题？") == ["约车"]
    assert chinese_subject("患者对视频问诊有什么不满？") == ["视频", "问诊"]
    assert topic("最严重的问题是什么？") == []
    assert chinese_subject("排队等位要多久？") == ["排队", "等位"]
    assert chinese_subject("哪些触点让客户最不满意？") == []


def test_subject_words_are_matched_by_meaning_as_the_question_writes_them():
    question = "Do people like the spending categories and the dishes?"
    assert as_written(question, topic(question)) == ["spending", "categories", "dishes"]
