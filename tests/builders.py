"""What tests build their inputs from: rows that pass every rule, registries, in-memory and .xlsx sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from automation.nomination import Nomination, Unit
from automation.cells import parse_cell
from automation.schema import Schema
from automation.sheets import SheetUpdate, Snapshot, TabData, column_letter

TODAY = dt.date(2021, 12, 20)
NOW = dt.datetime(2021, 12, 20, 9, 30)
DATA = Path(__file__).parent / "data"
GIAY_KHEN = "Giấy khen của Viện trưởng VKSND tỉnh"
HCLD = "Huân chương Lao động"
BK_TTG = "Bằng khen của Thủ tướng Chính phủ"
BK_VKSTC = "Bằng khen của Viện trưởng VKSND tối cao"
SUMMARY = ("Trực tiếp tham gia 45 ngày tại chốt kiểm soát dịch trên địa bàn huyện Gò Dầu, hỗ trợ tiêm vắc xin "
           "và vận chuyển nhu yếu phẩm cho người dân vùng phong tỏa; được Ủy ban nhân dân tỉnh ghi nhận.")


def valid_row(**changes: Any) -> dict[str, Any]:
    """A row (by column key) that passes every rule of 515/KH-VKS; change what a test needs."""
    row = {
        "seq": 1, "subject_type": "Cá nhân", "name": "Nguyễn Văn An", "gender": "Nam", "birth_year": 1980,
        "position": "Kiểm sát viên trung cấp", "workplace": "VKSND huyện Gò Dầu", "award": GIAY_KHEN,
        "category": "Trực tiếp tham gia, hỗ trợ phòng, chống dịch", "scope": "Địa phương",
        "material_contribution": None, "summary": SUMMARY, "copies_submitted": 1, "head_confirmed": True,
        "proposed_on": dt.datetime(2021, 11, 15), "note": None, "office_review": "Đồng ý",
    }
    row.update(changes)
    return row


UNIT = Unit("GD", "VKSND huyện Gò Dầu", "Gò Dầu", (), "VKS cấp huyện", 2)


def nomination(schema: Schema, row: dict[str, Any] | None = None, *, tab: str = "Gò Dầu", number: int = 2,
               merged: tuple[str, ...] = (), drop: tuple[str, ...] = ()) -> Nomination:
    """A nomination read from `row`; `drop`: columns its tab does not have."""
    row = valid_row() if row is None else row
    cells = {c.key: parse_cell(c, row.get(c.key), today=TODAY) for c in schema.nomination_columns
             if c.key not in drop}
    return Nomination(UNIT, tab, number, cells, {}, merged)


def headers(schema: Schema) -> list[str]:
    return [c.header for c in schema.unit_columns + schema.office_columns]


def letter(schema: Schema, key: str) -> str:
    """The column letter of `key` in a unit tab as the builders lay it out (unit, Office, flag columns)."""
    keys = [c.key for c in schema.unit_columns + schema.office_columns + schema.flag_columns]
    return column_letter(keys.index(key))


def as_cells(schema: Schema, row: dict[str, Any]) -> list[Any]:
    return [row.get(c.key) for c in schema.unit_columns + schema.office_columns]


REGISTRY_HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên tab", "Email được sửa", "Loại đơn vị"]


def registry(*units: tuple[str, str]) -> list[list[Any]]:
    return [REGISTRY_HEADER] + [[code, f"Đơn vị {code}", tab, f"{code.lower()}@vks.vn", "VKS cấp huyện"]
                                for code, tab in units]


class MemorySheet:
    """A spreadsheet held in memory: the pipeline without any file, for pure tests."""

    name = "memory"

    def __init__(self, tabs: dict[str, list[list[Any]]], merges: dict[str, tuple] | None = None) -> None:
        self.tabs, self.merges, self.updates = tabs, merges or {}, []

    def read(self) -> Snapshot:
        return Snapshot({t: TabData(t, rows, self.merges.get(t, ())) for t, rows in self.tabs.items()})

    def write(self, update: SheetUpdate) -> None:
        self.updates.append(update)

    def setup(self, layout: Any) -> list[str]:
        return []


def save_workbook(path: Path, tabs: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx with the given tabs, rows as lists (row 1 first)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in tabs.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c).value = value
    book.save(path)
    return path


def read_workbook(path: Path) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
