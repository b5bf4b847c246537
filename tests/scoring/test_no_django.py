import re
import subprocess
import sys
from pathlib import Path

SCORING = Path(__file__).resolve().parents[2] / "scoring"


def test_no_django_import_statements() -> None:
    pattern = re.compile(r"^\s*(import\s+django|from\s+django)\b", re.MULTILINE)
    files = list(SCORING.rglob("*.py"))
    assert files
    offenders = [str(path) for path in files if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_importing_scoring_does_not_load_django() -> None:
    code = (
        "import sys, datetime, scoring, scoring.asq_age, scoring.change, scoring.loaf\n"
        "scoring.score('prfq', {'1': 3})\n"
        "scoring.asq_age.interval_for(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))\n"
        "scoring.loaf.level_names()\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=SCORING.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
