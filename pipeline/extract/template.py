"""The template model: blocks → contract cells.

Every reader hands over blocks; here they become one stream of tokens (a TableBlock cell or a
TextBlock line each, span copies skipped, row membership kept). Sections are found by their
headings (二 主动公开, 三 申请, 四 复议诉讼), rows by the meaning of their labels, columns by the
meaning of their headers (section 二) or by the template's fixed grid (sections 三, 四). A
row's values are the cells after its label in the same printed row, or — when the label stands
alone, as in one-cell-per-line layouts — the value cells that follow it. `align.align_row`
places them into columns and marks what the layout leaves open as uncertain.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.extract import labels
from pipeline.extract.align import align_row
from pipeline.extract.blocks import TRUNCATED, Block, TableBlock, TextBlock
from pipeline.extract.numbers import ParsedNumber, header_money_unit, parse_number, to_yuan
from pipeline.report.contract import cell_spec, cells_for_template


@dataclass
class Token:
    text: str
    locator: str
    row_id: tuple[int, int]          # (block, row): tokens of one printed row share it
    parsed: ParsedNumber = field(init=False)
    cut: str | None = None           # TRUNCATED / MIXED_ENCODING: read past where the document stops being whole
    at_end: bool = False             # one of the values the document ends on, inside its tables
    doubtful: bool = False           # the reader does not trust the layout this cell was read from
    misread: str = ""                # why the reader does not trust this one cell's text (an unsure OCR reading)

    def __post_init__(self) -> None:
        self.parsed = parse_number(self.text)

    @property
    def is_blank(self) -> bool:
        return self.parsed.blank

    @property
    def is_value(self) -> bool:
        """A cell a number can sit in: blank or readable as a number."""
        return self.parsed.blank or not self.parsed.unparsed


@dataclass
class Cell:
    table: str
    row: str
    col: str
    value: float | None
    raw: str
    flags: list[str]
    locator: str
    source_unit: str | None = None   # money cells: the unit printed in the cell or its header (元, 万元, 千元, ...)


@dataclass
class TemplateResult:
    template: str | None
    cells: list[Cell]
    found_sections: set[str]
    notes: set[str] = field(default_factory=set)   # TRUNCATED, MIXED_ENCODING: the document is not whole


_NUMBER_RUN = r"(?:\s+[+\-]?\d[\d,]*(?:\.\d+)?)+"
_LABEL_THEN_NUMBERS = re.compile(rf"^(?P<label>.*?[^\d\s,.+\-])(?P<numbers>{_NUMBER_RUN})\s*$")
_NUMBERS_ONLY = re.compile(rf"^[+\-]?\d[\d,]*(?:\.\d+)?{_NUMBER_RUN}$")


def split_merged_cells(text: str) -> list[str]:
    """Cells a reader merged into one text → the printed cells.

    A row flattened into one line or cell (`2.没有现成信息需要另行制作 3 0 0 0 0 0 3`: a table row a
    PDF reader left outside its table, a space-separated text copy) → label + value cells; several
    numbers separated by spaces (`2 0`) → one cell each. Anything else stays one cell.
    """
    stripped = unicodedata.normalize("NFKC", text).strip()
    if _NUMBERS_ONLY.match(stripped) and parse_number(stripped).unparsed:
        return stripped.split()
    match = _LABEL_THEN_NUMBERS.match(stripped)
    if not match or len(match.group("label")) > labels.MAX_LABEL_LENGTH or parse_number(stripped).is_number:
        return [text]
    return [match.group("label").strip(), *match.group("numbers").split()]


def tokens_from_blocks(blocks: list[Block]) -> list[Token]:
    """Blocks in reading order → tokens; span copies (anchor elsewhere) are not printed cells."""
    tokens: list[Token] = []
    for b, block in enumerate(blocks):
        if isinstance(block, TextBlock):
            tokens.extend(Token(text, block.locator, (b, 0), cut=block.cut, doubtful=bool(block.doubt))
                          for text in split_merged_cells(block.text))
            continue
        if not isinstance(block, TableBlock):
            continue
        numbered = _row_number_columns(block)
        for r, row in enumerate(block.cells):
            for c, text in enumerate(row):
                anchor = block.anchors[r][c] if r < len(block.anchors) and c < len(block.anchors[r]) else (r, c)
                if tuple(anchor) != (r, c):
                    continue
                if c in numbered and r > numbered[c] and _is_row_number(text):
                    continue   # the 序号 column numbers the rows; its digits are no cell of the form
                where = f"{block.locator}, row {r + 1}, col {c + 1}" if block.locator else f"row {r + 1}, col {c + 1}"
                cut = block.cut if block.cut and r >= block.cut_row else None
                tokens.extend(Token(part, where, (b, r), cut=cut, doubtful=bool(block.doubt),
                                    misread=block.doubts.get((r, c), ""))
                              for part in split_merged_cells(text or ""))
    return tokens


_ROW_NUMBER_HEADERS = {"序号", "编号", "行次", "序"}


def _is_row_number(text: str | None) -> bool:
    if not text or len(text) > 8:
        return False
    return bool(re.fullmatch(r"\d{1,3}", labels.normalize(text or "").rstrip("、.．")))


def _row_number_columns(block: TableBlock) -> dict[int, int]:
    """Column → the row of its 序号 header, for the columns of a table that number its rows."""
    found: dict[int, int] = {}
    for r, row in enumerate(block.cells):
        for c, text in enumerate(row):
            if c not in found and labels.normalize(text or "") in _ROW_NUMBER_HEADERS:
                found[c] = r
    return found


def _is_row_label(text: str) -> bool:
    """A cell that opens a row of one of the template's tables (its label or group label)."""
    if labels.active_row(text) or labels.application_group(text) or labels.is_review_header(text):
        return True
    return any(labels.application_row(text, template=t, group=None) for t in ("2019", "2021"))


def _label_key(text: str) -> object:
    """The row a label names, in either template (None when it names none)."""
    if len(text) > labels.MAX_LABEL_LENGTH:
        return None
    return (labels.active_row(text) or labels.application_row(text, template="2019", group=None)
            or labels.application_row(text, template="2021", group=None))


def join_wrapped_labels(tokens: list[Token]) -> list[Token]:
    """A label wrapped over lines, as text copied from a PDF gives it (`一、本年新收政府信息公` /
    `开申请数量`), is one label: lines that are not values are joined while the joined text names a
    row and each further line, alone, names none (so two labels in a row are never merged)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        j, best = i + 1, None
        text = token.text.strip()
        while (j < len(tokens) and j - i <= 4 and _alone(tokens, i) and _alone(tokens, j)
               and not token.is_value and not tokens[j].is_value and _label_key(tokens[j].text) is None
               and not labels.application_group(tokens[j].text) and not labels.is_review_header(tokens[j].text)
               and not labels.section_heading(tokens[j].text) and not labels.article_marker(tokens[j].text)):
            text += tokens[j].text.strip()
            key = _label_key(text)
            if key is not None and _label_key(token.text) in (None, key):
                best = (j, text)
            j += 1
        if best is None:
            out.append(token)
            i += 1
            continue
        joined = Token(best[1], token.locator, token.row_id, cut=token.cut,
                       doubtful=any(t.doubtful for t in tokens[i:best[0] + 1]))
        out.append(joined)
        i = best[0] + 1
    return out


def _alone(tokens: list[Token], k: int) -> bool:
    """The token is a printed line of its own, not one cell of a row of several."""
    return not _shares_row(tokens, k)


def drop_row_numbers(tokens: list[Token]) -> list[Token]:
    """A row-number column copied as lone cells (one cell per line): 1 规章 … 2 规范性文件 … .

    Each row's number then sits right after the previous row's last value, where it would be read
    as that row's value. Integers alone on their line that stand right before row labels and count
    1, 2, 3, … (at least three in a row) are row numbers, not cells of the form, and are dropped.
    (In a table row the last cell before the next row's label is that row's 总计, never a row number.)
    """
    candidates = [i for i in range(len(tokens) - 1)
                  if _is_row_number(tokens[i].text) and _alone(tokens, i) and tokens[i].row_id != tokens[i + 1].row_id
                  and not tokens[i + 1].is_value and _is_row_label(tokens[i + 1].text)]
    drop: set[int] = set()
    run: list[int] = []
    for i in candidates + [-1]:
        number = int(labels.normalize(tokens[i].text).rstrip("、.．")) if i >= 0 else None
        if run and number == int(labels.normalize(tokens[run[-1]].text).rstrip("、.．")) + 1:
            run.append(i)
            continue
        if len(run) >= 3:
            drop.update(run)
        run = [i] if number == 1 else []
    return [t for k, t in enumerate(tokens) if k not in drop] if drop else tokens


def find_sections(tokens: list[Token], template: str | None = None) -> dict[str, tuple[int, int]]:
    """Section → (start, end) token range, anchored on the tables' own content.

    Overview sub-headings can repeat a section's words (（一）主动公开政府信息情况), so each section
    starts at its heading nearest before its table — the first 第二十条 marker for 二, the first
    新收 row after it for 三 — and a missing heading is inferred from that content.
    """
    headings = [(i, labels.section_heading(t.text)) for i, t in enumerate(tokens)]
    headings = [(i, s) for i, s in headings if s]

    def last_heading(section: str, before: int, after: int = -1) -> int | None:
        found = [i for i, s in headings if s == section and after < i <= before]
        return found[-1] if found else None

    def first_heading(section: str, after: int) -> int | None:
        return next((i for i, s in headings if s == section and i > after), None)

    starts: dict[str, int] = {}
    marker = next((i for i, t in enumerate(tokens) if labels.article_marker(t.text)), None)
    if marker is not None:
        starts["二"] = last_heading("二", marker) if last_heading("二", marker) is not None else marker
    elif first_heading("二", -1) is not None:
        starts["二"] = first_heading("二", -1)
    after_active = starts.get("二", -1)
    new_received = next((i for i in range(after_active + 1, len(tokens))
                         if labels.application_row(tokens[i].text, template=template or "2019", group=None) == "new_received"), None)
    if new_received is not None:
        heading = last_heading("三", new_received, after_active)
        starts["三"] = heading if heading is not None else new_received
    elif first_heading("三", after_active) is not None:
        starts["三"] = first_heading("三", after_active)
    review = first_heading("四", starts.get("三", after_active))
    if review is None:   # no heading: the review table's own 行政复议 header cell opens the section
        review = next((i for i in range(starts.get("三", after_active) + 1, len(tokens))
                       if labels.normalize(tokens[i].text) == "行政复议"), None)
    if review is not None:
        starts["四"] = review
    closing = first_heading("五", max(starts.values(), default=-1))
    ordered = sorted(starts.items(), key=lambda item: item[1])
    ranges = {}
    for k, (section, start) in enumerate(ordered):
        end = ordered[k + 1][1] if k + 1 < len(ordered) else (closing if closing is not None else len(tokens))
        ranges[section] = (start, end)
    return ranges


_TEMPLATE_2019_WORDS = ("制作数量", "新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "采购项目数量", "采购总金额")
_TEMPLATE_2021_WORDS = ("制发件数", "废止件数", "现行有效件", "本年处理决定数量", "收费金额", "逾期不补正", "收费通知")


def detect_template(tokens: list[Token], year: int | None) -> str | None:
    """2019 or 2021 by the columns the tables print; the report year only breaks a tie."""
    text = "\n".join(labels.normalize(t.text) for t in tokens if len(t.text) <= 80)
    score_2019 = sum(text.count(word) for word in _TEMPLATE_2019_WORDS)
    score_2021 = sum(text.count(word) for word in _TEMPLATE_2021_WORDS)
    if score_2019 > score_2021:
        return "2019"
    if score_2021 > score_2019:
        return "2021"
    if year is not None:
        return "2021" if year >= 2021 else "2019"
    return None


def _row_values(tokens: list[Token], label_index: int, end: int) -> list[Token]:
    """The cells after a label: the rest of its printed row, or the value cells that follow a lone label."""
    label = tokens[label_index]
    same_row = []
    i = label_index + 1
    while i < end and tokens[i].row_id == label.row_id:
        same_row.append(tokens[i])
        i += 1
    while same_row and not same_row[-1].is_value:    # a remark column after the numbers
        same_row.pop()
    while same_row and not same_row[0].is_value:     # a unit or note cell before them
        same_row.pop(0)
    if same_row and all(t.is_blank for t in same_row):
        following = _next_row(tokens, i, end)
        if following and all(t.is_value for t in following) and any(not t.is_blank for t in following):
            return following   # a wrapped label: its numbers sit on the row below its first line
    if same_row:
        return same_row
    values = []
    while i < end and tokens[i].is_value:
        values.append(tokens[i])
        i += 1
    return values


def _next_row(tokens: list[Token], start: int, end: int) -> list[Token]:
    """The tokens of the printed row that begins at `start` (within a table; a text line is a row)."""
    row = []
    i = start
    while i < end and (not row or tokens[i].row_id == row[0].row_id):
        row.append(tokens[i])
        i += 1
    return row


def _emit_row(
    cells: list[Cell], template: str, keys: list[tuple[str, str, str]], values: list[Token],
    *, header_unknown: bool = False, header_units: dict[str, str | None] | None = None, proof=None,
    label: Token | None = None,
) -> None:
    """Place a row's printed cells under `keys` (table, row, col) and record them with their flags.

    A printed value is uncertain when its own column is unsettled, when any column of the same
    contract row is (the row's alignment is then unproven), when the header does not prove the
    column order and the row's values differ. Every cell of a contract row read past a cut (see
    `_cut_rows`), blank ones included, is uncertain and carries the cut's reason as a flag. Every
    cell of a row whose label or values come from a layout the reader doubts is uncertain, blanks
    included (a value lost to that layout reads as blank). A cell whose own reading the reader
    doubts (an unsure OCR reading) is uncertain and flagged `low_confidence`.
    """
    placement = align_row(values, len(keys), is_blank=lambda t: t is None or t.is_blank,
                          value_of=_cell_identity, proof=proof)
    printed = [t for t in placement.cells if t is not None and not t.is_blank]
    order_unsettled = header_unknown and len({t.parsed.value for t in printed}) > 1
    unsettled_rows = {(table, row) for (table, row, _), uncertain in zip(keys, placement.uncertain) if uncertain}
    doubtful = any(t is not None and t.doubtful for t in [label, *values])
    cut_rows = _cut_rows(keys, values, placement.cells)
    for (table, row, col), token, uncertain in zip(keys, placement.cells, placement.uncertain):
        spec = cell_spec(template, table, row, col)
        if spec is None:
            continue
        parsed = token.parsed if token is not None else parse_number(None)
        value, flags, source_unit = parsed.value, list(parsed.flags), None
        if spec.unit == "yuan":
            header_unit = (header_units or {}).get(col)
            value, yuan_flags = to_yuan(parsed, header_unit)
            flags = list(yuan_flags)
            source_unit = parsed.unit or header_unit
        printed_here = token is not None and not token.is_blank
        cut = cut_rows.get((table, row))
        if cut and cut not in flags:
            flags.append(cut)
        if doubtful:
            flags.append("implausible_layout")
        if token is not None and token.misread:
            flags.append("low_confidence")
        row_unsettled = (table, row) in unsettled_rows or order_unsettled
        misread = token is not None and bool(token.misread)
        if (uncertain or cut or doubtful or misread or (row_unsettled and printed_here)) and "uncertain" not in flags:
            flags.append("uncertain")
        cells.append(Cell(table, row, col, value, token.text if token is not None else "", flags,
                          token.locator if token is not None else (values[0].locator if values else ""),
                          source_unit if printed_here else None))


def _cut_rows(keys: list[tuple[str, str, str]], values: list[Token],
              placed: list[Token | None]) -> dict[tuple[str, str], str]:
    """Contract rows (table, row) read past a cut → its reason: a row holding a value read past it,
    and every row of a reading the document ends in before it filled the row (its missing cells
    are cut off, not blank). A cut value the placement dropped leaves the whole reading unproven."""
    rows: dict[tuple[str, str], str] = {}
    for (table, row, _), token in zip(keys, placed):
        if token is not None and token.cut:
            rows.setdefault((table, row), token.cut)
    placed_ids = {id(t) for t in placed if t is not None}
    dropped_cut = next((t.cut for t in values if t.cut and id(t) not in placed_ids), None)
    ends_short = any(t.at_end for t in values) and len(values) < len(keys)
    reason = dropped_cut or (TRUNCATED if ends_short else None)
    if reason:
        for table, row, _ in keys:
            rows.setdefault((table, row), reason)
    return rows


def _cell_identity(token: Token | None) -> object:
    """What makes two placements agree on a column: the same reading of the same printed text."""
    if token is None or token.is_blank:
        return None
    return (token.parsed.value, token.parsed.unit, token.text.strip() if token.parsed.unparsed else None)


def _template_columns(template: str, table: str, row: str) -> list[str]:
    return [c.col for c in cells_for_template(template) if c.table == table and c.row == row]


def _active_tables(tokens: list[Token], start: int, end: int, template: str, cells: list[Cell]) -> None:
    matches: dict[tuple[str, str], list[int]] = {}
    for i in range(start, end):
        match = labels.active_row(tokens[i].text)
        if match:
            matches.setdefault(match, []).append(i)
    for (table, row), positions in matches.items():
        columns = _template_columns(template, table, row)
        if not columns:
            continue
        i = _best_label(tokens, positions, end, len(columns))
        header, units = _active_header(tokens, start, i, table)
        proven = len(header) == len(columns) and set(header) == set(columns)
        keys = [(table, row, col) for col in (header if proven else columns)]
        _emit_row(cells, template, keys, _row_values(tokens, i, end),
                  header_unknown=not proven and len(columns) > 1, header_units=units, label=tokens[i])


def _best_label(tokens: list[Token], positions: list[int], end: int, width: int) -> int:
    """Of several cells naming one row (a narrative line can start with 行政许可 or 本年新收 too),
    the first followed by a full row of cells with printed values, else the first with printed
    values, else the first followed by any cells."""
    rows = {i: _row_values(tokens, i, end) for i in positions}
    printed = [i for i in positions if any(not t.is_blank for t in rows[i])]
    full = [i for i in printed if len(rows[i]) >= width]
    with_cells = [i for i in positions if rows[i]]
    return (full or printed or with_cells or positions)[0]


def _active_header(tokens: list[Token], start: int, label_index: int, table: str) -> tuple[list[str], dict[str, str | None]]:
    """Column keys printed above a section 二 row, in printed order, read back to the table's marker."""
    found: list[str] = []
    units: dict[str, str | None] = {}
    rows: set[tuple[int, int]] = set()
    in_a_row = False
    for k in range(label_index - 1, start - 1, -1):
        text = tokens[k].text
        if labels.article_marker(text):
            break
        other_row = labels.active_row(text)
        if other_row:
            if other_row[0] != table:
                break
            continue
        col = labels.active_column(table, text)
        if col:
            rows.add(tokens[k].row_id)
            in_a_row = in_a_row or _shares_row(tokens, k)
        if col and (not found or found[-1] != col):
            found.append(col)
            units.setdefault(col, header_money_unit(text))
    found.reverse()
    deduped: list[str] = []
    for col in found:
        if col not in deduped:
            deduped.append(col)
    if len(rows) > 1 and in_a_row:
        # header cells of one table row plus a piece printed on another line (a wrapped cell's
        # first line above its row, as PDF text copies give it): their order is not the columns'
        return [], units
    return deduped, units


def _shares_row(tokens: list[Token], k: int) -> bool:
    """The token is one cell of a printed row of several cells (not a line of its own)."""
    return any(0 <= j < len(tokens) and tokens[j].row_id == tokens[k].row_id for j in (k - 1, k + 1))


def _applications(tokens: list[Token], start: int, end: int, template: str, cells: list[Cell]) -> None:
    first = next((i for i in range(start, end)
                  if labels.application_row(tokens[i].text, template=template, group=None) == "new_received"), None)
    if first is None:
        return
    group: str | None = None
    matches: dict[str, list[int]] = {}
    for i in range(first, end):
        if tokens[i].is_value:
            continue
        text = tokens[i].text
        row = labels.application_row(text, template=template, group=group)
        # a group label merged with its first sub-row (（六）其他处理 1.申请人… in one cell) opens the group too
        group = labels.application_group(text) or group
        if row is None:
            continue
        matches.setdefault(row, []).append(i)
    for row, positions in matches.items():
        label = _best_label(tokens, positions, end, len(labels.APPLICANT_COLUMNS))
        keys = [("applications", row, col) for col in labels.APPLICANT_COLUMNS]
        _emit_row(cells, template, keys, _row_values(tokens, label, end), proof=_row_total_proof, label=tokens[label])


def _row_total_proof(values: list[object]) -> bool | None:
    numbers = [v[0] if isinstance(v, tuple) else None for v in values]
    if numbers[-1] is None:
        return None
    return abs(sum(n or 0 for n in numbers[:-1]) - numbers[-1]) < 1e-6


def _review_proof(values: list[object]) -> bool | None:
    verdicts = [_row_total_proof(values[k:k + 5]) for k in range(0, 15, 5)]
    if any(v is None for v in verdicts):
        return None
    return all(verdicts)


def _review(tokens: list[Token], start: int, end: int, template: str, cells: list[Cell]) -> int:
    """The 15 numbers of the 复议/诉讼 table: the longest run of value cells after one of its header
    cells (a short 行政复议 in a later sentence must not pull the reading past the table)."""
    best: list[Token] = []
    for h in range(start + 1, end):
        if tokens[h].is_value or not labels.is_review_header(tokens[h].text):
            continue
        i, skipped = h + 1, 0
        while i < end and not tokens[i].is_value and skipped < 2:   # a leading 数量/件数 label cell
            i, skipped = i + 1, skipped + 1
        run = []
        while i < end and tokens[i].is_value:
            run.append(tokens[i])
            i += 1
        if any(not t.is_blank for t in run) and len(run) >= len(best):
            best = run
    numbered = any(labels.normalize(t.text) in _ROW_NUMBER_HEADERS for t in tokens[start:end])
    if numbered and len(best) == 16 and _is_row_number(best[0].text):
        best = best[1:]   # a 序号 column heads the table: the data row opens with its row number
    if best:
        keys = [("review_litigation", row, col) for row in labels.REVIEW_ROWS for col in labels.REVIEW_COLUMNS]
        _emit_row(cells, template, keys, best, proof=_review_proof)
    return len(best)


REVIEW_CELLS = len(labels.REVIEW_ROWS) * len(labels.REVIEW_COLUMNS)


def extract_cells(blocks: list[Block], *, year: int | None = None, ends_mid_cell: bool = False) -> TemplateResult:
    """Find the template's tables in the blocks and read every printed cell under its contract key.

    `ends_mid_cell`: the source stops right after the last character (a stored copy cut off), so
    a number printed last may have lost digits and its row is flagged uncertain. Whatever the
    format, a document whose text ends inside its table sections (no closing section after them,
    the 复议/诉讼 table not read in full) is noted TRUNCATED, and the row it ends in is uncertain
    unless its values fill it.
    """
    tokens = join_wrapped_labels(drop_row_numbers(tokens_from_blocks(blocks)))
    if ends_mid_cell and tokens and tokens[-1].parsed.is_number:
        tokens[-1].cut = TRUNCATED
    sections = find_sections(tokens)
    template = detect_template(tokens[sections["二"][0]:] if "二" in sections else tokens, year)
    sections = find_sections(tokens, template)
    cells: list[Cell] = []
    notes = {b.cut for b in blocks if b.cut} | {t.cut for t in tokens if t.cut}
    if template is None:
        return TemplateResult(None, cells, set(sections), notes)
    open_at_end = bool(sections) and max(end for _, end in sections.values()) == len(tokens)
    if open_at_end:
        for token in reversed(tokens):
            if not token.is_value:
                break
            token.at_end = True
    if "二" in sections:
        _active_tables(tokens, *sections["二"], template, cells)
    if "三" in sections:
        _applications(tokens, *sections["三"], template, cells)
    review_read = _review(tokens, *sections["四"], template, cells) if "四" in sections else 0
    if open_at_end and review_read < REVIEW_CELLS:
        notes.add(TRUNCATED)
    return TemplateResult(template, cells, set(sections), notes)

