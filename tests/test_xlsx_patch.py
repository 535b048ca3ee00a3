"""A sync that patches the job's cells into the sheet XML leaves the workbook openpyxl's whole write
would leave (values, formats, row heights, links), changes no other byte of any cell a unit typed,
and rewrites only the sheets that hold the job's cells."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation import sync as sync_module
from automation.demo import build_demo
from automation.layout import build_layout
from automation.intake import read_intake
from automation.operations import set_up_spreadsheet, sync_once
from automation.settings import load_settings
from automation.sheets import column_letter, xlsx_patch, xlsx_read
from automation.sheets.workbook import Workbook
from automation.sync import sync
from automation.zip_entries import as_stored
from tests.builders import NOW, SUMMARY, TODAY, as_cells, headers, registry, save_workbook, valid_row
from tests.sheet_xml import stored_cells

LATER = NOW + dt.timedelta(days=1, hours=2)
JOB = ("Mã hồ sơ", "Trạng thái", "Nội dung cần sửa", "Văn bản", "Kiểm tra lúc")


@pytest.fixture(autouse=True)
def no_durations(monkeypatch):
    """Nhật ký's row says how long a sync took: the same in both ways of writing, so that they compare."""
    class Clock:
        @staticmethod
        def perf_counter() -> float:
            return 0.0
    monkeypatch.setattr(sync_module, "time", Clock)


@pytest.fixture
def outcomes(monkeypatch):
    """What each write did: 'patched', or why it went through openpyxl."""
    said: list[str] = []
    plain = xlsx_patch.patch

    def patch(*args: Any) -> Any:
        try:
            parts = plain(*args)
        except xlsx_patch.CannotPatch as exc:
            said.append(str(exc))
            raise
        said.append("patched")
        return parts
    monkeypatch.setattr(xlsx_patch, "patch", patch)
    return said


def whole_write(monkeypatch):
    def refuse(*args: Any) -> Any:
        raise xlsx_patch.CannotPatch("this test writes the whole workbook")
    monkeypatch.setattr(xlsx_patch, "patch", refuse)


def both_ways(path: Path, act, monkeypatch, outcomes) -> tuple[Path, Path]:
    """`act(path)` on two copies of the workbook: one written by a patch, one by openpyxl."""
    patched, whole = path.with_name("patched.xlsx"), path.with_name("whole.xlsx")
    shutil.copy(path, patched)
    shutil.copy(path, whole)
    act(patched)
    assert outcomes[-1] == "patched"
    with monkeypatch.context() as m:
        whole_write(m)
        act(whole)
    return patched, whole


def looks(path: Path) -> dict[str, Any]:
    """What a person sees of each tab: every cell's format, the rows' heights, the columns' widths,
    the merged ranges and the links."""
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        cells = {}
        for (r, c), cell in ws._cells.items():
            fill = cell.fill.fgColor.rgb if cell.fill.patternType == "solid" else None
            cells[(r, c)] = (fill, bool(cell.alignment.wrap_text), cell.alignment.vertical, bool(cell.font.b),
                             cell.number_format, cell.hyperlink.target if cell.hyperlink else None)
        out[ws.title] = {
            "cells": {k: v for k, v in cells.items() if v != (None, False, None, False, "General", None)},
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        }
    return out


def assert_same_workbook(a: Path, b: Path) -> None:
    assert stored_cells(a) == stored_cells(b)
    assert looks(a) == looks(b)


def set_up_book(path: Path, schema, campaign, tabs: dict[str, list[list[Any]]]) -> Path:
    save_workbook(path, tabs)
    units = read_intake(Workbook(path).read(), schema, today=TODAY).units
    Workbook(path).setup(build_layout(schema, campaign, units))
    return path


def units_book(tmp_path, schema, campaign) -> Path:
    rows = [valid_row(name=f"Nguyễn Văn {i}", birth_year=1970 + i) for i in range(12)]
    rows[3]["gender"] = "khác"
    rows[5]["copies_submitted"] = 0
    return set_up_book(tmp_path / "thidua.xlsx", schema, campaign, {
        "Đơn vị": registry(("GD", "Gò Dầu"), ("TC", "Tân Châu")),
        "Gò Dầu": [headers(schema)] + [as_cells(schema, r) for r in rows[:8]],
        "Tân Châu": [headers(schema)] + [as_cells(schema, r) for r in rows[8:]],
    })


def edit(path: Path, changes: dict[tuple[str, str], Any]) -> None:
    """A person's edits, saved as an office suite saves them (the whole file)."""
    book = openpyxl.load_workbook(path)
    for (title, ref), value in changes.items():
        book[title][ref].value = value
    book.save(path)


def column_of(path: Path, title: str, header: str) -> str:
    ws = openpyxl.load_workbook(path)[title]
    return column_letter([c.value for c in ws[1]].index(header))


# ------------------------------------------------------------------ the same workbook either way

def test_a_resync_after_edits_is_what_the_whole_write_makes(tmp_path, schema, campaign, monkeypatch, outcomes):
    path = units_book(tmp_path, schema, campaign)
    sync(Workbook(path), campaign, schema, now=NOW)  # the first sync dresses the job's columns: openpyxl
    assert outcomes == ["Tổng hợp changes shape"]  # it is empty yet
    summary, gender = column_of(path, "Gò Dầu", "Tóm tắt thành tích"), column_of(path, "Gò Dầu", "Giới tính")
    edit(path, {("Gò Dầu", f"{summary}3"): SUMMARY * 6,  # a row grows taller
                ("Gò Dầu", f"{gender}5"): "Nam",  # a fault fixed: its message goes
                ("Tân Châu", f"{gender}2"): "?"})  # a new fault: a message comes

    patched, whole = both_ways(path, lambda p: sync(Workbook(p), campaign, schema, now=LATER), monkeypatch, outcomes)
    assert_same_workbook(patched, whole)
    assert looks(patched)["Gò Dầu"]["heights"][3] > 15


def test_the_demo_resynced_after_edits_is_what_the_whole_write_makes(tmp_path, monkeypatch, outcomes):
    """Formulas, merged cells, dates, a blank row, documents and their links, dropdowns: the demo.
    Each way has its own copy of the folder (the workbook and its documents)."""
    settings = build_demo(tmp_path / "demo")
    set_up_spreadsheet(settings)
    sync_once(settings, now=NOW)
    assert settings.workbook is not None and settings.config is not None
    summary = column_of(settings.workbook, "Gò Dầu", "Tóm tắt thành tích")
    copies = column_of(settings.workbook, "P1", "Số bộ hồ sơ bản chính đã nộp")
    links = _links(settings.workbook)
    assert "X2" in links["P1"]
    edit(settings.workbook, {("Gò Dầu", f"{summary}5"): SUMMARY * 3,
                             ("P1", f"{copies}2"): 0})  # its summary goes to Lưu trữ: the link goes
    for way in ("patched", "whole"):
        shutil.copytree(tmp_path / "demo", tmp_path / way)
    sync_once(load_settings(tmp_path / "patched" / settings.config.name), now=LATER)
    assert outcomes[-1] == "patched"
    whole_write(monkeypatch)
    sync_once(load_settings(tmp_path / "whole" / settings.config.name), now=LATER)
    name = settings.workbook.name
    assert_same_workbook(tmp_path / "patched" / name, tmp_path / "whole" / name)
    now = _links(tmp_path / "patched" / name)
    assert "X2" in links["P1"] and "X2" not in now["P1"]  # a link taken away
    assert any(set(now[t]) - set(links[t]) for t in now)  # and one added (a summary the second sync made)


def _links(path: Path) -> dict[str, dict[str, str]]:
    return {ws.title: {c.coordinate: c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink}
            for ws in openpyxl.load_workbook(path).worksheets}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_over_several_syncs_give_what_the_whole_write_gives(tmp_path, schema, campaign, monkeypatch,
                                                                        outcomes, seed):
    rng = random.Random(seed)
    path = units_book(tmp_path, schema, campaign)
    sync(Workbook(path), campaign, schema, now=NOW)
    choices = {"Giới tính": ["Nam", "Nữ", "?"], "Số bộ hồ sơ bản chính đã nộp": [0, 1, 2],
               "Họ và tên / Tên tập thể": ["Nguyễn Văn 1", "Trần Thị Hoa"],
               "Tóm tắt thành tích": [SUMMARY, SUMMARY * 4, "Ngắn."]}
    letters = {h: column_of(path, "Gò Dầu", h) for h in choices}
    for round_ in range(3):
        changes = {}
        for _ in range(rng.randint(1, 5)):
            tab, header = rng.choice(["Gò Dầu", "Tân Châu"]), rng.choice(list(letters))
            changes[(tab, f"{letters[header]}{rng.randint(2, 5)}")] = rng.choice(choices[header])
        edit(path, changes)
        now = LATER + dt.timedelta(hours=round_)
        patched, whole = both_ways(path, lambda p, now=now: sync(Workbook(p), campaign, schema, now=now),
                                   monkeypatch, outcomes)
        assert_same_workbook(patched, whole)
        shutil.copy(patched, path)


# ------------------------------------------------------------------ what a patch touches

def _cell_bytes(path: Path) -> dict[str, dict[int, bytes]]:
    """Each tab's cell elements, byte for byte as the file holds them, by cell key."""
    _, package = xlsx_read.read(path)
    out = {}
    with zipfile.ZipFile(path) as archive:
        for title, index in package.sheets.items():
            data = archive.read(index.part)
            cells = index.cells
            out[title] = {cells[i]: data[cells[i + 1]:cells[i + 2]] for i in range(0, len(cells), 4)}
    return out


def test_an_unchanged_resync_rewrites_one_cell_a_row_and_copies_every_other_part(tmp_path, schema, campaign,
                                                                               outcomes):
    path = units_book(tmp_path, schema, campaign)
    sync(Workbook(path), campaign, schema, now=NOW)
    before = _cell_bytes(path)
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: as_stored(archive, info).data for info in archive.infolist()}

    sync(Workbook(path), campaign, schema, now=LATER)

    assert outcomes[-1] == "patched"
    after = _cell_bytes(path)
    changed = {title: sorted(k for k in after[title] if before[title].get(k) != after[title][k]) for title in after}
    stamp = column_of(path, "Gò Dầu", "Kiểm tra lúc")
    for title, rows in (("Gò Dầu", range(2, 10)), ("Tân Châu", range(2, 6))):
        assert [column_letter(k % xlsx_read.COLUMNS - 1) + str(k // xlsx_read.COLUMNS) for k in changed[title]] == [
            f"{stamp}{r}" for r in rows]  # the time of the check, nothing else
        assert set(before[title]) == set(after[title])
    assert len(changed["Tổng hợp"]) == 1  # "Cập nhật lúc"
    assert len(after["Nhật ký"]) - len(before["Nhật ký"]) == len(openpyxl.load_workbook(path)["Nhật ký"][1])
    with zipfile.ZipFile(path) as archive:
        rewritten = {info.filename for info in archive.infolist() if as_stored(archive, info).data != entries[
            info.filename]}
        assert set(entries) == set(archive.namelist())
    _, package = xlsx_read.read(path)
    assert rewritten == {package.sheets[t].part for t in ("Gò Dầu", "Tân Châu", "Tổng hợp", "Nhật ký")}


def test_cells_the_units_typed_keep_every_byte_when_their_flags_change(tmp_path, schema, campaign, outcomes):
    path = units_book(tmp_path, schema, campaign)
    sync(Workbook(path), campaign, schema, now=NOW)
    gender = column_of(path, "Gò Dầu", "Giới tính")
    edit(path, {("Gò Dầu", f"{gender}2"): "?", ("Gò Dầu", f"{gender}5"): "Nữ"})
    before = _cell_bytes(path)
    job = {column_of(path, "Gò Dầu", h) for h in JOB}

    sync(Workbook(path), campaign, schema, now=LATER)

    assert outcomes[-1] == "patched"
    after = _cell_bytes(path)
    for title in ("Gò Dầu", "Tân Châu", "Đơn vị"):
        typed = {k: v for k, v in before[title].items() if column_letter(k % xlsx_read.COLUMNS - 1) not in job}
        assert typed and all(after[title][k] == v for k, v in typed.items())


# ------------------------------------------------------------------ when the whole write it is

@pytest.mark.parametrize("change, reason", [
    ("nothing", "patched"),
    ("a unit added", "new job columns"),
    ("a header renamed", "a notice in a header row"),
])
def test_what_a_patch_leaves_to_the_whole_write(tmp_path, schema, campaign, outcomes, change, reason):
    path = units_book(tmp_path, schema, campaign)
    sync(Workbook(path), campaign, schema, now=NOW)
    book = openpyxl.load_workbook(path)
    if change == "a unit added":
        book["Đơn vị"].append(["BC", "Đơn vị BC", "Bến Cầu", "bc@vks.vn", "VKS cấp huyện"])
        ws = book.create_sheet("Bến Cầu")
        ws.append(headers(schema))
        ws.append(as_cells(schema, valid_row(name="Võ Văn Em")))
    elif change == "a header renamed":
        book["Tân Châu"][f"{column_of(path, 'Tân Châu', 'Họ và tên / Tên tập thể')}1"].value = "Tên người"
    book.save(path)

    sync(Workbook(path), campaign, schema, now=LATER)

    assert outcomes[-1] == reason
