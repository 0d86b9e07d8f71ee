"""Hostile articles given to ``add`` and ``extract`` (issue 22, the reading half).

Every article here is fictional, written for these tests: no place, figure or person in
them is real.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import cli, ingest, paths, sources
from shanxi_analysis.sources import SourceFormatError

CLI = [sys.executable, "-m", "shanxi_analysis.cli"]
WAIT = 120  # seconds: a hang guard for the subprocesses, not a measure of speed

GOOD = "（测试用虚构文章）\n虚构县去年新建充电站 30 座，比上年增加 12 座。\n"


def _alias_bomb() -> str:
    """Nine levels of nine aliases: about 600 bytes that stand for 9**10 strings."""
    lines = [
        "---",
        "title: 虚构的炸弹（测试用虚构文章）",
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ]
    for prev, name in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lines += ["author: *j", "---", "虚构县去年新建充电站 30 座。"]
    return "\n".join(lines) + "\n"


def _limited(mem_bytes: int, cpu_seconds: int = 300):
    """Resource limits for a child process: address space, and CPU time (a hang guard far
    above what any of these inputs needs, not a measure of speed)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    return limit


def _cli(args, *, mem_bytes: int = 3 << 30, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != sources.MAX_BYTES_ENV}
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=WAIT,
        cwd=paths.PROJECT_ROOT,
        env=env,
        preexec_fn=_limited(mem_bytes),
        **kwargs,
    )


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _add(paths_, **kw) -> ingest.AddSummary:
    return ingest.add([str(p) for p in paths_], dry_run=True, jobs=1, progress=False, **kw)


# ---------------------------------------------------------------- 2. YAML alias bomb


def test_an_alias_bomb_is_refused_where_it_stands():
    with pytest.raises(SourceFormatError) as info:
        sources.split_front_matter(_alias_bomb(), "bomb.md")
    message = str(info.value)
    assert message.startswith("bomb.md, line 4: front matter uses an alias (*a)")
    assert "without anchors (&name) and aliases (*name)" in message


@pytest.mark.parametrize(
    ("front", "field", "line"),
    [
        ("title: t\nauthor:\n  name: 甲\n", "author", 3),
        ("title: [[虚构, 标题]]\n", "title", 2),
        ("title: t\nauthors: [" + ", ".join(["某"] * 101) + "]\n", "authors", 3),
        ("title: t\ndate: {year: 2024}\n", "date", 3),
    ],
)
def test_read_fields_must_be_values_or_short_lists(front, field, line):
    with pytest.raises(SourceFormatError) as info:
        sources.split_front_matter(f"---\n{front}---\n正文。\n", "f.md")
    assert f"f.md, line {line}: front matter field '{field}'" in str(info.value)


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: 虚构标题\ndate: 2021-13-45\n", 3),
        ("title: 虚构标题\ndate: [2021-02-29]\n", 3),
        ("title: 虚构标题\nupdated: 2023-04-31\n", 3),
    ],
)
def test_an_impossible_front_matter_date_names_file_field_and_form(tmp_path, front, line):
    path = _write(tmp_path, "fictional-date.md", f"---\n{front}---\n{GOOD}")
    summary = _add([path])
    assert not summary.candidates
    (message,) = summary.errors
    assert message.startswith(f"{path}, line {line}: front matter field ")
    assert "is not a real date" in message and "YYYY-MM-DD" in message


def test_deep_nesting_in_front_matter_is_a_message():
    text = "---\ntitle: t\ntags: " + "[" * 2000 + "]" * 2000 + "\n---\n正文。\n"
    with pytest.raises(SourceFormatError, match="nested too deeply"):
        sources.split_front_matter(text, "deep.md")


def test_a_bomb_in_a_folder_does_not_stop_the_good_files(tmp_path):
    _write(tmp_path, "bomb.md", _alias_bomb())
    _write(tmp_path, "good.txt", GOOD)
    # in a process limited to 1.5 GB of address space (the bomb took 2.9 GB before)
    args = ["add", "--dry-run", "--format", "json", "--jobs", "1", str(tmp_path)]
    res = _cli(args, mem_bytes=3 << 29)
    assert res.returncode == 1, res.stderr
    assert "bomb.md, line 4: front matter uses an alias (*a)" in res.stderr
    assert '"source_id": "good"' in res.stdout
    assert "Traceback" not in res.stderr and "MemoryError" not in res.stderr


def test_a_file_that_breaks_a_reader_does_not_stop_the_others(tmp_path, monkeypatch):
    real = ingest.propose

    def propose(data, name, *args, **kwargs):
        if name.endswith("deep.txt"):  # as a reader that recursed past Python's limit
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, name, *args, **kwargs)

    monkeypatch.setattr(ingest, "propose", propose)
    deep = _write(tmp_path, "deep.txt", GOOD.replace("30", "31"))
    _write(tmp_path, "good.txt", GOOD)
    summary = _add([tmp_path])
    assert summary.added == ["good"]
    assert summary.errors == [
        f"{deep}: RecursionError while reading it (maximum recursion depth exceeded)"
    ]


# ---------------------------------------------------------------- 3. long plain text


def test_plain_text_with_one_paragraph_per_line_has_one_block_per_line():
    lines = [f"虚构县第{i}号园区新建厂房 {i + 2} 座。" for i in range(50)]
    blocks = sources.parse_document("\n".join(lines) + "\n", fmt="text")
    assert [b.text for b in blocks] == lines


def test_lines_broken_mid_sentence_are_still_joined():
    text = "虚构县新建厂房\n30 座，投资\n12 亿元。\n虚构市新建 5 座。\n"
    assert [b.text for b in sources.parse_document(text, fmt="text")] == [
        "虚构县新建厂房30 座，投资12 亿元。",
        "虚构市新建 5 座。",
    ]


def test_a_markdown_heading_line_is_its_own_block():
    blocks = sources.parse_document("# 虚构的标题\n虚构县新建 5 座。\n", fmt="markdown")
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "虚构的标题"),
        ("paragraph", "虚构县新建 5 座。"),
    ]


@pytest.mark.parametrize("sep", ["", " ", "\n"])
def test_a_block_longer_than_the_limit_is_cut_between_sentences(sep):
    sentence = "虚构县第一园区去年新建厂房 30 座，投资 12 亿元。"
    text = sep.join([sentence] * (sources.MAX_BLOCK_CHARS // len(sentence) * 3))
    blocks = sources.parse_document(text, fmt="layout-text")
    assert len(blocks) >= 3
    assert all(len(b.text) <= sources.MAX_BLOCK_CHARS for b in blocks)
    assert all(b.text.startswith(sentence) and b.text.endswith("。") for b in blocks)
    assert "".join(b.text for b in blocks).replace(" ", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_a_block_with_no_sentence_end_is_cut_at_clauses():
    text = "，".join(f"虚构县第{i}园区新建厂房 {i} 座" for i in range(600))
    blocks = sources.parse_document(text, fmt="text")
    assert all(len(b.text) <= sources.MAX_BLOCK_CHARS for b in blocks)
    assert all(b.text.endswith("座，") or b is blocks[-1] for b in blocks)


def test_a_stretch_with_no_clause_mark_is_cut_at_spaces():
    """Text with its punctuation stripped: no sentence, no clause, only spaces."""
    text = "\n".join(f"虚构县第{i}园区新建厂房 {i} 座 投资 {i} 亿元" for i in range(300))
    blocks = sources.parse_document(text, fmt="text")
    assert len(blocks) > 1
    assert all(len(b.text) <= sources.MAX_CLAUSE_CHARS for b in blocks)
    joined = "".join(b.text for b in blocks).replace(" ", "")
    assert joined == text.replace("\n", "").replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="虚构。，；x 1  ", min_size=1, max_size=300),
    st.integers(5, 60),
    st.integers(3, 40),
)
def test_long_blocks_are_cut_losing_nothing(text, limit, run_limit):
    blocks = sources.split_long([sources.Block("paragraph", text)], limit, run_limit)
    assert all(len(b.text) <= limit and b.kind == "paragraph" for b in blocks)
    runs = [r for b in blocks for r in re.findall("[^，,；;。！？!?：:]+", b.text)]
    assert all(len(r) <= run_limit for r in runs)
    assert "".join(b.text for b in blocks).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="虚构。！？；;，x 1\n”", max_size=60), st.data())
def test_sentence_at_is_the_sentence_that_holds_the_offset(text, data):
    pos = data.draw(st.integers(0, len(text)))
    expected = next(
        ((a, b) for a, b in sources.sentences(text) if a <= pos < max(b, a + 1)), (0, len(text))
    )
    assert sources.sentence_at(text, pos) == expected


# ---------------------------------------------------------------- 4. symbolic links


def test_symbolic_links_are_refused_not_followed(tmp_path):
    secret = _write(tmp_path, "secret.txt", "虚构的秘密：密码 123456 个。\n")
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "good.txt", GOOD)
    (folder / "notes.txt").symlink_to(secret)
    (folder / "sub").symlink_to(tmp_path)  # a linked folder is not walked either
    (tmp_path / "arg.txt").symlink_to(secret)
    summary = _add([folder, tmp_path / "arg.txt"])
    assert [r["source"]["source_id"] for r in summary.results if "error" not in r] == ["good"]
    for name in ("notes.txt", "sub", "arg.txt"):
        assert any(name in e and "is a symbolic link" in e for e in summary.errors), name
    assert "123456" not in repr(summary.results)


def test_a_linked_folder_given_as_argument_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    _write(real, "a.txt", GOOD)
    (tmp_path / "link").symlink_to(real)
    summary = _add([tmp_path / "link"])
    assert summary.added == [] and "is a symbolic link" in summary.errors[0]


# ---------------------------------------------------------------- 11. no text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\n\t\n",
        "\u3000\n".encode(),
        b"---\ntitle: t\n---\n",
        b"<p> </p><script>x</script>",
    ],
)
def test_a_file_with_no_text_is_refused(tmp_path, content):
    path = _write(tmp_path, "empty.txt", content)
    summary = _add([path])
    assert summary.added == []
    assert summary.errors == [f"{path}: has no text" + summary.errors[0].split("has no text")[1]]


# ---------------------------------------------------------------- 12. mixed encodings


def test_a_short_mixed_gbk_and_utf8_file_is_refused_naming_the_line(tmp_path, lexicon):
    data = "（测试用虚构文章）虚构县新建充电站\n".encode() + "虚构市新增风电12万千瓦。\n".encode(
        "gbk"
    )
    with pytest.raises(SourceFormatError) as info:
        ingest.propose(data, "mixed.txt", lexicon)
    message = str(info.value)
    assert message.startswith("mixed.txt, line 2: not UTF-8 at byte")
    assert "though line 1 is UTF-8: the file mixes encodings" in message


def test_a_line_that_goes_on_from_utf8_in_gbk_is_refused():
    data = "（测试用虚构文章）虚构县新建充电站".encode() + "三十座。\n".encode("gbk")
    with pytest.raises(SourceFormatError) as info:
        sources.decode_article(data, "one-line.txt")
    assert str(info.value).startswith("one-line.txt, line 1: not UTF-8 at byte 51, column 18")
    assert "though the line starts in UTF-8: the file mixes encodings" in str(info.value)


@pytest.mark.parametrize("encoding", ["gbk", "big5", "utf-8"])
def test_text_in_one_encoding_is_not_taken_for_mixed(encoding):
    text = "（測試用虛構文章）\n虛構縣新建充電站 30 座。\n虛構市新增風電 12 萬千瓦。\n"
    data = text.encode(encoding)
    assert sources.decode_article(data, "one.txt") == text


# ---------------------------------------------------------------- 13. FIFOs and devices


@pytest.mark.parametrize("command", ["add --dry-run", "extract"])
def test_a_fifo_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    res = _cli([*command.split(), str(fifo)])
    assert res.returncode in (1, 2)
    assert f"{fifo}: cannot read (a named pipe (FIFO), not a regular file)" in res.stderr


def test_a_fifo_in_a_folder_is_named_and_the_rest_added(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    _write(tmp_path, "good.txt", GOOD)
    summary = _add([tmp_path])
    assert summary.added == ["good"]
    assert summary.errors == [
        f"{tmp_path / 'pipe.txt'}: cannot read (a named pipe (FIFO), not a regular file) "
        "(expected a regular file)"
    ]


def test_a_device_is_refused():
    with pytest.raises(SourceFormatError, match="character device, not a regular file"):
        sources.read_bytes("/dev/zero")


# ---------------------------------------------------------------- 14. the size limit of add


def test_add_takes_max_bytes_as_its_message_says(tmp_path, capsys):
    path = _write(tmp_path, "long.txt", GOOD * 40)
    assert cli.main(["add", "--dry-run", "--max-bytes", "1K", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: more than 1,024 bytes (1 KiB), the size limit" in err
    assert "--max-bytes N" in err
    assert cli.main(["add", "--dry-run", "--max-bytes", "1M", str(path)]) == 0


# ---------------------------------------------------------------- Ctrl-C


def test_ctrl_c_during_add_prints_one_line_and_exits_130(tmp_path):
    lines = [
        f"虚构县第{i}号园区去年产值增长 {i % 30}.5%，新建厂房 {i % 90} 座。" for i in range(30000)
    ]  # long enough to be still read when Ctrl-C comes, however fast the rules get
    _write(tmp_path, "big.txt", "\n".join(lines) + "\n")
    _write(tmp_path, "small.txt", GOOD)  # its worker is idle, waiting, when Ctrl-C comes
    # As started from a terminal: Ctrl-C raises KeyboardInterrupt even where the suite runs
    # in the background of a shell, whose children inherit SIGINT ignored.
    terminal = (
        "import runpy, signal\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "runpy.run_module('shanxi_analysis.cli', run_name='__main__')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", terminal, "add", "--dry-run", "--jobs", "2", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=paths.PROJECT_ROOT,
        start_new_session=True,
    )
    try:
        os.set_blocking(proc.stderr.fileno(), False)
        seen = b""
        deadline = time.monotonic() + WAIT
        while b"/2 [" not in seen and time.monotonic() < deadline and proc.poll() is None:
            seen += proc.stderr.read() or b""
            time.sleep(0.1)
        time.sleep(1.5)  # the small file is done; the big one is not
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process
        os.set_blocking(proc.stderr.fileno(), True)
        err = (seen + proc.stderr.read()).decode()
        assert proc.wait(timeout=WAIT) == 130, err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.count("shanxi-analysis: interrupted") == 1


# ---------------------------------------------------------------- anything at all


_SCALARS = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.dates())
_YAML_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["title", "author", "date", "x", "tags"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)
_YAML_TOKENS = st.sampled_from(
    [
        "&a ",
        "*a",
        "&b ",
        "*b",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "- ",
        "\n",
        "  ",
        "title",
        "author",
        "date",
        "<<",
        "!!python/object:os.system",
        "'",
        '"',
        "#",
        "|",
        "虚构",
        "30",
    ]
)
_FRONT_MATTER = st.one_of(
    _YAML_VALUES.map(lambda v: yaml.safe_dump({"title": "虚构", "author": v}, allow_unicode=True)),
    _YAML_VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.lists(_YAML_TOKENS, max_size=40).map("".join),
)
_BODY = st.lists(
    st.sampled_from(["虚构县新建 30 座", "。", "，", "\n", "<p>", "</p>", "12.5%", "2024年", " "]),
    max_size=30,
).map("".join)


_WARMED: list[bool] = []


def _propose_bounded(data: bytes, lexicon) -> None:
    """Propose ``data`` as an article: it is read or refused with a message, and its
    memory stays within a bound far above what a few hundred bytes need."""
    if not _WARMED:
        # The first proposal in a process loads jieba's dictionary (well over 64 MB, once
        # per process): load it before measuring what one article costs.
        ingest.propose("（虚构）示例县原煤产量 30 万吨。".encode(), "warm.md", lexicon)
        _WARMED.append(True)
    tracemalloc.start()
    try:
        try:
            r = ingest.propose(data, "random.md", lexicon)
        except SourceFormatError as exc:
            assert str(exc).startswith("random.md")
        else:
            assert isinstance(r["source"]["authors"], str)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(front=_FRONT_MATTER, body=_BODY)
def test_any_front_matter_is_read_or_refused_within_bounds(lexicon, front, body):
    _propose_bounded(f"---\n{front}\n---\n{body}".encode(), lexicon)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600))
def test_any_bytes_are_read_or_refused_within_bounds(lexicon, data):
    _propose_bounded(data, lexicon)
