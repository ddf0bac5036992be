"""In-process tests of the command line's building blocks: blocks, decoding, walking,
atomic writes, configuration, and the block mender (``textmend.cli.mend_text``)."""
from __future__ import annotations

import io
import os
import re
import stat

import pytest
from hypothesis import given, strategies as st

from textmend.cli import UnitResult, _compact, _context, _hunks, _patched, mend_text
from textmend.config import ConfigError, find_config, load_config
from textmend.io import (AtomicWriter, BinaryFileError, InputError, Notice, Source, decoded_chunks,
                         find_cut, iter_sources, jsonl_blocks, text_blocks, whole_text_blocks)

text_alphabet = st.sampled_from(list("ab c.\n\n\r-  é’\t"))
texts = st.text(alphabet=text_alphabet, max_size=400)


def pieces(s: str, k: int) -> list[str]:
    return [s[i:i + k] for i in range(0, len(s), k)] or []


# -- blocks ------------------------------------------------------------------------------
@given(texts, st.integers(16, 64), st.integers(1, 50))
def test_text_blocks_tile_the_input(text, size, piece):
    blocks = list(text_blocks(pieces(text, piece), size))
    assert "".join(b.text for b in blocks) == text
    assert blocks, "even an empty input is one (empty) block"
    line, off = 1, 0
    for b in blocks:  # line and offset say where each block starts
        assert (b.line, b.offset) == (line, off)
        line += b.text.count("\n")
        off += len(b.text)


@given(texts, st.integers(16, 64))
def test_text_blocks_cut_after_blank_lines_unless_forced(text, size):
    blocks = list(text_blocks([text], size))
    for b, nxt in zip(blocks, blocks[1:]):
        if not b.tail_cut:
            # a paragraph boundary: the block ends with a blank line, the next one does not
            # start with a line break
            assert re.search(r"\n[^\S\n]*\n\Z", b.text), b.text
            assert not re.match(r"[^\S\n]*\n", nxt.text)
        assert nxt.head_cut == b.tail_cut


def test_small_input_is_one_block():
    text = "para one.\n\npara two.\n\n\npara three"
    assert [b.text for b in text_blocks([text[:5], text[5:]], 1 << 20)] == [text]


def test_paragraphs_are_grouped_up_to_the_block_size():
    paras = [f"paragraph number {i} " * 3 + "\n\n" for i in range(100)]
    text = "".join(paras)
    blocks = list(text_blocks(pieces(text, 100), 1000))
    assert len(blocks) > 5
    assert all(len(b.text) <= 1000 for b in blocks)
    assert all(b.text.endswith("\n\n") for b in blocks)
    assert not any(b.tail_cut or b.head_cut for b in blocks)


def test_one_huge_line_is_cut_at_whitespace_after_a_sentence():
    line = "Some words here. And more words there " * 2000  # no line break at all
    blocks = list(text_blocks(pieces(line, 1000), 1000, 4000))
    assert "".join(b.text for b in blocks) == line
    assert len(blocks) > 10
    for b in blocks[:-1]:
        assert b.tail_cut and b.text.endswith(". ")  # after a sentence end and its space
        assert len(b.text) <= 4000
    assert blocks[1].column == len(blocks[0].text)  # columns continue across the cut


def test_text_without_whitespace_is_cut_hard():
    s = "x" * 10_000
    blocks = list(text_blocks([s], 100, 400))
    assert "".join(b.text for b in blocks) == s
    assert max(len(b.text) for b in blocks) == 400


def test_find_cut_waits_for_more_text():
    assert find_cut("abc", 10, 40, final=False) is None
    assert find_cut("a" * 20, 10, 40, final=False) is None  # no boundary yet, under the limit
    assert find_cut("a\n\n" + "b" * 20, 10, 40, final=False) == (3, False)


@given(st.lists(st.sampled_from(['{"a": 1}', '{"text": "x y"}', "", "not json", '{"b": "\\u00e9"}']),
                max_size=60), st.booleans(), st.integers(16, 80))
def test_jsonl_blocks_are_whole_lines(lines, final_newline, size):
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    blocks = list(jsonl_blocks(pieces(text, 7), size))
    assert "".join(b.text for b in blocks) == text
    for b in blocks[:-1]:
        assert b.text.endswith("\n")
    line = 1
    for b in blocks:
        assert b.line == line
        line += b.text.count("\n")


# -- decoding ----------------------------------------------------------------------------
def test_decoding_names_the_byte_offset_across_reads():
    data = "é".encode() * 10 + b"\xff" + b"rest"
    with pytest.raises(InputError, match=r"f\.txt: invalid UTF-8 at byte 20"):
        list(decoded_chunks(io.BytesIO(data), "f.txt", read_size=3))
    # a multi-byte character split between two reads is fine
    assert "".join(decoded_chunks(io.BytesIO("é".encode() * 10), "f", read_size=3)) == "é" * 10


def test_decoding_a_truncated_sequence_at_the_end():
    with pytest.raises(InputError, match="byte 2"):
        list(decoded_chunks(io.BytesIO(b"ab\xc3"), "f", read_size=2))


def test_surrogateescape_round_trips_bytes():
    data = b"caf\xe9 \xff\xfe ok"
    text = "".join(decoded_chunks(io.BytesIO(data), "f", errors="surrogateescape"))
    assert text.encode("utf-8", "surrogateescape") == data


def test_binary_detection():
    with pytest.raises(BinaryFileError, match="NUL byte at offset 3"):
        list(decoded_chunks(io.BytesIO(b"abc\0def"), "f"))
    # UTF-16 is full of NUL bytes and is not binary
    text = "".join(decoded_chunks(io.BytesIO("hi".encode("utf-16")), "f", encoding="utf-16"))
    assert text == "hi"


# -- walking -----------------------------------------------------------------------------
def test_walk_order_include_exclude_hidden(tmp_path):
    for rel in ["b.txt", "a.md", "c.rst", "sub/d.txt", "sub/skip/e.txt", ".hidden.txt",
                ".git/f.txt", "sub/g.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    out = list(iter_sources([str(tmp_path)], ["*.txt", "*.md"], ["skip", "sub/g.txt"]))
    files = [os.path.relpath(s.path, tmp_path) for s in out if isinstance(s, Source)]
    assert files == ["a.md", "b.txt", "sub/d.txt"]
    hidden = sorted(os.path.basename(n.display) for n in out if isinstance(n, Notice))
    assert hidden == [".git", ".hidden.txt"]
    # an explicit path is always an input, whatever the globs
    assert [s.path for s in iter_sources([str(tmp_path / "c.rst")], ["*.txt"], [])] == [str(tmp_path / "c.rst")]
    assert list(iter_sources(["-"], [], []))[0].is_stdin


# -- atomic writes -----------------------------------------------------------------------
def test_atomic_writer_keeps_mode_and_cleans_up(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("old")
    os.chmod(p, 0o640)
    w = AtomicWriter(str(p))
    w.write(b"new")
    assert p.read_text() == "old"  # nothing visible before the commit
    w.commit()
    assert p.read_text() == "new"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    w = AtomicWriter(str(p))
    w.write(b"newer")
    w.abort()
    assert p.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["f.txt"]


def test_atomic_writer_follows_symlinks(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    w = AtomicWriter(str(link))
    w.write(b"new")
    w.commit()
    assert link.is_symlink() and target.read_text() == "new"


# -- configuration -----------------------------------------------------------------------
def test_config_search_and_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.textmend]\nselect = "TM1, TM2"\nunsafe-fixes = true\nlexicon = "names.toml"\njobs = 2\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    found = find_config(sub)
    assert found == tmp_path / "pyproject.toml"
    conf = load_config(found)
    assert conf == {"select": ["TM1", "TM2"], "unsafe_fixes": True,
                    "lexicon": [str(tmp_path / "names.toml")], "jobs": 2}
    # a nearer textmend.toml wins; a pyproject.toml without [tool.textmend] is skipped
    (tmp_path / "a" / "textmend.toml").write_text('ignore = ["TM204"]\n')
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(sub) == tmp_path / "a" / "textmend.toml"


@pytest.mark.parametrize("body, problem", [
    ('[tool.textmend]\nslect = ["TM1"]\n', "unknown key 'slect'"),
    ('[tool.textmend]\njobs = "many"\n', "'jobs' must be a whole number"),
    ('[tool.textmend]\nunsafe-fixes = "yes"\n', "must be true or false"),
    ('[tool.textmend]\nformat = "xml"\n', "'format' must be one of"),
    ('[tool.textmend\n', "invalid TOML"),
])
def test_bad_config_names_the_file(tmp_path, body, problem):
    p = tmp_path / "pyproject.toml"
    p.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(p) in str(info.value) and problem in str(info.value)


# -- the block mender ------------------------------------------------------------------
class FakeEdit:
    def __init__(self, start, end, replacement, original):
        self.start, self.end, self.replacement, self.original = start, end, replacement, original
        self.rule, self.name, self.safety, self.message, self.confidence = "T", "t", "safe", "", 1.0


class FakePipeline:
    """Deletes every space before a newline or the end, and every U+DC80..DCFF character:
    what a careless rule might do."""

    def explain(self, text, flags=True):
        import re

        from textmend.edits import Result, apply_edits

        edits = [FakeEdit(m.start(), m.end(), "", m.group()) for m in re.finditer(r" +(?=\n|$)|[\udc80-\udcff]|\n$", text)]
        return Result(apply_edits(text, edits), edits, [], [], text)


def test_mend_text_guards_final_newline_and_undecodable_bytes():
    p = FakePipeline()
    assert mend_text(p, "a \nb \n")[0] == "a\nb\n"  # the final newline stays
    assert mend_text(p, "ab\n")[0] == "ab\n"
    assert mend_text(p, "ab\udcff cd")[0] == "ab\udcff cd"  # undecodable byte untouched
    new, items = mend_text(p, "a \r\nb\r\n", details=True)
    assert new == "a\r\nb\r\n"
    assert [(k, a, b, before) for k, a, b, before, *_ in items] == [("edit", 1, 2, " ")]
    # a forced cut: the whitespace at the cut is left alone
    assert mend_text(p, "word  ", tail_cut=True)[0] == "word  "


def test_context_and_hunks():
    assert _context("a four -day visit", 6, 7, "") == ("four -day", "four-day")
    hunks = _hunks("a\nb\nc\n", "a\nB\nc\n")
    assert hunks == [(0, 3, 0, 3, " a\n-b\n+B\n c\n")]


damaged_alphabet = st.sampled_from(["a", "four", " ", " -day", " .", "  ", "\n", "\n\n", "Ã£",
                                    "&amp;", "’", "x", "é", "\t"])
damaged = st.lists(damaged_alphabet, max_size=40).map("".join)


@given(damaged)
def test_crlf_text_mends_like_lf_text(text):
    from textmend import get_pipeline

    p = get_pipeline(select=["TM1", "TM2"])
    lf = mend_text(p, text)[0]
    assert mend_text(p, text.replace("\n", "\r\n"))[0] == lf.replace("\n", "\r\n")
    assert lf.endswith("\n") == text.endswith("\n")  # final newline kept, or kept missing


@given(damaged, st.lists(st.integers(0, 40), max_size=4), st.sampled_from(["\udc80", "\udcff", "\udce9"]))
def test_undecodable_bytes_survive_mending(text, positions, bad):
    from textmend import get_pipeline

    p = get_pipeline(select=["TM1", "TM2"])
    for k in sorted(positions, reverse=True):
        k = min(k, len(text))
        text = text[:k] + bad + text[k:]
    new = mend_text(p, text)[0]
    assert [c for c in new if "\udc80" <= c <= "\udcff"] == [c for c in text if "\udc80" <= c <= "\udcff"]


line_alphabet = st.sampled_from(["a", "bc", " ", "\n", "\r\n", "\r", "\u2028", "\x0c", "é", "{}"])
lines_text = st.lists(line_alphabet, max_size=60).map("".join)


@given(lines_text, lines_text, st.integers(0, 5000))
def test_compact_results_patch_back_to_the_mended_text(old, new, pad):
    """A worker sends back only the changed lines (``_compact``); the parent rebuilds the
    mended block from its own copy (``_patched``): always exactly the mended text."""
    old = "x" * pad + old  # small blocks are sent whole
    new = "x" * pad + new
    res = UnitResult(new=new)
    _compact(res, old)
    if res.patch is None:
        assert res.new == new
    else:
        assert res.new is None
        assert _patched(old, res.patch) == new
        spans = [(a, b) for a, b, _ in res.patch]
        assert spans == sorted(spans) and all(0 <= a <= b <= len(old) for a, b in spans)


def test_compact_sends_only_the_changed_line():
    old = "".join(f'{{"text": "line {i} of a long block"}}\n' for i in range(400))
    new = old.replace("line 7 of", "line 7 -- of")
    res = UnitResult(new=new)
    _compact(res, old)
    assert res.new is None and len(res.patch) == 1
    assert res.patch[0][2] == '{"text": "line 7 -- of a long block"}\n'
    assert _patched(old, res.patch) == new


# -- small files are read with plain system calls and decoded whole: the same blocks ---------
_small_bytes = st.one_of(
    st.text(alphabet=text_alphabet, max_size=300).map(lambda t: t.encode("utf-8")),
    st.text(alphabet=text_alphabet, max_size=300).map(lambda t: "\ufeff".encode("utf-8") + t.encode("utf-8")),
    st.lists(st.sampled_from(['{"text": "a"}\n', '{"text": "b \\u00e9"}\r\n', "not json\n", "\n", "\ufeff"]),
             max_size=8).map(lambda xs: "".join(xs).encode("utf-8")),
)


@given(_small_bytes, st.sampled_from(["text", "jsonl"]))
def test_small_file_fast_path_makes_the_streaming_blocks(tmp_path_factory, data, fmt):
    from textmend.cli import FileJob, Runner, build_parser, resolve_settings
    from textmend.io import Source

    path = tmp_path_factory.mktemp("small") / f"doc.{'jsonl' if fmt == 'jsonl' else 'txt'}"
    path.write_bytes(data)
    runner = Runner(resolve_settings(build_parser().parse_args(["--isolated", str(path)])), None)
    job = FileJob(Source(str(path), str(path)), fmt, "stdout", None)
    fast = [(b.text, b.line, b.offset, b.column, b.head_cut, b.tail_cut) for b in runner._blocks(job)]
    plain_job = FileJob(Source(str(path), str(path)), fmt, "stdout", None)
    with open(path, "rb") as fh:
        chunks = Runner._strip_bom(decoded_chunks(fh, str(path), "utf-8", "strict", check_binary=True,
                                                  read_size=7), plain_job)
        cut = jsonl_blocks(chunks) if fmt == "jsonl" else text_blocks(chunks)
        plain = [(b.text, b.line, b.offset, b.column, b.head_cut, b.tail_cut) for b in cut]
    assert fast == plain
    assert job.bom == plain_job.bom == data.startswith("\ufeff".encode("utf-8"))


@given(st.lists(st.integers(0, 150_000), max_size=12))
def test_stdout_pieces_come_out_whole_and_in_order(sizes):
    from textmend.cli import _Stdout

    out = _Stdout.__new__(_Stdout)
    out.buf, out.pending = io.BytesIO(), bytearray()
    want = b""
    for i, n in enumerate(sizes):
        piece = bytes([65 + i % 26]) * n
        out.write(piece)
        want += piece
        assert len(out.pending) < _Stdout.SIZE
    out.line("end")
    out.flush()
    assert out.buf.getvalue() == want + b"end\n"


@given(texts, st.integers(16, 64))
def test_whole_text_blocks_are_text_blocks(text, size):
    def rows(blocks):
        return [(b.text, b.line, b.offset, b.column, b.head_cut, b.tail_cut) for b in blocks]

    assert rows(whole_text_blocks(text, size)) == rows(text_blocks([text], size))


@given(st.binary(max_size=9000), st.integers(0, 10000))
def test_read_all_reads_the_whole_file_whatever_size_it_expects(tmp_path_factory, data, guess):
    """``_read_all`` asks for the size it expects and then only a small probe: a file that
    is longer (it grew), shorter or exactly as expected is still read whole."""
    from textmend.cli import _read_all

    path = tmp_path_factory.mktemp("read") / "f.bin"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_all(fd, guess) == data
    finally:
        os.close(fd)


def test_read_all_keeps_reading_past_the_probe(tmp_path, monkeypatch):
    """A file that outgrew the size seen and the probe too: read on to the end."""
    import textmend.cli as cli

    monkeypatch.setattr(cli, "EOF_PROBE", 3)
    data = bytes(range(256)) * 40
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert cli._read_all(fd, 10) == data
    finally:
        os.close(fd)


_maybe = st.one_of(st.none(), st.just([]), st.lists(st.tuples(st.integers(0, 9), st.text(max_size=3)), max_size=2))


@given(st.one_of(st.none(), st.text(max_size=5)), _maybe, _maybe,
       st.one_of(st.none(), st.just({}), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)),
       _maybe, _maybe, st.integers(-3, 3), st.one_of(st.none(), st.text(max_size=5)), st.integers(0, 3))
def test_unit_results_pickle_exactly(new, patch, records, stats, messages, hunks, delta, error, docs):
    """Workers send a :class:`UnitResult` per unit in a compact form (nothing at all for an
    unchanged unit): it arrives equal, empty containers staying empty containers."""
    import pickle

    u = UnitResult(new=new, patch=patch, records=records, stats=stats, messages=messages,
                   hunks=hunks, line_delta=delta, error=error, docs=docs)
    back = pickle.loads(pickle.dumps(u))
    assert back == u
    assert [type(getattr(back, f)) for f in u.__slots__] == [type(getattr(u, f)) for f in u.__slots__]
