"""The certificate as a one-page PDF (fpdf2, DejaVu Sans embedded: any name prints, no browser).

It carries the learner's name, what was achieved, the dates, the score and the
verification code with the address where anyone can check it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fpdf import FPDF

from academy.programme.config import app_url
from academy.store import Certificate, format_code

FONTS = Path(__file__).resolve().parent / "fonts"
ORGANISATION = "Customer Service Academy"
TEAL = (15, 118, 110)
GREY = (71, 85, 105)


def verify_url(code: str) -> str:
    return f"{app_url()}/verify/{format_code(code)}"


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def render(certificate: Certificate, *, verify_url: str) -> bytes:
    """The PDF's bytes."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(f"Certificate: {certificate.title}")
    pdf.set_author(ORGANISATION)
    pdf.set_creator(ORGANISATION)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w - 40

    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    pdf.set_xy(20, 30)
    pdf.set_text_color(*TEAL)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(width, 8, ORGANISATION.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.set_font("DejaVu", "B", 30)
    pdf.cell(width, 20, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "", 13)
    pdf.set_x(20)
    pdf.cell(width, 12, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(15, 23, 42)
    pdf.set_font("DejaVu", "B", 26)
    pdf.set_x(20)
    pdf.multi_cell(width, 14, certificate.learner_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "", 13)
    pdf.set_x(20)
    pdf.cell(width, 12, "has completed", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(15, 23, 42)
    pdf.set_font("DejaVu", "B", 20)
    pdf.set_x(20)
    pdf.multi_cell(width, 11, certificate.title, align="C", new_x="LMARGIN", new_y="NEXT")

    details = [f"Issued {_day(certificate.issued_at)}"]
    if certificate.expires_at is not None:
        details.append(f"valid until {_day(certificate.expires_at)}")
    if certificate.score is not None:
        details.append(f"score {certificate.score:.0%}")
    pdf.ln(4)
    pdf.set_text_color(*GREY)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_x(20)
    pdf.cell(width, 8, " · ".join(details), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_xy(20, pdf.h - 42)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(*TEAL)
    pdf.cell(width, 7, f"Verification code {format_code(certificate.code)}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*GREY)
    pdf.set_x(20)
    pdf.cell(width, 6, f"Check it at {verify_url}", align="C", link=verify_url)
    return bytes(pdf.output())
