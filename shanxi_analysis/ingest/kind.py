"""The kind of a candidate fact (actual, target, plan, estimate, benchmark), from the words and
tense of its clause and sentence (fact conventions, "kind").
"""

from __future__ import annotations

import re

from .common import _Field
from .period import Published

_BENCHMARK_RE = re.compile(r"全国(?:的)?平均|平均(?:值|水平|降幅|增幅|增速)|全国\d+(?:\.\d+)?%的")
_ESTIMATE_RE = re.compile(
    r"预计|据测算|测算|估算|估计|可(?:减少|节约|节省|满足|新增|带动|实现|达到|替代|供应|解决|降低|增加|提供|发电)"
    r"|每年可|有望|相当于|折合|算下来|为例|按[^，,。；;]{0,16}算"
)
_TARGET_RE = re.compile(
    r"力争|目标|确保|将(?:达到|达|实现|突破|超过|提高|增至|建成)|到\s*\d{4}\s*年|计划到|争取|努力"
    r"|用[^，,。；;]{0,6}(?:时间|年)"
)
_PLAN_RE = re.compile(
    r"规划|拟|计划|将(?:新建|建设|投资|实施|开工|启动|布局|新增)|筹建|谋划|布局建设"
    r"|(?:一|二|首)期投资"
)
# words of a goal that say nothing of tense (控制在, 确保): a goal only for a figure not dated
# in the past
_GOAL_RE = re.compile(r"控制在|控制到|不超过|不低于|保持在")
# 总投资 (签约资金, 投资 of projects) is a plan's size only when the sentence looks ahead or
# speaks of projects being signed or started, not of investment done (完成投资)
_PLAN_TOTAL_RE = re.compile(
    r"(?<!完成)(?<!实际)(?<!累计)(?<!已)"
    r"(?:总投资|签约(?:资金|金额|额)|协议(?:投资|资金)|投资(?:额|总额|规模)?(?:达到?|为|约|超过?)?\s*$)"
)
_AHEAD_RE = re.compile(r"将|拟|规划|计划|正在|筹备|谋划|即将|开工|签约|签下|招商|推进")
# a statement about what is still to come: a plan in it is not dated by an earlier period
_FUTURE_RE = re.compile(r"将|拟|即将|筹备|谋划|(?:建成|达产|投产|运营)(?:后|之后)")
# the capacity a project is designed for (设计建设年产5万辆, 设计产能)
_DESIGN_RE = re.compile(r"设计(?:建设|规模|产能|能力)?|建设规模")
# an effect once a project runs (达产后，将提供3000个岗位) is an estimate
_EFFECT_RE = re.compile(
    r"(?:达产|建成|投产|运营|实施|投用|完成)(?:后|之后)[^。！？!?]*?(?:将|可|能)"
)
_BENCHMARK_WORD_RE = re.compile(r"基准")
_CLAUSE_SEP_RE = re.compile(r"[，,；;。：:！？!?]")
_YEAR_DIGITS_RE = re.compile(r"\d{4}")


# the words of each kind, in the order they are tried (benchmarks in the clause only)
_BENCHMARK_WORDS = (("benchmark", _BENCHMARK_RE), ("benchmark", _BENCHMARK_WORD_RE))
_STATEMENT_WORDS = (
    ("estimate", _ESTIMATE_RE),
    ("estimate", _EFFECT_RE),
    ("target", _TARGET_RE),
    ("plan", _PLAN_RE),
    ("plan", _DESIGN_RE),
)


def _kind_for(
    clause_text: str,
    sentence_prefix: str,
    period: str,
    pub: Published,
    measure: str,
    base_unit: str = "",
    near_text: str = "",
) -> _Field:
    """The kind of statement, from the words of the figure's clause, then of its sentence
    before it (see the module docstring); ``near_text`` is the clause before the figure's
    and its own, where a project's sum of money (总投资, 签约资金) finds the words that make
    it a plan (签约, 开工, 将)."""
    clause_prefix = _CLAUSE_SEP_RE.split(sentence_prefix)[-1]
    if base_unit == "yuan" and _PLAN_TOTAL_RE.search(clause_prefix[-12:]):
        ahead = _AHEAD_RE.search(near_text or clause_text)
        if ahead:
            return _Field("plan", f"project-sum:{ahead.group(0)}", 0.75)
    # A gap against an average is the subject's own figure, not the benchmark's.
    clause_words = _STATEMENT_WORDS if measure == "gap" else _BENCHMARK_WORDS + _STATEMENT_WORDS
    for scope, text, conf, words in (
        ("clause", clause_text, 0.85, clause_words),
        ("sentence", sentence_prefix, 0.7, _STATEMENT_WORDS),
    ):
        for kind, rx in words:
            m = rx.search(text)
            if m:
                if kind == "target" and m.group(0).startswith("到"):
                    year = int(_YEAR_DIGITS_RE.search(m.group(0)).group(0))
                    if pub.year is None or year <= pub.year:
                        continue
                return _Field(kind, f"{scope}-word:{m.group(0)}", conf)
    first = _YEAR_DIGITS_RE.match(period or "")
    goal = _GOAL_RE.search(clause_text)
    if goal and not (first and pub.year and int(first.group(0)) < pub.year):
        return _Field("target", f"clause-word:{goal.group(0)}", 0.7)
    if first and pub.year and int(first.group(0)) > pub.year:
        return _Field("target", "future-period", 0.75)
    return _Field("actual", "default", 0.8)
