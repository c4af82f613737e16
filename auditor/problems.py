"""The catalog of the tool's own problems, apart from findings (frictionless-style: slug, title, message template)."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.model import Problem


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: dict[str, str]
    template: dict[str, str]
    input_error: bool  # True: the run cannot vouch for this input, so the exit code is 2


CATALOG: dict[str, ProblemType] = {
    p.slug: p
    for p in (
        ProblemType("file_not_found", {"zh": "文件不存在", "en": "File not found"},
                    {"zh": "找不到文件：{path}", "en": "No such file: {path}"}, True),
        ProblemType("empty_file", {"zh": "空文件", "en": "Empty file"},
                    {"zh": "文件为空：{path}", "en": "The file is empty: {path}"}, True),
        ProblemType("binary_file", {"zh": "无法识别的二进制文件", "en": "Binary file"},
                    {"zh": "文件不是文本，也不是受支持的格式：{path}",
                     "en": "The file is neither text nor a supported format: {path}"}, True),
        ProblemType("unsupported_format", {"zh": "暂不支持的格式", "en": "Unsupported format"},
                    {"zh": "{path} 是 {format} 文件，不受支持（可读取文本、Markdown、HTML、DOCX、DOC、WPS、OFD "
                           "和有文字层的 PDF）",
                     "en": "{path} is a {format} file, which is not supported (text, Markdown, HTML, DOCX, DOC, WPS, "
                           "OFD and PDF with a text layer are)"}, True),
        ProblemType("converter_missing", {"zh": "缺少格式转换程序", "en": "Converter not installed"},
                    {"zh": "{path} 是 {format} 文件，须用 LibreOffice 转换后读取，但本机未安装 LibreOffice"
                           "（soffice）；请安装，例如 Debian/Ubuntu：apt-get install {package}",
                     "en": "{path} is a {format} file, read after conversion by LibreOffice, but LibreOffice "
                           "(soffice) is not installed; install it, e.g. on Debian/Ubuntu: apt-get install {package}"},
                    True),
        ProblemType("conversion_failed", {"zh": "格式转换失败", "en": "Conversion failed"},
                    {"zh": "{path}：LibreOffice 未能将 {format} 文件转换为 DOCX（{reason}），未作核查",
                     "en": "{path}: LibreOffice could not convert the {format} file to DOCX ({reason}); nothing was "
                           "checked"}, True),
        ProblemType("undecodable_text", {"zh": "无法解码的文本", "en": "Undecodable text"},
                    {"zh": "无法确定 {path} 的字符编码", "en": "Could not determine the encoding of {path}"}, True),
        ProblemType("no_text_layer", {"zh": "没有文字层", "en": "No text layer"},
                    {"zh": "{path} 是没有文字层的扫描件或图片，无法读取内容（需先做文字识别）",
                     "en": "{path} has no text layer (a scan or images); it needs OCR before it can be read"}, True),
        ProblemType("ocr_unavailable", {"zh": "未安装文字识别引擎", "en": "OCR engine not installed"},
                    {"zh": "{path} 是扫描件或图片，需要文字识别才能读取，但未安装识别引擎（{reason}）："
                           "请安装 pip install 'auditor[ocr]'（即 rapidocr-onnxruntime）",
                     "en": "{path} is a scan or an image and needs OCR, but the OCR engine is not installed "
                           "({reason}): install it with pip install 'auditor[ocr]' (rapidocr-onnxruntime)"}, True),
        ProblemType("scan_blank", {"zh": "扫描件中没有文字", "en": "No text in the scan"},
                    {"zh": "{path} 是扫描件或图片（{pages} 页），文字识别未读出任何文字（空白页或不是文字图片），"
                           "未作核查",
                     "en": "{path} is a scan or an image ({pages} page(s)) in which OCR read no text at all (a blank "
                           "page, or not a picture of text); nothing was checked"}, True),
        ProblemType("ocr", {"zh": "经文字识别读取", "en": "Read through OCR"},
                    {"zh": "{path} 是扫描件或图片，已用文字识别（{engine}）读取 {pages} 页；"
                           "表格中有数字的单元格 {total} 个，可信读出 {read} 个（{share}），"
                           "其余 {unsure} 个识别不确定，记为无法识别（不猜测数字），"
                           "需要它们的核查无法进行；引用的原文为识别结果",
                     "en": "{path} is a scan or an image, read through OCR ({engine}) over {pages} page(s); of {total} "
                           "table cells holding a number, {read} were read with confidence ({share}) and {unsure} were "
                           "not (unreadable, never guessed), so the checks that need them cannot be made; quotations "
                           "are of the recognised text"}, False),
        ProblemType("corrupt_file", {"zh": "文件损坏", "en": "Corrupt file"},
                    {"zh": "{path} 无法按 {format} 格式打开：{reason}",
                     "en": "{path} cannot be opened as {format}: {reason}"},
                    True),
        ProblemType("read_error", {"zh": "读取失败", "en": "Read error"},
                    {"zh": "读取 {path} 失败：{reason}", "en": "Could not read {path}: {reason}"}, True),
        ProblemType("not_a_report", {"zh": "不是年度报告", "en": "Not an annual report"},
                    {"zh": "{path} 中既没有年度报告的章节，也没有统计表",
                     "en": "{path} has neither the sections nor the tables of an annual report"}, True),
        ProblemType("blank_template", {"zh": "空白模板", "en": "Blank template"},
                    {"zh": "{path} 是未填写的年度报告模板（表格中没有任何数字，标题没有年度），不是一份报告，未作核查",
                     "en": "{path} is the blank report template (no number in any table, no year in the title), not a "
                           "report; nothing was checked"}, True),
        ProblemType("structure_not_found", {"zh": "未能识别报告结构", "en": "Report structure not recognised"},
                    {"zh": "{path}：读到标题「{title}」，但未能识别出任何章节或表格（例如整篇正文连成一行），未作核查",
                     "en": "{path}: read the title '{title}' but recognised no section and no table (for example the "
                           "whole body on one line); nothing was checked"}, True),
        ProblemType("flattened_text", {"zh": "正文连成一行", "en": "Report flattened onto one line"},
                    {"zh": "{path} 的正文在第 {line} 行连成一行（网页文本导出）：已按章节和表格行切分，"
                           "该行中的位置以引文给出；连在一起无法唯一拆分的表格数字记为无法识别",
                     "en": "{path} has its body run together on line {line} (a web text dump): it was cut at sections "
                           "and table rows, places on that line are given by the words quoted, and runs of digits "
                           "that cannot be split one way only are unreadable"}, False),
        ProblemType("traditional_script", {"zh": "繁体字文本", "en": "Traditional characters"},
                    {"zh": "{path} 以繁体字书写，已转换为简体字后核查（OpenCC）；问题中引用的原文为转换后的文字",
                     "en": "{path} is written in traditional characters and was audited converted to simplified ones "
                           "(OpenCC); quotations in the findings are of the converted text"}, False),
        ProblemType("no_tables", {"zh": "未找到表格", "en": "No tables found"},
                    {"zh": "{path} 中没有找到任何表格，表格核查均无法进行",
                     "en": "No table was found in {path}; no table check can be made"}, False),
        ProblemType("table_not_found", {"zh": "未找到表格", "en": "Table not found"},
                    {"zh": "未找到表{table}（{title}），相关核查无法进行",
                     "en": "Table {table} ({title}) was not found; its checks cannot be made"}, False),
        ProblemType("rows_missing", {"zh": "表格缺行", "en": "Table rows missing"},
                    {"zh": "表{table}缺少以下行：{rows}", "en": "Table {table} lacks these rows: {rows}"}, False),
        ProblemType("title_not_found", {"zh": "未识别标题", "en": "Title not found"},
                    {"zh": "未能识别报告标题（机关与年度）", "en": "Could not find the report title (agency and year)"},
                    False),
        ProblemType("no_pack_for_template", {"zh": "无适用规则包", "en": "No rule pack for this template"},
                    {"zh": "没有适用于 {template} 年格式（报告年度 {year}）的规则包，仅输出事实",
                     "en": "No rule pack covers the {template} template (report year {year}); facts only"}, False),
        ProblemType("pack_invalid", {"zh": "规则包无效", "en": "Invalid rule pack"},
                    {"zh": "{file} {pointer}：{reason}", "en": "{file} {pointer}: {reason}"}, True),
        ProblemType("config_invalid", {"zh": "运行配置无效", "en": "Invalid run configuration"},
                    {"zh": "{file} {pointer}：{reason}", "en": "{file} {pointer}: {reason}"}, True),
        ProblemType("engine_error", {"zh": "规则引擎错误", "en": "Rule engine error"},
                    {"zh": "规则引擎处理 {path} 时出错：{reason}", "en": "The rule engine failed on {path}: {reason}"},
                    True),
        ProblemType("internal_error", {"zh": "内部错误", "en": "Internal error"},
                    {"zh": "处理 {path} 时发生内部错误（{reason}），该文件未能核查；请将此文件报告给维护者",
                     "en": "Internal error while auditing {path} ({reason}); the file was not audited. "
                           "Please report this file to the maintainers"}, True),
        ProblemType("worker_died", {"zh": "处理进程异常退出", "en": "Worker process died"},
                    {"zh": "处理 {path} 的进程异常退出（重试一次仍然如此），该文件未能核查；请将此文件报告给维护者",
                     "en": "The process auditing {path} died (again when retried alone); the file was not audited. "
                           "Please report this file to the maintainers"}, True),
        ProblemType("file_timeout", {"zh": "处理超时", "en": "Timed out"},
                    {"zh": "处理 {path} 超过 {limit} 秒仍未完成，已中止，该文件未能核查（时限已含扫描件每页另计的"
                           "文字识别时间）；可用 --timeout 放宽时限，仍超时请报告给维护者",
                     "en": "Auditing {path} took over {limit} s and was stopped; the file was not audited (the "
                           "limit includes the OCR time a scan earns per page). Allow it more with --timeout; if it "
                           "still times out, please report it to the maintainers"}, True),
        ProblemType("audit_pending", {"zh": "尚未核查完毕", "en": "Audit not finished"},
                    {"zh": "{path} 的内容已记入历史库，但核查结果尚未记入（该次运行中途停止）；重新运行即可补全",
                     "en": "{path} was recorded in the history store, but its audit was not (the run stopped midway); "
                           "run it again to complete it"}, True),
        ProblemType("no_input_files", {"zh": "没有可核查的文件", "en": "No files to audit"},
                    {"zh": "{path} 中没有报告文件（.txt .md .html .htm .docx .doc .wps .ofd .pdf，"
                           "及扫描件 .png .jpg .tif）",
                     "en": "{path} holds no report files (.txt .md .html .htm .docx .doc .wps .ofd .pdf, and scans "
                           ".png .jpg .tif)"}, True),
        ProblemType("file_skipped", {"zh": "未核查的文件", "en": "File not audited"},
                    {"zh": "{path}：未核查（{reason}）", "en": "{path}: not audited ({reason})"}, False),
        ProblemType("published_line_unused",
                    {"zh": "发布日期清单的行未能使用", "en": "Publication list line not used"},
                    {"zh": "{path}（{where}）：{reason}", "en": "{path} ({where}): {reason}"}, False),
        ProblemType("published_overrides_sidecar",
                    {"zh": "发布日期以清单为准", "en": "Publication date from the list"},
                    {"zh": "{path}：--published 清单（{where}）给出发布日期 {date}，"
                           "与抓取时网页所载 {fetched}（{sidecar}）不同，以清单为准",
                     "en": "{path}: the --published list ({where}) gives the publication date {date}, not the "
                           "{fetched} the fetched page stated ({sidecar}); the list's is used"}, False),
        ProblemType("file_too_large", {"zh": "文件过大", "en": "File too large"},
                    {"zh": "{path} 有 {size}，超过单个文件 {limit} 的上限，未作核查",
                     "en": "{path} is {size}, over the limit of {limit} per file; nothing was checked"}, True),
        ProblemType("limit_exceeded", {"zh": "超出处理上限", "en": "Limit exceeded"},
                    {"zh": "{path}：{what}超过上限（{limit}），未作核查",
                     "en": "{path}: {what_en} is over the limit ({limit}); nothing was checked"}, True),
        ProblemType("number_too_long", {"zh": "数字过长", "en": "Number too long"},
                    {"zh": "{path} 中有 {count} 处数字超过 {limit} 位（如第 {line} 行「{sample}」），未予读取，"
                           "需要这些数字的核查无法进行",
                     "en": "{path} has {count} number(s) of more than {limit} digits (e.g. line {line}: "
                           "'{sample}'); they were not read and the checks that need them cannot be made"},
                    True),
        ProblemType("extractor_timeout", {"zh": "正文识别超时", "en": "Narrative extractor timed out"},
                    {"zh": "{path}：识别正文「{extractor}」用时超过 {limit} 秒，已中止；"
                           "正文陈述未能读全，该文件未作核查",
                     "en": "{path}: the narrative extractor '{extractor}' ran over {limit} s and was stopped; the "
                           "narrative could not be read in full, so the file was not audited"}, True),
        ProblemType("engine_disagreement", {"zh": "规则引擎结果不一致", "en": "Rule engine disagreement"},
                    {"zh": "核查 {check} 的引擎结果（{engine}）与参考计算（{reference}）不一致",
                     "en": "Check {check}: the engine said {engine}, the reference evaluator {reference}"}, True),
    )
}


def problem(slug: str, lang: str = "zh", path: str | None = None, **values: object) -> Problem:
    """Build a Problem from the catalog; an unknown slug is a programming error and raises KeyError."""
    kind = CATALOG[slug]
    message = kind.template[lang].format(path=path, **values)
    return Problem(slug=slug, title=kind.title[lang], message=message, path=path, blocking=kind.input_error)


def is_input_error(p: Problem) -> bool:
    return CATALOG[p.slug].input_error
