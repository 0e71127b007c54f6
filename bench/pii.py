"""PII detection: recall per kind and precision on a labelled corpus generated with Faker.

Faker (en_US, en_GB, zh_CN, and other locales for phones) fills transcript, review and heading
templates written here; every PII value's span is known exactly. find_pii runs over each
sentence; an item counts as found when the redacted spans cover all of its letters and
digits. Precision is over every span found: a span that touches no labelled item is a false
positive, and a set of PII-free sentences (dates and times of events, prices, counts,
versions, months, modal verbs, ordinary capitalised words) must come out unchanged.

Names are also measured outside the given-name list (Faker's en_IN names, which
ingest/given_names.txt leaves out on purpose), and a timing check redacts hostile inputs.

Targets (issue 13): structured kinds (email, phone, card, id, url; and bank details, plates and
messaging handles, added after an insurance trial leaked them: their templates were written
after the patterns, so they guard against regressions rather than measure) recall >= 0.99,
names in free text >= 0.9, addresses >= 0.9, precision >= 0.95.

    .venv/bin/python -m bench.pii [--per-template 40] [--seed 13]
"""

import argparse
import base64
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from faker import Faker

from ingest.redact import PHONE_REGIONS, Redactor, find_pii

STRUCTURED = ("email", "phone", "card", "id", "url", "bank", "plate", "handle")
TARGETS = {**dict.fromkeys(STRUCTURED, 0.99), "name": 0.9, "address": 0.9, "dob": 0.9}
NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
CN_AREA_CODES = ("010", "021", "020", "022", "023", "0755", "0571", "028", "027", "0512")


@dataclass
class Sample:
    text: str
    spans: list[tuple[int, int, str]]
    """Labelled PII: (start, end, kind)."""
    template: str


class Corpus:
    """Fills templates like 'Call me on {phone}.' with generated values, recording spans."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fakers = {}
        for i, locale in enumerate(("en_US", "en_GB", "zh_CN", "en_IN")):
            fake = Faker(locale)
            fake.seed_instance(seed + i)
            self.fakers[locale] = fake
        self.samples: list[Sample] = []

    def add(self, template: str, **values: tuple[str, str]) -> None:
        """values: slot -> (text, kind); kind "" means not PII (context only)."""
        text, spans, cursor = "", [], 0
        for m in re.finditer(r"\{(\w+)\}", template):
            text += template[cursor : m.start()]
            value, kind = values[m.group(1)]
            if kind:
                spans.append((len(text), len(text) + len(value), kind))
            text += value
            cursor = m.end()
        text += template[cursor:]
        self.samples.append(Sample(text, spans, template))


def _phone_numbers(corpus: Corpus) -> list[tuple[str, str]]:
    """(number, language) for every region, national and international, and Faker's."""
    rng, out = corpus.rng, []
    for region in PHONE_REGIONS:
        for kind in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE,
        ):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            for _ in range(4):
                national = str(example.national_number)
                national = national[:-4] + f"{rng.randrange(10_000):04d}"
                number = phonenumbers.parse("+" + str(example.country_code) + national)
                if not phonenumbers.is_valid_number(number):
                    continue
                for fmt in (
                    phonenumbers.PhoneNumberFormat.NATIONAL,
                    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                ):
                    lang = "zh" if region in ("CN", "HK", "TW") else "en"
                    out.append((phonenumbers.format_number(number, fmt), lang))
    for locale, lang in (("en_US", "en"), ("en_GB", "en"), ("zh_CN", "zh")):
        fake = corpus.fakers[locale]
        for _ in range(30):
            out.append((fake.phone_number(), lang))
    for _ in range(20):
        out.append((corpus.fakers["en_GB"].cellphone_number(), "en"))
        area = rng.choice(CN_AREA_CODES)
        digits = 8 if len(area) == 3 else rng.choice((7, 8))
        out.append(
            (
                f"{area}-{rng.randrange(2, 10)}{rng.randrange(10 ** (digits - 1)):0{digits - 1}d}",
                "zh",
            )
        )
    return out


def _card(fake: Faker, rng: random.Random) -> str:
    number: str = fake.credit_card_number()
    return re.sub(r"(\d{4})(?=\d)", r"\1 ", number) if rng.random() < 0.3 else number


def _ni_number(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(NI_FIRST) + rng.choice(NI_SECOND)
        if prefix not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    digits = f"{rng.randrange(1_000_000):06d}"
    spaced = rng.random() < 0.5
    body = " ".join((digits[:2], digits[2:4], digits[4:])) if spaced else digits
    return f"{prefix}{' ' if spaced else ''}{body}{' ' if spaced else ''}{rng.choice('ABCD')}"


def _en_address(corpus: Corpus) -> str:
    rng = corpus.rng
    if rng.random() < 0.5:
        fake = corpus.fakers["en_US"]
        return f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.postcode()}"
    fake = corpus.fakers["en_GB"]
    street = fake.street_address().replace("\n", ", ")
    return f"{street}, {fake.city()}, {fake.postcode()}" if rng.random() < 0.7 else street


def _zh_address(corpus: Corpus) -> str:
    fake, rng = corpus.fakers["zh_CN"], corpus.rng
    text = f"{fake.province()}{fake.city()}{fake.district()}区{fake.street_name()}"
    text += f"{rng.randrange(1, 400)}号"
    if rng.random() < 0.5:
        text += f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2500)}室"
    return text


MONTHS = "January February March April May June July August September October November December"


def _en_date(rng: random.Random, year: int) -> str:
    day, month = rng.randrange(1, 29), rng.randrange(1, 13)
    return rng.choice(
        (
            f"{day} {MONTHS.split()[month - 1]} {year}",
            f"{MONTHS.split()[month - 1]} {day}, {year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{month:02d}/{day:02d}/{year}",
        )
    )


def build(seed: int, per_template: int) -> tuple[list[Sample], list[Sample], list[Sample]]:
    """(labelled samples, PII-free samples, names outside the given-name list)."""
    corpus = Corpus(seed)
    rng = corpus.rng
    us, gb, cn, india = (corpus.fakers[k] for k in ("en_US", "en_GB", "zh_CN", "en_IN"))

    def en_person() -> Faker:
        return us if rng.random() < 0.5 else gb

    def each(templates: list[str], fill: Callable[[], dict[str, tuple[str, str]]]) -> None:
        for template in templates:
            for _ in range(per_template):
                corpus.add(template, **fill())

    each(
        [
            "Interviewer: How can we reach you?\nParticipant: Email me at {v}, I check it daily.",
            "They sent the receipt to {v} but it never arrived.",
            "请把发票发到{v}谢谢。",
            "Review title: Support never answered {v}",
        ],
        lambda: {"v": (rng.choice((us.email(), gb.free_email(), cn.email())), "email")},
    )
    for number, lang in _phone_numbers(corpus):
        template = rng.choice(
            ("我的电话是{v}谢谢", "有问题打{v}，客服说的。", "联系方式：{v}。")
            if lang == "zh"
            else (
                "You can call me on {v} after six.",
                "The courier rang from {v} twice.",
                "My number is {v}.",
                "Call {v} if the box is late",
            )
        )
        corpus.add(template, v=(number, "phone"))
    each(
        ["I paid with my card {v} and it was charged twice.", "卡号{v}被扣了两次款。"],
        lambda: {"v": (_card(us, rng), "card")},
    )
    each(
        ["My SSN is {v} if you need it.", "They asked for my social security number, {v}."],
        lambda: {"v": (us.ssn(), "id")},
    )
    each(
        ["My NI number is {v}.", "HMRC had {v} on file."],
        lambda: {"v": (_ni_number(rng), "id")},
    )
    each(
        ["身份证号是{v}，请核对。", "我的身份证{v}被冒用了", "They wanted my ID card {v} again."],
        lambda: {"v": (cn.ssn(), "id")},
    )
    # an insurance trial's leaks: bank details, plates, policy and claim numbers, handles
    each(
        [
            "They paid it back to my account, sort code {v}, but it took two months.",
            "Sort code: {v}, same as before.",
        ],
        lambda: {
            "v": (
                f"{rng.randrange(100):02d}-{rng.randrange(100):02d}-{rng.randrange(100):02d}",
                "bank",
            )
        },
    )
    each(
        ["They paid it into account number {v} eventually.", "退款打到了我的账号{v}。"],
        lambda: {"v": (f"{rng.randrange(10**7, 10**8)}", "bank")},
    )
    each(["My IBAN is {v} if that helps."], lambda: {"v": (gb.iban(), "bank")})
    each(
        ["My car, {v}, was written off.", "The garage had {v} for three weeks."],
        lambda: {"v": (gb.license_plate(), "plate")},
    )
    each(
        ["车牌号是{v}，停在小区门口。", "我的车{v}被追尾了。"],
        lambda: {"v": (cn.license_plate(), "plate")},
    )
    each(["The licence plate {v} was on the form."], lambda: {"v": (us.license_plate(), "plate")})
    each(
        ["Policy {v} includes a courtesy car.", "My claim reference is {v} and nobody knew it."],
        lambda: {
            "v": (
                rng.choice(
                    (
                        f"POL-{rng.randrange(10**4, 10**5)}-UK",
                        f"CLM-{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000)}",
                    )
                ),
                "id",
            )
        },
    )
    each(
        ["还加我微信，我微信号是{v}，不知道他们怎么搜到的。", "My Instagram is @{v}, DM me."],
        lambda: {"v": (us.user_name() + f"{rng.randrange(10, 99)}", "handle")},
    )
    each(
        [
            "The reset link {v} still works, which is scary.",
            "They emailed {v} and it logged me straight in.",
            "点开链接{v}就自动登录了",
        ],
        lambda: {
            "v": (
                rng.choice(
                    (
                        f"https://{us.domain_name()}/reset?token={us.sha1()[:24]}",
                        f"https://{gb.domain_name()}/login?session_id={us.md5()[:16]}&lang=en",
                        f"https://{us.domain_name()}/s/{us.sha256()[:32]}",
                    )
                ),
                "url",
            )
        },
    )
    each(
        [
            "My wife {first} said the box came late.",
            "I talked to {first} on the phone and she sorted it.",
            "{first} {last} from support called me back.",
            "I spoke to Mr {last} at the branch.",
            "Dr {last} recommended the app to me.",
            "Thanks to {first} in the chat, it was fixed.",
            "My colleague {first} {last} uses it too.",
            "{first} was really helpful on the phone.",
            "I asked {first} for a refund.",
            "Review title: Great service from {first} {last}!",
        ],
        lambda: {
            "first": ((p := en_person()).first_name(), "name"),
            "last": (p.last_name(), "name"),
        },
    )
    each(
        [
            "{last}先生帮我处理了退款。",
            "客服{last}小姐很耐心。",
            "我叫{full}，是老用户了。",
            "{full}老师推荐我用的。",
            "谢谢{last}女士的帮助",
        ],
        lambda: {"last": (cn.last_name(), "name"), "full": (cn.name(), "name")},
    )
    each(
        [
            "Please send it to {v} instead.",
            "I live at {v}, so the van can't park.",
            "Delivery address: {v}",
        ],
        lambda: {"v": (_en_address(corpus), "address")},
    )
    each(
        ["我住在{v}，快递总是放错。", "收货地址：{v}", "寄到{v}就行"],
        lambda: {"v": (_zh_address(corpus), "address")},
    )
    each(
        [
            "I was born on {v}, so I'm not exactly young.",
            "DOB: {v}",
            "The form wanted my date of birth ({v}) twice.",
        ],
        lambda: {"v": (_en_date(rng, rng.randrange(1940, 2006)), "dob")},
    )
    each(
        ["出生日期：{v}", "我是{y}出生的。"],
        lambda: {
            "v": (
                f"{(y := rng.randrange(1950, 2006))}年"
                f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
                "dob",
            ),
            "y": (f"{y}年", "dob"),
        },
    )
    labelled = corpus.samples

    corpus.samples = []
    clean_templates = [
        "It happened on {date} and again a week later.",
        "The order was placed on {date} and arrived on {date2}.",
        "Between {date} and {date2} nothing arrived.",
        "The box was {price} and then {price2} with delivery.",
        "I waited {n} minutes on hold at {time}.",
        "Version {version} crashed at {time}.",
        "We ordered {n} boxes in {year}.",
        "There were {n} reviews and {big} downloads.",
        "In {month} the prices went up by {n} percent.",
        "Order number {order} shipped on {date}.",
        "会员费从{price}涨到了{price2}，{year}年{n}月开始的。",
        "我{date_zh}下的单，等了{n}天。",
    ]
    for template in clean_templates:
        for _ in range(per_template):
            year = rng.randrange(2015, 2027)
            corpus.add(
                template,
                date=(_en_date(rng, year), ""),
                date2=(_en_date(rng, year), ""),
                price=(f"${rng.randrange(5, 200)}.{rng.randrange(100):02d}", ""),
                price2=(f"£{rng.randrange(1, 3)},{rng.randrange(1000):03d}.50", ""),
                n=(str(rng.randrange(2, 90)), ""),
                big=(f"{rng.randrange(1, 999)},{rng.randrange(1000):03d}", ""),
                time=(f"{rng.randrange(1, 24)}:{rng.randrange(60):02d}", ""),
                version=(f"{rng.randrange(1, 20)}.{rng.randrange(10)}.{rng.randrange(30)}", ""),
                year=(str(year), ""),
                month=(rng.choice(MONTHS.split()), ""),
                order=(str(rng.randrange(10**5, 10**8)), ""),
                date_zh=(f"{year}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日", ""),
            )
    for sentence in CLEAN_SENTENCES:
        corpus.add(sentence.replace("{", "(").replace("}", ")"))
    clean = corpus.samples

    corpus.samples = []
    for template in ("My wife {first} said it was fine.", "I spoke to {first} {last} yesterday."):
        for _ in range(per_template):
            corpus.add(
                template, first=(india.first_name(), "name"), last=(india.last_name(), "name")
            )
    return labelled, clean, corpus.samples


CLEAN_SENTENCES = [
    "May I ask why the price changed in May?",
    "Will they refund me? I will mark it as read.",
    "In April I paused the plan; in June I came back.",
    "Mark the box as damaged. Bill payments failed twice; the bill said nothing.",
    "Grace period is 14 days, which I hope is enough.",
    "Rated 4.5 out of 5 by 1,234,567 people in 2024.",
    "The dashboard showed 154 events and 10,000 users.",
    "I waited 3 days, 4 hours and 15 minutes.",
    "Version 2.4.1 crashed at 9:45 and again at 10:30-11:45.",
    "It was 18.11.2021 or 11/18/2021, I forget.",
    "The log says 2021-11-18 14:30:00 for the transfer.",
    "We moved from Sydney to Paris in 2019.",
    "Chase Bank and Apple Pay both declined it.",
    "The app store rating dropped to 2.1 in March 2024.",
    "I was born to cook, honestly, but not on a Tuesday.",
    "The box arrived at 7:30 on Monday 3 March.",
    "Delivery is free over $50, otherwise £4.99.",
    "Top 10 recipes, 5 stars, 20 minutes each.",
    "The PS5 2TB bundle was in the same box, oddly.",
    "Order 12345678 shipped on 2024-01-05.",
    "Page 2 of the FAQ says 30 days.",
    "2023年3月15日下单，3月20日才到。",
    "价格从199元涨到了299元，涨了50%。",
    "等了45分钟，客服才接电话。",
    "版本3.2.1还是会闪退。",
    "老师说这个app很好用，我先生也在用。",
    "我在上海工作，平时加班比较多。",
    "这件事发生于2024年5月。",
    "Our team of 12 reviewed 300 tickets from Q3 2024.",
    "The warehouse on the 3rd floor had 24 staff.",
    "I gave it 1 star because the 2 boxes were late.",
    "My mum May and I, well, we cook together.",
    "Dear Freshbox, please fix the app.",
    "Hope this helps! Joy of cooking is back.",
    "We met at 10 Downing-era prices, 12 pounds a box.",
]


def _covered(sample: Sample, found: list[tuple[int, int, str]], start: int, end: int) -> bool:
    taken = bytearray(len(sample.text))
    for s, e, _ in found:
        taken[s:e] = b"\x01" * (e - s)
    return all(taken[i] or not sample.text[i].isalnum() for i in range(start, end))


def evaluate(samples: list[Sample]) -> tuple[Counter[str], Counter[str], int, int, list[str]]:
    """(items per kind, found per kind, spans found, false-positive spans, misses)."""
    items: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    spans_found = false_positives = 0
    misses: list[str] = []
    for sample in samples:
        found = find_pii(sample.text)
        for start, end, kind in sample.spans:
            items[kind] += 1
            if _covered(sample, found, start, end):
                hits[kind] += 1
            else:
                misses.append(f"{kind}: {sample.text!r} -> {Redactor({}).redact(sample.text)[0]!r}")
        for s, e, _ in found:
            spans_found += 1
            if not any(s < ge and gs < e for gs, ge, _ in sample.spans):
                false_positives += 1
    return items, hits, spans_found, false_positives, misses


def timing() -> list[tuple[str, int, float]]:
    rng = random.Random(5)
    cases = {
        "300 KB base64 token": base64.b64encode(rng.randbytes(225_000)).decode(),
        "5 MB line of dots": "." * 5_000_000,
        "'a.b-' x 75,000": "a.b-" * 75_000,
        "5 MB digits and spaces": " ".join(
            str(rng.randrange(10 ** rng.randrange(1, 9))) for _ in range(900_000)
        )[:5_000_000],
        "1 MB of phone numbers, one a line": "\n".join("020 7946 0321" for _ in range(75_000)),
    }
    out = []
    for name, text in cases.items():
        started = time.perf_counter()
        Redactor({}).redact(text)
        out.append((name, len(text), time.perf_counter() - started))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-template", type=int, default=40)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--misses", action="store_true", help="print every missed item")
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="also ingest the corpus, build the map, export it, ask it, and scan every output",
    )
    args = parser.parse_args()
    labelled, clean, unlisted = build(args.seed, args.per_template)
    items, hits, spans_found, false_pos, misses = evaluate(labelled)
    _, _, clean_spans, _, _ = evaluate(clean)
    changed = [s.text for s in clean if find_pii(s.text)]
    unlisted_items, unlisted_hits, *_ = evaluate(unlisted)

    print(f"PII corpus: {len(labelled)} labelled sentences, {len(clean)} PII-free sentences\n")
    print(f"{'kind':<10}{'items':>8}{'found':>8}{'recall':>9}{'target':>9}  ok")
    for kind in (*STRUCTURED, "name", "address", "dob"):
        recall = hits[kind] / items[kind] if items[kind] else 0.0
        ok = "yes" if recall >= TARGETS[kind] else "NO"
        print(f"{kind:<10}{items[kind]:>8}{hits[kind]:>8}{recall:>9.3f}{TARGETS[kind]:>9.2f}  {ok}")
    total_spans = spans_found + clean_spans
    precision = (spans_found - false_pos) / total_spans if total_spans else 1.0
    print(
        f"\nprecision {precision:.3f} (target 0.95): {total_spans} spans found, "
        f"{false_pos} outside a labelled item, {clean_spans} in PII-free sentences"
    )
    print(f"PII-free sentences changed: {len(changed)} of {len(clean)}")
    for text in changed[:10]:
        print(f"  {text!r} -> {Redactor({}).redact(text)[0]!r}")
    name_recall = unlisted_hits["name"] / max(1, unlisted_items["name"])
    print(f"names outside the given-name list (Faker en_IN): recall {name_recall:.3f}")
    if args.misses:
        print("\nmissed:")
        for line in misses:
            print("  " + line)
    else:
        print(f"missed items: {len(misses)} (--misses lists them)")
    print("\ntiming (Redactor.redact, one call):")
    for name, size, seconds in timing():
        print(f"  {name:<36}{size:>10,} chars {seconds:>7.2f} s")
    if args.end_to_end:
        end_to_end(labelled)


def end_to_end(samples: list[Sample], per_file: int = 40) -> None:
    """Ingest the labelled corpus as interview files, build and export the map, ask it, and
    count the labelled values that appear raw anywhere a user or an LLM could see."""
    import tempfile

    from assistant.chat import Chat
    from assistant.mapping import build_map
    from assistant.settings import Settings
    from assistant.workspace import open_workspace
    from ingest.pipeline import IngestOptions, IngestReport
    from journey.render import FORMATS, render

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "study"
        folder.mkdir()
        for n in range(0, len(samples), per_file):
            lines = []
            for sample in samples[n : n + per_file]:
                for line in sample.text.splitlines():
                    spoken = line.startswith(("Interviewer:", "Participant:"))
                    lines.append(line if spoken else f"Participant: {line}")
            (folder / f"p{n // per_file:03d}.txt").write_text("\n".join(lines), encoding="utf-8")
        ws = open_workspace(Settings(home=Path(tmp) / "home"))
        files = sorted(folder.iterdir())
        ws.ingestor("pii", IngestOptions()).ingest(files, IngestReport())
        m = build_map(ws, "pii")
        outputs = [render(m, fmt) for fmt in FORMATS]
        outputs += [h.text for h in ws.store.query("pii", "contact", n=ws.store.count("pii"))]
        outputs += [s.source.model_dump_json() for s in ws.catalog.sources("pii")]
        chat = Chat(ws, "pii")
        for question in ("What phone numbers did people give?", "Where do people live?"):
            outputs.append(chat.ask(question).model_dump_json())
        ws.close()
    seen = "\n".join(outputs).casefold()
    leaked: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for sample in samples:
        for start, end, kind in sample.spans:
            value = sample.text[start:end]
            if len(value) < 3:  # a one-character surname is in every Chinese text anyway
                continue
            total[kind] += 1
            leaked[kind] += value.casefold() in seen
    print("\nend to end (store chunks, sources, map, every export, chat answers):")
    for kind in sorted(total):
        print(f"  {kind:<10}{total[kind]:>6} planted {leaked[kind]:>5} seen raw")


if __name__ == "__main__":
    main()
