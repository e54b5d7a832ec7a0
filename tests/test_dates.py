import pytest

from kg.extract.dates import find_dates


def values(text: str, anchor: str = "2026-01-31") -> list[str]:
    return [d.value for d in find_dates(text, anchor)]


@pytest.mark.parametrize("text, expected", [
    ("They met on 12 March 2025 in Rome.", ["2025-03-12"]),
    ("The talks of March 12, 2025 ended.", ["2025-03-12"]),
    ("Signed 2024-11-18 at noon.", ["2024-11-18"]),
    ("ROME, Jan. 30 (Agency) -- talks", ["2026-01-30"]),
    ("The deal was done in September.", ["2025-09"]),
    ("They first met in November last year.", ["2025-11"]),
    ("Since last November the two have spoken.", ["2025-11"]),
    ("It happened today.", ["2026-01-31"]),
    ("It happened yesterday.", ["2026-01-30"]),
    ("The envoy was summoned on Tuesday.", ["2026-01-27"]),
    ("The envoy was summoned on Saturday.", ["2026-01-31"]),
    ("They will meet next Tuesday.", ["2026-02-03"]),
    ("They will meet next month.", ["2026-02"]),
    ("A treaty signed in 2019 still holds.", ["2019"]),
    ("Talks in March 2024 and May 2024.", ["2024-03", "2024-05"]),
])
def test_resolves_against_the_document_date(text: str, expected: list[str]) -> None:
    assert values(text) == expected


def test_the_modal_may_is_no_month() -> None:
    assert values("Both sides may sign a deal.") == []


def test_month_without_year_takes_the_nearest_past_year() -> None:
    assert values("The summit of December 3 ended.", "2026-01-10") == ["2025-12-03"]
    assert values("The summit of December 3 ended.", "2025-12-20") == ["2025-12-03"]


def test_longest_expression_wins_and_offsets_point_into_the_text() -> None:
    text = "On 31 January 2026 they met."
    (found,) = find_dates(text, "2026-02-01")
    assert text[found.start:found.end] == "31 January 2026"


def test_relative_dates_need_an_anchor() -> None:
    assert values("They met on Tuesday and on 3 May 2024.", None) == ["2024-05-03"]


def test_what_the_text_leaves_open_is_marked_and_can_move() -> None:
    (monday,) = find_dates("They will meet on Monday.", "2025-03-05")
    assert (monday.value, monday.inferred) == ("2025-03-03", "week")
    assert monday.shifted(forward=True) == "2025-03-10"
    (january,) = find_dates("The deal was signed in January.", "2024-10-18")
    assert january.inferred == "year"
    assert january.shifted(forward=False) == "2024-01" or january.value == "2024-01"
