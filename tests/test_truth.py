"""Truth on screen: every figure where it belongs (selection by entity), as exact as its
source, and a user's own data called their own. The county, its article and every figure
in this module are fictional, written for these tests."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pandas as pd
import pytest

from shanxi_analysis import charts, datasets, formatting
from shanxi_analysis.charts import citation_text

COUNTY = "qingshi-county-fictional"
COUNTY_SOURCE = "qingshi-gazette-fictional"

# the indicators of the province's theme charts (their figures, side notes and cards)
COUNTY_INDICATORS = (
    "coal_mines",
    "coal_overcapacity_cut",
    "advanced_coal_capacity_share",
    "high_tech_enterprises",
    "sei_value_added_gdp_share",
    "major_sci_tech_projects_released",
    "major_sci_tech_project_batches",
    "rd_investment",
    "smart_innovation_cities",
    "private_economy_policy_measures",
    "business_startup_time",
    "fdi_growth_yoy",
    "fdi_growth_gap_vs_province",
    "foreign_trade_growth_yoy",
    "foreign_trade_growth_gap_vs_national",
    "university_partners",
    "investment_projects_signed",
    "investment_projects_signed_share",
    "dev_zones_total",
    "fdi_utilised",
    "fdi_share_of_province",
    "wind_solar_capacity",
    "wind_solar_capacity_share",
    "annual_power_generation",
    "households_equivalent",
    "hydrogen_supply_buses",
    "loan_principal",
    "interest_saved",
)


def _append(path, row: list) -> None:
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(row)


def add_county(data) -> list[str]:
    """Add a fictional county, its article and one later figure of each indicator above
    (all about the county) to the data folder ``data``; return the new fact ids."""
    facts = pd.read_csv(data / "curated" / "facts.csv", dtype=str, keep_default_na=False)
    models = facts.drop_duplicates("indicator_id").set_index("indicator_id")
    sentences = []
    for n, ind in enumerate(COUNTY_INDICATORS):
        m = models.loc[ind]
        value = f"{7 + n}.25" if m["base_unit"] in ("percent", "percentage_point") else f"{9 + n}"
        sentences.append((ind, value, f"虚构的青石县第{n + 1}项数字为 {value} {m['unit']}。"))
    text = "FICTIONAL TEST ARTICLE: a county that does not exist.\n\n"
    text += "This article is invented for a software test and reports nothing real.\n\n"
    text += "\n\n".join(s for _, _, s in sentences) + "\n"
    raw = data / "raw" / "qingshi-fictional.txt"
    raw.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(raw.read_bytes()).hexdigest()
    _append(
        data / "sources.csv",
        [
            COUNTY_SOURCE,
            "虚构的青石县报",
            "The Qingshi Gazette (fictional)",
            "虚构出版社",
            "Fictional Press",
            "Test Author",
            "2024",
            "year",
            "invented for a test",
            "zh",
            "raw/qingshi-fictional.txt",
            "text",
            digest,
            "fictional, test only",
            "utf-8",
        ],
    )
    _append(
        data / "curated" / "entities.csv",
        [
            COUNTY,
            "青石县（虚构）",
            "Qingshi County (fictional)",
            "county",
            "shanxi",
            "",
            "",
            "no point: the county is fictional",
            COUNTY_SOURCE,
            3,
            "青石县",
            "",
            "",
            "",
        ],
    )
    blocks = datasets._sources.load_blocks(COUNTY_SOURCE)
    ids = []
    for ind, value, sentence in sentences:
        m = models.loc[ind]
        block = next(int(b.block_no) for b in blocks.itertuples() if sentence in b.text)
        factor = float(m["base_value"]) / float(m["value"])
        fid = "qingshi-" + ind.replace("_", "-")
        ids.append(fid)
        row = {
            **m.to_dict(),
            "fact_id": fid,
            "source_id": COUNTY_SOURCE,
            "block_no": str(block),
            "quote": sentence,
            "span": f"{value} {m['unit']}",
            "quote_en": f"(fictional) figure {ind} of Qingshi County",
            "indicator_id": ind,
            "entity_id": COUNTY,
            "period": "2024",
            "value": value,
            "base_value": repr(float(value) * factor),
            "qualifier": "none",
            "repeated_in": "",
            "note": "fictional test fact",
        }
        _append(data / "curated" / "facts.csv", [row[c] for c in facts.columns])
    datasets.validate()
    return ids


def _normalised(spec: dict) -> str:
    """A spec as text, without what differs between two calls of the same chart: the
    generated names of parameters and views, and its citation lines."""
    spec = dict(spec)
    title = dict(spec.get("title", {}))
    title["subtitle"] = [
        s for s in title.get("subtitle", []) if not s.startswith(("来源", "Source", "  "))
    ]
    spec["title"] = title
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    return re.sub(r"(param|view)_\d+", r"\1_n", text)


def test_a_county_article_changes_no_province_chart(tmp_data):
    before = {
        (name, lang): _normalised(chart(lang=lang).to_dict())
        for name, chart in charts.CHARTS.items()
        for lang in datasets.LANGS
    }
    ids = add_county(tmp_data)
    assert set(ids) <= set(datasets.facts()["fact_id"])
    county_words = ("青石", "Qingshi", COUNTY, COUNTY_SOURCE, *ids)
    for (name, lang), spec in before.items():
        after = charts.CHARTS[name](lang=lang).to_dict()
        text = json.dumps(after, ensure_ascii=False)
        assert not [w for w in county_words if w in text], (name, lang)
        assert _normalised(after) == spec, (name, lang)


# ---------------------------------------------------------------- exact display


def _significant(number: str) -> str:
    """The significant digits of a number as written: ``0.05340`` -> ``534``."""
    return number.replace(",", "").replace(".", "").strip("0") or "0"


def test_every_curated_figure_keeps_the_digits_of_its_value():
    raw = pd.read_csv(datasets.paths.data_dir() / "curated" / "facts.csv", dtype=str)
    written = dict(zip(raw["fact_id"], raw["value"], strict=True))
    for fact_id, lang, style, text in formatting.golden_rows():
        shown = {_significant(n) for n in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?", text)}
        if not shown:  # the article's own words, in Chinese numerals (两期)
            continue
        assert _significant(written[fact_id]) in shown, (fact_id, lang, style, text)


def test_large_chinese_figures_have_the_separator_of_their_axis():
    assert formatting.figure(156850000, "tonne", "none", "zh", style="label") == "15,685 万吨"
    assert formatting.number(15685, "zh") == formatting.number(15685, "en") == "15,685"


# ---------------------------------------------------------------- one's own data


def _own_table() -> pd.DataFrame:
    """A fictional table of one's own: a lake district's ferries, from a gazette that does
    not exist, with a target among its figures."""
    rows = [
        ("ferries", "2019", 12, "actual"),
        ("ferries", "2021", 15, "actual"),
        ("ferries", "2025", 20, "target"),
        ("ferry_share", "2021", 40, "actual"),
        ("ferry_share", "2025", 55, "target"),
    ]
    return pd.DataFrame(
        {
            "indicator_id": [r[0] for r in rows],
            "indicator": ["Ferries" if r[0] == "ferries" else "Ferry share" for r in rows],
            "entity_id": "mirror-lake",
            "entity": "Mirror Lake District",
            "period": [r[1] for r in rows],
            "base_value": [float(r[2]) for r in rows],
            "base_unit": ["count" if r[0] == "ferries" else "percent" for r in rows],
            "qualifier": "none",
            "kind": [r[3] for r in rows],
            "source_id": "lake-gazette",
            "source_title": "The Mirror Lake Gazette (fictional)",
            "quote": "(fictional sentence)",
        }
    )


@pytest.mark.parametrize("lang", datasets.LANGS)
def test_a_table_of_ones_own_is_its_own_and_marks_its_targets(lang):
    df, target = _own_table(), "目标" if lang == "zh" else "target"
    made = {
        "key_figures": charts.key_figures(df, indicator=["ferries", "ferry_share"], lang=lang),
        "trend": charts.trend(df, indicator="ferries", lang=lang),
        "change": charts.change(df, indicator="ferries", lang=lang),
        "compare": charts.compare(df, indicator="ferries", period="2025", lang=lang),
        "share": charts.share(df, share="ferry_share", period="2025", lang=lang),
    }
    for name, chart in made.items():
        spec = chart.to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert "Shanxi" not in text and "山西" not in text, name
        assert "lake-gazette" not in citation_text(spec), name
        assert "The Mirror Lake Gazette (fictional)" in citation_text(spec), name
        assert target in text, name
    cards = [r for rows in made["key_figures"].to_dict()["datasets"].values() for r in rows]
    assert sorted(r["fact_id"] for r in cards if r["caption"].endswith(target)) == [
        "row-3",
        "row-5",
    ]
    title = made["key_figures"].to_dict()["title"]["text"]
    assert "The Mirror Lake Gazette (fictional)" in title and "5" in title


def test_the_packages_own_cards_are_shanxis_and_mark_their_targets():
    spec = charts.high_tech_growth(lang="en").to_dict()  # the 2025 target's side note
    assert "target" in json.dumps(spec["datasets"], ensure_ascii=False)
    kinds = datasets.facts("en").set_index("fact_id")["kind_label"]
    for name in ("key_figures", "business_environment"):
        spec = charts.CHARTS[name](lang="en").to_dict()
        cards = [r for rows in spec["datasets"].values() for r in rows if "caption" in r]
        for r in cards:
            kind = kinds[r["fact_id"].split(";")[0]]
            assert (kind != "actual") == r["caption"].endswith(kind), r["caption"]
    assert charts.key_figures(lang="en").to_dict()["title"]["text"].startswith("Shanxi's")


@pytest.mark.parametrize("lang", datasets.LANGS)
def test_no_two_key_figure_cards_carry_one_label(lang):
    spec = charts.business_environment(lang=lang).to_dict()
    cards = [r for rows in spec["datasets"].values() for r in rows if "caption" in r]
    said = [(r["heading"], r["caption"]) for r in cards]
    assert len(said) == len(set(said)), said
    # the two packages of one sentence share a card that gives both figures
    (both,) = [r for r in cards if "lw-private-economy-measures-30" in r["fact_id"]]
    assert "30" in both["big"] and "23" in both["big"]


def test_the_index_cards_mark_a_target():
    from shanxi_analysis.report.index import _key_figures
    from shanxi_analysis.report.runner import Notebook

    target = datasets.facts().query("kind == 'target'")["fact_id"].iloc[0]
    nb = Notebook(path=None, stem="x", theme="x", parameters={}, meta={"key_facts": [target]})
    assert _key_figures(nb, "en")[0][2].endswith("target")
    assert _key_figures(nb, "zh")[0][2].endswith("目标")


# ---------------------------------------------------------------- JupyterLab's indicator page


def test_the_indicator_page_in_jupyterlab_counts_and_hides_what_it_filters(monkeypatch):
    from shanxi_analysis import catalogue, notebook, widgets

    shown_objects = []
    monkeypatch.setattr(notebook, "_display", shown_objects.append)
    notebook.Page("overview", lang="zh", interactive=True).indicators()
    (page,) = [o for o in shown_objects if isinstance(o, widgets.IndicatorList)]
    total = len(catalogue.entries("zh"))
    assert total == datasets.facts()["indicator_id"].nunique()
    assert page.count.value == f"显示 {total} / {total} 个指标"  # before any typing

    def check() -> None:
        kept = set()
        for i, (theme, text, out) in enumerate(page.blocks):
            ok = i in page.shown()
            assert ok == (
                all(w in text for w in page.search.value.split())
                and page.theme.value in ("", theme)
            )
            assert (out.layout.display == "none") != ok  # the chart is in the section
            kept |= {theme} if ok else set()
        for theme, heading in page.headings.items():
            assert (heading.layout.display == "none") != (theme in kept)
        assert page.count.value == f"显示 {len(page.shown())} / {total} 个指标"

    page.search.value = "外资"
    page.apply()  # at once, as the debounced search does after a pause
    assert 0 < len(page.shown()) < total
    check()
    page.search.value = ""
    page.theme.value = "coal_energy"
    check()
    assert [t for t, h in page.headings.items() if h.layout.display != "none"] == ["coal_energy"]


# ---------------------------------------------------------------- smaller defects


def _drawn_texts(spec: dict) -> list[dict]:
    """The text marks Vega lays out for ``spec`` (not its axes), with their positions."""
    import vl_convert

    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("marktype") == "text" and node.get("role") == "mark":
                found.extend(node["items"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"])
    return found


@pytest.mark.parametrize("lang", datasets.LANGS)
def test_a_falling_change_keeps_its_label_off_the_y_axis(lang):
    from shanxi_analysis.charts._base import text_width

    df = _own_table().iloc[:2].assign(base_value=[9000.0, 800.0], kind="actual")
    spec = charts.change(df, indicator="ferries", lang=lang).to_dict()
    texts = _drawn_texts(spec)
    assert any("-8,200" in t["text"] for t in texts)
    share = {"left": 0, "center": 0.5, "right": 1}
    for t in texts:
        left = (
            t["x"]
            + t.get("dx", 0)
            - share[t.get("align", "center")] * text_width(t["text"], t.get("fontSize", 11))
        )
        assert left >= 0, t["text"]  # the plot starts at the y axis, x = 0


@pytest.mark.parametrize("lang", datasets.LANGS)
def test_the_explorer_draws_a_single_figure_as_a_card_not_a_bar(lang):
    from shanxi_analysis import widgets

    facts = datasets.facts(lang)
    once = facts.groupby("indicator_id").filter(lambda g: len(g) == 1)
    rows = facts[facts["indicator_id"] == once["indicator_id"].iloc[0]]
    spec = widgets.indicator_chart(rows, lang).to_dict()
    marks = {json.dumps(lay.get("mark")) for lay in spec.get("layer", [spec])}
    assert not any('"bar"' in m for m in marks)
    card = formatting.fact_figure(rows.iloc[0].to_dict(), lang, "card")
    assert card in json.dumps(spec, ensure_ascii=False)


def test_notebooks_are_committed_with_the_kernelspec_jupyterlab_writes():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    for path in sorted(datasets.paths.notebooks_dir().glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        assert "language_info" not in meta, path.name  # the git filter strips it
        assert meta["kernelspec"] == {
            "display_name": spec.display_name,
            "language": spec.language,
            "name": "python3",
        }, path.name
