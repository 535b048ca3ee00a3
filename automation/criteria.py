"""A tier's criteria (campaign data, each with its article) judged on a nominee's register rows.

Each kind of requirement is a small function of the records: the run of consecutive years rated
at least so well up to the assessed year; a prior award (of a kind that counts) before it; titles
and ratings counted within it; a title held in consecutive years. `judge` puts them together as
the criterion reads and, when it is not met, writes one finding that says what the criterion is,
what the register shows ("2021–2025: 5 năm HTTNV trở lên, 2 lần CSTĐCS; cần 3") and its article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from automation.campaign import Criterion, HistoryRules
from automation.findings import Finding, Severity
from automation.register import Record


def short(name: str) -> str:
    """`Hoàn thành tốt nhiệm vụ` → `HTTNV`, `Chiến sĩ thi đua cơ sở` → `CSTĐCS`: as offices write them."""
    return "".join(word[0].upper() for word in name.split())


def ratings_by_year(records: Iterable[Record], order: tuple[str, ...]) -> dict[int, str]:
    """Each year's rating (the best, were there two: the register flags that row anyway)."""
    years: dict[int, str] = {}
    for r in records:
        if r.rating in order and (r.year not in years or order.index(r.rating) < order.index(years[r.year])):
            years[r.year] = r.rating
    return years


def _years_up_to(end: int, holds: Callable[[int], bool]) -> list[int]:
    """The consecutive years up to `end` (oldest first) in each of which `holds`; empty if `end` does not."""
    years = []
    year = end
    while holds(year):
        years.append(year)
        year -= 1
    return years[::-1]


def rating_run(rated: dict[int, str], end: int, at_least: str, order: tuple[str, ...]) -> list[int]:
    """The consecutive years up to `end`, each rated `at_least` or better (empty if `end` is not)."""
    limit = order.index(at_least)
    return _years_up_to(end, lambda year: year in rated and order.index(rated[year]) <= limit)


def award_years(records: Iterable[Record], awards: tuple[str, ...], not_counted: tuple[str, ...]
                ) -> tuple[list[int], list[Record]]:
    """The years one of `awards` was given, and the ones that do not count (their kind)."""
    counted: list[int] = []
    excluded: list[Record] = []
    for r in records:
        if r.award not in awards:
            continue
        if r.kind in not_counted:
            excluded.append(r)
        else:
            counted.append(r.year)
    return sorted(counted), excluded


def title_times(records: Iterable[Record], title: str, years: Iterable[int]) -> int:
    """In how many of `years` the title was given."""
    wanted = set(years)
    return len({r.year for r in records if r.title == title and r.year in wanted})


def rating_times(rated: dict[int, str], rating: str, years: Iterable[int], order: tuple[str, ...]) -> int:
    """In how many of `years` the rating was `rating` or better."""
    limit = order.index(rating)
    return sum(1 for y in years if y in rated and order.index(rated[y]) <= limit)


def title_streak(records: Iterable[Record], title: str, end: int) -> list[int]:
    """The consecutive years up to `end` in which the title was given."""
    years = {r.year for r in records if r.title == title}
    return _years_up_to(end, years.__contains__)


@dataclass(frozen=True)
class Judgement:
    met: bool
    shows: str  # what the register shows, in words
    needs: str  # what is missing ("" when met)


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}"


def judge(criterion: Criterion, records: tuple[Record, ...], rules: HistoryRules, order: tuple[str, ...]
          ) -> Judgement:
    """The criterion on one person's counted records."""
    end = rules.assessed_year
    shows: list[str] = []
    needs: list[str] = []
    window: list[int] = []
    if criterion.run_years:
        rated = ratings_by_year(records, order)
        run = rating_run(rated, end, criterion.run_rating, order)
        label = f"{short(criterion.run_rating)} trở lên" if order.index(criterion.run_rating) else \
            short(criterion.run_rating)
        window = run
        if criterion.award_before:
            counted, excluded = award_years(records, criterion.award_before, rules.not_counted)
            before = [y for y in counted if y < end]
            names = criterion.award_label or " hoặc ".join(criterion.award_before)
            if before:
                first = before[0]
                award = next(r for r in records if r.award in criterion.award_before and r.year == first)
                shows.append(f"{award.award} năm {first}")
                window = [y for y in run if y > first]
            else:  # the rest is still counted over the run, so the finding says all that is missing
                shows.append(f"chưa có {names}")
                needs.append(names)
            for r in excluded[:2]:
                basis = f", {rules.not_counted_basis}" if rules.not_counted_basis else ""
                shows.append(f"{r.award} năm {r.year} là khen thưởng {r.kind.lower()}, không được tính{basis}")
        if window:
            shows.append(f"{_span(window)}: {len(window)} năm {label}")
        elif end in rated:
            shows.append(f"năm {end} xếp loại {short(rated[end])}")
        else:
            shows.append(f"năm {end} chưa có kết quả xếp loại")
        if len(window) < criterion.run_years:
            needs.append(f"{criterion.run_years} năm {label} liên tục đến năm {end}")
        for title, times in criterion.titles_in_run:
            got = title_times(records, title, window)
            shows.append(f"{got} lần {short(title)}")
            if got < times:
                needs.append(f"{times} lần {short(title)}")
        for rating, times in criterion.ratings_in_run:
            got = rating_times(rated, rating, window, order)
            shows.append(f"{got} năm {short(rating)}")
            if got < times:
                needs.append(f"{times} năm {short(rating)}")
    if criterion.consecutive_title:
        title, years = criterion.consecutive_title
        streak = title_streak(records, title, end)
        shows.append(f"{short(title)} liên tục đến năm {end}: {len(streak)} năm" + (f" ({_span(streak)})"
                                                                                    if len(streak) > 1 else ""))
        if len(streak) < years:
            needs.append(f"{years} năm {short(title)} liên tục")
    return Judgement(not needs, ", ".join(shows), "; ".join(needs))


def finding(criterion: Criterion, judgement: Judgement, column: str) -> Finding:
    """The finding of a criterion not met: what it is, what the register shows, what it needs, its article."""
    severity = Severity.INVALID if criterion.severity == "error" else Severity.WARNING
    advice = ("; chọn hình thức khen thưởng khác hoặc Văn phòng bổ sung Lịch sử khen thưởng nếu còn thiếu"
              if severity is Severity.INVALID else " — Văn phòng xem xét")
    return Finding(severity, column,
                   f"chưa đạt tiêu chuẩn {criterion.requirement} ({criterion.article}): Lịch sử khen thưởng ghi "
                   f"{judgement.shows}; cần {judgement.needs}{advice}", "tier_criteria")
