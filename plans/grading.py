"""The rules a plan's grading bands (評価区分) follow, shared by the admin and the plan file."""

from dataclasses import dataclass
from decimal import Decimal

MAX_BANDS = 20
ACHIEVEMENT = "achievement"


@dataclass(frozen=True)
class BandProblem:
    message: str
    index: int | None = None  # the band it concerns, in the order given; None for the bands as a whole
    field: str = ""  # the band's field at fault: "min_rate" or "mark"


def bands_problem(method: str, bands: list[tuple[Decimal | None, str]]) -> BandProblem | None:
    """The first thing wrong with bands [(minimum rate, mark), …] in the order they apply, or None.

    The bands are tried from the top: each minimum is below the one before it, the band without a minimum
    (the rest) comes last, each has its own mark, and the achievement method needs at least one.
    """
    if len(bands) > MAX_BANDS:
        return BandProblem(f"評価区分は{MAX_BANDS}個までです（{len(bands)}個あります）。")
    if method == ACHIEVEMENT and not bands:
        return BandProblem("「達成率の区分で評価」には評価区分が1つ以上必要です。")
    marks: set[str] = set()
    for index, (minimum, mark) in enumerate(bands):
        if index and (
            bands[index - 1][0] is None or (minimum is not None and minimum >= bands[index - 1][0])
        ):
            return BandProblem(
                "評価区分は達成率の下限の大きい順に並べ、下限が空欄の区分は最後に置いてください。",
                index,
                "min_rate",
            )
        if mark in marks:
            return BandProblem(
                f"記号「{mark}」が2つの区分で使われています。区分ごとに違う記号にしてください。",
                index,
                "mark",
            )
        marks.add(mark)
    return None
