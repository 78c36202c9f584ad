"""Addresses into a scenario: ``behaviour.weights.cost``, ``policy.timeline[5].date``,
``policy.timeline[lever=border_control,country=PAN].intensity``.

A path is resolved once, against the base scenario with every default filled in, to a list of
concrete keys and list indices; setting a value then needs no searching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]*)\]")


@dataclass(frozen=True)
class Step:
    """One step of a path: a mapping key, a list index, or a selector ``[key=value,...]``."""

    key: str | None = None
    index: int | None = None
    match: tuple[tuple[str, str], ...] | None = None


class PathError(ValueError):
    """A path that does not parse or does not lead anywhere in the base scenario."""


def parse_path(text: str) -> list[Step]:
    """Split a dotted path with ``[index]`` and ``[key=value,...]`` parts into steps."""
    steps: list[Step] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or (m.group(1) is not None and m.group(0).startswith(".") and not steps):
            raise PathError(f"cannot read the path at {text[pos:]!r} (expected e.g. "
                            "`behaviour.weights.cost` or `policy.timeline[lever=tps].date`)")
        if m.group(1) is not None:
            if steps and not m.group(0).startswith("."):
                raise PathError(f"missing '.' before {m.group(1)!r}")
            steps.append(Step(key=m.group(1)))
        else:
            inner = m.group(2).strip()
            if re.fullmatch(r"\d+", inner):
                steps.append(Step(index=int(inner)))
            else:
                pairs = []
                for part in inner.split(","):
                    if "=" not in part:
                        raise PathError(f"selector [{inner}] needs key=value pairs separated by commas")
                    k, v = (s.strip() for s in part.split("=", 1))
                    if not k or not v:
                        raise PathError(f"selector [{inner}] has an empty key or value")
                    pairs.append((k, v))
                steps.append(Step(match=tuple(pairs)))
        pos = m.end()
    if not steps:
        raise PathError("empty path")
    if steps[0].key is None:
        raise PathError("a path starts with a key, e.g. `policy.timeline[0].date`")
    return steps


def _matches(entry, pairs) -> bool:
    return isinstance(entry, dict) and all(k in entry and str(entry[k]) == v for k, v in pairs)


def resolve(doc: dict, text: str) -> tuple:
    """The concrete keys and list indices the path points at in ``doc`` (which has every default)."""
    steps = parse_path(text)
    node, out, where = doc, [], ""
    for step in steps:
        if step.key is not None:
            if not isinstance(node, dict):
                raise PathError(f"{where or 'the scenario'} is not a mapping, cannot take .{step.key}")
            if step.key not in node:
                raise PathError(f"no key {step.key!r} under {where or 'the scenario'}; "
                                f"known: {', '.join(sorted(node)) or 'none'}")
            out.append(step.key)
            where = f"{where}.{step.key}" if where else step.key
            node = node[step.key]
            continue
        if not isinstance(node, list):
            raise PathError(f"{where} is not a list, cannot index it")
        if step.index is not None:
            if step.index >= len(node):
                raise PathError(f"{where} has {len(node)} entries, no [{step.index}]")
            index = step.index
        else:
            hits = [j for j, entry in enumerate(node) if _matches(entry, step.match)]
            sel = ",".join(f"{k}={v}" for k, v in step.match)
            if len(hits) != 1:
                raise PathError(f"{where}[{sel}] matches {len(hits)} entries "
                                f"({'none' if not hits else 'indices ' + ', '.join(map(str, hits))}); "
                                "it must match exactly one (add keys, e.g. date=..., or use an index)")
            index = hits[0]
        out.append(index)
        where = f"{where}[{index}]"
        node = node[index]
    return tuple(out)


def set_value(doc: dict, keys: tuple, value) -> None:
    """Set the value at resolved ``keys`` in place."""
    node = doc
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
