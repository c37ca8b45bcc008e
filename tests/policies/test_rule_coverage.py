"""Every rule of every registered policy, read from the rule document the policy names, has a
test whose name mentions it as a whole token; vendors are discovered from the registry."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from policies.registry import POLICIES

ROOT = Path(__file__).resolve().parents[2]
ANY_RULE_ID = re.compile(r"\b([A-Z]{2,5})-(\d+)\b")


def rule_ids(text: str, prefix: str) -> set[str]:
    return {f"{p}-{n}" for p, n in ANY_RULE_ID.findall(text) if p == prefix}


def rule_lines(text: str, prefix: str) -> set[str]:
    return {f"{prefix}-{n}" for n in re.findall(rf"^- {prefix}-(\d+) ", text, re.MULTILINE)}


def collect_test_name_tokens() -> set[str]:
    tokens: set[str] = set()
    for path in Path(__file__).parent.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                tokens |= set(node.name.lower().split("_"))
    return tokens


def untested(ids: set[str], tokens: set[str]) -> list[str]:
    return sorted(i for i in ids if i.replace("-", "").lower() not in tokens)


@pytest.mark.parametrize("key", list(POLICIES))
def test_every_documented_rule_has_a_named_test(key: str) -> None:
    policy = POLICIES[key]
    text = (ROOT / policy.rule_doc).read_text()
    ids = rule_lines(text, policy.rule_prefix)
    assert ids, f"{policy.rule_doc} lists no {policy.rule_prefix}-N rules"
    missing = untested(ids, collect_test_name_tokens())
    assert not missing, f"rule ids without a test named after them: {missing}"


@pytest.mark.parametrize("key", list(POLICIES))
def test_every_rule_has_its_own_line_in_the_docs(key: str) -> None:
    policy = POLICIES[key]
    text = (ROOT / policy.rule_doc).read_text()
    mentioned = rule_ids(text, policy.rule_prefix)
    assert rule_lines(text, policy.rule_prefix) == mentioned, policy.rule_doc


def test_every_rule_doc_belongs_to_a_registered_policy() -> None:
    docs = {p.rule_doc for p in POLICIES.values()}
    for doc in (ROOT / "docs" / "policies").glob("*.md"):
        assert str(doc.relative_to(ROOT)) in docs, doc.name
    assert len({p.rule_prefix for p in POLICIES.values()}) == len(POLICIES)


def test_tokens_match_whole_ids_only() -> None:
    tokens = {"test", "mkt10", "ship", "aqa1", "cancel"}
    assert untested({"MKT-1", "MKT-10", "AQA-1", "AQA-11"}, tokens) == ["AQA-11", "MKT-1"]
