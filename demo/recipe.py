"""The README's recipe for a Mini Program back end (its Python block in the section on
the external API), as the demo runs it and the Odoo tier tests it: one text, so the
README cannot say what Odoo does not do."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "## Orders from a Mini Program back end (external API)"


def recipe():
    """The first Python block of the README's section on the external API."""
    section = README.read_text(encoding="utf-8").split(HEADING, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
