"""PII redaction: emails, phones, card and ID numbers, secret-bearing URLs, dates of birth,
street addresses, names mentioned in free text, and speakers' names.

Every pattern runs in linear time on any input (a pasted 300 KB base64 blob, a 5 MB line of
dots): quantifiers are bounded, and a pattern may only start where a token starts (a
lookbehind), so a failed attempt never rescans a long run. Edges are ASCII edges, not `\\b`,
because Chinese and Japanese write numbers and addresses directly against words. The
`phonenumbers` library sees only short candidate runs of digits that a cheap pattern found,
never the whole text.
"""

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files

import phonenumbers

from journey.text import CJK_TEXT, HAN, HANGUL, KANA
from journey.zh import tagged_words, word_frequency


# RFC 5321 bounds: a local part of at most 64 characters, labels of at most 63.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_.%+-])[A-Za-z0-9_.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}"
)
# A URL with a query string or a long opaque path segment may carry a token; plain ones stay.
# Punctuation that ends the sentence is not part of the URL, nor is CJK text written against it.
_URL_CJK = CJK_TEXT
_URL = re.compile(
    rf"(?<![A-Za-z0-9])https?://[^\s<>\"')\]{_URL_CJK}]{{0,2047}}[^\s<>\"')\].,;:!?{_URL_CJK}]",
    re.I,
)
_SECRET_KEY = re.compile(
    r"token|key|sig|signature|auth|session|code|secret|password|pwd|access", re.I
)
_QUERY_NAME = re.compile(r"[?&#]([^=&\s?#]{0,256})=")
_OPAQUE_SEGMENT = re.compile(r"/[A-Za-z0-9_\-]{24}")
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"

# Chinese resident ID: area, birth date, sequence, ISO 7064 MOD 11-2 check character.
_CN_ID = re.compile(
    rf"[1-9](?<![0-9A-Za-z][1-9])\d{{5}}(?:18|19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"\d{{3}}[\dXx]{_NOT_ALNUM_AFTER}"
)
_ID_CONTEXT = re.compile(r"(?i:\bID\b|identity|identification|身份证|证件|号码)")
# US SSN: no area 000, 666 or 9xx, no group 00, no serial 0000. Without dashes only after "SSN".
_SSN = re.compile(
    rf"[0-8](?<![0-9A-Za-z][0-8])\d\d-(?!00)\d{{2}}-(?!0000)\d{{4}}{_NOT_ALNUM_AFTER}"
    r"|SSN[: ]{1,2}([0-8]\d\d ?(?!00)\d\d ?(?!0000)\d{4})(?!\d)"
)
# UK National Insurance number: the letters HMRC allocates, suffix A-D.
_NI = re.compile(
    r"[A-CEGHJ-PR-TW-Z](?<![0-9A-Za-z].)[A-CEGHJ-NPR-TW-Z]"
    r"(?<!BG|GB|KN|NK|NT|TN|ZZ)"
    rf"\s?\d{{2}}\s?\d{{2}}\s?\d{{2}}\s?[A-D]{_NOT_ALNUM_AFTER}"
)
# Not after "+": an international phone number can pass the Luhn check by chance.
_CARD = re.compile(rf"(?<![+0-9A-Za-z])(?:\d[ -]?){{12,18}}\d{_NOT_ALNUM_AFTER}")
_CARD_TAIL = re.compile(
    r"(?i:card|visa|mastercard|amex|debit|credit)\b[^.\n\d]{0,24}?"
    r"(?i:ending(?:[ \t](?:in|with))?|ends?[ \t](?:in|with)|last[ \t](?:four|4)(?:[ \t]digits)?"
    r"(?:[ \t](?:are|is|of))?)[ \t:]*[*xX•·]*(\d{4})(?!\d)"
    r"|(?:卡|信用卡|银行卡|储蓄卡)?尾号(?:是|为)?[:：]?[ \t]?(\d{4})(?!\d)"
)
"""A card's last four digits after what they are ("my card ending in 4417", 尾号4417)."""
_BANK = re.compile(
    r"(?i:sort[ \t]?code|routing[ \t]number|BSB)[ \t]?(?:is|was|:)?[ \t]?"
    r"(\d{2}[- ]?\d{2}[- ]?\d{2,5})"
    r"|(?i:account[ \t](?:number|no\.?|#)?|acct\.?[ \t]?(?:no\.?|#)?|账号|帐号|银行账户)[ \t]?"
    r"(?:is|was|:|：|是)?[ \t]?(\d[\d -]{4,18}\d)(?!\d)"
)
"""Bank details after their name: a sort code, routing or account number."""
_IBAN = re.compile(
    rf"{_NOT_ALNUM_BEFORE}[A-Z]{{2}}\d{{2}}(?:[ ]?[A-Z0-9]{{4}}){{3,7}}(?:[ ]?[A-Z0-9]{{1,3}})?"
    rf"{_NOT_ALNUM_AFTER}"
)
_PLATE_SHAPE = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:[A-Z]{{2}}\d{{2}}[ ]?[A-Z]{{3}}"
    r"|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·・ -]?[A-Z0-9]{5,6})"
    rf"{_NOT_ALNUM_AFTER}"
)
"""A UK or Chinese vehicle registration, by its shape."""
_PLATE = re.compile(
    r"(?i:(?:number|licen[cs]e|registration|reg)[ \t]plate|registration(?:[ \t]number)?|reg\.?"
    r"|plate[ \t]number|车牌号?(?:码)?)[ \t]?(?:is|was|:|：|是)?[ \t]?"
    r"((?=[A-Z0-9 -]*\d)[A-Z0-9][A-Z0-9 -]{2,8}[A-Z0-9])(?![A-Za-z0-9])"
)
"""Any vehicle registration after its name."""
_REFERENCE = re.compile(
    r"(?i:\b(?:policy|claim|reference|ref|booking|membership|member|ticket|case|"
    r"confirmation|customer|reservation|account|loyalty|patient|mrn|medical[ \t]record|hospital|"
    r"passport|visa|dni|nie|pps|nif|national[ \t]insurance|(?:driving|driver'?s)[ \t]licen[cs]e|"
    r"licen[cs]e|id[ \t]card|identity[ \t]card|personalausweis|ausweis|reisepass)"
    r"(?:[ \t](?:number|no\.?|id|ref(?:erence)?|code|nummer))?(?:'s|’s)?[ \t]?"
    r"(?:is|was|ist|es|:|#)?[ \t]?#?"
    r"|(?:保单|工单|理赔|报案|会员|客户|预订|病历|就诊卡)(?:号码?|编号)(?:是|为|：|:)?\s?"
    r"|(?:护照|通行证|驾驶证|驾照|签证)(?:号码?|编号)?(?:是|为|：|:)?\s?)"
    r"((?=[A-Za-z0-9/-]*\d)[A-Z0-9][A-Za-z0-9/-]{4,24}[A-Za-z0-9])(?![A-Za-z0-9])"
)
"""Policy, claim, booking and other reference numbers after their name, and identity
documents' (passport, DNI, PPS, driving licence, 护照; "my case number's CS/4471/P"): they
lead to the person's own file. An order or parcel number leads to a purchase, not a person,
and is kept."""
_CODE_SHAPE = re.compile(
    rf"{_NOT_ALNUM_BEFORE}[A-Z]{{2,5}}-\d{{4,}}(?:-[A-Z0-9]{{1,8}})*{_NOT_ALNUM_AFTER}"
)
"""A code shaped like a reference (POL-88231-UK, CLM-4471-2291)."""
_ZH_CARD_NUMBER = re.compile(
    r"(?:医保卡|社保卡|就诊卡|病历|住院|门诊|医疗卡)(?:号码?|编号)?(?:是|为|：|:)?[ \t]?"
    r"((?:[A-Za-z]{1,3}[ -]?)?(?:\d[ -]?){5,22}\d)(?![\dA-Za-z])"
)
"""Medical and social-insurance card numbers after their name, spaced or not (医保卡号
1101 0023 8876 5 was cut to "[PHONE] 5")."""
_HANDLE_ID = re.compile(
    r"(?:微信号?|[薇威V]信号?|加[Vv]|抖音号?|小红书号?|(?<![A-Za-z])(?i:vx|wx))[ \t]?"
    r"(?:号|是|:|：)?[ \t]?"
    r"(?:是|:|：)?[ \t]?(@?[A-Za-z][A-Za-z0-9_.-]{4,29})(?![A-Za-z0-9_])"
    # a Latin app name as a word, then "is", a colon or an @ ("instability" is no Instagram)
    r"|(?<![A-Za-z])(?i:wechat|instagram|insta|telegram|skype|snapchat|line[ \t]id|discord|tiktok"
    r"|twitter|threads|bluesky)"
    # "my Instagram handle is sam", "Instagram: @sam", "insta is sam_k88"; not "Twitter is
    # watching", "Instagram is great"
    r"(?:[ \t](?i:id|handle|name|account|username)(?:[ \t]?(?i:is|was|:)[ \t]?@?|[ \t]@)"
    r"|(?:[ \t]?(?i:is|was|:))?[ \t]?@"
    r"|[ \t]?(?i:is|was|:)[ \t]?(?=[A-Za-z0-9_.-]*(?:[0-9_]|\.[A-Za-z0-9])))"
    r"([A-Za-z][A-Za-z0-9_.-]{2,29})(?![A-Za-z0-9_])"
    r"|(?<![A-Za-z])(?i:qq)号?(?:码)?[ \t]?(?:是|:|：|(?i:is))?[ \t]?(\d{5,12})(?!\d)"
)
_AT_HANDLE = re.compile(
    r"(?<![\w@.])@([A-Za-z0-9_]{2,30}(?:\.[A-Za-z0-9_]+)*)"
    r"(?=[ \t]+on[ \t]+(?i:twitter|x|instagram|insta|tiktok|threads|bluesky|facebook|linkedin"
    r"|snapchat|telegram)\b)"
    r"|(?<=\bI'm[ \t])@([A-Za-z0-9_]{2,30})|(?<=\bme[ \t]at[ \t])@([A-Za-z0-9_]{2,30})"
    # "I'm on Instagram as @ngozi.bakes"
    r"|(?<=[ \t]as[ \t])@([A-Za-z0-9_]{2,30}(?:\.[A-Za-z0-9_]+)*)(?<=[A-Za-z0-9_])"
)
"""A handle said to be one's own or on a platform ("I'm @kwame_m_gh on Twitter"); a brand's
@handle in a tweet ("@united lost my bag") is no person."""
"""Messaging and social handles after the app's name (微信号是zhao_xiaobao2015, QQ 12345678,
加V：daikuan8888 - "add me on V(X)", as Chinese spam and sellers write WeChat)."""
_USERNAME = re.compile(
    r"(?i:\bmy[ \t](?:user[ \t]?name|handle|gamertag|screen[ \t]?name|login|user[ \t]?id)"
    r"(?:[ \t]on[ \t]\w+)?[ \t]?(?:is|was|:)[ \t]?)[\"“']?@?([A-Za-z][A-Za-z0-9_.-]{2,29}"
    r"(?<=[A-Za-z0-9_]))(?![A-Za-z0-9_@])"
)
"""A username said as one's own ("my username is jmiller88")."""
_BARE_PROFILE = re.compile(
    r"(?<![\w./@])(?:www\.)?(?:facebook|fb|linkedin|instagram|twitter|x|tiktok|threads)\.com"
    r"/(?:in/|pub/|@)?[A-Za-z0-9_.-]{2,}(?<=[A-Za-z0-9_])",
    re.I,
)
"""A social profile written without https:// (linkedin.com/in/emma-lindqvist)."""
_LED_BY = _words(
    "sort routing bsb account acct 账号 帐号 银行 plate reg 车牌 policy claim ref booking member "
    "ticket case confirmation customer reservation loyalty patient 保单 工单 理赔 报案 会员 客户 "
    "mrn medical hospital 预订 病历 就诊卡 医保 社保 住院 门诊 医疗卡 微信 薇信 威信 v信 加v vx wx "
    "wechat insta telegram skype snapchat line discord tiktok twitter threads bluesky 抖音 小红书 "
    "qq passport visa dni nie pps nif insurance licence license identity ausweis reisepass 护照 "
    "通行证 驾驶证 驾照 签证"
)
"""The words the patterns above follow: a text with none of them is not searched for them
(each would take a second per 5 MB of text with no match)."""


# After a country code the area code may be one digit (+33 6 ...); subscriber blocks run to
# 8 digits (+49 30 12345678). A phone may end a sentence, but not be part of a decimal number
# or a time (2021-11-18 14:30).
_PHONE = re.compile(
    r"(?<![0-9A-Za-z_.+])(?<![0-9A-Za-z][-/])(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}"
    r"|(?:\(\d{1,4}\)[\s.-]?)?\d{2,4})"
    r"(?:[\s.-]\d{2,8}){1,4}(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![0-9A-Za-z_:]|\.\d)"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)"
)
# Candidates for phonenumbers: a maximal run of digits and phone separators. It starts only
# where no run continues, so the scan is linear; runs too long for one number are left to
# the pattern above.
_PHONE_RUN = re.compile(
    r"[+(0-9][\d(). \u00a0+-]*\d"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![0-9A-Za-z_]|[.,:]\d)"
)
_PHONE_RUN_SHAPE = re.compile(r"(?:\+|\(\+?)?\d[^+]*")
_PHONE_RUN_NOT_AFTER = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.,+/:$€£¥#-"
_PHONE_RUN_MAX = 32
_PHONE_CANDIDATES_MAX = 200
_DATE_OR_TIME = re.compile(
    r"(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4})(?:\s\d{1,2})?"
)
# Regions whose numbers research corpora are likely to hold; a national number counts as a
# phone when it is valid in any of them.
PHONE_REGIONS = [
    "GB",
    "US",
    "CN",
    "HK",
    "TW",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "IN",
    "AU",
    "CA",
    "JP",
    "KR",
    "BR",
    "MX",
    "IE",
    "NZ",
    "SG",
]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE_EN = (
    rf"{_DAY}\s(?:of\s)?(?:{_MONTHS})\.?(?:,?\s\d{{4}})?|(?:{_MONTHS})\.?\s{_DAY}(?:,?\s\d{{4}})?"
    rf"|(?:{_MONTHS})\s\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}"
    r"|\d{4}"
)
_DATE_ZH = (
    r"\d{4}(?:年(?:\d{1,2}月(?:\d{1,2}[日号])?)?|[-./]\d{1,2}[-./]\d{1,2})|\d{1,2}月\d{1,2}[日号]"
)
# A date of birth only in a context that says so; dates of events stay.
_DOB_FIELD = re.compile(
    rf"\b(?:date of birth|birth ?date|DOB)\b[^0-9\n.!?]{{0,80}}?"
    r"(?:[.:,]|\b(?:typed|entered|put|wrote|written|gave|give|is|was|as))\s*[\"\u201d]?\s*"
    rf"({_DATE_EN})(?![0-9])",
    re.IGNORECASE,
)
"""A date typed or read into a form's date-of-birth field after its label ("Date of birth,
edit text, format month month slash day day slash year." 09/22/1988; "It asked for my date of
birth again, I'd typed 09/04/1990 twice")."""
_PASSWORD_SAID = re.compile(
    r"\b(?:password|passcode|passphrase|pin|密码)\b(?:\s*(?:is|was|of|:|,|：)){0,2}\s*[\"\u201c']?"
    r"([A-Za-z0-9!#$%&*@^_+=.?~-]{6,40})(?=[\s\"\u201d',.;:!?)]|$)",
    re.IGNORECASE,
)
"""A password typed aloud in a usability test ("Password, Summer2024."): one with a digit
or a symbol, never a word ("Password does not meet requirements")."""
_PASSWORD_SHAPE = re.compile(r"(?<![\w@#/=&?.$])[A-Za-z0-9!#%*^_+]{8,40}(?![\w@/=&?$~]|\.\w)")
"""A candidate for a token only a password looks like (`_password_shaped`); bounded, so a
megabyte without spaces costs one pass, not a scan from every character. Not a link's query
(ref=…?ie=UTF8&psc), a price glued to a word (schugCAD$14) or a markup entity (&#34), which
SubjQA's reviews hold."""


def _password_shaped(token: str) -> bool:
    """Upper and lower case letters, a digit and a symbol inside ("Summer#2024Devon")."""
    return (
        any(c.islower() for c in token)
        and any(c.isupper() for c in token)
        and any(c.isdigit() for c in token)
        and any(c in "!#%*^+" for c in token[1:-1])
        # letters after the last symbol: "Flight#417" is a flight
        and any(c.isalpha() for c in re.split(r"[!#%*^+]", token)[-1])
    )


def _passwords(text: str) -> Iterator[tuple[int, int]]:
    """Passwords said or typed aloud: after the word (with a digit or a symbol, then wherever
    else the turn repeats them: "Password, Summer2024. … Summer2024, with a hashtag.") and any
    token shaped like one."""
    said = {
        token
        for m in _PASSWORD_SAID.finditer(text)
        if (token := m.group(1).rstrip(".?!-"))
        and re.search(r"[A-Za-z]", token)
        and re.search(r"[\d!#$%&*@^_+=?~]", token)
    }
    for token in said:
        for m in re.finditer(rf"(?<![\w]){re.escape(token)}(?![\w])", text):
            yield m.start(), m.end()
    for m in _PASSWORD_SHAPE.finditer(text):
        if _password_shaped(m.group()):
            yield m.start(), m.end()


_DOB = re.compile(
    r"[BbDd](?<![A-Za-z][BbDd])(?:orn(?:\s(?:on|in))?|ate\sof\sbirth|irth\s?date|irthday(?:\sis)?"
    r"|(?<=D)OB|(?<=D)\.O\.B\.?|(?<=d)ob|(?<=d)\.o\.b\.?)\s?[:：]?\s?[(（]?(?:(?:is|was)\s)?(?:on\s)?"
    rf"({_DATE_EN})(?![0-9])"
)
_DOB_ZH = re.compile(
    rf"(?:出生日期|出生年月日?|出生于|出生在|生于|生日)(?:是|为)?[：:]?\s?({_DATE_ZH})"
)
_DOB_EU = re.compile(
    r"(?i:geboren[ \t](?:am|den)|geburtsdatum|geburtstag|fecha[ \t]de[ \t]nacimiento|"
    r"nac[ií](?:d[oa])?[ \t]el|n[ée]e?[ \t]le|date[ \t]de[ \t]naissance|data[ \t]di[ \t]nascita|"
    r"nat[oa][ \t]il|data[ \t]de[ \t]nascimento|nasci(?:d[oa])?[ \t]em)"
    r"(?:[ \t](?:ist|war|es|era|est|è|é))?[ \t]?[:：]?[ \t]?"
    r"(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
    r"|\d{1,2}\.?[ \t](?:de[ \t])?[^\W\d_]{3,10}\.?[ \t](?:de[ \t])?\d{4})(?![0-9])"
)
"""A date of birth after its German, Spanish, French, Italian or Portuguese label ("geboren am
4. November 1979", "fecha de nacimiento: 12/03/1985")."""
_DOB_ZH_BEFORE = re.compile(r"\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?=出生|生的|生人)")

_CAP = r"(?:O'|Mc|Mac)?[A-Z][a-z]{1,20}(?:-[A-Z][a-z]{1,20})?"
# Street types: the USPS standard suffixes (Publication 28, C1), British ones, and common
# abbreviations; a plural (Mountains, Knolls) counts too.
_STREET_TYPES = (
    "Expressway|Throughway|Trafficway|Boulevard|Crossroad|Extension|Stravenue|Underpass|"
    "Causeway|Crescent|Crossing|Junction|Motorway|Mountain|Overpass|Turnpike|Freeway|"
    "Gateway|Harbour|Heights|Highway|Landing|Mission|Orchard|Parkway|Passage|Prairie|"
    "Station|Terrace|Viaduct|Village|Arcade|Avenue|Bottom|Branch|Bridge|Bypass|Canyon|"
    "Center|Centre|Circle|Common|Corner|Course|Divide|Estate|Forest|Garden|Harbor|Hollow|"
    "Island|Meadow|Radial|Skyway|Spring|Square|Stream|Street|Summit|Tunnel|Valley|Alley|"
    "Annex|Bayou|Beach|Bluff|Brook|Cliff|Close|Court|Creek|Crest|Curve|Drive|Ferry|Field|"
    "Forge|Green|Grove|Haven|Inlet|Knoll|Light|Lodge|Manor|Mount|Place|Plain|Plaza|Point|"
    "Ranch|Rapid|Ridge|River|Route|Shoal|Shore|Trace|Track|Trail|Union|Ville|Vista|Wharf|"
    "Bend|Burg|Camp|Cape|Club|Cove|Dale|Fall|Flat|Ford|Fork|Fort|Glen|Hill|Isle|Lake|Land|"
    "Lane|Loaf|Lock|Loop|Mall|Mews|Mill|Neck|Oval|Park|Pass|Path|Pike|Pine|Port|Ramp|Rest|"
    "Rise|Road|Spur|Vale|View|Walk|Wall|Well|Yard|Dam|Key|Row|Rue|Run|Via|Way|St|Rd|Ave|Ln|"
    "Dr|Blvd|Ct|Pl|Sq|Pkwy|Hwy|Cir|Ter|Trl"
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|AS|GU|MP|PR|VI|FM|MH|PW"
    "|AA|AE|AP"
)
_POSTCODE_SHAPE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}"
# The UK postcode areas: a postcode standing alone must start with one of them.
_UK_AREAS = (
    "AB|AL|BA|BB|BD|BH|BL|BN|BR|BS|BT|B|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT"
    "|DY|EC|EH|EN|EX|E|FK|FY|GL|GU|GY|G|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|LA"
    "|LD|LE|LL|LN|LS|LU|L|ME|MK|ML|M|NE|NG|NN|NP|NR|NW|N|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|SA"
    "|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|S|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|WN|WR|WS"
    "|WV|W|YO|ZE"
)
_UNIT = r"(?:Flat|Apartment|Apt|Unit|Suite|Ste|Studio|Room)\.?\s?[0-9A-Za-z]{1,5}"
# The same, less its first letter, for a pattern that has read that letter already.
_UNIT_REST = r"(?:(?<=F)lat|(?<=A)partment|(?<=A)pt|(?<=U)nit|(?<=S)uite|(?<=S)te|(?<=S)tudio"
_UNIT_REST += r"|(?<=R)oom)\.?\s?[0-9A-Za-z]{1,5}"
_ADDRESS_EN = re.compile(
    rf"[0-9FASRU](?<![A-Za-z0-9].)(?:{_UNIT_REST},?[ \t]+(?:\d{{1,5}}[A-Za-z]?,?[ \t]+)?"
    rf"|(?<=\d)\d{{0,4}}[A-Za-z]?,?[ \t]+)"
    rf"(?:{_CAP}[ \t]+){{1,3}}(?:{_STREET_TYPES})s?\.?(?![A-Za-z])"
    rf"(?:,?[ \t]+{_UNIT}(?![A-Za-z]))?"
    rf"(?:,[ \t]*(?!(?:{_US_STATES})[ \t]\d){_CAP}(?:[ \t]+{_CAP}){{0,2}}(?![A-Za-z]))?"
    rf"(?:,?[ \t]+(?:{_US_STATES})[ \t]\d{{5}}(?:-\d{{4}})?(?!\d)"
    rf"|,?[ \t]+{_POSTCODE_SHAPE}(?![A-Za-z0-9]))?"
)
# A UK postcode standing alone starts with a real postcode area; a US ZIP follows a state.
# Not the tail of a product code ("Model NB 305-N410BL" was an [ADDRESS] in a laptop review).
_POSTCODE = re.compile(
    r"[A-Z](?<![A-Za-z0-9/_-].)[A-Z]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9/_-])"
)
_POSTCODE_AREA = re.compile(rf"(?:{_UK_AREAS})\d")
_US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts"
    "|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey"
    "|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    "|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|West Virginia|Wisconsin|Wyoming"
)
_STATE_ZIP = re.compile(
    rf",[ \t]?(?:{_US_STATES}|{_US_STATE_NAMES})[ \t]\d{{5}}(?:-\d{{4}})?(?![0-9A-Za-z])"
)
"""A US state (abbreviated or spelled out: "Columbus, Ohio 43214") and its ZIP code."""
_CITY_BEFORE = re.compile(rf"(?:{_CAP}[ \t]){{0,2}}{_CAP}$")
# Chinese addresses: anchored on "<road>NN号", then widened back over the place names.
_ZH_UNIT = (
    r"(?:\d{1,3}(?:号楼|栋|幢|座)(?:\d{1,2}单元)?\d{2,5}(?:室|号)?(?!\d)"
    r"|\d{1,2}单元\d{2,5}(?:室|号)?(?!\d)|\d{2,5}室)"
)
"""A flat: building and flat number (5号楼1502, 3栋2单元601室), a stairwell and flat, or a room."""
_ADDRESS_ZH = re.compile(
    r"(?:路|街|大道|大街|巷|弄|胡同)[\d０-９]{1,5}(?:-\d{1,4})?(?:号|座)(?:院)?"
    # an estate or tower's name between the street number and the flat (88号SOHO现代城5号楼1502)
    rf"(?:[{HAN}A-Za-z]{{0,12}}?{_ZH_UNIT}"
    r"|(?:\d{1,3}(?:号楼|栋|幢|座))?(?:\d{1,2}单元)?(?:\d{1,5}室?)?(?:#\d{1,3}-\d{1,5})?)"
)
_FLAT_ZH = re.compile(
    rf"(?:[{HAN}A-Za-z]{{1,10}}(?:小区|花园|公寓|大厦|家园|新村|苑|城|广场|园|里))?{_ZH_UNIT}"
)
"""A flat without its street (望京花园5号楼1502, 3栋2单元601室): with its estate's name."""
_ADDRESS_SEA = re.compile(
    r"(?<![\w#])#\d{1,3}-\d{1,5}[A-Z]?(?!\w)"  # a unit: #05-67
    r"|\bSingapore[ \t]?\d{6}(?!\d)|\bS\(\d{6}\)"  # a Singapore postcode
    r"|\b(?:Blk|Block)[ \t]?\d{1,4}[A-Z]?(?:[ \t][A-Z][a-z]+){1,4}(?:[ \t]\d{1,2}(?!\d))?"
    r"|\b(?:No\.?|Lot)[ \t]?\d{1,5}[A-Z]?,[ \t]?(?:Jalan|Jln\.?|Lorong|Persiaran|Lebuh)[ \t]"
    r"[\w/ ]{1,30}?(?=,|\.|$)"
    r"|\b(?:Jalan|Jln\.?|Lorong|Persiaran|Lebuh)[ \t][A-Z0-9][\w/]*(?:[ \t][A-Z0-9][\w/]*){0,3}"
    r"|,[ \t]?\d{5}[ \t][A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?"  # a Malaysian postcode and town
)
"""Singapore and Malaysia: a unit (#05-67), Blk 123 Ang Mo Kio Ave 3, Singapore 560123,
No. 12, Jalan SS2/24, 47300 Petaling Jaya."""
_HAN = HAN
_ZH_BEFORE_ADDRESS = re.compile(
    r".*(?:住在|住址是?|住|地址是?|写的是|寄到|送到|搬到|位于|家在|在|到|是|于|：|:)"
)
"""The words before an address (我住, 地址是, 送到), not part of it."""
_ZH_ADMIN = re.compile(r"省|自治区|市|区|县|镇")

_TITLE = re.compile(
    r"[MDPS](?<![A-Za-z].)(?:(?<=M)(?:r|rs|s|x|iss)|(?<=D)(?:r|ame)|(?<=P)rof(?:essor)?|(?<=S)ir)"
    r"\.?[ \t]("
    rf"{_CAP}(?:[ \t]{_CAP})?)(?![A-Za-z])"
)
_CAPITALISED = re.compile(r"[A-Z](?<![A-Za-z'’-].)[a-z]{2,20}(?![A-Za-z])")
_SURNAME_AFTER = re.compile(rf"[ \t]({_CAP})(?![A-Za-z])")
_RELATION = (
    "wife|husband|partner|son|daughter|kid|child|mum|mom|mother|dad|father|brother|sister"
    "|friend|colleague|coworker|co-worker|boss|manager|neighbour|neighbor|flatmate|roommate"
    "|girlfriend|boyfriend|fiancée?|uncle|aunt|auntie|cousin|nan|gran|grandma|grandmother"
    "|grandpa|grandfather|nephew|niece|advisor|adviser|agent|doctor|teacher|landlord|landlady"
    "|granddaughter|grandson|grandchild|grandkid|grandkids|stepson|stepdaughter|stepmum|stepmom"
    "|stepdad|stepfather|stepmother|godson|goddaughter|mate|buddy|carer|(?:mother|father|sister"
    "|brother|son|daughter)-in-law"
)
_SIGNOFF = r"\b(?:best\swishes|kind\sregards|warm\sregards|regards|sincerely|many\sthanks),"
"""A letter's sign-off, before the writer's name ("Best wishes, Mark Reynolds, GM")."""
_STRONG_BEFORE = re.compile(
    rf"(?:\b(?:my|our|his|her|their)\s(?:{_RELATION}),?|\bnamed|\bname\sis|\bname's|\bcalled"
    r"|\bI'm|\bI\sam|\bthis\sis|\bask\sfor|\b(?:coach|trainer|instructor|chef)"
    rf"|{_SIGNOFF})\s$",
    re.I,
)
# Right after "my wife", "our neighbour," a capitalised word is a name even when it is not in
# the list of given names ("my partner, Dev", "my colleague Priya"); the list covers English
# names only, and people of a study are named in every language.
_TITLES = frozenset({"Mrs", "Miss", "Mister", "Dame", "Prof", "Professor", "Sir", "Doctor"})
_NAME_IS_BEFORE = re.compile(
    r"(?:\bname\sis|\bname's|\bnamed|\bname:|\bcalls?\sme"
    rf"|{_SIGNOFF}"
    r"|\b(?:one|someone|somebody|girl|lady|guy|man|woman|bloke|chap|aide|carer|nurse|worker"
    r"|driver|doctor|agent)\scalled|\b(?:she|he)(?:'s|\sis|\swas)\scalled)\s$",
    re.I,
)
"""Right before a name in any language: "My name is Priya", "named Amira", "everyone calls me
Shiv", "a carer called Blessing Okoro" (not "I called Wells Fargo")."""
_ASK_FOR_BEFORE = re.compile(r"\bask(?:ed)?\sfor\s$", re.I)
_ASKED_AFTER = re.compile(r"[ \t]*(?:[,.!;]|$)|[ \t]+(?:at|in|on|from|who|when)\b")
"""'Ask for Priya at the concierge desk' (not 'I asked for Thai spicy')."""
_SELF_BEFORE = re.compile(r"(?:\bI'm|\bI\sam)\s$")
"""Before a full name ("I'm Amira Hassan"): a lone capitalised word may be no name ("I'm
British"); not after "called" ("I called Wells Fargo") nor "this is" ("This is False
Misrepresentation")."""
_GREETING_BEFORE = re.compile(r"\b(?:hi|hello|hey)[ \t]$", re.I)
_GREETED_AFTER = re.compile(r"[ \t]*(?:[,!.?;:]|$)")
"""'Hi Amira,': a capitalised word between a greeting and a stop is the person greeted."""
_THANKS_BEFORE = re.compile(r"\b(?:thanks|thank\syou|cheers)[ \t]$", re.I)
_FROM_TEAM_AFTER = re.compile(r"[ \t]from[ \t](?:the|your|our)[ \t]")
"""'Thanks Aisha from the total loss team' (not 'Thanks Google!', 'Cheers Deliveroo')."""
_GREETED_NOT_NAMES = _words("World Everyone Everybody All Guys Folks Team There Again")
_VOCATIVE_AFTER = re.compile(r"[ \t]*(?:[.!?]|$)")
"""'Thank you so much, Sarah.': a listed name between a comma and the sentence's end."""
_SHORT_NOT_NAMES = _words("He We It So If Oh Ok My No On In At To Me Us Or As An Is Be By Do Go Up")
_TWO_LETTER_NAMES = _words("Jo Al Ed Bo Di Vi Ty Cy")
"""English given names of two letters: a speaker's part that goes too ("Li" may be a word or
a surname shared by many)."""
_SHORT_NAME = re.compile(r"(?<![A-Za-z'’-])[A-Z][a-z](?![A-Za-z'’-])")
_ROLE = (
    "controller|accountant|bookkeeper|assistant|specialist|director|coordinator|administrator"
    "|admin|supervisor|receptionist|secretary|consultant|analyst|engineer|developer|designer"
    "|representative|rep|officer|clerk|intern|lead|head|founder|co-founder|owner|ceo|cfo|cto"
    "|coo|vp|nurse|pharmacist|dentist|therapist|counsellor|counselor|instructor|coach|tutor"
    "|cleaner|housekeeper|driver|courier|carer|caregiver|physio|gp|surgeon|vet|lawyer|solicitor"
    "|trainer|personal trainer|chef|waiter|waitress|barista|stylist|hairdresser|handler"
    "|adjuster|assessor|caseworker|case worker|case manager|mechanic|technician|inspector"
    "|surveyor|broker|banker|teller|paramedic|midwife|optician|plumber|electrician|builder"
    "|contractor|agent|advisor|adviser|doctor|manager|postdoc|researcher|scientist|professor"
    "|lecturer|student|volunteer|guide|aide|care worker|support worker|home help|nanny"
    "|babysitter|childminder"
)
_PERSON = "girl|lady|guy|gentleman|bloke|chap|fellow|woman|man"
"""Someone, in an aside with its comma ("the regular girl, Precious,"; not "my staple white
girl Chicken Pad Thai")."""
"""Who someone is at work or in a service: "our controller, Priya", "my AP specialist, Jorge"."""
_RELATIVE_BEFORE = re.compile(
    rf"(?:\b(?:my|our|his|her|their)\s(?:[A-Za-z][\w&/-]*\s){{0,2}}(?:{_RELATION}|{_ROLE}),?"
    rf"|\b(?:the|an?|one|one\sof\s(?:my|our|his|her|their|the))\s(?:[A-Za-z][\w&/-]*\s){{0,2}}"
    rf"(?:{_RELATION}|{_ROLE}|{_PERSON})s?(?:\s(?:there|here))?,)\s$",
    re.I,
)
"""Right before a name: who the person is, to the speaker ("my wife", "our office manager,")
or in an aside ("the office manager there, Rosa,", "an onboarding specialist, Marcus,", "one
of our postdocs, Lena Fischer," need their comma: "the driver Will" may be a verb)."""
_WEAK_BEFORE = re.compile(
    r"\b(?:to|with|from|and|by|asked|told|thanked|thanks|thank\syou|hi|hello|dear|met|meet"
    r"|emailed|texted|messaged|rang|phoned|contacted|cc|agent|advisor|rep)\s$",
    re.I,
)
_SPEAKS_AFTER = re.compile(
    r"[ \t](?:said|says|told|tells|asked|asks|replied|explained|mentioned|wrote|emailed|texted"
    r"|messaged|rang|phoned|called|suggested|recommended|helped|answered|promised|offered"
    r"|confirmed|sorted|fixed|was[ \t]helpful)(?![A-Za-z])"
)

_HERE_AFTER = re.compile(r"[ \t]here(?=[.!,;:)]|\s*$|[ \t](?:from|with|again|speaking))")
_OPENS_BEFORE = re.compile(r"(?:^|[.!?:\n]\s*|\b(?:hi|hello|hey|yes|yeah|ok|okay)\W*\s*)$", re.I)
"""A name introducing its speaker: "Gwen here.", "Hi, Gwen here from Leeds"."""

# After a given name that is no ordinary word, a verb of someone acting makes it a name too
# ("Peter was really helpful", "Priya from support").
_ACTS_AFTER = re.compile(
    r"[ \t](?:was|is|has|had|did|does|got|gets|came|comes|gave|gives|sent|sends|went|looked|took"
    r"|checked|knew|made|kept|tried|from|at[ \t]the|on[ \t]the[ \t]phone"
    r"|in[ \t](?:support|sales|billing|accounts|finance|customer[ \t]service|customer[ \t]care"
    r"|the[ \t]shop|the[ \t]store|reception))(?![A-Za-z])"
)
_APPOSITION_BEFORE = re.compile(
    r"\b(?:my|our|his|her|their|the|a|an|this|that)\s(?:[A-Za-z][\w&/-]*\s){0,2}[a-z][\w-]*,\s$",
    re.I,
)
_APPOSITION_AFTER = re.compile(r"[ \t]*[,;)]")
_ROLE_AFTER = re.compile(
    rf",\s(?:my|our|his|her|their|the)\s(?:[A-Za-z][\w&/-]*\s){{0,2}}(?:{_RELATION}|{_ROLE})s?\b",
    re.I,
)
"""Who a listed given name is, said after it ("Callum, my physio, was sharp.")."""
"""A listed given name set off by commas after who the person is to the speaker, whatever
their job ("our head baker, Marcus, because he approves", "the security guard, Steve, to let
me"): the aside is the name."""


def is_given_name(word: str) -> bool:
    """True for a listed given name that is no ordinary word, in any case ('sarah' in
    p01_sarah.vtt), so file names can be cleaned the way text is."""
    name = word[:1].upper() + word[1:].lower()
    return name in _GIVEN_NAMES and name not in _AMBIGUOUS_NAMES and name not in _NOT_NAMES


# Given names that are also ordinary words or places count only in the strongest contexts.
_AMBIGUOUS_NAMES = _words(
    "Amber Angel April Aurora Austin Autumn Bill Bob Carter Chase Chelsea Christian Cooper "
    "Crystal Daisy Dakota Dale Dawn Dean Destiny Don Drew Earl Eden Faith Florence Frank "
    "Gene Georgia Glen Grace Guy Harley Harmony Heather Holly Hope Hunter India Israel Ivy "
    "Jack Jade Jan Jasmine Joe Jordan Joy June Kim Lee Lily Lincoln Madison Mark Mason Max "
    "May Norman Olive Paris Parker Penny Phoenix Ray Robin Rose Ruby Sandy Savannah Shannon "
    "Sue Summer Sydney Taylor Victoria Violet Virginia Will Brooklyn Sterling Reed Chance "
    "Page"
)
_NOT_NAMES = _words(
    "The And But For Not Yet Then When While Where What Which Who Why How Yes No Okay Thanks "
    "Thank Hello This That These Those There Here Because Also Just Well Maybe Sure Actually "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December Christmas Easter App Store "
    "Support Customer Service Team Street Road Avenue Lane Drive Airport Station Terminal "
    "Airlines Airways Hotel Hospital Bank University College School Park Center Centre Mall "
    # verdicts that open a sentence after "our rep, ": "Our support rep, Amazing service."
    "Amazing Great Excellent Brilliant Awesome Terrible Awful Lovely Nice Good Bad Fantastic "
    "Super Very Really Totally Always Never Absolutely Highly Best Worst Horrible Perfect "
    "Helpful Friendly Rude Quick Slow Poor Wonderful Useless Patient Kind"
)
# A given name after these starts a place: San Francisco, Santa Cruz, Fort Worth, Lake Tahoe.
_PLACE_BEFORE = re.compile(
    r"(?:San|Santa|Santo|São|St\.?|Saint|Los|Las|El|Fort|Port|Lake|Mount|Mt\.?|New|Puerto|Costa)"
    r"[ \t]$"
)
_CN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶"
    "解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟"
    "邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_CN_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "夏侯", "慕容", "尉迟", "皇甫")
# Surname characters that are also common words are taken only right before the title.
_CN_AMBIGUOUS_SURNAMES = set("谢和万向常文明华江金安方白时成全关宁单解应师商沙荣古吉谷曲路车连")
_CN_TITLE = re.compile(r"先生|女士|小姐|老师")
_CN_JOB_TITLE = re.compile(
    r"经理|主管|店长|师傅|医生|护士|阿姨|老板|总监|主任|律师|教练|大夫|叔叔|伯伯|大爷|奶奶|爷爷|大姐|大哥"
    r"|爸爸|妈妈|姐(?!姐)|哥(?!哥)"
)
"""A title after a bare surname (王经理, 李医生): the surname alone, right before it."""
_HAN_CHAR = re.compile(f"[{_HAN}]")
_CN_LEADS = frozenset("的找跟和与同是问给叫位请让被对向说把替帮见到了过也都还就及或谢个科室部院处")
"""Characters after which a surname + title starts (值班的王经理, 那个孙大夫); after another
character the surname may end a word (值班经理, 宿管阿姨)."""
_CN_NAME_IS = re.compile(
    rf"(?:我叫|名叫|名字叫|名字是|姓名是|姓名[：:]|大名叫|大名是|全名叫|全名是"
    rf"|(?:收件人|收货人|寄件人|联系人|户主|持卡人)(?:是|[：:])?"
    rf"|姓[{_CN_SURNAMES}][，,]?\s?叫|(?<![不别])叫我|(?:她|他)(?:名字)?叫)"
    rf"\s?([{_CN_SURNAMES}][{_HAN}]{{1,2}}|[小老][{_CN_SURNAMES}])"
)
_CN_I_AM = re.compile(rf"我是(?:[{_HAN}]{{1,8}}的)?([小老][{_CN_SURNAMES}])(?![{_HAN}])")
"""Who the speaker is, by a familiar name (我是用户研究部的小林,): not 我是老师 (a job)."""
_CN_PET_NAME = re.compile(rf"(?:小名|乳名|外号|绰号|昵称)(?:叫|是)\s?([{_HAN}]{{1,2}})")
"""A pet name told as one (小名叫豆豆): whatever it is, it names the child."""
_CN_SURNAME_IS = re.compile(
    rf"(?<![百])姓({'|'.join(_CN_COMPOUND_SURNAMES)}|[{_CN_SURNAMES}])(?=[^{_HAN}]|的|$)"
)
"""A surname told alone: 骑手姓王，… (beside [NAME]师傅 it names the rider); not 老百姓."""
_CN_RELATION = re.compile(
    r"(?:老公|老婆|老伴儿?|丈夫|妻子|爱人|太太|男朋友|女朋友|男友|女友|对象|我妈|我爸|妈妈|爸爸|母亲|父亲|"
    r"儿子|女儿|哥哥|姐姐|弟弟|妹妹|闺蜜|朋友|同事|室友|同学|邻居|领导|老板|客服|教练|师傅|经理|"
    r"主管|店长|医生|护士|前台|保洁|阿姨|服务员|保安|司机|管家|店员|导购|销售|顾问|快递员|外卖员|骑手|"
    r"配送员|送餐员|小哥|"
    r"大哥|大姐|助理|会计|财务|专员|老师|导游|房东|孩子|闺女|宝宝|小孩|孙子|孙女|外孙女?|侄子|侄女|"
    r"外甥女?)(?:叫|是|，|,)?"
)
"""Who someone is to the speaker: a name may follow ("我老公李强", "我妈何秀英", "客服小王",
"我闺女，李娟，")."""
_CN_CHILD = re.compile(
    r"(?:女儿|儿子|孩子|闺女|宝宝|小孩|孙子|孙女|外孙女?|侄子|侄女|外甥女?)(?:叫|是)?"
)
"""A child's pet name follows these (我女儿乐乐, 孩子叫豆豆)."""
_CN_REPEATED_WORDS = _words(
    "天天 常常 刚刚 慢慢 好好 偏偏 渐渐 明明 往往 稍稍 偷偷 悄悄 早早 紧紧 轻轻 静静 默默 久久 "
    "处处 人人 个个 样样 时时 年年 月月 日日 次次 每每 统统 仅仅 白白 快快 多多 高高 大大 小小 "
    "满满 足足 整整 真真 实实 乖乖 哈哈 嘿嘿 呵呵 嗯嗯 好多 一一 谢谢 "
    # verbs said twice ("提醒孩子看看远处" became "提醒孩子[NAME]远处")
    "看看 想想 试试 说说 听听 走走 聊聊 等等 问问 找找 玩玩 练练 写写 读读 学学 动动 歇歇 "
    "休息休息 跑跑 跳跳 做做 算算 背背 念念 翻翻 摸摸 抱抱 尝尝 洗洗 擦擦 收拾收拾"
)
"""Doubled characters that are words (天天 "every day"), not a pet name."""
RARE_WORD = 100
"""Below this count in jieba's dictionary a two-character given name is no common word."""
_ZH_NOT_GIVEN = _words("t m mq p c u ul uj uz ug ud uv r x q f d v vn y e o zg")
"""jieba tags of words that are no given name: times, numbers, particles, verbs..."""
_CN_FAMILIAR_TEXT = (
    "小姐姐 小哥哥 小姐 小哥 小伙 小伙子 小妹 小弟 小朋友 老板 老板娘 老师 老哥 老铁 老人"
)
_CN_FAMILIAR = frozenset(_CN_FAMILIAR_TEXT.split())
"""How staff are addressed, not names (前台小姐姐, 客服小哥), though jieba may tag them nr."""
_CJK = re.compile(f"[{KANA}{HAN}{HANGUL}]")
PLACEHOLDERS = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "id": "[ID]",
    "card": "[CARD]",
    "bank": "[BANK]",
    "plate": "[PLATE]",
    "handle": "[HANDLE]",
    "dob": "[DOB]",
    "password": "[PASSWORD]",
    "phone": "[PHONE]",
    "address": "[ADDRESS]",
    "name": "[NAME]",
}


def _given_names() -> frozenset[str]:
    lines = files("ingest").joinpath("given_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


_GIVEN_NAMES = _given_names()


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _cn_id_checks(number: str) -> bool:
    """ISO 7064 MOD 11-2, as GB 11643 defines the check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _is_phone(match: str) -> bool:
    digits = re.sub(r"\D", "", re.split(r"\s?(?:x|ext)", match)[0])
    if not 9 <= len(digits) <= 15:
        return False
    # Dates (2021-11-18), times and decimal numbers are not phone numbers.
    return not re.fullmatch(r"(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}", match.strip())


def _is_phonenumber(candidate: str) -> bool:
    """Valid in a likely region, or a possible number in full national or international form."""
    digits = sum(c.isdigit() for c in re.split(r"\s?(?:x|ext)", candidate)[0])
    if not 8 <= digits <= 17 or _DATE_OR_TIME.fullmatch(candidate):
        return False
    international = candidate.lstrip("(").startswith("+")
    grouped = any(not c.isdigit() for c in candidate.lstrip("+("))
    if not (international or grouped or candidate.startswith("0") or digits >= 10):
        return False  # an order or reference number, not a phone number
    for region in (None,) if international else PHONE_REGIONS:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        # Numbers reserved for drama and examples (UK 07700 900xxx) are possible, not valid.
        starts_in_full = international or candidate.lstrip("(").startswith("0")
        if starts_in_full and digits >= 10 and phonenumbers.is_possible_number(number):
            return True
    return False


def _phone_numbers(text: str) -> Iterator[tuple[int, int]]:
    """Spans of runs of digits that phonenumbers accepts; at most a few hundred runs are
    checked, so a table of numbers pasted into a turn costs milliseconds, not seconds."""
    checked = 0
    for m in _PHONE_RUN.finditer(text):
        if m.end() - m.start() > _PHONE_RUN_MAX or not _PHONE_RUN_SHAPE.fullmatch(m.group()):
            continue
        if m.start() and text[m.start() - 1] in _PHONE_RUN_NOT_AFTER:
            continue
        checked += 1
        if checked > _PHONE_CANDIDATES_MAX:
            return
        if _is_phonenumber(m.group()):
            yield m.start(), m.end()


_PROFILE_URL = re.compile(
    r"//(?:[a-z]+\.)?(?:facebook|fb|linkedin|instagram|twitter|x|tiktok|threads|bsky)\.(?:com|app|net)"
    r"/(?:in/|pub/|@)?[A-Za-z0-9_.-]{2,}",
    re.I,
)
"""A person's profile (facebook.com/siobhan.oconnell.77, linkedin.com/in/…): it names them."""


def _is_secret_url(url: str) -> bool:
    """A URL whose query names a token-like parameter, with a long opaque path segment, or a
    person's social profile."""
    return (
        _OPAQUE_SEGMENT.search(url) is not None
        or _PROFILE_URL.search(url) is not None
        or any(_SECRET_KEY.search(m.group(1)) for m in _QUERY_NAME.finditer(url))
    )


def _dates_of_birth(text: str) -> Iterator[tuple[int, int]]:
    for m in _DOB.finditer(text):
        yield m.start(1), m.end(1)
    for m in _DOB_FIELD.finditer(text):
        yield m.start(1), m.end(1)
    for m in _DOB_ZH.finditer(text):
        if not (m.start() and text[m.start() - 1] in "发产诞"):  # 发生于 is an event, not a birth
            yield m.start(1), m.end(1)
    for m in _DOB_ZH_BEFORE.finditer(text):
        if not (m.start() and text[m.start() - 1].isdigit()):
            yield m.start(), m.end()
    for m in _DOB_EU.finditer(text):
        yield m.start(1), m.end(1)


_ADDRESS_DE = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]{2,30}(?:stra(?:ss|s)e|str\.|weg|gasse|platz|allee|ring|damm|ufer"
    r"|chaussee)[ \t]\d{1,4}[a-z]?(?![0-9A-Za-z])(?:,?[ \t]?\d{5}(?:[ \t][A-Z][a-z]+)?)?"
)
"""A German street, then its number ("Lindenstraße 42, 20095 Hamburg"; ß is read as s)."""
_EIRCODE = re.compile(
    r"(?<![0-9A-Za-z])(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?"
    r"(?=[0-9AC-FHKNPRTV-Y]{0,3}\d)(?=[0-9AC-FHKNPRTV-Y]{0,3}[AC-FHKNPRTV-Y])"
    r"[0-9AC-FHKNPRTV-Y]{4}(?![0-9A-Za-z])"
)
"""An Irish Eircode (A96 K2X3, T12 X70A, D6W Y123)."""


def _en_addresses(text: str) -> Iterator[tuple[int, int]]:
    for m in _ADDRESS_EN.finditer(text):
        yield m.start(), m.end()
    for pattern in (_ADDRESS_DE, _EIRCODE):
        for m in pattern.finditer(text):
            yield m.start(), m.end()
    for m in _ADDRESS_SEA.finditer(text):
        start = m.start() + (1 if m.group().startswith(",") else 0)
        yield start, m.end()
    for m in _POSTCODE.finditer(text):
        if _POSTCODE_AREA.match(m.group()):
            yield m.start(), m.end()
    for m in _STATE_ZIP.finditer(text):
        city = _CITY_BEFORE.search(text, max(0, m.start() - 64), m.start())
        if city:
            yield city.start(), m.end()
        # and the state and ZIP alone, where a street address already took the city
        yield m.start() + 1 + (text[m.start() + 1] in " \t"), m.end()


def _zh_addresses(text: str) -> Iterator[tuple[int, int]]:
    """'<province><city><district><road>NN号…': the place names before the road are taken up to
    a word such as 住在 or 地址是, or at most four characters when no 省/市/区 names them."""
    for m in _ADDRESS_ZH.finditer(text):
        start = m.start()
        while start > max(0, m.start() - 24) and re.match(rf"[{_HAN}A-Za-z0-9]", text[start - 1]):
            start -= 1
        before = text[start : m.start()]
        lead = _ZH_BEFORE_ADDRESS.match(before)
        if lead:
            start += lead.end()
            before = before[lead.end() :]
        if not _ZH_ADMIN.search(before) and len(before) > 4:
            start = m.start() - 4
        if start < m.start():
            yield start, m.end()
    for m in _FLAT_ZH.finditer(text):
        # the estate's name, not the words before it (我住, 送到)
        lead = _ZH_BEFORE_ADDRESS.match(m.group())
        start = m.start() + (lead.end() if lead and lead.end() < len(m.group()) else 0)
        yield start, m.end()


def _zh_titled_names(text: str) -> Iterator[tuple[int, int]]:
    """The surname (and given name) before 先生/女士/小姐/老师: the farthest surname within three
    characters, where surnames that are also common words count only right before the title."""
    for m in _CN_TITLE.finditer(text):
        if m.group() == "小姐" and text[m.end() : m.end() + 1] == "姐":
            continue  # 小姐姐: how staff are addressed
        best = -1
        for back in (1, 2, 3):
            i = m.start() - back
            if i < 0 or not re.match(rf"[{_HAN}]", text[i]) or text[i] in _CN_LEADS:
                break
            if (text[i : i + 2] in _CN_COMPOUND_SURNAMES and back >= 2) or (
                text[i] in _CN_SURNAMES and (back == 1 or text[i] not in _CN_AMBIGUOUS_SURNAMES)
            ):
                best = i
        if best >= 0:
            yield best, m.start()
    for m in _CN_JOB_TITLE.finditer(text):
        i = m.start() - 1
        surname = i >= 0 and text[i] in _CN_SURNAMES and text[i] not in _CN_AMBIGUOUS_SURNAMES
        # 值班的王经理, 找李医生; not 宿管阿姨 or 值班经理 (the 管 and 班 end a word)
        if surname and (i == 0 or not _HAN_CHAR.match(text[i - 1]) or text[i - 1] in _CN_LEADS):
            yield i, m.start()
            continue
        # a full name before the title (王建华医生): a surname two or three characters back,
        # the name jieba reads as a person's
        for back in (3, 2):
            at = m.start() - back
            if at < 0 or text[at] not in _CN_SURNAMES or text[at] in _CN_AMBIGUOUS_SURNAMES:
                continue
            if at and _HAN_CHAR.match(text[at - 1]) and text[at - 1] not in _CN_LEADS:
                continue
            words = tagged_words(text[at : m.start()])
            if len(words) == 1 and words[0][1].startswith("nr"):
                yield at, m.start()
                break
    for m in _CN_NAME_IS.finditer(text):
        yield m.start(1), m.end(1)
    for m in _CN_SURNAME_IS.finditer(text):
        yield m.start(1), m.end(1)
    for m in _CN_PET_NAME.finditer(text):
        yield m.start(1), m.end(1)
    for m in _CN_I_AM.finditer(text):
        if m.group(1) not in _CN_FAMILIAR:
            yield m.start(1), m.end(1)
    for m in _CN_RELATION.finditer(text):
        if length := _zh_name_at(text, m.end()):
            yield m.end(), m.end() + length
    for m in _CN_CHILD.finditer(text):
        pair = text[m.end() : m.end() + 2]
        doubled = len(pair) == 2 and pair[0] == pair[1] and _HAN_CHAR.match(pair[0])
        if doubled and pair not in _CN_REPEATED_WORDS:
            yield m.end(), m.end() + 2


def zh_name_piece(piece: str) -> bool:
    """Whether a piece of a file name is a Chinese name: a surname alone or with a given name
    (张, 王丽), a familiar one (老陈, 小吴) or with a title (孙先生, 周女士); file names carry
    the interviewee's name (受访者01_张.txt, 访谈-老陈.txt) where no speaker label does."""
    core = _CN_NAME_TITLE.sub("", piece) if len(piece) > 2 else piece
    titled = core != piece  # 孙先生: a surname that is also a word is one before a title
    if core[:1] in ("老", "小") and len(core) == 2:
        core = core[1:]
    return (
        0 < len(core) <= 3
        and all(_HAN_CHAR.match(c) for c in core)
        and core[0] in _CN_SURNAMES
        and (titled or core[0] not in _CN_AMBIGUOUS_SURNAMES)
    )


_CN_NAME_TITLE = re.compile(r"(?:先生|女士|小姐|老师|阿姨|叔叔|大爷|奶奶|爷爷)$")

_PINYIN_SURNAMES = _words(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao zheng "
    "liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai yu du ye "
    "cheng su wei lv lu ding ren shen yao cui zhong tan fan jin shi liao jia xia fu fang bai zou "
    "meng xiong qin qiu yin xue yan duan lei hou long tao gu mao hao gong shao wan qian dai mo "
    "kong xiang chang wen kang niu ge xing an qi yi qiao pang ni zhuang nie yue zhai ouyang"
)
"""The pinyin of common Chinese surnames, which open a pinyin name in a file name."""
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|"
    r"uo|ui|ue|ve|er|a|o|e|i|u|v)"
)
_PINYIN_GIVEN = re.compile(rf"(?:{_PINYIN_SYLLABLE}){{1,2}}")


def pinyin_name_piece(piece: str) -> bool:
    """Whether a piece of a file name is a Chinese name in pinyin: a common surname and a given
    name of one or two syllables (p01_wanglei.txt, p03_zhaojianguo.txt, ZhouTing). Only asked
    of the files of a study whose speakers have Chinese names: a rental-flat trial's citations
    showed p01_wanglei.txt while its speaker 王磊 was 受访者1 everywhere else."""
    word = piece.casefold()
    if not word.isascii() or not word.isalpha() or not 4 <= len(word) <= 12:
        return False
    return any(
        word.startswith(surname) and _PINYIN_GIVEN.fullmatch(word[len(surname) :]) is not None
        for surname in _PINYIN_SURNAMES
    )


def _zh_name_at(text: str, at: int) -> int:
    """The length of a person's name starting at `at` (after a relation word), by jieba's
    part-of-speech tags: a surname and given name (李强, 何 + 秀英) or a familiar 小王 / 老王;
    0 when what follows is no name ("客服说", "朋友推荐的")."""
    window = text[at : at + 6]
    if not window or (
        window[0] not in _CN_SURNAMES + "小老" and window[:2] not in _CN_COMPOUND_SURNAMES
    ):
        return 0
    words = tagged_words(window)
    first, flag = words[0]
    if first in _CN_FAMILIAR or first[:2] in _CN_REPEATED_WORDS:
        # (jieba tags 谢谢您 a name: "陈师傅，谢谢您" was stored as "[NAME]师傅，[NAME]")
        return 0
    if flag.startswith("nr") and 2 <= len(first) <= 4 and first[0] in _CN_SURNAMES + "小老":
        # 李子 + 轩: jieba cut a fruit from the name
        if len(first) == 2 and len(words) > 1 and len(words[1][0]) == 1:
            return 3 if words[1][1].startswith("nr") else 2
        return len(first)
    if first in ("小", "老") and len(words) > 1 and words[1][0] in _CN_SURNAMES:
        return 2 if len(words[1][0]) == 1 and words[1][1].startswith("nr") else 0  # 小 + 刘
    if len(first) == 2 and first[0] in "小老" and first[1] in _CN_SURNAMES:
        # 小张 as one word (jieba: a noun), after a role word: a familiar name; not 小时 or 老师,
        # whose second character is also a common word
        return 2 if first[1] not in _CN_AMBIGUOUS_SURNAMES else 0
    if len(first) == 1 and first in _CN_SURNAMES and len(words) > 1:
        given, given_flag = words[1]
        # after a relation word a surname starts a name, whatever jieba makes of the given
        # name (王 + 欣怡 "idiom", 张 + 浩然 "adjective"), unless it is a word of another kind
        if len(given) <= 2 and _HAN_CHAR.match(given[0]) and given_flag not in _ZH_NOT_GIVEN:
            return 1 + len(given)
        # 国庆 (a time word) and 朵朵 (doubled) are given names too after a relation word
        if len(given) == 2 and (
            given_flag == "t" or (given[0] == given[1] and given not in _CN_REPEATED_WORDS)
        ):
            return 3
    return 0


def _last_surname(text: str, surname: re.Match[str]) -> int:
    """Where a name ends that goes on past its first surname: "Nguyen Thi Lan", "Jose Maria
    Garcia" (one more capitalised word, or two, that is no ordinary word)."""
    end = surname.end()
    for _ in range(2):
        more = _SURNAME_AFTER.match(text, end)
        if more is None or more.group(1) in _NOT_NAMES | _TITLES:
            break
        end = more.end()
    return end


def _en_names(text: str) -> Iterator[tuple[int, int]]:
    """Titled names (Dr Okafor), and given names from the list followed by a surname or in a
    context that makes them names ('my wife Sarah', 'Sarah said', 'talked to Sarah')."""
    for m in _TITLE.finditer(text):
        words = m.group(1).split()
        while words and words[-1] in _NOT_NAMES:
            words.pop()
        if words:
            yield m.start(1), m.start(1) + len(" ".join(words))
    for m in _SHORT_NAME.finditer(text):  # "my partner, Jo,"
        before = text[max(0, m.start() - 40) : m.start()]
        if m.group() not in _SHORT_NOT_NAMES and _RELATIVE_BEFORE.search(before):
            yield m.start(), m.end()
    for m in _CAPITALISED.finditer(text):
        given = m.group()
        if given not in _GIVEN_NAMES:
            before = text[max(0, m.start() - 40) : m.start()]
            if given in _NOT_NAMES | _TITLES:
                continue
            surname = _SURNAME_AFTER.match(text, m.end())
            named = surname is not None and surname.group(1) not in _NOT_NAMES | _TITLES
            strong = _RELATIVE_BEFORE.search(before) or _NAME_IS_BEFORE.search(before)
            last = None
            if surname is not None and named:
                last = _last_surname(text, surname) if strong else surname.end()
            if (
                _RELATIVE_BEFORE.search(before)
                or _NAME_IS_BEFORE.search(before)
                or (named and _SELF_BEFORE.search(before))
                or (
                    given not in _GREETED_NOT_NAMES
                    and _GREETING_BEFORE.search(before)
                    and _GREETED_AFTER.match(text, m.end())
                )
                or (_THANKS_BEFORE.search(before) and _FROM_TEAM_AFTER.match(text, m.end()))
                or (_ASK_FOR_BEFORE.search(before) and _ASKED_AFTER.match(text, m.end()))
            ):
                yield m.start(), last if last is not None else m.end()
            continue
        end = m.end()
        surname = _SURNAME_AFTER.match(text, end)
        has_surname = surname is not None and surname.group(1) not in _NOT_NAMES
        before = text[max(0, m.start() - 40) : m.start()]
        if surname is not None and has_surname:
            # "my mum Nguyen Thi Lan"; not "Tom Yum Soup", "to Charlotte Cancelled Flight"
            strong = _STRONG_BEFORE.search(before) or _RELATIVE_BEFORE.search(before)
            end = _last_surname(text, surname) if strong else surname.end()
        if _PLACE_BEFORE.search(before):
            continue
        plain = given not in _AMBIGUOUS_NAMES
        if (
            _STRONG_BEFORE.search(before)
            or (plain and _APPOSITION_BEFORE.search(before) and _APPOSITION_AFTER.match(text, end))
            or (plain and _ROLE_AFTER.match(text, end))
            or (plain and before.endswith(", ") and _VOCATIVE_AFTER.match(text, end))
            or _RELATIVE_BEFORE.search(before)
            or _SPEAKS_AFTER.match(text, end)
            or (_HERE_AFTER.match(text, end) and _OPENS_BEFORE.search(before))
            or (
                plain
                and (has_surname or _WEAK_BEFORE.search(before) or _ACTS_AFTER.match(text, end))
            )
        ):
            yield m.start(), end


PIECE_CHARS = 50_000
"""A text longer than this is redacted (and searched for names) in pieces: each pattern's scan
of one piece is one short call, so a server reading a 50 MB line stays responsive (one scan of
the whole line held the interpreter for seconds at a time and froze the API for up to 40 s)."""
_PIECE_END = re.compile(r"[.!?]\s+|[\u3002\uff01\uff1f\n]\s*|\s+")


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """`text` in pieces of at most about `size` characters that join back into it, each cut
    after the last sentence end (else space) of its final tenth, so no PII is cut in two but
    where a text runs on without a break."""
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = None
        for m in _PIECE_END.finditer(text, end - size // 10, end):
            if text[m.start()] in ".!?\u3002\uff01\uff1f\n" or cut is None:
                cut = m.end()
        end = cut if cut is not None and cut > start else end
        yield text[start:end]
        start = end
    yield text[start:]


def names_in(text: str) -> set[str]:
    """Names found in free text where the context makes them names (see _names_in), a long
    text piece by piece."""
    if len(text) <= PIECE_CHARS:
        return _names_in(text)
    return set().union(*(_names_in(piece) for piece in pieces(text)))


def _names_in(text: str) -> set[str]:
    """Names found in free text where the context makes them names ('my partner, Dev'), to be
    redacted wherever else the same text uses them ('Dev was quite cross', 'Dev's card'):
    English names whose every word is no ordinary word, Chinese names of two or more
    characters (a lone surname is also a common character)."""
    found = set()
    for start, end in _en_names(_fold(text)):
        name = text[start:end]
        words = name.split()
        if all(
            w[:1].isupper() and w not in _AMBIGUOUS_NAMES | _NOT_NAMES | _TITLES and len(w) >= 3
            for w in words
        ):
            found.add(name)
    for start, end in _zh_titled_names(text):
        if end - start >= 2:
            name = text[start:end]
            found.add(name)
            # 李子轩 is 子轩 to the people who know him
            # unless the given name is also a common word (建国, 美丽 are in jieba's dictionary
            # thousands of times; 浩然 38, 可馨 never)
            given = name[1:]
            plain = name[:2] not in _CN_COMPOUND_SURNAMES and name[0] not in "小老"
            doubled = given[0] == given[-1] and given not in _CN_REPEATED_WORDS  # 朵朵
            if len(name) == 3 and plain and (word_frequency(given) < RARE_WORD or doubled):
                found.add(given)
            # and 小刘 or 老刘 to colleagues (客户经理叫刘婷婷，小刘人很好)
            if len(name) == 3 and plain:
                found.update({f"小{name[0]}", f"老{name[0]}"} - _CN_FAMILIAR)
    return found


class _Spans:
    """Non-overlapping spans: a span is kept if no kept span covers any of its characters."""

    def __init__(self, size: int) -> None:
        self.taken = bytearray(size)
        self.items: list[tuple[int, int, str]] = []

    def add_if_free(self, start: int, end: int, kind: str) -> None:
        if start < end and self.taken.find(1, start, end) < 0:
            self.taken[start:end] = b"\x01" * (end - start)
            self.items.append((start, end, kind))


_FOLD_SPECIAL = {
    "ß": "s", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "æ": "a", "Æ": "A",
    "œ": "o", "Œ": "O", "þ": "t", "Þ": "T", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H", "ı": "i",
    "\u2019": "'",
}  # fmt: skip


@functools.cache
def _fold_table() -> dict[int, str]:
    """Each accented Latin letter -> its base letter, one character for one."""
    table = {ord(k): v for k, v in _FOLD_SPECIAL.items()}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if code not in table and base.isascii() and base.isalpha():
            table[code] = base
    return table


def _fold(text: str) -> str:
    """The text with accents taken off Latin letters, as long as the text (so spans found in
    it are spans of the text): the patterns know A-Z, and "Pádraig", "Zoë", "Siobhán" and
    "Nguyễn" were missed or cut ("my wife [NAME]ë", a stored alias "Nguy")."""
    return text.translate(_fold_table())


def find_pii(text: str, *, detect_names: bool = True) -> list[tuple[int, int, str]]:
    """Spans of PII in text as (start, end, kind), non-overlapping, in order. Earlier kinds
    win an overlap. Names in free text are found only with detect_names. Accented Latin
    letters are read as their base letters (see `_fold`)."""
    text = _fold(text)
    spans = _Spans(len(text))
    for m in _EMAIL.finditer(text):
        spans.add_if_free(m.start(), m.end(), "email")
    for m in _URL.finditer(text):
        if _is_secret_url(m.group()):
            spans.add_if_free(m.start(), m.end(), "url")
    for m in _CN_ID.finditer(text):
        if _cn_id_checks(m.group()) or _ID_CONTEXT.search(text, max(0, m.start() - 24), m.start()):
            spans.add_if_free(m.start(), m.end(), "id")
    for m in _SSN.finditer(text):
        group = 1 if m.group(1) else 0
        if m.group(group)[:3] not in ("000", "666"):
            spans.add_if_free(m.start(group), m.end(group), "id")
    for m in _NI.finditer(text):
        spans.add_if_free(m.start(), m.end(), "id")
    lower = text.lower()
    led = [
        (_HANDLE_ID, "handle"),
        (_BANK, "bank"),
        (_PLATE, "plate"),
        (_REFERENCE, "id"),
        (_ZH_CARD_NUMBER, "id"),
    ]
    for pattern, kind in led if any(word in lower for word in _LED_BY) else ():
        for m in pattern.finditer(text):
            group = next(g for g in range(1, (pattern.groups or 0) + 1) if m.group(g))
            spans.add_if_free(m.start(group), m.end(group), kind)
    for pattern, kind in ((_IBAN, "bank"), (_PLATE_SHAPE, "plate"), (_CODE_SHAPE, "id")):
        for m in pattern.finditer(text):
            spans.add_if_free(m.start(), m.end(), kind)
    for m in _AT_HANDLE.finditer(text):
        group = next(g for g in (1, 2, 3, 4) if m.group(g))
        spans.add_if_free(m.start(group) - 1, m.end(group), "handle")
    for m in _USERNAME.finditer(text):
        spans.add_if_free(m.start(1), m.end(1), "handle")
    for m in _BARE_PROFILE.finditer(text):
        spans.add_if_free(m.start(), m.end(), "url")
    for m in _CARD_TAIL.finditer(text):
        group = 1 if m.group(1) else 2
        spans.add_if_free(m.start(group), m.end(group), "card")
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and digits[0] != "0" and _luhn(digits):
            spans.add_if_free(m.start(), m.end(), "card")
    for start, end in _dates_of_birth(text):
        spans.add_if_free(start, end, "dob")
    for start, end in _passwords(text):
        spans.add_if_free(start, end, "password")
    for start, end in _phone_numbers(text):
        spans.add_if_free(start, end, "phone")
    for m in _PHONE.finditer(text):
        if _is_phone(m.group()):
            spans.add_if_free(m.start(), m.end(), "phone")
    for start, end in (*_en_addresses(text), *_zh_addresses(text)):
        spans.add_if_free(start, end, "address")
    if detect_names:
        for start, end in (*_en_names(text), *_zh_titled_names(text)):
            spans.add_if_free(start, end, "name")
    return sorted(spans.items)


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, the longest first where several fit.

    Written as a trie (``Ann(?:a|e(?:tte)?)?``), so a match tries one branch per character
    instead of every word in turn: an alternation of a study's 1,500 revealed names was tried
    name by name on every sentence, and made redaction grow with the square of the corpus."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in filter(None, words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict) -> str:  # type: ignore[type-arg]
        arms = [re.escape(ch) + branch(child) for ch, child in sorted(node.items()) if ch]
        if not arms:
            return ""
        body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
        # greedy: the longer name is tried first, the shorter (ending here) if the rest fails
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


@lru_cache(maxsize=16)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for all of `names` (cached: ingest makes a redactor per source, and the
    names change only when a new one is met)."""
    # Chinese and Japanese write names against neighbouring words, so there is no word edge.
    cjk = [name for name in names if _CJK.search(name)]
    spaced = [name for name in names if not _CJK.search(name)]
    parts = [rf"(?<!\w){trie_pattern(spaced)}(?!\w)"] if spaced else []
    return re.compile("|".join(parts + ([trie_pattern(cjk)] if cjk else [])))


_WORD_SURNAMES = _words(
    "Price Will Hope Mark Bill Chance Page Rich Young Long Little Best Cook Miles Cash Bond "
    "Love Story Fair Early Late Sharp Hardy Rice Wise Strong Free Short"
)
"""Surnames that open sentences as ordinary words: only the whole name is replaced."""
WHOLE_NAMES_ONLY = ("Reviewer ", "Respondent ", "评价者", "答卷人")
"""Placeholders of names from a table's author column: only the whole name is theirs."""


def _ordinary_nickname(name: str) -> bool:
    """An author nickname that is no person's name: Chinese words that do not open with a
    surname (or are common words, by jieba's dictionary), or one Latin word that is no given
    name. Handles with digits stay names: nobody writes them by chance."""
    name = name.strip()
    if _CJK.search(name):
        surname = (
            name[:2] in _CN_COMPOUND_SURNAMES
            or (name[0] in _CN_SURNAMES and name[0] not in _CN_AMBIGUOUS_SURNAMES)
            or (name[0] in "小老阿" and len(name) == 2 and name[1] in _CN_SURNAMES)
        )
        plain = all(_HAN_CHAR.fullmatch(c) for c in name)
        return not (plain and 2 <= len(name) <= 4 and surname) or (
            word_frequency(name) >= RARE_WORD
        )
    return " " not in name and name.isalpha() and not is_given_name(name)


_OTHER = "\x00name\x00"
_OTHER_NAME = re.compile(
    r"(?:(\[NAME\]|[^\W\d_][\w'\u2019-]*)[ \t])?\x00name\x00"
    r"(?:[ \t](\[NAME\]|[^\W\d_][\w'\u2019-]*))?"
)


def _other_name(m: re.Match[str]) -> str:
    """Another person's name around a known surname, as one [NAME] (see `_of_someone_else`)."""
    text = PLACEHOLDERS["name"]
    before, after = m.group(1), m.group(2)
    if before and not _namelike(before):
        text = before + " " + text
    if after and not _namelike(after):
        text = text + " " + after
    return text


_PRONOUNS = _words("I We You He She They It Me Us Him Her Them My Our Your His Their Its")
"""Never a surname after a known first name: "If everyone were like Janet I'd have no
complaints" lost its "I'd" to "[NAME] have no complaints" (a car-hire trial)."""


def _namelike(word: str) -> bool:
    base = re.split(r"['\u2019]", word, maxsplit=1)[0]
    return word == PLACEHOLDERS["name"] or (
        word[:1].isupper() and _fold(word) not in _NOT_NAMES | _TITLES and base not in _PRONOUNS
    )


_WORD_BEFORE = re.compile(r"(\[NAME\]|[^\W\d_][\w'\u2019-]*)[ \t]$")
_WORD_AFTER = re.compile(r"[ \t](\[NAME\]|[^\W\d_][\w'\u2019-]*)")


@dataclass(frozen=True)
class Redactor:
    """Replaces PII and known personal names in text with placeholders."""

    names: Mapping[str, str]
    """Real name (as used in speaker labels) -> placeholder, e.g. 'Maria' -> 'Participant 1'."""
    detect_names: bool = True
    """Also replace names mentioned in free text ('my wife Sarah', 'Dr Okafor', '王先生')
    with [NAME]; known names keep their own placeholder."""

    @cached_property
    def _naming(self) -> dict[str, str]:
        """The known names that name someone: all but a review author's nickname that is an
        ordinary word (see `_ordinary_nickname`)."""
        return {
            name: placeholder
            for name, placeholder in self.names.items()
            if not (placeholder.startswith(WHOLE_NAMES_ONLY) and _ordinary_nickname(name))
        }

    @cached_property
    def _lookup(self) -> dict[str, str]:
        """Each name, and each first or last name long enough to be one, -> its placeholder.
        A review author's nickname that is no name ("晴天", "开心果", "Traveller") names no
        one in other texts: a trial's reviewer 小本生意 turned an interviewee's "我们小本生意"
        into "我们评价者19" (its own author field is still the pseudonym)."""
        lookup = dict(self._naming)
        for name, placeholder in self._naming.items():
            if name.isupper():  # a label in capitals ("MARCUS:") is "Marcus" in the text
                lookup.setdefault(name.title(), placeholder)
            if placeholder.startswith(WHOLE_NAMES_ONLY):
                # a review's author is not who another text means by "Sarah" or "Price"
                continue
            if len(name.split()) >= 2 and not _CJK.search(name):
                # a whole name typed in lower case ("kwame mensah, that's me") is still theirs
                lookup.setdefault(name.lower(), placeholder)
            for part in name.split():
                if part.title() in _NOT_NAMES | _WORD_SURNAMES:
                    continue  # "Helen Price": "Price hike at renewal" names no one
                # "Jo Kowalski" is Jo too (two-letter names were left in the text)
                long_enough = len(part) >= 3 or part in _TWO_LETTER_NAMES
                if long_enough and part[0].isupper() and part.lower() != part.upper():
                    lookup.setdefault(part, placeholder)
                    if part.isupper():
                        lookup.setdefault(part.capitalize(), placeholder)
        return lookup

    @cached_property
    def _folded_names(self) -> frozenset[str]:
        """Every known name and each of its parts, case- and accent-folded (file names are any
        case, and often unaccented: p03_nguyen_thi_lan.srt for "Nguyễn Thị Lan")."""
        return frozenset(
            _fold(part).casefold()
            for name in self._naming
            for part in [name, *name.split()]
            if len(part) >= 2 or part == name
        )

    def is_name(self, word: str) -> bool:
        """True for a speaker's name or a part of one in any case, or a listed given name."""
        return _fold(word).casefold() in self._folded_names or is_given_name(word)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self._lookup:
            return None
        return _names_pattern(frozenset(self._lookup))

    def redact(self, text: str) -> tuple[str, Counter[str]]:
        """Return text with PII replaced and the count of each kind replaced; a long text in
        pieces cut between sentences (see pieces)."""
        if len(text) <= PIECE_CHARS:
            return self._redact(text)
        counts: Counter[str] = Counter()
        out: list[str] = []
        for piece in pieces(text):
            redacted, found = self._redact(piece)
            out.append(redacted)
            counts.update(found)
        return "".join(out), counts

    def _redact(self, text: str) -> tuple[str, Counter[str]]:
        counts: Counter[str] = Counter()
        parts: list[str] = []
        cursor = 0
        for start, end, kind in find_pii(text, detect_names=self.detect_names):
            if kind == "name" and self._is_known(text[start:end]):
                continue
            parts.append(text[cursor:start])
            parts.append(PLACEHOLDERS[kind])
            counts[kind] += 1
            cursor = end
        parts.append(text[cursor:])
        out = "".join(parts)
        if self._pattern is not None:
            pieces: list[str] = []
            at = 0
            for m in self._pattern.finditer(out):
                pieces.append(out[at : m.start()])
                counts["name"] += 1
                at = m.end()
                if self._of_someone_else(m):
                    pieces.append(_OTHER)
                    continue
                pieces.append(self._lookup[m.group()])
                # a speaker's first name with a surname the labels never gave ("Participant:
                # Raj Mehta." in a file whose speaker is Raj) is the speaker's whole name
                after = _WORD_AFTER.match(out, m.end())
                if (
                    after is not None
                    and " " not in m.group()
                    and after.group(1) not in self._lookup
                    and after.group(1) != PLACEHOLDERS["name"]
                    and _namelike(after.group(1))
                ):
                    at = after.end()
            pieces.append(out[at:])
            out = "".join(pieces)
            if _OTHER in out:  # the whole of the other person's name goes
                out = _OTHER_NAME.sub(_other_name, out)
        return out, counts

    def redact_text(self, text: str) -> str:
        """The text with PII replaced (`redact` without the counts)."""
        return self.redact(text)[0]

    @cached_property
    def _parts(self) -> dict[str, frozenset[str]]:
        """Each part of a known name that stands for it -> the words of the names it is part of."""
        parts: dict[str, set[str]] = {}
        for name in self.names:
            words = name.split()
            if len(words) > 1:
                for word in words:
                    parts.setdefault(word, set()).update(words)
                    parts.setdefault(word.capitalize(), set()).update(words)
        return {p: frozenset(w) for p, w in parts.items() if p not in self.names}

    def _of_someone_else(self, m: re.Match[str]) -> bool:
        """A part of a known name (a surname) inside another person's name: relatives share
        surnames, and "my father Nguyen Van Hung" became "Participant 3 Van Hung", "Akosua
        Mensah" "[NAME] Participant 6". Such a name is [NAME], not the participant."""
        own = self._parts.get(m.group())
        if own is None:
            return False
        before = _WORD_BEFORE.search(m.string, max(0, m.start() - 64), m.start())
        after = _WORD_AFTER.match(m.string, m.end())
        return any(
            w is not None and w.group(1) not in own and _namelike(w.group(1))
            for w in (before, after)
        )

    def _is_known(self, name: str) -> bool:
        """A detected name that the speakers' names cover: it gets the speaker's placeholder."""
        return name in self._lookup or all(part in self._lookup for part in name.split())
