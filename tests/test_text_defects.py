"""Each defect the word rules look for, injected into a copy of a shared document, is found with its page.

Two ways in, one nightly build:
- the raw files the importer writes for the social work department's PDF, edited where the rules read them
  (the texts, the figures, the printed tables) and loaded through the bulk path (`--raw-dir`);
- a small PDF laid out like a 情况说明 (built here with reportlab, its Chinese set in the CID font
  STSong-Light) dropped in the inbox, so the importer itself reads the defects from a text layer.
The unedited document (the real PDFs' nightly build) raises none of the injected findings.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from budget_warehouse.pdf_import.importer import import_document
from budget_warehouse.pdf_import.write_raw import write_document
from budget_warehouse.validate import GATE_FAILED
from tests.conftest import PDF_DIR, run_in

SOCIAL_WORK = "2024-中共上海市普陀区委社会工作部"
SOCIAL_WORK_PDF = PDF_DIR / "shanghai_putuo_social_work_dept_2024_final_accounts.pdf"
MADE_UP = "2024-上海市普陀区示例局"
CJK_FONT = "STSong-Light"
# The documents print full-width brackets, commas and colons; written here in ASCII, made full-width by zh().
FULL_WIDTH = str.maketrans({"(": "\uff08", ")": "\uff09", ",": "\uff0c", ":": "\uff1a"})


def zh(text: str) -> str:
    return text.translate(FULL_WIDTH)


# (raw kind, id column, id, column, printed text, injected text): one defect each
TEXT_EDITS = [
    # TXT-03: the part heading names another year
    (
        "raw_document_texts",
        "text_id",
        "X014",
        "text_printed",
        "2024年度部门决算情况说明",
        "2023年度部门决算情况说明",
    ),
    # TXT-04: a part heading names another department
    (
        "raw_document_texts",
        "text_id",
        "X003",
        "text_printed",
        "中共上海市普陀区委社会工作部",
        "上海市普陀区财政局",
    ),
    # TXT-05: a placeholder left in
    ("raw_document_texts", "text_id", "X042", "text_printed", "财政拨款支出。", "财政拨款支出。XXX。"),
    # TXT-05: both alternatives of the template left in
    ("raw_document_texts", "text_id", "X051", "text_printed", "增长100.00%", zh("增长(下降)100.00%")),
    # TXT-06: a share printed without its % sign
    ("raw_document_texts", "text_id", "X020", "text_printed", "占34.30%", "占34.30"),
    # TXT-07: the 人员经费 list names 奖励金, which T6 prints as 0.00
    (
        "raw_document_texts",
        "text_id",
        "X040",
        "text_printed",
        zh("主要包括:基本工资"),
        zh("主要包括:奖励金、基本工资"),
    ),
    # TXT-01: 事业运行 11.31 against a 全年预算 of 17.68 said to be above it
    ("raw_narrative_figures", "figure_id", "N08-09", "direction_word", "小于", "大于"),
    # TXT-02: the 机关运行经费 change 增加 10.23 万元 said to be a decrease (its percent still says 增长)
    ("raw_narrative_figures", "figure_id", "N15-02", "direction_word", "增加", "减少"),
    # CMP-04: a required table missing from the document
    ("raw_printed_tables", "table_code", "T3", "status", "printed", "not_found"),
]

# (rule, subject, page): what each edit must raise, and where the steward is sent to look
EXPECTED_FROM_RAW = [
    ("CMP-04", "T3", None),  # a table not printed has no page: the finding names it
    ("TXT-01", "2013950:N08-09", 18),
    # both halves of the change now contradict each other: 减少 10.23 万元 against 增长 100.00%
    ("TXT-02", "admin_operating_cost:change_amount:N15-02", 21),
    ("TXT-02", "admin_operating_cost:change_pct:N15-03", 21),
    ("TXT-03", "X014:1:X014", 17),
    ("TXT-04", "heading:X003", 4),
    ("TXT-05", "sentence:X042", 20),
    ("TXT-05", "sentence:X051", 21),
    ("TXT-06", "sentence:X020", 17),
    ("TXT-07", "人员经费:奖励金:X040", 20),
]


def _edit_raw_folder(folder: Path) -> None:
    for kind, id_column, row_id, column, printed, injected in TEXT_EDITS:
        (path,) = folder.glob(f"{kind}__*.csv")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = list(reader)
        (row,) = [row for row in rows if row[id_column] == row_id]
        assert printed in row[column], (kind, row_id, row[column])
        row[column] = row[column].replace(printed, injected, 1)
        if kind == "raw_printed_tables":
            row.update(page_first="", page_last="", columns_printed="")
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)


def _made_up_pdf(path: Path) -> None:
    """Four A4 pages: a cover, part one with a table title, then 第三部分 with three defects on pages 3
    and 4."""
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pages = [
        [(160, 500, 22, "上海市普陀区示例局"), (170, 460, 22, "2024年度部门决算")],
        [
            (72, 780, 14, "第一部分 上海市普陀区示例局概况"),
            (96, 750, 12, "本部门主要职能是开展示例工作。"),
            # a table title and its unit line: the unit of the document's amounts (its table is not printed)
            (220, 600, 14, "收入支出决算总表"),
            (440, 580, 10, zh("单位:万元")),
        ],
        [
            (72, 780, 14, "第三部分 上海市普陀区示例局2024年度部门决算情况说明"),
            (72, 750, 12, "一、收入支出决算总体情况说明"),
            (96, 725, 12, zh("上海市普陀区示例局2024年度收入支出总计100.00万元。与2023年度相比,")),
            # TXT-02: 增加 10.00 万元 and, for the same change, 下降 11.11%
            (72, 705, 12, zh("收入支出总计增加10.00万元,下降11.11%。主要原因是业务量增加。")),
            # TXT-05: both alternatives of the template left in
            (96, 680, 12, zh("本年收入合计100.00万元,比上年增长(下降)10.00万元。")),
        ],
        [
            # TXT-03: a section heading naming another year
            (72, 780, 12, "二、2023年度收入决算情况说明"),
            (96, 755, 12, zh("本年收入合计100.00万元,其中:财政拨款收入100.00万元,占100.00%。")),
            (72, 720, 14, "第四部分 名词解释"),
        ],
    ]
    for lines in pages:
        for x, y, size, text in lines:
            pdf.setFont(CJK_FONT, size)
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("text_defects")
    raw = tmp_path / "edited_raw"
    write_document(import_document(SOCIAL_WORK_PDF), raw)
    _edit_raw_folder(raw)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _made_up_pdf(inbox / "made_up_department_2024.pdf")
    warehouse = tmp_path / "budget_warehouse.duckdb"
    code, out, err = run_in(tmp_path, inbox, warehouse, "--raw-dir", str(raw))
    assert code in (0, GATE_FAILED), out[-3000:] + err[-3000:]
    return warehouse


def _failing(warehouse: Path, disclosure: str) -> list[tuple[str, str, int | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            (rule, subject, page)
            for rule, subject, page in connection.execute(
                "select rule_id, subject, evidence_page from marts.fct_identity_checks "
                "where disclosure_id = ? and status = 'fail' "
                "and (rule_id like 'TXT-%' or rule_id = 'CMP-04') "
                "order by 1, 2",
                [disclosure],
            ).fetchall()
        ]


def test_each_defect_edited_into_the_raw_files_is_found_with_its_page(injected: Path) -> None:
    failing = _failing(injected, SOCIAL_WORK)
    # the document's own warning stays: its 公用经费 list names 邮电费, which T6 prints as 0.00
    assert failing == sorted([*EXPECTED_FROM_RAW, ("TXT-07", "公用经费:邮电费:X040", 20)])


def test_each_defect_printed_in_a_pdf_is_found_with_its_page(injected: Path) -> None:
    with duckdb.connect(str(injected), read_only=True) as connection:
        rows = connection.execute(
            "select rule_id, evidence_page, provided_value, evidence_quote, source_document "
            "from marts.fct_identity_checks where disclosure_id = ? and status = 'fail' "
            "and rule_id like 'TXT-%' "
            "order by 1",
            [MADE_UP],
        ).fetchall()
    assert [(rule, page) for rule, page, *_ in rows] == [
        ("TXT-02", 3),
        ("TXT-02", 3),
        ("TXT-03", 4),
        ("TXT-05", 3),
    ]
    by_rule = {rule: (value, quote, document) for rule, _, value, quote, document in rows}
    assert by_rule["TXT-03"][0] == Decimal(2023)
    assert "2023年度收入决算情况说明" in by_rule["TXT-03"][1]
    assert zh("增长(下降)") in by_rule["TXT-05"][1]
    assert {document for _, _, document in by_rule.values()} == {"made_up_department_2024.pdf"}


def test_the_unedited_document_raises_none_of_them(
    pdf_nightly: tuple[Path, Path, tuple[int, str, str]],
) -> None:
    _, warehouse, _ = pdf_nightly
    assert _failing(warehouse, SOCIAL_WORK) == [("TXT-07", "公用经费:邮电费:X040", 20)]
