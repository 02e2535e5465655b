"""Workbooks no spreadsheet program writes, built by hand as the attacks on the imports were:
tiny files that unpack to millions of cells or strings, or to one enormous text. Used by the
tests (small versions) and by bench/hostile_files.py (the full sizes)."""

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def workbook(sheet_data: bytes, shared_strings: bytes | None = None) -> bytes:
    """A minimal xlsx whose one sheet's <sheetData> holds `sheet_data` (rows of cells), with
    a shared strings part holding `shared_strings` (<si> items) when given."""
    strings_override = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
        if shared_strings is not None
        else ""
    )
    strings_relationship = (
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings is not None
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0"?><Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
            f"{strings_override}</Types>"
        ).encode(),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet1.xml"/>{strings_relationship}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
            + sheet_data
            + b"</sheetData></worksheet>"
        ),
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode() + shared_strings + b"</sst>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>ref</t></is></c></row>'


def one_row_of_empty_cells(cells: int) -> bytes:
    """A header, then one row of `cells` empty cells (the 91 KB file had 23 million)."""
    return workbook(HEADER + b'<row r="2">' + b"<c/>" * cells + b"</row>")


def many_cells(rows: int, cells_per_row: int) -> bytes:
    """A header, then `rows` rows of `cells_per_row` empty cells each."""
    row = b"<c/>" * cells_per_row
    return workbook(
        HEADER + b"".join(b'<row r="%d">' % n + row + b"</row>" for n in range(2, rows + 2))
    )


def many_shared_strings(strings: int) -> bytes:
    """A sheet of two cells whose shared strings part holds `strings` empty strings (the 229 KB
    file had 5.5 million)."""
    sheet = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    )
    return workbook(sheet, shared_strings=b"<si><t>ref</t></si>" + b"<si><t/></si>" * strings)


def one_long_string(characters: int, *, shared: bool) -> bytes:
    """A header and one cell holding a text of `characters` letters (the attack's was 95 MB),
    as a shared string or written in the cell."""
    text = b"a" * characters
    if shared:
        sheet = HEADER + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
        return workbook(sheet, shared_strings=b"<si><t>" + text + b"</t></si>")
    return workbook(
        HEADER + b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    )
