"""One badge component for every status of every record, and colours that
read: every text colour and every status badge is computed from app.css
(WCAG 2.1 contrast: 4.5:1 for text, 3:1 for focus rings)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from policing.badges import BADGE_KINDS

CSS = (Path(__file__).resolve().parents[1] / "policing/static/fengqiao/app.css").read_text()


def root_variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS, re.S).group(1)
    return dict(re.findall(r"(--fq-[\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no rule for {selector} in app.css"
    return match.group(1)


def resolve(value: str) -> str:
    value = value.strip()
    while value.startswith("var("):
        value = root_variables()[value[4:-1].strip()]
    return value


def declaration(body: str, name: str) -> str:
    return resolve(re.search(re.escape(name) + r":\s*([^;]+);", body).group(1))


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


BADGES = [(kind, value) for kind, choices in BADGE_KINDS.items() for value in choices.values]


@pytest.mark.parametrize(("kind", "value"), BADGES)
def test_every_status_has_a_badge_style_that_reads(kind, value):
    body = rule(f".badge-{kind}-{value}")
    background = declaration(body, "--fq-badge-bg")
    text = declaration(body, "--fq-badge-fg")
    assert contrast(text, background) >= 4.5, (kind, value, text, background)


def test_the_badge_tag_names_its_style_and_escapes_the_label():
    html = Template('{% load fq %}{% badge "tip" "new" label %}').render(Context({"label": "<b>新</b>"}))
    assert html == '<span class="badge badge-status badge-tip-new">&lt;b&gt;新&lt;/b&gt;</span>'


def test_no_template_styles_a_status_by_hand():
    templates = Path(__file__).resolve().parents[1] / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"get_(status|state|performance)_display }}</span>", text), path


@pytest.mark.parametrize("text", ["--fq-text", "--fq-muted", "--fq-link", "--fq-link-hover",
                                  "--fq-danger", "--fq-warning-text", "--fq-success"])
@pytest.mark.parametrize("background", ["--fq-page", "--fq-surface", "--fq-subtle"])
def test_text_colours_reach_4_5_on_every_background(text, background):
    colours = root_variables()
    assert contrast(colours[text], colours[background]) >= 4.5


def test_focus_rings_reach_3_on_their_backgrounds():
    colours = root_variables()
    # The ring sits 2px outside the element (outline-offset), on the page or card.
    for background in ("--fq-page", "--fq-surface", "--fq-subtle"):
        assert contrast(colours["--fq-focus"], colours[background]) >= 3, background
    assert contrast(colours["--fq-focus-on-navy"], colours["--fq-navy"]) >= 3
    assert contrast(colours["--fq-on-dark"], colours["--fq-navy"]) >= 4.5


def test_bootstrap_follows_the_palette():
    colours = root_variables()
    root = re.search(r":root\s*\{(.*?)\n\}", CSS, re.S).group(1)
    for bootstrap, ours in [("--bs-link-color", "--fq-link"), ("--bs-secondary-color", "--fq-muted")]:
        assert re.search(re.escape(bootstrap) + r":\s*" + colours[ours], root), bootstrap
    for bootstrap, ours in [("--bs-link-color-rgb", "--fq-link"), ("--bs-secondary-rgb", "--fq-muted"),
                            ("--bs-primary-rgb", "--fq-link"), ("--bs-danger-rgb", "--fq-danger"),
                            ("--bs-success-rgb", "--fq-success")]:
        rgb = ", ".join(str(int(colours[ours][i:i + 2], 16)) for i in (1, 3, 5))
        assert re.search(re.escape(bootstrap) + r":\s*" + rgb + ";", root), bootstrap
