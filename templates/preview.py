"""Renders one document of each template from the demo and writes page images to docs/.

    make previews        (needs LibreOffice: apt-get install libreoffice-writer poppler-utils)

So reviewers can see the documents without Word. Uses the demo's own data, so the pictures
show what `make demo` produces.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from automation.connect import load_rules, open_spreadsheet  # noqa: E402
from automation.demo import build_demo  # noqa: E402
from automation.documents import TEMPLATES, documents_for  # noqa: E402
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
)


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


if __name__ == "__main__":
    main()
