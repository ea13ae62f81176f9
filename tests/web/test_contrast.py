"""Every text colour of the web app against the backgrounds it is drawn on: a contrast ratio of at
least 4.5:1 (WCAG 2.1 AA for normal text), computed from the stylesheets' own colours, so a
colour changed there is checked here. Text drawn with opacity (the top bar's role and the
brand's 'jixiao') is blended over its background first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "jixiao" / "web" / "static"
APP = (STATIC / "app.css").read_text(encoding="utf-8")
WHITE = "#ffffff"


def _hex(colour: str) -> str:
    """``#fff`` → ``#ffffff``; six digits as they are (lower case)."""
    colour = colour.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", colour):
        return "#" + "".join(c * 2 for c in colour[1:])
    assert re.fullmatch(r"#[0-9a-f]{6}", colour), colour
    return colour


def _var(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{3,6}})\b", APP)
    assert found, f"--{name} not in app.css"
    return _hex(found.group(1))


def _rule_colour(selector: str, prop: str, css: str = APP) -> str:
    """The colour ``prop`` of the first rule for ``selector`` (a var() resolved)."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert rule, selector
    value = re.search(rf"(?<![-\w]){prop}:\s*([^;]+);", rule.group(1))
    assert value, f"{selector} {prop}"
    text = value.group(1).strip()
    if text.startswith("var("):
        return _var(text[6:-1])
    return _hex(text)


def _rgb(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _blend(colour: str, over: str, alpha: float) -> str:
    top, bottom = _rgb(colour), _rgb(over)
    mixed = (round(alpha * t + (1 - alpha) * b) for t, b in zip(top, bottom, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _pairs() -> list[tuple[str, str, str]]:
    ink, muted, bg, card = _var("ink"), _var("muted"), _var("bg"), _var("card")
    brand, accent = _var("brand"), _var("accent")
    ok, warn, err = _var("ok"), _var("warn"), _var("err")
    header = _rule_colour("table.data th", "background")
    code = _rule_colour("code", "background")
    hover = _blend(WHITE, brand, 0.18)  # the current page's tab in the top bar
    pairs = [
        ("正文", ink, bg),
        ("卡片正文", ink, card),
        ("表头", ink, header),
        ("代码", ink, code),
        ("提示文字", muted, bg),
        ("卡片上的提示文字", muted, card),
        ("表头中的提示文字", muted, header),
        ("链接", accent, card),
        ("页面底色上的链接", accent, bg),
        ("表头中的链接", accent, header),
        ("顶栏", WHITE, brand),
        ("顶栏当前页", WHITE, hover),
        ("顶栏角色（80% 不透明）", _blend(WHITE, brand, 0.8), brand),
        ("顶栏 jixiao（75% 不透明）", _blend(WHITE, brand, 0.75), brand),
        ("主按钮", WHITE, accent),
        ("跳到正文", accent, _rule_colour(".skip-link", "background")),
    ]
    for name, colour in (("通过", ok), ("警告", warn), ("错误", err)):
        pairs += [(f"{name}文字", colour, card), (f"页面底色上的{name}文字", colour, bg)]
    for selector, colour in ((".alert.error", err), (".alert.ok", ok), (".alert.warn", warn)):
        pairs.append((selector, colour, _rule_colour(selector, "background")))
    pairs.append(("有错误的行", err, _rule_colour("table.data tr.has-error td", "background")))
    pairs.append(("有警告的行", warn, _rule_colour("table.data tr.has-warning td", "background")))
    pairs.append(("等级 良好", _rule_colour(".grade-良好", "color"), card))
    return pairs


@pytest.mark.parametrize(("name", "text", "background"), _pairs(), ids=str)
def test_every_text_has_contrast_of_at_least_4_5(name: str, text: str, background: str) -> None:
    ratio = contrast(text, background)
    assert ratio >= 4.5, f"{name}：{text} 在 {background} 上的对比度只有 {ratio:.2f}:1"


def test_the_contrast_formula() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the usual near miss
