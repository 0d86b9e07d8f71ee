"""The review widget for JupyterLab: one candidate at a time, its sentence with the number
highlighted, fields to correct, accept / exclude, jump to the next undecided one, save.

In a notebook: ``from shanxi_analysis.review_widget import ReviewWidget`` then
``ReviewWidget("my-source")`` as the cell's last line. Every text shown is escaped with
``html.escape``; nothing is put into a page as JSON.
"""

from __future__ import annotations

import html

import ipywidgets as w

from . import review

EDITABLE = ("period", "kind", "entity_id", "entity_name", "indicator_id", "indicator_name")
NEW_INDICATOR = ("indicator_name_en", "indicator_definition_zh", "indicator_definition_en")
"""The reviewer's words a new indicator needs (shown when the indicator is not yet known)."""
NEW_ENTITY = ("entity_name_en", "entity_type", "entity_parent_id")
"""The reviewer's words a new entity needs (shown when the entity is not yet known)."""
_PLACEHOLDERS = {
    "indicator_name_en": "English name of the new indicator",
    "indicator_definition_zh": "中文定义：它计量什么（不写单位、不写增减）",
    "indicator_definition_en": "What it counts or measures (no unit, no verb of change)",
    "entity_name_en": "English name of the new entity",
    "entity_parent_id": "entity_id of the place or body that contains it",
}


def highlight(quote: str, span: str, sentence: str = "") -> str:
    """Return the sentence (else the quote) as HTML with ``span`` marked where it stands in
    the quote; all text is escaped, so nothing in it can become markup.

    >>> highlight("<b>建成 5 座</b>", "5 座")
    '&lt;b&gt;建成 <mark>5 座</mark>&lt;/b&gt;'
    >>> highlight("新建 5 座", "5 座", "去年建成 5 座，新建 5 座。")
    '去年建成 5 座，新建 <mark>5 座</mark>。'
    """
    at = sentence.find(quote) if sentence and quote else -1
    if at >= 0 and span in quote:
        i = at + quote.find(span)
        quote = sentence
    else:
        i = quote.find(span) if span else -1
    if i < 0:
        return html.escape(quote)
    return (
        html.escape(quote[:i])
        + "<mark>"
        + html.escape(span)
        + "</mark>"
        + html.escape(quote[i + len(span) :])
    )


class ReviewWidget(w.VBox):
    """Review a source's candidates (``data/review/<source_id>.csv``) one at a time."""

    def __init__(self, source_id: str, rows: list[dict] | None = None) -> None:
        self.source_id = source_id
        self.rows = rows if rows is not None else review.read_review(source_id)
        self.index = 0
        # Coded values come from datapackage.json, the one list of what is allowed.
        self.kinds = review.allowed("facts", "kind")
        self.known = review.known_ids()
        self.header = w.HTML()
        self.sentence = w.HTML()
        self.rules = w.HTML()
        self.fields = {
            name: (
                w.Dropdown(options=self.kinds, description=name)
                if name == "kind"
                else w.Text(description=name)
            )
            for name in EDITABLE
        }
        self.words = {
            name: (
                w.Dropdown(options=("", *review.allowed("entities", "type")), description=name)
                if name == "entity_type"
                else w.Text(description=name, placeholder=_PLACEHOLDERS[name])
            )
            for name in (*NEW_INDICATOR, *NEW_ENTITY)
        }
        self.new_indicator = w.VBox(
            [w.HTML("<b>New indicator</b>"), *(self.words[n] for n in NEW_INDICATOR)]
        )
        self.new_entity = w.VBox(
            [w.HTML("<b>New entity</b>"), *(self.words[n] for n in NEW_ENTITY)]
        )
        self.fields["indicator_id"].observe(lambda _: self._show_new(), "value")
        self.fields["entity_id"].observe(lambda _: self._show_new(), "value")
        self.quote_en = w.Text(description="quote_en", placeholder="English translation")
        self.reason_code = w.Dropdown(
            options=review.allowed("excluded_mentions", "reason_code"), description="reason"
        )
        self.reason = w.Text(description="why", placeholder="reason for excluding")
        self.status = w.HTML()
        wide = {"description_width": "12em"}
        for field in (*self.fields.values(), *self.words.values(), self.quote_en):
            field.style = wide
            field.layout = w.Layout(width="40em")
        buttons = {
            "accept": w.Button(description="Accept", button_style="success"),
            "exclude": w.Button(description="Exclude", button_style="warning"),
            "prev": w.Button(description="◀ Previous"),
            "next": w.Button(description="Next undecided ▶"),
            "save": w.Button(description="Save decisions"),
            "apply": w.Button(description="Save and apply", button_style="primary"),
        }
        buttons["accept"].on_click(lambda _: self.decide("accept"))
        buttons["exclude"].on_click(lambda _: self.decide("exclude"))
        buttons["prev"].on_click(lambda _: self.show(max(0, self.index - 1)))
        buttons["next"].on_click(lambda _: self.next_undecided())
        buttons["save"].on_click(lambda _: self.save())
        buttons["apply"].on_click(lambda _: self.save(apply=True))
        self.buttons = buttons
        super().__init__(
            [
                self.header,
                self.sentence,
                self.rules,
                *self.fields.values(),
                self.new_indicator,
                self.new_entity,
                self.quote_en,
                w.HBox([buttons["accept"], self.reason_code, self.reason, buttons["exclude"]]),
                w.HBox([buttons["prev"], buttons["next"], buttons["save"], buttons["apply"]]),
                self.status,
            ]
        )
        self.show(0)

    @property
    def row(self) -> dict:
        return self.rows[self.index]

    def show(self, index: int) -> None:
        """Show candidate ``index`` (0-based)."""
        if not self.rows:
            self.header.value = "<b>No candidates.</b>"
            return
        self.index = index
        r = self.row
        decided = sum(1 for x in self.rows if x.get("decision"))
        self.header.value = html.escape(
            f"{self.source_id}: candidate {index + 1} of {len(self.rows)} "
            f"({decided} decided) — block {r.get('block_no')}, confidence {r.get('confidence')}"
            + (f", decision: {r['decision']}" if r.get("decision") else "")
        )
        marked = highlight(r.get("quote", ""), r.get("span", ""), r.get("sentence", ""))
        self.sentence.value = f"<p>{marked}</p>"
        self.rules.value = "<small>" + html.escape(r.get("rules", "")) + "</small>"
        for name, field in self.fields.items():
            value = r.get(name, "") or ""
            if name == "kind" and value not in self.kinds:
                value = "actual"
            field.value = value
        for name, field in self.words.items():
            value = r.get(name, "") or ""
            field.value = value if name != "entity_type" or value in field.options else ""
        self._show_new()
        self.quote_en.value = r.get("quote_en", "") or ""
        if r.get("reason_code") in self.reason_code.options:
            self.reason_code.value = r["reason_code"]
        self.reason.value = r.get("reason", "") or ""

    def decide(self, decision: str) -> None:
        """Record the shown candidate's decision with the edited fields, then move on."""
        r = self.row
        edited = any((r.get(n) or "") != (f.value or "") for n, f in self.fields.items())
        for name, field in self.fields.items():
            r[name] = field.value
        for name, field in self.words.items():
            r[name] = field.value or ""
        r["quote_en"] = self.quote_en.value
        if decision == "exclude":
            r["reason_code"] = self.reason_code.value
            r["reason"] = self.reason.value
        r["decision"] = "edit" if decision == "accept" and edited else decision
        self.next_undecided()

    def _show_new(self) -> None:
        """Ask for a new indicator's or entity's words only when it is new."""
        iid = (self.fields["indicator_id"].value or "").strip()
        eid = (self.fields["entity_id"].value or "").strip()
        hide = w.Layout(display="none")
        self.new_indicator.layout = hide if iid and iid in self.known["indicators"] else w.Layout()
        self.new_entity.layout = hide if eid and eid in self.known["entities"] else w.Layout()

    def next_undecided(self) -> None:
        """Jump to the next candidate without a decision (wrapping around)."""
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if not self.rows[i].get("decision"):
                self.show(i)
                return
        self.status.value = "Every candidate is decided."
        self.show(self.index)

    def save(self, *, apply: bool = False) -> None:
        """Write the review file; with ``apply``, write the decisions to the curated tables
        (all or nothing, see :func:`review.apply`) and report what happened."""

        def waiting(message: str) -> None:
            self.status.value = "<b>Waiting:</b> " + html.escape(message)

        try:
            review.write_review(self.source_id, self.rows, notify=waiting)
        except ValueError as exc:  # another writer held the data folder too long
            self.status.value = "<b>Not saved:</b> " + html.escape(str(exc))
            return
        if not apply:
            self.status.value = "Saved " + html.escape(str(review.review_path(self.source_id)))
            return
        try:
            counts = review.apply(self.source_id, notify=waiting)
        except ValueError as exc:
            self.status.value = "<b>Not applied:</b> " + html.escape(str(exc))
            return
        self.status.value = html.escape(
            "Applied: " + ", ".join(f"{v} {k}" for k, v in counts.items())
        )
