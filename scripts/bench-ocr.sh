#!/usr/bin/env bash
# Pages per second of our OCR pool (engines loaded once and reused, one per core) against the
# tesseract CLI (`tesseract page.png - -l kor+eng --psm 6`, one process per page, as many at once
# as the pool has engines), on the same BENCH_PAGES (20) certificate-like pages rendered here with
# ImageMagick in Noto Sans CJK. Both sides run with OMP_THREAD_LIMIT=1 so that each page uses one
# core on either side. BENCH_ROUNDS (2) repeats the measurements and keeps the best of each. Prints
# wall-clock pages/s and pages per CPU-second for both (the CPU figure barely moves with other load
# on the machine), `cpu_ratio=` and `ratio=<ours/cli>` (wall clock) last.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

apt_install_lists scripts/apt/build scripts/apt/test

PAGES=${BENCH_PAGES:-20}
FONT=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
CONVERT=/usr/bin/convert   # /usr/local/bin/convert may be something else

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-bench-ocr.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

echo "==> rendering $PAGES pages"
names=(홍길동 김철수 이영희 박민준 최서연 정하늘 강지훈 윤서아 장도윤 임수빈)
companies=("주식회사 블루프린트" "한빛소프트 주식회사" "대한물산 주식회사" "(주)새벽기술" "미래건설 주식회사")
for i in $(seq 1 "$PAGES"); do
  name=${names[$((i % ${#names[@]}))]}
  company=${companies[$((i % ${#companies[@]}))]}
  text="재 직 증 명 서

성명: $name
생년월일: 19$((70 + i % 25)).0$((1 + i % 9)).1$((i % 9))
회사명: $company
부서: 플랫폼개발팀   직위: 선임연구원
입사일: 20$((10 + i % 14)).03.02
용도: 금융기관 제출용
Employment certificate No. 2024-$((1000 + i))
위와 같이 재직하고 있음을 증명합니다.

2024년 1월 $((1 + i % 28))일
$company 대표이사 김대표"
  "$CONVERT" -background white -fill black -font "$FONT" -pointsize 30 -bordercolor white -border 80 "label:$text" "$WORK/page-$i.png"
done

echo "==> swift build -c release --product bench-ocr"
swift build -c release --product bench-ocr >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
OMP_THREAD_LIMIT=1 "$(swift build -c release --show-bin-path)/bench-ocr" "$WORK" "$(command -v tesseract)"
