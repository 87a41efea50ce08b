#!/bin/sh
# Renders the 様式2, 様式3 and 様式4 exports (sample records) to xlsx, PDF and PNG so a person
# can compare them with the forms at the end of the guideline:
#   scripts/render-forms.sh [OUTDIR]        (default: build/forms)
# Needs LibreOffice Calc (soffice) and poppler-utils (pdftoppm):
#   apt-get install -y libreoffice-calc poppler-utils
set -eu

cd "$(dirname "$0")/.."
out="${1:-build/forms}"
mkdir -p "$out"
rm -f "$out"/様式*
python="${PYTHON:-.venv/bin/python}"

"$python" - "$out" <<'PY'
import sys
from pathlib import Path

from cards.report import SAMPLE_REPORT
from cards.usecase import SAMPLE_CASE
from workflows import exports

out = Path(sys.argv[1])
long_text = "窓口で市民から転入手続きの必要書類を聞かれたとき、担当職員がチャットボットに質問し、回答を公式ページで確かめてから案内する。"
reports = [
    {**SAMPLE_REPORT, "outlook": "ホームページの該当ページを更新し、事業者に回答の元データの更新を依頼する。",
     "remarks": "市民の方には電話で訂正済み。"},
    {**SAMPLE_REPORT, "id": "R2026-0002", "service": "chatgpt", "category": "incident", "exchange_id": None},
]
form4 = [
    {**SAMPLE_CASE, "id": f"U2026-{n:04d}", "service": "chatbot", "form": "様式4",
     "answers": {"department": "市民課", "team": "窓口係" if n % 2 else "", "task": f"転入手続きの案内（{n}）",
                 "usage": long_text * (1 + n % 3), "frequency": "毎日", "person": "山田 太郎", "phone": f"内線{1200 + n}"}}
    for n in range(1, 13)
]
books = {
    "様式3.xlsx": exports.KINDS["reports"].workbook(reports),
    "様式2.xlsx": exports.KINDS["usecases-chatgpt"].workbook([SAMPLE_CASE]),
    "様式4.xlsx": exports.KINDS["usecases-chatbot"].workbook(form4),
}
for name, content in books.items():
    (out / name).write_bytes(content)
    print(out / name)
PY

for book in "$out"/様式*.xlsx; do
    soffice --headless --convert-to pdf --outdir "$out" "$book" >/dev/null
    pdf="${book%.xlsx}.pdf"
    pdftoppm -png -r 70 "$pdf" "${book%.xlsx}"
    echo "$pdf"
done
ls "$out"/*.png
