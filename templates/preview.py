"""Renders one document of each template from the demo and writes page images to docs/.

    make previews        (needs LibreOffice: apt-get install libreoffice-writer poppler-utils)

So reviewers can see the documents without Word. Uses the demo's own data, so the pictures
show what `make demo` produces.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.connect import load_rules, open_spreadsheet  # noqa: E402
from automation.demo import build_demo  # noqa: E402
from automation.demo_yearly import build_yearly_demo  # noqa: E402
from automation.documents import TEMPLATES, documents_for  # noqa: E402
from automation.operations import run_demo  # noqa: E402
from automation.render import Renderer  # noqa: E402
from automation.sync import evaluate  # noqa: E402

DOCS = ROOT / "docs"
# One document of each kind, as a văn thư would check them: (image name, which document, pages).
CHOSEN = (
    ("to_trinh", lambda s: s.doc_id == "submission:labour_order", (1, 2, 3)),  # an order, listed by class
    ("quyet_dinh", lambda s: s.template == "quyet_dinh.docx", (1, 2, 3)),
    ("tom_tat_ca_nhan-huyen", lambda s: s.template == "tom_tat_ca_nhan.docx"
     and s.context["unit"]["name"].startswith("VIỆN KIỂM SÁT"), (1,)),  # a district: its own seal
    ("tom_tat_ca_nhan-phong", lambda s: s.template == "tom_tat_ca_nhan.docx"
     and s.context["unit"]["name"].startswith("PHÒNG"), (1,)),  # a department: the province seals
    ("tom_tat_tap_the", lambda s: s.template == "tom_tat_tap_the.docx", (1,)),
    # The yearly merit campaign: section III lists the titles and awards the register holds.
    ("tom_tat_cong_trang", lambda s: s.template == "tom_tat_ca_nhan.docx" and s.context["history"]["shown"], (1, 2)),
)
YEARLY_NOW = dt.datetime(2026, 4, 1, 9, 0)


def main() -> None:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        sys.exit("previews need LibreOffice and poppler-utils: apt-get install libreoffice-writer poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        settings = build_demo(work / "demo")
        campaign, schema = load_rules(settings)
        evaluation = evaluate(open_spreadsheet(settings), campaign, schema)
        renderer = Renderer()
        specs = documents_for(evaluation.verdicts.values(), campaign, schema, renderer.digests(TEMPLATES.values()))
        DOCS.mkdir(exist_ok=True)
        for old in DOCS.glob("*-trang-*.png"):
            old.unlink()
        yearly = build_yearly_demo(work / "cong-trang")  # a summary with its section III, from the register
        campaign, schema = load_rules(yearly)
        evaluation = evaluate(open_spreadsheet(yearly), campaign, schema, now=YEARLY_NOW)
        specs += [s for s in documents_for(evaluation.verdicts.values(), campaign, schema,
                                           renderer.digests(TEMPLATES.values()), with_history=True)
                  if s.template == "tom_tat_ca_nhan.docx" and s.context["award"].startswith("Huân chương")]
        for name, wanted, pages in CHOSEN:
            spec = next(s for s in specs if wanted(s))
            source = work / f"{name}.docx"
            source.write_bytes(renderer.render(spec.template, spec.context))
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                           check=True, capture_output=True, timeout=300)
            for page in pages:
                target = DOCS / f"{name}-trang-{page}"
                subprocess.run([pdftoppm, "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                                str(source.with_suffix(".pdf")), str(target)], check=True, timeout=120)
                print(f"wrote {target}.png")
        sheets(work / "synced", soffice, pdftoppm)


# The workbook as the Office prints it: (image name, tab, page of that tab's printout).
SHEETS = (("bang-tinh-don-vi", "P1", 1), ("bang-tinh-don-vi-cot-chuong-trinh", "P1", 4), ("tong-hop", "Tổng hợp", 1))


def sheets(folder: Path, soffice: str, pdftoppm: str) -> None:
    """Page images of a unit tab and of Tổng hợp after the demo's sync, printed with the settings
    `thidua setup` gave them (each tab alone: a copy with the other tabs hidden)."""
    import openpyxl

    settings, _ = run_demo(folder)
    assert settings.workbook is not None
    for name, title, page in SHEETS:
        book = openpyxl.load_workbook(settings.workbook)
        for ws in book.worksheets:
            ws.sheet_state = "visible" if ws.title == title else "hidden"
            ws.sheet_view.tabSelected = ws.title == title
        book.active = book.sheetnames.index(title)
        source = folder / f"{name}.xlsx"
        book.save(source)
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                       check=True, capture_output=True, timeout=300)
        target = DOCS / name
        subprocess.run([pdftoppm, "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(source.with_suffix(".pdf")), str(target)], check=True, timeout=120)
        print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
