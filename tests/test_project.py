"""Project-wide promises: production settings pass the deploy checks, settings
refuse bad values, and every page's assets are served by the app itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7$kq2!v9-Lm3@pR8#tZ1^wB6&nY4*hJ0(cF5)dG-sA2+eQ9=uK7_oT3~iV8%rX1",
    "DJANGO_ALLOWED_HOSTS": "fengqiao.police.internal",
    "DATABASE_URL": "sqlite:////tmp/fengqiao-deploy-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FENGQIAO_", "CELERY_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**clean, **env, "DJANGO_SETTINGS_MODULE": "policing.settings"},
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_refuses_to_serve_in_production():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FENGQIAO_", "CELERY_"))}
    for module in ("policing.wsgi", "policing.celery"):
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}; from django.conf import settings; settings.SECRET_KEY"],
            cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode != 0, module
        assert "DJANGO_SECRET_KEY" in result.stderr, module


def test_a_worker_loads_every_view_and_freezes_it_before_serving():
    """The WSGI module imports the views and freezes what is loaded, so the
    collector's full passes skip it (a pass over it took 100–360 ms)."""
    code = (
        "import gc, sys, policing.wsgi; "
        "print(gc.get_freeze_count(), 'disputes.views' in sys.modules, 'policing.maps' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **PRODUCTION_ENV},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    frozen, disputes_views, maps = result.stdout.split()
    assert int(frozen) > 50_000
    assert (disputes_views, maps) == ("True", "True")


def test_deploy_check_flags_a_missing_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_bad_boolean_setting_is_refused():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


def test_no_template_loads_assets_from_outside():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for marker in ('src="http', "src='http", 'href="http', "href='http", "@import url(http"):
            if marker in text:
                offenders.append(f"{path.relative_to(ROOT)}: {marker}")
    assert offenders == []


@pytest.mark.django_db
def test_login_page_renders_in_chinese_by_default_and_english_on_request(client):
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()
    assert "登录" in page.content.decode()
    english = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.content.decode()
    assert "Sign in" in english.content.decode()
