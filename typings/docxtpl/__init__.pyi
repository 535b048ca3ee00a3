# What thidua uses of docxtpl 0.20 (pinned in pyproject.toml), typed: docxtpl ships no types.
# automation/render.py subclasses DocxTemplate and relies on `docx`, `is_rendered`, `init_docx` and
# `patch_xml` as 0.20.2 defines them; a docxtpl that changes them is kept out by the version bound,
# and tests/test_documents.py proves the reuse byte-identical to a fresh render.
from os import PathLike
from typing import IO, Any

from docx.document import Document
from jinja2 import Environment

class DocxTemplate:
    template_file: IO[bytes] | str | PathLike[str]
    docx: Document | None
    is_rendered: bool
    def __init__(self, template_file: IO[bytes] | str | PathLike[str]) -> None: ...
    def init_docx(self, reload: bool = True) -> None: ...
    def patch_xml(self, src_xml: str) -> str: ...
    def render(self, context: dict[str, Any], jinja_env: Environment | None = None,
               autoescape: bool = False) -> None: ...
    def save(self, filename: IO[bytes] | str | PathLike[str], *args: Any, **kwargs: Any) -> None: ...
    def get_undeclared_template_variables(self, jinja_env: Environment | None = None,
                                          context: dict[str, Any] | None = None) -> set[str]: ...
