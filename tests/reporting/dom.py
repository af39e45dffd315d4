"""Read a rendered report's DOM: table cells by table id, external references, inline SVGs."""

from __future__ import annotations

from html.parser import HTMLParser


class TableCells(HTMLParser):
    """Collects every table's rows (cell texts) by table id, and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.external: list[str] = []
        self.svgs = 0
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    @classmethod
    def of(cls, dom: str) -> TableCells:
        """Parse a whole document."""
        parser = cls()
        parser.feed(dom)
        parser.close()
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "svg":
            self.svgs += 1
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def row(self, table: str, key: str) -> list[str]:
        """The first row of ``table`` that has a cell equal to ``key`` (or starting with it)."""
        for row in self.tables[table]:
            if any(cell == key or cell.startswith(key + " ") for cell in row):
                return row
        raise AssertionError(f"no row {key!r} in table {table!r}: {self.tables[table]}")

    def column(self, table: str, index: int) -> list[str]:
        """Cell ``index`` of every row of ``table`` that has one."""
        return [row[index] for row in self.tables[table] if len(row) > index]

    def text(self, table: str) -> set[str]:
        """Every cell text of ``table``."""
        return {cell for row in self.tables[table] for cell in row}
