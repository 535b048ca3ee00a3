"""Record ids: assigned once, kept, never reused; a copied row gets a new one (automation.record_ids)."""

from __future__ import annotations

from automation.intake import find_tab, read_intake
from automation.record_ids import IdRegister
from tests.builders import TODAY, MemorySheet, as_cells, headers, registry, valid_row


def assigned(schema, rows_by_tab, summary=None):
    tabs = {"Đơn vị": registry(*((t.split("-")[0], t) for t in rows_by_tab))}
    for tab, rows in rows_by_tab.items():
        header = [*headers(schema), "Mã hồ sơ"]
        tabs[tab] = [header] + [as_cells(schema, valid_row(name=f"Người {i}")) + [rid] for i, rid in enumerate(rows)]
    if summary:
        tabs["Tổng hợp"] = summary
    snapshot = MemorySheet(tabs).read()
    intake = read_intake(snapshot, schema, today=TODAY)
    return IdRegister.read(find_tab(snapshot, "Tổng hợp")).assign(intake.nominations, intake.units)


def ids_of(schema, rows_by_tab, summary=None):
    ids, register = assigned(schema, rows_by_tab, summary)
    return [ids[key] for key in sorted(ids, key=lambda k: (list(rows_by_tab).index(k[0]), k[1]))], register.issued


def test_new_rows_get_unit_code_and_a_four_digit_sequence(schema):
    assert ids_of(schema, {"P1": [None, None, None]})[0] == ["P1-0001", "P1-0002", "P1-0003"]


def test_assigned_ids_are_kept_and_new_ones_continue_after_the_highest(schema):
    ids, issued = ids_of(schema, {"P1": ["P1-0007", None, "P1-0002"]})
    assert ids == ["P1-0007", "P1-0008", "P1-0002"] and issued["P1"] == 8


def test_a_copied_row_keeps_the_first_id_and_the_copy_gets_a_new_one(schema):
    assert ids_of(schema, {"P1": ["P1-0003", "P1-0003"]})[0] == ["P1-0003", "P1-0004"]


def test_ids_of_deleted_rows_are_never_reused(schema):
    """P1-0009 was deleted; Tổng hợp remembers that 9 were issued."""
    summary = [["Mã đơn vị", "Số mã hồ sơ đã cấp"], ["P1", 9]]
    assert ids_of(schema, {"P1": ["P1-0001", None]}, summary)[0] == ["P1-0001", "P1-0010"]


def test_a_row_moved_to_another_unit_keeps_its_id_and_copies_across_tabs_do_not(schema):
    ids, _ = ids_of(schema, {"P1": ["P1-0001"], "P2": ["P1-0001", "P2-0001"]})
    assert ids == ["P1-0001", "P2-0002", "P2-0001"]


def test_garbage_in_the_id_column_is_replaced(schema):
    assert ids_of(schema, {"P1": ["abc", "p1-0004", 12]})[0] == ["P1-0005", "P1-0004", "P1-0006"]
