import pytest

import scoring
from scoring import loaf


def test_level_names_from_file() -> None:
    assert loaf.level_names() == {
        1: "well-adapted to good-enough",
        2: "strained to concerning",
        3: "compromised to disturbed",
        4: "disordered to dangerous",
    }
    assert loaf.shipped().names_verified is False
    assert [part.code for part in loaf.shipped().parts] == ["A", "B"]


@pytest.mark.parametrize(
    ("t1", "t2", "expected"),
    [
        (3, 2, "improved"),
        (4, 1, "improved"),
        (2, 2, "unchanged"),
        (1, 2, "worsened"),
        ("2", 3, "worsened"),
    ],
)
def test_change_category(t1: object, t2: object, expected: str) -> None:
    assert loaf.change_category(t1, t2) == expected


@pytest.mark.parametrize("bad", [0, 5, True, 2.0, "two", None])
def test_validate_level(bad: object) -> None:
    with pytest.raises(scoring.ScoringError):
        loaf.validate_level(bad)


def test_shift_table_and_counts() -> None:
    pairs = [(3, 2), (3, 2), (2, 2), (1, 3), (4, 4)]
    table = loaf.shift_table(pairs)
    assert len(table) == 16
    assert table[(3, 2)] == 2
    assert table[(2, 2)] == 1
    assert table[(1, 3)] == 1
    assert table[(4, 4)] == 1
    assert sum(table.values()) == len(pairs)
    assert loaf.change_counts(pairs) == {"improved": 2, "unchanged": 2, "worsened": 1}


def test_loaf_file_errors(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "loaf.yaml"
    path.write_text("version: '1'\nlevels: {values: [{level: 1, name: a}]}\nparts: []\n")
    with pytest.raises(scoring.DefinitionError) as caught:
        loaf.load(path)
    assert str(path) in str(caught.value)
