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
PAGES = {"to_trinh.docx": (1, 3), "quyet_dinh.docx": (1, 3), "tom_tat_ca_nhan.docx": (1,),
         "tom_tat_tap_the.docx": (1,)}


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
        specs = documents_for(evaluation.verdicts.values(), campaign, evaluation.report.started.date(),
                               renderer.digests(TEMPLATES.values()), individual=schema.individual)
        chosen = {}
        for spec in specs:
            chosen.setdefault(spec.template, spec)
        DOCS.mkdir(exist_ok=True)
        for name, spec in chosen.items():
            source = work / name
            source.write_bytes(renderer.render(spec.template, spec.context))
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(source)],
                           check=True, capture_output=True, timeout=300)
            for page in PAGES[name]:
                target = DOCS / f"{source.stem}-trang-{page}"
                subprocess.run([pdftoppm, "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                                str(source.with_suffix(".pdf")), str(target)], check=True, timeout=120)
                print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
