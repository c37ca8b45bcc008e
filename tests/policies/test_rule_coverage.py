"""Every rule id in docs/policies/*.md has a test whose name mentions it as a whole token."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULE_ID = re.compile(r"\b(REO|MKT|AQA)-(\d+)\b")
RULE_LINE = re.compile(r"^- (REO|MKT|AQA)-(\d+) ", re.MULTILINE)


def documented_rule_ids() -> set[str]:
    ids: set[str] = set()
    for doc in (ROOT / "docs" / "policies").glob("*.md"):
        ids |= {f"{prefix}-{number}" for prefix, number in RULE_ID.findall(doc.read_text())}
    return ids


def collect_test_name_tokens() -> set[str]:
    tokens: set[str] = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                tokens |= set(node.name.lower().split("_"))
    return tokens


def test_every_documented_rule_has_a_named_test() -> None:
    ids = documented_rule_ids()
    assert len(ids) == 12 + 12 + 13, sorted(ids)
    tokens = collect_test_name_tokens()
    missing = untested(ids, tokens)
    assert not missing, f"rule ids without a test named after them: {missing}"


def test_every_rule_has_its_own_line_in_the_docs() -> None:
    for doc in (ROOT / "docs" / "policies").glob("*.md"):
        text = doc.read_text()
        lines = {f"{p}-{n}" for p, n in RULE_LINE.findall(text)}
        prefixes = {p for p, _ in RULE_ID.findall(text)}
        assert lines == {f"{p}-{n}" for p, n in RULE_ID.findall(text)}, doc.name
        assert len(prefixes) == 1, doc.name


def untested(ids: set[str], tokens: set[str]) -> list[str]:
    return sorted(i for i in ids if i.replace("-", "").lower() not in tokens)


def test_tokens_match_whole_ids_only() -> None:
    tokens = {"test", "mkt10", "ship", "aqa1", "cancel"}
    assert untested({"MKT-1", "MKT-10", "AQA-1", "AQA-11"}, tokens) == ["AQA-11", "MKT-1"]
