"""The ``textmend`` command line, driven for real with ``python -m textmend``.

Every option, every exit code, every kind of bad input.  Expected outputs are computed
in-process with the library (``textmend.mend``) with the same options, never written out.
Most runs select the fast encoding and spacing rules (``FAST``) to keep the suite quick.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import textmend
from textmend.rules import rule_classes

FAST = ["--select", "TM1,TM2"]
FAST_OPTS = {"select": ["TM1", "TM2"]}

# my own damaged sentences (no corpus text)
DAMAGED = ("The delegation arrived for a four -day visit .\n\n"
           "Officials in S\u00c3\u00a3o Paulo said the research &amp; development  budget grew .\n")
CLEAN = "Nothing here needs mending.\n"


def tm(*args: str, input: bytes | str | None = None, cwd: Path | None = None,
       env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the command line; never a traceback on stderr, whatever happens."""
    if isinstance(input, str):
        input = input.encode()
    full_env = {**os.environ, **(env or {})}
    full_env.pop("TEXTMEND_DEBUG", None)
    r = subprocess.run([sys.executable, "-m", "textmend", *args], input=input,
                       capture_output=True, cwd=cwd, env=full_env, timeout=timeout)
    err = r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    r.err = err  # type: ignore[attr-defined]
    r.out = r.stdout.decode("utf-8", "surrogateescape")  # type: ignore[attr-defined]
    return r


def mend(text: str, **opts) -> str:
    return textmend.mend(text, **{**FAST_OPTS, **opts})


def lines_of(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def apply_unified_diff(old: str, diff: str) -> str:
    """A small patch(1) for one file of a unified diff (with '\\ No newline' markers)."""
    src = lines_of(old)
    dl = lines_of(diff)
    out: list[str] = []
    pos = 0
    i = 0
    while i < len(dl):
        line = dl[i]
        if line.startswith(("--- ", "+++ ")):
            i += 1
            continue
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        assert m, f"not a hunk header: {line!r}"
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(src[pos:start])
        pos = start
        i += 1
        while i < len(dl) and dl[i][:1] in (" ", "-", "+"):
            tag, body = dl[i][0], dl[i][1:]
            if i + 1 < len(dl) and dl[i + 1].startswith("\\ No newline"):
                body = body[:-1]
                i += 1
            if tag in (" ", "-"):
                assert src[pos] == body, (src[pos], body)
                pos += 1
            if tag in (" ", "+"):
                out.append(body)
            i += 1
    out.extend(src[pos:])
    return "".join(out)


# -- stdin, stdout, -o -------------------------------------------------------------------
def test_stdin_to_stdout():
    for args in ([], ["-"]):
        r = tm(*FAST, *args, input=DAMAGED)
        assert r.returncode == 0 and r.out == mend(DAMAGED)
    assert tm(*FAST, "/dev/stdin", input=DAMAGED).out == mend(DAMAGED)


def test_default_rules_equal_the_library(tmp_path):
    text = DAMAGED + "\n" + "XI said the summit in Moscou would last for a two -day visit.\n"
    f = tmp_path / "a.txt"
    f.write_text(text)
    r = tm("--isolated", str(f), cwd=tmp_path)
    assert r.returncode == 0
    assert r.out == textmend.mend(text)


def test_files_are_concatenated_in_order(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(DAMAGED)
    b.write_text("second -day file .\n")
    r = tm(*FAST, str(b), str(a))
    assert r.out == mend(b.read_text()) + mend(DAMAGED)


def test_output_file(tmp_path):
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text(DAMAGED)
    r = tm(*FAST, str(src), "-o", str(dst))
    assert r.returncode == 0 and r.out == ""
    assert dst.read_text() == mend(DAMAGED) and src.read_text() == DAMAGED
    # stdin to a file; the same file as input and output
    assert tm(*FAST, "-o", str(dst), input=CLEAN).returncode == 0 and dst.read_text() == CLEAN
    assert tm(*FAST, str(src), "-o", str(src)).returncode == 0 and src.read_text() == mend(DAMAGED)
    assert sorted(os.listdir(tmp_path)) == ["in.txt", "out.txt"]


USAGE_ERRORS = [
    (["a.txt", "b.txt", "-o", "x.txt"], "exactly one input"),
    (["a.txt", "-o", "."], "is a directory"),
    (["a.txt", "-i", "-o", "x.txt"], "exclude each other"),
    (["-i"], "standard input"),
    (["-i", "-"], "standard input"),
    (["--check", "-i", "a.txt"], "write nothing"),
    (["--diff", "-o", "x.txt", "a.txt"], "write nothing"),
    (["--report", "-", "a.txt"], "--report -"),
    (["--jobs", "-1", "a.txt"], "--jobs"),
    (["--select", "TM9", "a.txt"], "TM9"),
    (["--ignore", "XYZ", "a.txt"], "XYZ"),
    (["--encoding", "no-such-codec", "a.txt"], "no-such-codec"),
    (["--scheduler", "tcp://x:1", "a.txt"], "--engine dask"),
    (["--format", "xml", "a.txt"], "invalid choice"),
    (["--no-such-option"], "unrecognized"),
    (["--config", "missing.toml", "a.txt"], "missing.toml"),
    (["--config", "c.toml", "--isolated", "a.txt"], "exclude each other"),
]


def test_usage_errors_exit_2(tmp_path):
    """Each usage error in a real process would cost a second; the whole matrix runs
    in-process through ``main()`` (the same code), and a few in a real process."""
    from textmend.cli import main

    (tmp_path / "a.txt").write_text(DAMAGED)
    (tmp_path / "b.txt").write_text(DAMAGED)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for args, message in USAGE_ERRORS:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                try:
                    code = main(args)
                except SystemExit as exc:  # argparse
                    code = exc.code
            assert code == 2, (args, err.getvalue())
            assert message in err.getvalue(), (args, err.getvalue())
    finally:
        os.chdir(cwd)
    for args, message in USAGE_ERRORS[::6]:
        r = tm(*args, cwd=tmp_path, input="")
        assert r.returncode == 2 and message in r.err, (args, r.err)
    assert (tmp_path / "a.txt").read_text() == DAMAGED
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def test_output_into_missing_directory(tmp_path):
    (tmp_path / "a.txt").write_text(DAMAGED)
    r = tm(*FAST, "a.txt", "-o", "no/such/dir/out.txt", cwd=tmp_path)
    assert r.returncode == 2 and "no/such/dir/out.txt" in r.err


# -- in place ----------------------------------------------------------------------------
def test_in_place_keeps_mode_endings_bom_and_final_newline(tmp_path):
    cases = {
        "plain.txt": DAMAGED.encode(),
        "crlf.txt": DAMAGED.replace("\n", "\r\n").encode(),
        "nofinal.txt": DAMAGED.rstrip("\n").encode(),
        "bom.txt": b"\xef\xbb\xbf" + DAMAGED.encode(),
        "clean.txt": CLEAN.encode(),
        "empty.txt": b"",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    os.chmod(tmp_path / "plain.txt", 0o604)
    before = {n: os.stat(tmp_path / n) for n in cases}
    r = tm(*FAST, "-i", *cases, cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert "4 files mended, 2 files left unchanged" in r.err
    got = {n: (tmp_path / n).read_bytes() for n in cases}
    assert got["plain.txt"].decode() == mend(DAMAGED)
    assert got["crlf.txt"].decode() == mend(DAMAGED).replace("\n", "\r\n")
    assert got["nofinal.txt"].decode() == mend(DAMAGED).rstrip("\n")
    assert got["bom.txt"] == b"\xef\xbb\xbf" + mend(DAMAGED).encode()
    assert stat.S_IMODE(os.stat(tmp_path / "plain.txt").st_mode) == 0o604
    for n in ("clean.txt", "empty.txt"):  # untouched: same inode, same content
        assert got[n] == cases[n]
        assert os.stat(tmp_path / n).st_ino == before[n].st_ino
    assert sorted(os.listdir(tmp_path)) == sorted(cases)


def test_in_place_through_a_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text(DAMAGED)
    (tmp_path / "link.txt").symlink_to(real)
    assert tm(*FAST, "-i", "link.txt", cwd=tmp_path).returncode == 0
    assert (tmp_path / "link.txt").is_symlink() and real.read_text() == mend(DAMAGED)


# -- --check and --diff ------------------------------------------------------------------
def test_check(tmp_path):
    (tmp_path / "bad.txt").write_text(DAMAGED)
    (tmp_path / "good.txt").write_text(CLEAN)
    st = os.stat(tmp_path / "bad.txt")
    r = tm(*FAST, "--check", ".", cwd=tmp_path)
    assert r.returncode == 1
    assert r.out.splitlines() == [f"Would mend: {os.path.join('.', 'bad.txt')}"]
    assert "1 file would be mended, 1 file already clean" in r.err
    assert (tmp_path / "bad.txt").read_text() == DAMAGED
    assert os.stat(tmp_path / "bad.txt").st_mtime_ns == st.st_mtime_ns
    r = tm(*FAST, "--check", "--quiet", "good.txt", cwd=tmp_path)
    assert r.returncode == 0 and r.out == "" and r.err == ""
    assert tm(*FAST, "--check", input=DAMAGED).returncode == 1


def test_diff_applies_to_the_mended_text(tmp_path):
    text = ("intro line\n" * 8 + "a four -day visit .\n" + "middle\n" * 10
            + "S\u00c3\u00a3o Paulo  again .")  # no final newline
    (tmp_path / "a.txt").write_text(text)
    r = tm(*FAST, "--diff", "a.txt", cwd=tmp_path)
    assert r.returncode == 0
    assert r.out.startswith("--- a.txt\n+++ a.txt\n@@ ")
    assert r.out.count("@@ -") == 2
    assert apply_unified_diff(text, r.out) == mend(text)
    assert (tmp_path / "a.txt").read_text() == text
    r = tm(*FAST, "--diff", "--check", "a.txt", cwd=tmp_path)
    assert r.returncode == 1 and "Would mend" not in r.out
    assert tm(*FAST, "--diff", input=CLEAN).out == ""


def test_diff_of_many_blocks(tmp_path):
    paras = [f"Paragraph {i} says a {i} -day visit was long ." if i % 3 == 0 else f"Paragraph {i} is fine."
             for i in range(60)]
    text = "\n\n".join(paras) + "\n"
    (tmp_path / "a.txt").write_text(text)
    env = {"TEXTMEND_BLOCK_SIZE": "200"}
    full = tm(*FAST, "a.txt", cwd=tmp_path, env=env).out
    r = tm(*FAST, "--diff", "-j", "2", "a.txt", cwd=tmp_path, env=env)
    assert apply_unified_diff(text, r.out) == full != text


# -- directories -------------------------------------------------------------------------
def test_walk_include_exclude_hidden_binary(tmp_path):
    files = {"a.txt": DAMAGED, "b.md": DAMAGED, "c.rst": DAMAGED, "sub/d.txt": DAMAGED,
             "drafts/e.txt": DAMAGED, ".hidden.txt": DAMAGED, ".git/f.txt": DAMAGED}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "bin.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    r = tm(*FAST, "--check", "--exclude", "drafts", ".", cwd=tmp_path)
    assert r.returncode == 1
    assert r.out.splitlines() == [f"Would mend: ./{p}" for p in ("a.txt", "b.md", "sub/d.txt")]
    assert "./.hidden.txt: skipped hidden file" in r.err
    assert "./.git: skipped hidden directory" in r.err
    assert "./bin.txt: binary file" in r.err
    r = tm(*FAST, "--check", "--include", "*.rst,*.md", "--quiet", ".", cwd=tmp_path)
    assert r.out.splitlines() == ["Would mend: ./b.md", "Would mend: ./c.rst"]
    assert r.err == ""  # --quiet: no notices
    # a binary file named explicitly is an error
    r = tm(*FAST, "bin.txt", cwd=tmp_path)
    assert r.returncode == 2 and "bin.txt: binary file (NUL byte at offset 4)" in r.err


def test_directory_in_place_with_parallel_jobs(tmp_path):
    for i in range(40):
        (tmp_path / f"d{i // 10}").mkdir(exist_ok=True)
        (tmp_path / f"d{i // 10}" / f"f{i}.txt").write_text(DAMAGED if i % 2 else CLEAN)
    r = tm(*FAST, "-i", "-j", "2", ".", cwd=tmp_path)
    assert r.returncode == 0 and "20 files mended, 20 files left unchanged" in r.err
    for i in range(40):
        assert (tmp_path / f"d{i // 10}" / f"f{i}.txt").read_text() == mend(DAMAGED if i % 2 else CLEAN)


# -- JSON Lines --------------------------------------------------------------------------
def test_jsonl_fields_order_and_passthrough(tmp_path):
    recs = [
        '{"id": 1, "text": "a four -day visit .", "title": "T ."}',
        '{"id":2,"text":"Already clean.","n":1.50}',               # unchanged: byte-for-byte
        "this is not json",
        "",
        '{"id": 3, "title": "no text here ."}',
        '[1, 2, 3]',
        '{"text": null, "id": 4}',
        '{"title": "Z .", "id": 5, "text": "S\u00c3\u00a3o Paulo  ."}',
    ]
    data = "\r\n".join(recs[:2]) + "\r\n" + "\n".join(recs[2:])  # CRLF and no final newline
    (tmp_path / "d.jsonl").write_text(data, newline="")
    r = tm(*FAST, "d.jsonl", cwd=tmp_path)
    assert r.returncode == 0
    out = lines_of(r.out)
    src = lines_of(data)
    assert len(out) == len(src)
    for o, s in zip(out, src):
        body = s.rstrip("\r\n")
        try:
            obj = json.loads(body)
        except ValueError:
            assert o == s
            continue
        if isinstance(obj, dict) and isinstance(obj.get("text"), str) and mend(obj["text"]) != obj["text"]:
            new = dict(obj, text=mend(obj["text"]))
            assert o == json.dumps(new, ensure_ascii=False) + s[len(body):]
            assert list(json.loads(o)) == list(obj)  # key order
        else:
            assert o == s  # byte for byte
    assert "d.jsonl:3: not valid JSON" in r.err
    assert "d.jsonl:5: no field 'text'" in r.err
    assert "d.jsonl:6: not a JSON object" in r.err
    assert "d.jsonl:7: field 'text' is not a string" in r.err
    assert "d.jsonl:4" not in r.err  # a blank line is no problem
    # two fields
    r = tm(*FAST, "--field", "text", "--field", "title", "d.jsonl", cwd=tmp_path)
    first = json.loads(lines_of(r.out)[0])
    assert first == {"id": 1, "text": mend("a four -day visit ."), "title": mend("T .")}
    # --format forces the reading; text mode would treat the JSON as prose
    assert tm(*FAST, "--format", "jsonl", input=recs[0] + "\n").out == json.dumps(
        {"id": 1, "text": mend("a four -day visit ."), "title": "T ."}, ensure_ascii=False) + "\n"


def test_jsonl_parallel_equals_serial(tmp_path):
    lines = [json.dumps({"id": i, "text": f"Report {i}: a {i % 7} -day visit ." if i % 2 else f"Fine {i}."})
             for i in range(400)]
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    env = {"TEXTMEND_JSONL_GROUP": "500"}
    one = tm(*FAST, "-j", "1", "d.jsonl", cwd=tmp_path, env=env)
    two = tm(*FAST, "-j", "2", "d.jsonl", cwd=tmp_path, env=env)
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert one.stdout != (tmp_path / "d.jsonl").read_bytes()


def test_jsonl_parallel_report_and_messages_equal_serial(tmp_path):
    """Workers send each unit's result compactly (nothing for an unchanged one): reports,
    statistics and the message about a line that is not JSON come out as with one job."""
    lines = [json.dumps({"id": i, "text": f"Report {i}: a {i % 7} -day visit ." if i % 3 else f"Fine {i}."})
             for i in range(300)]
    lines[150] = "{not json"
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    env = {"TEXTMEND_JSONL_GROUP": "400"}
    runs = []
    for jobs in ("1", "2"):
        r = tm(*FAST, "-j", jobs, "--report", f"r{jobs}.jsonl", "--statistics", "d.jsonl", cwd=tmp_path, env=env)
        runs.append((r.returncode, r.stdout, r.stderr, (tmp_path / f"r{jobs}.jsonl").read_text()))
    assert runs[0] == runs[1]
    assert b"d.jsonl:151: not valid JSON" in runs[0][2] and runs[0][3].count("\n") > 100, runs[0][2]


# -- reports, statistics, explain --------------------------------------------------------
REPORT_KEYS = {"path", "line", "column", "start", "end", "before", "after", "rule", "name",
               "safety", "message", "kind"}


def test_report_replays_and_locates(tmp_path):
    text = "First line is fine.\nA four -day visit .\n\nS\u00c3\u00a3o Paulo  .\n"
    (tmp_path / "a.txt").write_text(text)
    r = tm(*FAST, "--report", "r.jsonl", "--statistics", "--explain", "a.txt", cwd=tmp_path)
    assert r.returncode == 0
    recs = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert recs and all(REPORT_KEYS <= set(x) for x in recs)
    edits = [x for x in recs if x["kind"] == "edit"]
    out = text
    for e in sorted(edits, key=lambda e: -e["start"]):  # replay right to left
        assert text[e["start"]:e["end"]] == e["before"]
        out = out[:e["start"]] + e["after"] + out[e["end"]:]
    assert out == r.out == mend(text)
    for e in recs:
        line_start = text.rfind("\n", 0, e["start"]) + 1
        assert e["line"] == text.count("\n", 0, e["start"]) + 1
        assert e["column"] == e["start"] - line_start + 1
        assert e["path"] == "a.txt"
    # statistics: one line per rule and kind, counts as in the report
    for (rule, kind) in {(e["rule"], e["kind"]) for e in recs}:
        n = sum(1 for e in recs if (e["rule"], e["kind"]) == (rule, kind))
        assert re.search(rf"^\s*{n}\s+{rule}\s.*\s{kind}$", r.err, re.M), r.err
    # explain: every edit, located
    for e in edits:
        assert f"a.txt:{e['line']}:{e['column']}: {e['rule']}" in r.err


def test_report_for_jsonl_and_to_stdout(tmp_path):
    (tmp_path / "d.jsonl").write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": "x\\na four -day visit ."}\n')
    r = tm(*FAST, "-i", "--report", "-", "d.jsonl", cwd=tmp_path)
    assert r.returncode == 0
    recs = [json.loads(x) for x in r.out.splitlines()]
    assert recs and {x["line"] for x in recs} == {2}
    assert all(x["field"] == "text" and x["field_line"] == 2 for x in recs)
    value = "x\na four -day visit ."
    for x in recs:
        assert value[x["start"]:x["end"]] == x["before"]


def test_report_into_missing_directory_is_a_usage_error(tmp_path):
    r = tm(*FAST, "--report", "no/such/r.jsonl", input=DAMAGED)
    assert r.returncode == 2 and "no/such/r.jsonl" in r.err


# -- rule selection, unsafe fixes, lexicon -------------------------------------------------
def test_select_and_ignore_are_comma_separated_and_repeatable():
    text = "a four -day visit .  Done &amp; dusted .\n"
    r = tm("--select", "TM2", "--select", "TM101", "--ignore", "TM201,TM204", input=text)
    assert r.out == textmend.mend(text, select=["TM2", "TM101"], ignore=["TM201", "TM204"])
    assert "four -day" in r.out


def test_unsafe_fixes():
    text = ("The two leaders said they had received the guests with pleasure. Anti-Western "
            "messaging During their talks, the two leaders spoke at length about trade.\n")
    opts = {"select": ["TM801"]}
    safe = tm("--select", "TM801", "--report", "-", "-o", os.devnull, input=text)
    recs = [json.loads(x) for x in safe.out.splitlines()]
    expected = textmend.explain(text, **opts)
    assert len([x for x in recs if x["kind"] == "suggestion"]) == len(expected.suggestions)
    assert all(x["safety"] == "unsafe" for x in recs if x["kind"] == "suggestion")
    assert tm("--select", "TM801", input=text).out == textmend.mend(text, **opts)
    r = tm("--select", "TM801", "--unsafe-fixes", input=text)
    assert r.out == textmend.mend(text, unsafe_fixes=True, **opts)


def test_lexicon(tmp_path):
    lex = tmp_path / "names.toml"
    lex.write_text('[[entry]]\nname = "Zorblax Quennington"\nkind = "person"\ngender = "m"\n'
                   'variants = ["Zorblaks Kvennington"]\n')
    text = "Minister Zorblaks Kvennington arrived in the capital on Tuesday.\n"
    r = tm("--lexicon", str(lex), "--isolated", input=text, cwd=tmp_path)
    assert r.returncode == 0
    assert r.out == textmend.mend(text, lexicon=[str(lex)])


@pytest.mark.parametrize("body, problem", [
    ('[[entry]]\nkind = "person"\n', "name"),
    ("[[entry]\n", "invalid TOML"),
    (None, "cannot read"),
])
def test_bad_lexicon_is_a_clean_exit_2(tmp_path, body, problem):
    lex = tmp_path / "lex.toml"
    if body is not None:
        lex.write_text(body)
    r = tm(*FAST, "--lexicon", str(lex), input=DAMAGED)
    assert r.returncode == 2
    assert str(lex) in r.err and problem in r.err
    assert r.out == ""


def test_list_rules_and_version():
    r = tm("--list-rules")
    assert r.returncode == 0
    rows = r.out.splitlines()[1:]
    classes = sorted(rule_classes(), key=lambda c: c.code)
    assert len(rows) == len(classes)
    for row, cls in zip(rows, classes):
        assert row.split()[:4] == [cls.code, cls.name, cls.safety, "on" if cls.default_enabled else "off"]
    r = tm("--version")
    assert r.returncode == 0 and r.out.strip() == f"textmend {textmend.__version__}"


# -- configuration -----------------------------------------------------------------------
def test_config_from_pyproject_and_textmend_toml(tmp_path):
    text = "a four -day visit .  Done .\n"
    (tmp_path / "pyproject.toml").write_text('[tool.textmend]\nselect = ["TM2"]\nignore = "TM201"\n')
    sub = tmp_path / "pkg" / "deep"
    sub.mkdir(parents=True)
    r = tm(input=text, cwd=sub)
    assert r.out == textmend.mend(text, select=["TM2"], ignore=["TM201"])
    # flags override the file
    r = tm("--ignore", "TM204", input=text, cwd=sub)
    assert r.out == textmend.mend(text, select=["TM2"], ignore=["TM204"])
    # a nearer textmend.toml wins, with top-level keys; lexicon paths relative to it
    (tmp_path / "pkg" / "textmend.toml").write_text('select = ["TM204"]\nformat = "jsonl"\nfield = "title"\n')
    r = tm(input='{"title": "a  b", "text": "c  d"}\n', cwd=sub)
    assert json.loads(r.out) == {"title": "a b", "text": "c  d"}
    # --isolated ignores both; --config names one
    assert tm("--isolated", *FAST, input=text, cwd=sub).out == mend(text)
    assert tm("--config", str(tmp_path / "pyproject.toml"), input=text).out == \
        textmend.mend(text, select=["TM2"], ignore=["TM201"])


@pytest.mark.parametrize("name, body, problem", [
    ("pyproject.toml", '[tool.textmend]\nselct = ["TM1"]\n', "unknown key 'selct'"),
    ("pyproject.toml", '[tool.textmend]\njobs = -3\n', "'jobs'"),
    ("textmend.toml", 'select = ["TM999"]\n', "TM999"),
    ("textmend.toml", 'include = [1]\n', "'include' must be"),
    ("pyproject.toml", "[tool.textmend\n", "invalid TOML"),
])
def test_bad_config_exit_2_naming_the_file(tmp_path, name, body, problem):
    (tmp_path / name).write_text(body)
    r = tm(input=DAMAGED, cwd=tmp_path)
    assert r.returncode == 2
    assert str(tmp_path / name) in r.err and problem in r.err


# -- bad input ---------------------------------------------------------------------------
def test_invalid_utf8_names_file_and_offset(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(DAMAGED)
    bad = tmp_path / "bad.txt"
    data = DAMAGED.encode() + b"caf\xe9 au lait -day .\n"
    bad.write_bytes(data)
    r = tm(*FAST, "-i", "bad.txt", "good.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert f"bad.txt: invalid UTF-8 at byte {len(DAMAGED.encode()) + 3}" in r.err
    assert bad.read_bytes() == data                      # never modified
    assert good.read_text() == mend(DAMAGED)             # the others still done
    assert sorted(os.listdir(tmp_path)) == ["bad.txt", "good.txt"]
    # stdin too
    r = tm(*FAST, input=b"ok\n\xff")
    assert r.returncode == 2 and "<stdin>: invalid UTF-8 at byte 3" in r.err


def test_invalid_utf8_in_a_later_block_leaves_the_file_alone(tmp_path):
    paras = "".join(f"Paragraph {i}: a four -day visit .\n\n" for i in range(200))
    data = paras.encode() + b"\x80 broken\n"
    f = tmp_path / "big.txt"
    f.write_bytes(data)
    r = tm(*FAST, "-i", "-j", "2", "big.txt", cwd=tmp_path, env={"TEXTMEND_BLOCK_SIZE": "300"})
    assert r.returncode == 2 and f"byte {len(paras.encode())}" in r.err
    assert f.read_bytes() == data
    assert os.listdir(tmp_path) == ["big.txt"]


def test_surrogateescape_and_encoding(tmp_path):
    data = b"caf\xe9 \xff a four -day visit .\n"
    f = tmp_path / "l1.txt"
    f.write_bytes(data)
    r = tm(*FAST, "--errors", "surrogateescape", "-i", "l1.txt", cwd=tmp_path)
    assert r.returncode == 0
    expected = mend("caf\udce9 \udcff a four -day visit .\n")
    got = f.read_bytes()
    assert got.startswith(b"caf\xe9 \xff ")  # the undecodable bytes, untouched
    assert got.decode("utf-8", "surrogateescape").endswith(expected[expected.index(" a four"):])
    f.write_bytes(data)
    r = tm(*FAST, "--encoding", "latin-1", "l1.txt", cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout == mend(data.decode("latin-1")).encode("latin-1")


def test_unencodable_output_fails_cleanly(tmp_path):
    # mojibake repaired into a character that latin-1 cannot hold
    f = tmp_path / "a.txt"
    data = "He said \u00e2\u20ac\u0153hello\u00e2\u20ac\u009d .\n".encode("cp1252", "ignore")
    f.write_bytes(data)
    expected = mend(data.decode("latin-1"))
    r = tm(*FAST, "--encoding", "latin-1", "-i", "a.txt", cwd=tmp_path)
    try:
        expected.encode("latin-1")
    except UnicodeEncodeError:
        assert r.returncode == 2 and "a.txt: cannot write" in r.err
        assert f.read_bytes() == data
    else:
        assert r.returncode == 0 and f.read_bytes() == expected.encode("latin-1")
    assert os.listdir(tmp_path) == ["a.txt"]


def make_unreadable(path: Path) -> None:
    """A file that cannot be opened: chmod 000, or (as root, who reads anything) a socket."""
    if os.geteuid() != 0:
        path.write_text(DAMAGED)
        os.chmod(path, 0)
    else:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()


def test_unreadable_and_missing_files_are_errors_the_rest_goes_on(tmp_path):
    make_unreadable(tmp_path / "locked.txt")
    (tmp_path / "ok.txt").write_text(DAMAGED)
    r = tm(*FAST, "-i", "locked.txt", "missing.txt", "ok.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert "locked.txt:" in r.err and "missing.txt: No such file or directory" in r.err
    assert (tmp_path / "ok.txt").read_text() == mend(DAMAGED)
    r = tm(*FAST, "--check", "locked.txt", "ok.txt", cwd=tmp_path)
    assert r.returncode == 2  # errors win over "would change"


def test_empty_inputs(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "e.jsonl").write_bytes(b"")
    for args in (["e.txt", "e.jsonl"], ["--check", "e.txt", "e.jsonl"], ["-i", "e.txt", "e.jsonl"]):
        r = tm(*FAST, *args, cwd=tmp_path)
        assert r.returncode == 0 and r.stdout == b""
    assert tm(*FAST, "--check", input=b"").returncode == 0
    assert (tmp_path / "e.txt").read_bytes() == b"" and (tmp_path / "e.jsonl").read_bytes() == b""


def test_thousands_of_files(tmp_path):
    root = tmp_path / "many"
    for i in range(2000):
        d = root / f"{i % 20:02d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{i:04d}.txt").write_text(f"Doc {i}: a four -day visit .\n" if i % 10 == 0 else f"Doc {i}.\n")
    r = tm(*FAST, "-i", "-j", "2", "many", cwd=tmp_path)
    assert r.returncode == 0, r.err
    assert "200 files mended, 1800 files left unchanged" in r.err
    n = 0
    for d in sorted(root.iterdir()):
        for f in sorted(d.iterdir()):
            i = int(f.stem)
            assert f.read_text() == mend(f"Doc {i}: a four -day visit .\n" if i % 10 == 0 else f"Doc {i}.\n")
            n += 1
    assert n == 2000


# -- dask engine -------------------------------------------------------------------------
def test_dask_engine_missing_is_a_clean_error(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n')
    code = ("import sys; sys.modules['textmend.dask'] = None\n"
            "from textmend.cli import main; raise SystemExit(main())")
    r = subprocess.run([sys.executable, "-c", code, "--engine", "dask", "-o", "out", "a.jsonl"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 2
    assert "install textmend[dask]" in r.stderr and "Traceback" not in r.stderr
    r = tm("--engine", "dask", "a.jsonl", cwd=tmp_path)
    assert r.returncode == 2 and "-o DIR" in r.err
