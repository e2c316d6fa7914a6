"""Page weight of every lesson and test page, first visit, as served (brotli), both languages.

Run: .venv/bin/python bench/page_weight.py            (writes bench/page-weight.md)
The budget (issue #2): at most 30 KB and 5 requests. tests/test_page_weight.py enforces it.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.course import get_course  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from tests.conftest import REAL_CONTENT, create_schema, make_app, sign_in  # noqa: E402
from tests.test_page_weight import first_visit  # noqa: E402


def main() -> None:
    app = make_app(REAL_CONTENT)
    rows = []
    with app.app_context():
        create_schema()  # the tables, stamped as migrated: `flask demo` checks the schema first
        app.test_cli_runner().invoke(args=["demo"])
        client = app.test_client()
        sign_in(client, db.session.scalar(db.select(User).where(User.login_code == "aigul")))
        for lang in ("kk", "ru"):
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/learn/").get_data(as_text=True))
            client.post("/language", data={"lang": lang, "csrf_token": token.group(1)})
            for level in get_course().levels:
                for item in (level.pretest, *level.lessons, level.posttest):
                    if item is level.posttest:
                        continue  # locked for a new learner; same template as the pre-test
                    size, requests = first_visit(client, f"/learn/{level.id}/{item.id}")
                    rows.append((lang, f"{level.id}/{item.id}", size, requests))
    worst = max(rows, key=lambda r: r[2])
    lines = ["# Page weight: lesson and test pages, first visit", "",
             "Command: `.venv/bin/python bench/page_weight.py` (brotli bodies + 400 B of headers per response,",
             "as served by the app; the browser measurement with `shared/tools/page-audit` is below).", "",
             "| lang | page | bytes | requests |", "|---|---|---:|---:|"]
    lines += [f"| {lang} | {page} | {size:,} | {req} |" for lang, page, size, req in rows]
    lines += ["", f"Largest: {worst[1]} ({worst[0]}), {worst[2]:,} bytes in {worst[3]} requests. Budget: 30,720 bytes, 5 requests."]
    out = Path(__file__).with_name("page-weight.md")
    previous = out.read_text(encoding="utf-8") if out.exists() else ""
    browser = previous[previous.find("## In a browser"):] if "## In a browser" in previous else ""
    out.write_text("\n".join(lines) + "\n\n" + browser, encoding="utf-8")
    print("\n".join(lines[-1:]))


if __name__ == "__main__":
    main()
