"""The briefing deck: same slides as 汇报模式, native charts, CJK fonts on every run, no personal data,
and (when LibreOffice is installed) a rendering check through PDF and PNG."""
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from sqlalchemy import select

from conftest import ARTIFACTS, unavailable
from lib import cli, db, demo, schema
from lib.briefing import briefing_pptx, build_slides, to_pptx
from lib.narrative import SLIDES
from lib.scope import Scope
from tiny_db import AS_OF

DEMO_AS_OF = date(2018, 12, 31)


@pytest.fixture(scope="module")
def demo_engine(demo_url):
    return db.make_engine(demo_url)


@pytest.fixture(scope="module")
def demo_deck(demo_engine) -> bytes:
    return briefing_pptx(demo_engine, scope=Scope.all(), as_of=DEMO_AS_OF, scope_name="全区", is_demo=True)


def parts_xml(prs):
    """Yield (name, xml element) of every slide and every chart part."""
    for slide in prs.slides:
        yield slide.part.partname, slide.shapes._spTree
        for shape in slide.shapes:
            if shape.has_chart:
                yield shape.chart.part.partname, shape.chart._chartSpace


def all_text(prs) -> str:
    out = []
    for _, el in parts_xml(prs):
        out += [t.text or "" for t in el.iter(qn("a:t"))]
        out += [v.text or "" for v in el.iter(qn("c:v"))]
    return "\n".join(out)


def test_deck_has_one_slide_per_chosen_slide_in_order(tiny_engine):
    deck = build_slides(tiny_engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区", slides=["coverage", "title"])
    assert [s.key for s in deck.slides] == ["coverage", "title"]
    prs = Presentation(io.BytesIO(to_pptx(deck)))
    assert len(prs.slides) == 2
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, abs=0.01)


def test_demo_deck_has_native_charts_on_every_chart_slide(demo_deck):
    prs = Presentation(io.BytesIO(demo_deck))
    assert len(prs.slides) == len(SLIDES)
    charts = {i: [s.chart for s in slide.shapes if s.has_chart] for i, slide in enumerate(prs.slides)}
    # coverage, outflow, services, satisfaction, cadres carry one editable chart each
    assert [len(charts[i]) for i in range(len(SLIDES))] == [0, 0, 1, 1, 1, 1, 1, 0]
    coverage = charts[2][0]
    assert coverage.chart_title.text_frame.text.startswith("各乡镇（街道）非公企业党组织覆盖率")
    assert len(list(coverage.plots[0].categories)) == 16
    services = charts[4][0]
    # every ticket the demo generates for 2018 (37,146 certificate + 7,531 other matters), as in the KPI row
    assert sum(services.plots[0].series[0].values) == 44_677 == sum(demo.TICKETS_PER_YEAR[2018])


def test_every_run_of_text_has_an_east_asian_font(demo_deck, tiny_engine):
    tiny = briefing_pptx(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF, scope_name="甲镇")
    for content in (demo_deck, tiny):
        prs = Presentation(io.BytesIO(content))
        runs = 0
        for name, el in parts_xml(prs):
            for r in el.iter(qn("a:r")):
                runs += 1
                rpr = r.find(qn("a:rPr"))
                assert rpr is not None, name
                ea = rpr.find(qn("a:ea"))
                assert ea is not None and ea.get("typeface") == "Microsoft YaHei", (name, r.findtext(qn("a:t")))
            for rpr in el.iter(qn("a:defRPr")):
                assert rpr.find(qn("a:ea")) is not None, name
        assert runs > 50


def test_title_and_footer_carry_the_as_of_date_and_source(demo_deck):
    prs = Presentation(io.BytesIO(demo_deck))
    text0 = all_text(prs)
    assert "梁园区基层党建工作情况汇报" in text0
    for slide in prs.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert "数据截至 2018-12-31　数据来源：基层党建态势看板（演示数据）" in texts
    assert "1 / 8" in text0 and "8 / 8" in text0


def test_deck_carries_no_personal_data(tiny_engine):
    content = briefing_pptx(tiny_engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区")
    text = all_text(Presentation(io.BytesIO(content)))
    with tiny_engine.connect() as conn:
        people = [tuple(r) for t in (schema.member, schema.outflow, schema.cadre)
                  for r in conn.execute(select(t.c.name, t.c.id_number))]
    assert people
    for name, id_number in people:
        assert name not in text and id_number not in text
    assert not re.search(r"\d{17}[\dX]", text) and not re.search(r"1\d{10}", text)
    # 4 outflow members, 2 at risk, 4 cadres: small cells of people show as <5 on the tiles
    assert text.count("<5") >= 3
    assert "不足5名" in text


def test_briefing_command_writes_the_chosen_slides(tiny_url, tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert cli.main(["briefing", "--db", tiny_url, "--township", "T1", "--as-of", "2018-06-30",
                     "--slides", "title,coverage,closing", "--out", str(out)]) == 0
    prs = Presentation(str(out))
    assert len(prs.slides) == 3
    assert "甲镇基层党建工作情况汇报" in all_text(prs)
    assert "3 页" in capsys.readouterr().err


def test_briefing_command_rejects_unknown_slides_and_townships(tiny_url, tmp_path, capsys):
    assert cli.main(["briefing", "--db", tiny_url, "--slides", "title,nope", "--out", str(tmp_path / "x.pptx")]) == 2
    assert "未知的页面：nope" in capsys.readouterr().err
    assert cli.main(["briefing", "--db", tiny_url, "--township", "T9", "--out", str(tmp_path / "x.pptx")]) == 2
    assert not (tmp_path / "x.pptx").exists()


def test_deck_renders_in_libreoffice_without_tofu_or_overflow(demo_deck, tmp_path):
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not soffice or not pdftoppm:
        unavailable("LibreOffice (libreoffice-impress) and poppler-utils are needed to render the deck")
    src = tmp_path / "briefing.pptx"
    src.write_bytes(demo_deck)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.exists()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+8", info)
    # no tofu: the Chinese text is set in a CJK font that has the glyphs
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|YaHei|WenQuanYi|SourceHan", fonts), fonts
    # every word lies inside its page
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
    assert len(pages) == 8
    for w, h, body in pages:
        for x0, y0, x1, y1 in re.findall(r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)"', body):
            assert -1 <= float(x0) and float(x1) <= float(w) + 1 and -1 <= float(y0) and float(y1) <= float(h) + 1
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "两新组织覆盖" in text and "讲解要点" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(ARTIFACTS / "briefing")], check=True, timeout=120)
    assert len(list(ARTIFACTS.glob("briefing-*.png"))) >= 8
