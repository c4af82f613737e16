"""Bounded decoding of PDF streams while the PDF reader runs: a stream that inflates to a gigabyte costs only itself.

pdfminer.six (which pdfplumber drives) decodes every stream it reads (page contents, form XObjects, fonts, CMaps,
object and cross-reference streams) in `PDFStream.decode`, with `zlib.decompress` and pure-Python LZW, RunLength and
CCITT decoders, none of them bounded: a content stream of 1 GiB of zeros, a few hundred KiB compressed, takes 2-3
GiB of memory. pdfminer has no hook for this: streams are made by its parser and decoded by their own method.

So `PDFStream.decode` is wrapped, once, on import of this module, and the wrapper changes nothing unless a
`bounded_streams()` block is active in the current context (a ContextVar: other threads, other code in the process
and pdfminer's own use outside the reader get pdfminer's behaviour unchanged). Inside the block each filter's output
is limited as it is produced: MAX_PDF_STREAM_BYTES for one stream, MAX_PDF_DECODED_BYTES for all streams of the
document (pdfminer keeps decoded streams as long as the document is open). A stream over its limit raises
`StreamLimitExceeded`; the budget remembers it, so the reader reports `limit_exceeded` even where pdfminer or
pdfplumber catch the exception on the way, and every later decode in that document fails at once.

The wrapper is pdfminer's `PDFStream.decode` (pdfminer.six 20260107, non-STRICT) with bounded filters: Flate keeps
its recovery of a stream whose checksum is damaged (output kept when the error is in the last 3 bytes, else empty)
without its byte-at-a-time loop; LZW, RunLength and CCITT stop at the limit; predictors are pdfminer's.
tests/test_hardening_ingest.py holds the wrapper to pdfminer's output on real and damaged streams.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.ccitt import CCITTFaxDecoder
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfexceptions import PDFNotImplementedError, PDFValueError
from pdfminer.pdftypes import (
    LITERAL_CRYPT,
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_CCITTFAX_DECODE,
    LITERALS_DCT_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_JBIG2_DECODE,
    LITERALS_JPX_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFStream,
    int_value,
)
from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

from auditor import limits

_CHUNK = 1 << 20  # bytes of output per zlib call
_MAX_CCITT_WIDTH = 1 << 16  # pixels per row of a fax image; pdfminer allocates a list of this many per row


class StreamLimitExceeded(Exception):
    """A stream (or the document's streams together) inflated beyond its limit; `what` names which limit."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class StreamBudget:
    """What the streams of one document may still inflate to; `exceeded` is the first limit passed, if any."""

    stream_limit: int
    left: int
    exceeded: StreamLimitExceeded | None = None

    def over(self, what: str) -> StreamLimitExceeded:
        self.exceeded = self.exceeded or StreamLimitExceeded(what)
        return self.exceeded


_BUDGET: ContextVar[StreamBudget | None] = ContextVar("auditor_pdf_stream_budget", default=None)


@contextmanager
def bounded_streams() -> Iterator[StreamBudget]:
    """Within the block, streams pdfminer decodes in this context are bounded (module docstring)."""
    budget = StreamBudget(limits.MAX_PDF_STREAM_BYTES, limits.MAX_PDF_DECODED_BYTES)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


class _Output:
    """Output of one stream's filters, counted against the stream's limit and the document's budget."""

    def __init__(self, budget: StreamBudget) -> None:
        self.budget = budget
        self.limit = min(budget.stream_limit, budget.left)

    def check(self, size: int) -> None:
        if size > self.limit:
            raise self.budget.over("stream" if size > self.budget.stream_limit else "document")

    def room(self, size: int) -> int:
        """How many more bytes may follow `size` before the limit is passed (one more: then it is known passed)."""
        return self.limit + 1 - size


def _decode(self: PDFStream) -> None:
    budget = _BUDGET.get()
    if budget is None:
        _pdfminer_decode(self)
        return
    if budget.exceeded is not None:
        raise budget.exceeded
    assert self.data is None and self.rawdata is not None
    data = self.rawdata
    if self.decipher:
        assert self.objid is not None and self.genno is not None
        data = self.decipher(self.objid, self.genno, data, self.attrs)
    output = _Output(budget)
    for f, params in self.get_filters():
        data = _filter(f, params, data, output)
        if params and "Predictor" in params:
            data = _predict(params, data, output)
        output.check(len(data))
    budget.left -= len(data)
    self.data = data
    self.rawdata = None


def _filter(f: Any, params: Any, data: bytes, output: _Output) -> bytes:
    if f in LITERALS_FLATE_DECODE:
        return _inflate(data, output)
    if f in LITERALS_LZW_DECODE:
        return _lzw(data, output)
    if f in LITERALS_ASCII85_DECODE:
        return ascii85decode(data)  # at most 4 bytes per input byte ('z'), checked by the caller
    if f in LITERALS_ASCIIHEX_DECODE:
        return asciihexdecode(data)  # smaller than its input
    if f in LITERALS_RUNLENGTH_DECODE:
        return _run_length(data, output)
    if f in LITERALS_CCITTFAX_DECODE:
        return _ccitt(data, params, output)
    if f in LITERALS_DCT_DECODE or f in LITERALS_JBIG2_DECODE or f in LITERALS_JPX_DECODE:
        return data  # images, as pdfminer leaves them
    if f == LITERAL_CRYPT:
        raise PDFNotImplementedError("/Crypt filter is unsupported")
    raise PDFNotImplementedError(f"Unsupported filter: {f!r}")


def _inflate(data: bytes, output: _Output) -> bytes:
    """pdfminer's Flate decoding, bounded: zlib.decompress, and on its error decompress_corrupted (the output so far
    when the error is in the last 3 bytes, a damaged checksum; else nothing). A truncated stream is no error to a
    decompressobj: its output so far, as decompress_corrupted gives it."""
    inflater = zlib.decompressobj()
    out = bytearray()

    def feed(chunk: bytes) -> None:
        while chunk and not inflater.eof:
            out.extend(inflater.decompress(chunk, output.room(len(out))))
            output.check(len(out))
            chunk = inflater.unconsumed_tail

    body, tail = data[:-3], data[-3:]
    try:
        feed(body)
    except zlib.error:
        return b""
    try:
        for i in range(len(tail)):
            feed(tail[i:i + 1])
    except zlib.error:
        pass  # pdfminer: "Data-loss while decompressing corrupted data"
    return bytes(out)


def _lzw(data: bytes, output: _Output) -> bytes:
    out = bytearray()
    for piece in LZWDecoder(io.BytesIO(data)).run():
        out += piece
        output.check(len(out))
    return bytes(out)


def _run_length(data: bytes, output: _Output) -> bytes:
    """pdfminer's rldecode (PDF 1.7 §7.4.5) into a bytearray, stopping at the limit: a length byte n < 128 copies
    the next n + 1 bytes, n > 128 repeats the next byte 257 - n times, 128 ends the data."""
    out = bytearray()
    i, end = 0, len(data)
    while i < end:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            literal = data[i + 1:i + 2 + length]
            if len(literal) < length + 1:
                raise PDFValueError("RunLength data cut short")  # pdfminer's rldecode: StopIteration, RuntimeError
            out += literal
            i += 2 + length
        else:
            if i + 1 >= end:
                raise PDFValueError("RunLength data cut short")
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        output.check(len(out))
    return bytes(out)


class _BoundedCCITT(CCITTFaxDecoder):
    def __init__(self, width: int, output: _Output, bytealign: bool, reversed: bool) -> None:
        super().__init__(width, bytealign=bytealign, reversed=reversed)
        self._output = output

    def output_line(self, y: int, bits: Sequence[int]) -> None:
        super().output_line(y, bits)
        self._output.check(len(self._buf))


def _ccitt(data: bytes, params: dict[str, object], output: _Output) -> bytes:
    """pdfminer's ccittfaxdecode with the image width bounded and its output counted row by row."""
    if params.get("K") != -1:
        raise PDFValueError(params.get("K"))
    width = params.get("Columns")
    if not isinstance(width, int) or not 0 < width <= _MAX_CCITT_WIDTH:
        raise PDFValueError(f"CCITT image width {width!r}")
    parser = _BoundedCCITT(width, output, bool(params.get("EncodedByteAlign")), bool(params.get("BlackIs1")))
    parser.feedbytes(data)
    return parser.close()


def _predict(params: dict[str, Any], data: bytes, output: _Output) -> bytes:
    """pdfminer's predictors. A row may not be wider than the stream's limit: pdfminer allocates a list of
    Columns entries before reading a byte, so `/Columns 10000000000` alone would exhaust memory."""
    pred = int_value(params["Predictor"])
    if pred == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    output.check(max(colors, 1) * max(columns, 1) * max(bits, 1) // 8)
    output.check(columns)
    if pred == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if pred >= 10:
        return apply_png_predictor(pred, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {pred!r}")


# The one patch, inert outside bounded_streams(). `__wrapped__` keeps pdfminer's method reachable, so importing this
# module again (importlib.reload) wraps pdfminer's method, not the wrapper.
_pdfminer_decode = getattr(PDFStream.decode, "__wrapped__", PDFStream.decode)
_decode.__wrapped__ = _pdfminer_decode  # type: ignore[attr-defined]
PDFStream.decode = _decode  # type: ignore[method-assign]
