"""The firm-name normaliser, holder parsing, the place gazetteer and the curated resolution files."""

from __future__ import annotations

from pathlib import Path

import pytest

from rxatlas.errors import InputError
from rxatlas.resolve.curated import load_groups, load_overrides
from rxatlas.resolve.names import (
    distinctive_tokens,
    legal_form_countries,
    name_key,
    normalize,
    parse_holder,
    weak_legal_form,
)
from rxatlas.resolve.places import find_places, gazetteer, place_countries


@pytest.mark.parametrize(
    "variant",
    [
        "Dr. Reddy's Laboratories Limited",
        "DR REDDYS LABORATORIES LTD",
        "Dr. Reddy's Laboratories, Inc.",
        "DR. REDDY'S LABS PVT. LTD.",
    ],
)
def test_spelling_variants_share_one_key(variant: str) -> None:
    assert normalize(variant).key == "DR REDDYS LAB"


@pytest.mark.parametrize(
    ("name", "key", "forms"),
    [
        ("Quimica Sintetica S.A.", "CHEM SINTETICA", ("SA",)),
        ("NOURYON CHEMICALS SA DE CV", "NOURYON CHEM", ("SA DE CV",)),
        ("Nouryon Chemicals, S.A. de C.V", "NOURYON CHEM", ("SA DE CV",)),
        ("Recordati Industria Chimica E Farmaceutica SpA", "RECORDATI IND CHEM PHARMA", ("SPA",)),
        ("RECORDATI INDUSTRIA CHIMICA AND FARMACEUTICA SPA", "RECORDATI IND CHEM PHARMA", ("SPA",)),
        ("Boehringer Ingelheim Pharma GmbH & Co. KG", "BOEHRINGER INGELHEIM PHARMA", ("GMBH",)),
        ("Macco Organiques s.r.o.", "MACCO ORGANIQUES", ("SRO",)),
        ("PT Kalbe Farma Tbk", "KALBE PHARMA", ("TBK", "PT")),
        ("MSN ORGANICS PRIVATE LTD", "MSN ORGANICS", ("PVT LTD",)),
        ("SYMBIOTICA SPECIALITY INGREDIENTS SDN BHD", "SYMBIOTICA SPECIALITY INGREDIENTS", ("SDN BHD",)),
        ("YMC CO LTD", "YMC", ("LTD",)),
        ("Basildon Chemical Company Limited", "BASILDON CHEM", ("LTD",)),
        (
            "BioSpring Gesellschaft für Biotechnologie mbH",
            "BIOSPRING GESELLSCHAFT FUR BIOTECHNOLOGIE",
            ("GMBH",),
        ),
        ("Société Française Pharmaceutique SAS", "SOCIETE FRANCAISE PHARMA", ("SAS",)),
    ],
)
def test_legal_forms_are_stripped_and_recorded(name: str, key: str, forms: tuple[str, ...]) -> None:
    norm = normalize(name)
    assert (norm.key, norm.legal_forms) == (key, forms)


@pytest.mark.parametrize(
    ("written_out", "abbreviated"),
    [
        # the example, and other firms of the DMF list, DECRS and NDC listings written both ways
        ("Atabay Kimya Sanayi ve Ticaret Anonim Sirketi", "ATABAY KIMYA SANAYI VE TICARET AS"),
        ("DEVA HOLDING ANONIM SIRKETI", "Deva Holding A.S."),
        ("MUSTAFA NEVZAT ILAC SANAYII AS", "Mustafa Nevzat Ilac Sanayi A.S."),
        ("Teva Pharmaceutical Works Private Limited Company", "TEVA PHARMACEUTICAL WORKS PVT LTD"),
        ("BASF AKTIENGESELLSCHAFT", "BASF AG"),
        ("SCHERING AKTIENGESELLSCHAFT", "Schering AG"),
        ("MERCK Kommanditgesellschaft auf Aktien", "MERCK KGAA"),
        ("BIOCHEMIC GESELLSCHAFT MBH", "Biochemic GmbH"),
        ("X Gesellschaft mit beschränkter Haftung", "X GmbH"),
        ("PVP SOCIEDADE ANONIMA", "PVP S.A."),
        ("Compradores y Exportadores de Cafe, Sociedad Anonima", "COMPRADORES Y EXPORTADORES DE CAFE SA"),
        ("EUMEDICA PHARMACEUTICALS INDUSTRIES SOCIEDAD LIMITADA", "Eumedica Pharmaceuticals Industries S.L."),
        ("ALKALOIDA Vegyeszeti Gyar zartkoruen mukodo Reszvenytarsasag", "ALKALOIDA VEGYESZETI GYAR ZRT"),
        ("AGIMEXPHARM PHARMACEUTICAL JOINT STOCK COMPANY", "Agimexpharm Pharmaceutical JSC"),
        ("ACS DOBFAR SOCIETA PER AZIONI", "ACS Dobfar S.p.A."),
        ("X PRIVATE LIMITED", "X PVT. LTD."),
    ],
)
def test_legal_forms_written_out_or_abbreviated_give_one_key(written_out: str, abbreviated: str) -> None:
    long, short = normalize(written_out), normalize(abbreviated)
    assert (long.key, long.legal_forms) == (short.key, short.legal_forms)
    assert long.legal_forms


def test_a_written_out_form_keeps_its_country_hint() -> None:
    assert legal_form_countries(normalize("Atabay Kimya Sanayi ve Ticaret Anonim Sirketi")) >= {"TR"}
    assert legal_form_countries(normalize("AKTIEBOLAGET LEO")) == {"SE"}
    # SA is a national form of many countries, never of the US
    assert "US" not in legal_form_countries(normalize("DIPHARMA SA"))
    assert {"FR", "ES", "CH"} <= legal_form_countries(normalize("DIPHARMA SA"))


@pytest.mark.parametrize(
    ("name", "key", "form", "country"),
    [
        ("浙江华海药业股份有限公司", "浙江华海药业", "有限公司", "CN"),
        ("삼성바이오로직스 주식회사", "삼성바이오로직스", "주식회사", "KR"),
        ("(주)셀트리온", "셀트리온", "주식회사", "KR"),
        ("武田薬品工業株式会社", "武田薬品工業", "株式会社", "JP"),
    ],
)
def test_cjk_names_keep_their_characters(name: str, key: str, form: str, country: str) -> None:
    norm = normalize(name)
    assert (norm.key, norm.legal_forms) == (key, (form,))
    assert country in legal_form_countries(norm)


def test_false_friends_stay_apart() -> None:
    assert normalize("MANKIND PHARMA LTD").key != normalize("MANNKIND CORP").key
    assert "TEVA" not in normalize("CORTEVA AGRISCIENCE LLC").tokens
    assert normalize("GLAND PHARMA LTD").key != normalize("GLAND CHEMICALS PRIVATE LTD").key
    assert (
        normalize("TONGHUADONGBAO PHARMACEUTICAL CO LTD").compact
        == normalize("Tonghua Dongbao Pharmaceutical Co., Ltd").compact
    )


def test_a_name_made_only_of_a_legal_form_is_kept() -> None:
    assert normalize("LTD").key == "LTD"
    assert normalize("").key == ""


def test_distinctive_tokens_leave_out_business_words() -> None:
    assert distinctive_tokens("ZHEJIANG HUAHAI PHARMACEUTICAL CO LTD") == ("ZHEJIANG", "HUAHAI")
    assert distinctive_tokens(normalize("GLAND PHARMA LTD")) == ("GLAND",)


def test_legal_form_hints() -> None:
    assert legal_form_countries(normalize("X SPA")) == {"IT"}
    assert legal_form_countries(normalize("X GMBH")) == {"DE", "AT", "CH"}
    assert legal_form_countries(normalize("X LTD")) == set()
    assert weak_legal_form(normalize("NOVOPROTEIN SCIENTIFIC INC"))
    assert not weak_legal_form(normalize("X SDN BHD"))


@pytest.mark.parametrize(
    ("holder", "entity", "tail"),
    [
        ("KERRY INC DBA MASTERTASTE INC", "KERRY INC", ("dba", "MASTERTASTE INC")),
        ("Q MEDICAL LLC (DBA QURE MEDICAL)", "Q MEDICAL LLC", ("dba", "QURE MEDICAL")),
        (
            "PHARMACIA AND UPJOHN CO LLC WHOLLY OWNED SUB OF PFIZER INC",
            "PHARMACIA AND UPJOHN CO LLC",
            ("parent", "PFIZER INC"),
        ),
        (
            "MERCK SHARP & DOHME B.V., A SUBSIDIARY OF MERCK & CO., INC",
            "MERCK SHARP & DOHME B.V.",
            ("parent", "MERCK & CO., INC"),
        ),
        (
            "MEDICIS PHARMACEUTICAL CORPORATION A DIVISION OF BAUSCH HEALTH US LLC",
            "BAUSCH HEALTH US LLC",
            ("division", "MEDICIS PHARMACEUTICAL CORPORATION"),
        ),
        ("UMAX PACKAGING (A UNIT OF UMA POLYMERS LTD)", "UMA POLYMERS LTD", ("division", "UMAX PACKAGING")),
        (
            "MIDWEST MEDICAL ISOTOPES LLC DIVISION CYCLOTRON",
            "MIDWEST MEDICAL ISOTOPES LLC",
            ("division", "CYCLOTRON"),
        ),
        ("ELANCO DIV ELI LILLY AND CO", "ELI LILLY AND CO", ("division", "ELANCO")),
        ("GRANULES INDIA LTD (UNIT-V)", "GRANULES INDIA LTD", ("site", "UNIT-V")),
        ("BALAJI AMINES LTD UNIT III", "BALAJI AMINES LTD", ("site", "UNIT III")),
        (
            "JIANGSU ALPHA PHARMACEUTICAL CO LTD SITE-II",
            "JIANGSU ALPHA PHARMACEUTICAL CO LTD",
            ("site", "SITE-II"),
        ),
        ("QILU PHARMACEUTICAL CO LTD (LAOLING SITE)", "QILU PHARMACEUTICAL CO LTD", ("site", "LAOLING SITE")),
        ("LOTUS PHARMACEUTICAL CO LTD NANTOU PLANT", "LOTUS PHARMACEUTICAL CO LTD", ("site", "NANTOU PLANT")),
        ("Vistin Pharma AS avd Kragerø Fikkjebakke", "Vistin Pharma AS", ("site", "AVD KRAGERØ FIKKJEBAKKE")),
        ("TIANJIN PHARMACEUTICAL PLANT", "TIANJIN PHARMACEUTICAL PLANT", None),
        # factories, plants, sites and branches named after the company they belong to
        (
            "ZHEJIANG MEDICINE CO LTD XINCHANG PHARMACEUTICAL FACTORY",
            "ZHEJIANG MEDICINE CO LTD",
            ("site", "XINCHANG PHARMACEUTICAL FACTORY"),
        ),
        (
            "Shenzhen Salubris Pharmaceutical Co., Ltd. Pingshan Pharmaceutical Factory",
            "Shenzhen Salubris Pharmaceutical Co., Ltd",
            ("site", "PINGSHAN PHARMACEUTICAL FACTORY"),
        ),
        (
            "Everlight Chemical Industrial Corporation Kuanyin II Plant",
            "Everlight Chemical Industrial Corporation",
            ("site", "KUANYIN II PLANT"),
        ),
        ("Shanghai Henlius Biologics Co Ltd Songjiang Site 2", "Shanghai Henlius Biologics Co Ltd", None),
        ("Euticals S.p.A. - Lodi Manufacturing Site", "Euticals S.p.A", ("site", "LODI MANUFACTURING SITE")),
        ("Yidu Huayang Chemical Co., Ltd. (Zhicheng Factory)", "Yidu Huayang Chemical Co., Ltd.", None),
        ("Timing Pharmaceutical Co., Ltd., PABP Branch", "Timing Pharmaceutical Co., Ltd", None),
        ("Samm Solutions, Inc., d.b.a. BTS Research", "Samm Solutions, Inc.", ("dba", "BTS Research")),
        # a factory that is the company itself, and a legal form before BRANCH, stay whole
        ("CHONGQING NO. 5 PHARM. FACTORY", "CHONGQING NO. 5 PHARM. FACTORY", None),
        ("Nan San (HK) Pharmaceutical Factory Ltd.", "Nan San (HK) Pharmaceutical Factory Ltd.", None),
        (
            "S & J INTERNATIONAL ENTERPRISES PUBLIC COMPANY LIMITED BRANCH",
            "S & J INTERNATIONAL ENTERPRISES PUBLIC COMPANY LIMITED BRANCH",
            None,
        ),
    ],
)
def test_holder_tails_are_split_from_the_operating_entity(
    holder: str, entity: str, tail: tuple[str, str] | None
) -> None:
    parts = parse_holder(holder)
    assert parts.entity == entity
    if tail:
        assert getattr(parts, tail[0]) == tail[1]


def test_places_are_whole_words_longest_first() -> None:
    assert [(h.name, h.country) for h in find_places("NOVOPROTEIN SCIENTIFIC (SHANGHAI) INC")] == [
        ("SHANGHAI", "CN")
    ]
    assert [h.country for h in find_places("NEW MEXICO STATE UNIV")] == ["US"]
    assert find_places("INDIANA UNIV") and find_places("INDIANA UNIV")[0].country == "US"
    assert not find_places("WUXIAN SHANGHAITECH TELANGANAX")
    assert place_countries("SUPREEM PHARMACEUTICALS MYSORE PVT LTD") == {"IN": ["MYSORE"]}
    assert place_countries("WU XI ZHONG ZHI WEI NA TECHNOLOGY CO., Ltd.") == {"CN": ["WU XI"]}


def test_ambiguous_places_need_corroboration() -> None:
    assert place_countries("TAPI NL BV") == {}
    assert place_countries("TAPI NL BV", corroborating={"NL", "BE"}) == {"NL": ["NL"]}
    assert place_countries("PUNJAB CHEMICALS") == {}
    assert all(p.ambiguous for p in gazetteer()[("PUNJAB",)])


def test_shipped_groups_are_sourced() -> None:
    groups = load_groups()
    names = {g.group for g in groups}
    assert {"WuXi AppTec", "WuXi Biologics", "BGI Group", "Teva", "Lonza", "Hikma"} <= names
    assert all(g.sources and all(s.url.startswith("http") for s in g.sources) for g in groups)
    wuxi_bio = next(g for g in groups if g.group == "WuXi Biologics")
    assert any(m.name == "WuXi AppTec Co., Ltd." and m.role == "sister" for m in wuxi_bio.members)


def test_a_broken_groups_file_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "groups.yaml"
    bad.write_text(
        "groups:\n  - group: Example\n    members:\n      - {name: Example Ltd, country: India, "
        "role: parent}\n    sources: []\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_groups(bad)
    message = str(err.value)
    assert "line 4, field groups.0.members.0.country" in message
    assert "line 5, field groups.0.sources" in message


def test_user_overrides_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(
        "overrides:\n  - holder: EXAMPLE PHARMA LTD\n    action: set_country\n    country: GB\n"
        "    who: A. Analyst\n    when: 2025-09-01\n    why: registered office in Stevenage\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RXATLAS_OVERRIDES", str(user))
    assert [(o.holder, o.country) for o in load_overrides()] == [("EXAMPLE PHARMA LTD", "GB")]
    user.write_text(
        "overrides:\n  - holder: EXAMPLE PHARMA LTD\n    action: pin\n    who: A. Analyst\n"
        "    when: 2025-09-01\n    why: registered office in Stevenage\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"line 2, field overrides\.0: Value error, pin needs a firm"):
        load_overrides()
    monkeypatch.setenv("RXATLAS_OVERRIDES", str(tmp_path / "missing.yaml"))
    with pytest.raises(InputError, match="does not exist"):
        load_overrides()


def test_name_key_ignores_case_punctuation_and_acronym() -> None:
    assert name_key("MGI Tech Co., Ltd. (MGI)") == name_key("MGI Tech Co., Ltd.") == "mgitechcoltd"
    assert name_key("AVIC Xi\u2019an Aircraft") == name_key("AVIC Xi'an Aircraft")
    assert name_key("China Communications Construction Group (Limited)") == \
        name_key("China Communications Construction Group Limited")
